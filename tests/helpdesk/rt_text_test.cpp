// RT's text/plain edge: what the bridge sends, the marker line of the
// bot's own correspondence, and what agents write read back.
#include "helpdesk/rt/rt_text.h"

#include <catch2/catch.hpp>

namespace helpdesk::rt {
namespace {

using Catch::Matchers::EndsWith;

TEST_CASE("rt renders rich text as inert plain text without control characters", "[rt]") {
  bridge::RichText text;
  text.blocks.push_back(bridge::Paragraph(
      {bridge::Text("Hi "), bridge::Text("<b>all</b>", bridge::kBold), bridge::Text(" \x1b[31mred\x07")}));
  text.blocks.push_back(bridge::Paragraph({bridge::Link("https://example.com", "docs")}));
  std::string plain = RenderPlain(text);
  CHECK(plain.find('\x1b') == std::string::npos);
  CHECK(plain.find('\x07') == std::string::npos);
  CHECK(plain.find("<b>all</b>") != std::string::npos);  // text/plain: shown as typed, never markup
  CHECK(plain.find("https://example.com") != std::string::npos);
}

TEST_CASE("rt cuts a huge message at a UTF-8 boundary, with a note", "[rt]") {
  std::string big;
  while (big.size() < kMaxTextBytes + 10) big += "\xC3\xA9";  // é
  std::string plain = RenderPlain(bridge::PlainText(big));
  CHECK(plain.size() <= kMaxTextBytes);
  CHECK_THAT(plain, EndsWith("(shortened: the full message is in the Slack thread)"));
  // Every é kept whole: the text before the note is whole two-byte pairs.
  CHECK(plain.substr(0, plain.find("\n(shortened")).size() % 2 == 0);
}

TEST_CASE("rt correspondence carries the marker on its last line, found and stripped when read", "[rt]") {
  std::string sent = RenderWithMarker(bridge::PlainText("Dave (via Slack): it works now"), "sd42");
  CHECK_THAT(sent, EndsWith("\n\nslackdesk reference: sd42"));
  // RT may add trailing newlines; the marker is still the last line.
  ParsedMessage parsed = ParseMessage(sent + "\n\n");
  CHECK(parsed.marker == "sd42");
  CHECK(bridge::ToPlainString(parsed.body) == "Dave (via Slack): it works now");
}

TEST_CASE("rt agent replies have no marker, and a marker not on the last line does not count", "[rt]") {
  ParsedMessage reply = ParseMessage("Thanks, fixed.\r\n\r\n-- \r\nAgnes");
  CHECK(reply.marker.empty());
  std::string text = bridge::ToPlainString(reply.body);
  CHECK(text.rfind("Thanks, fixed.\n", 0) == 0);
  CHECK_THAT(text, EndsWith("Agnes"));
  ParsedMessage quoted = ParseMessage("slackdesk reference: sd42\nI replied above");
  CHECK(quoted.marker.empty());
  CHECK(ParseMessage("").body.empty());
}

}  // namespace
}  // namespace helpdesk::rt
