// The neutral rich text: its plain form (what pre-fills the ticket form),
// the helpers, and the model Slack's mrkdwn parser builds.
#include "bridge/rich_text.h"

#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "slack/mrkdwn.h"
#include "table.h"

using namespace bridge;

namespace {

std::string Plain(const std::string& mrkdwn, const std::map<std::string, std::string>& names = {}) {
  RichText text = slack::ParseMrkdwn(mrkdwn);
  NameMentions(text, names);
  return ToPlainString(text);
}

// The plain form of Slack text, the names known, one row per rule.
const std::string kMention =
    "export fails for <@U2> in <#C9|finance> &amp; <https://x.test/a|the report>\nsecond line <!here>";
const std::map<std::string, std::string> kAda{{"U2", "Ada Lovelace"}};

const std::vector<testing::TextRule> kPlainForms = {
    {"the plain form of a mention reads like the old humanized text",
     {{kMention, "export fails for @Ada Lovelace in #finance & the report (https://x.test/a)\nsecond line @here", kAda},
      {kMention, "export fails for @U2 in #finance & the report (https://x.test/a)\nsecond line @here"},
      {"<@UBOT> hi", "@UBOT hi", kAda}}},
    {"the plain form keeps the lines and blank lines of the message",
     {{"a\nb", "a\nb"},
      {"first paragraph\n\nsecond paragraph", "first paragraph\n\nsecond paragraph"},
      {"a\n\n\nb\n", "a\n\n\nb\n"},
      {"", ""}}},
    {"the plain form decodes entities and shows tokens as text",
     {{"R&amp;D says a &lt; b &gt; c", "R&D says a < b > c"},
      {"<https://x.test/a>", "https://x.test/a"},
      {"<@U1|ada> and <#C1> cc <!channel> <!subteam^S1|@ops>", "@ada and #C1 cc @channel @ops"}}},
    {"the plain form drops emphasis and keeps list bullets and quotes",
     {{"*urgent*: restart the _VPN_ ~now~ with `sudo`", "urgent: restart the VPN now with sudo"},
      {"\xE2\x80\xA2 one\n    \xE2\x97\xA6 nested\n&gt; quoted", "\xE2\x80\xA2 one\n    \xE2\x97\xA6 nested\n> quoted"},
      {"```\ncode *as is*\n```", "\ncode *as is*\n"}}},
};

}  // namespace

TEST_CASE("the plain form of Slack text, rule by rule", "[rich_text]") { testing::CheckTextRules(kPlainForms, Plain); }

TEST_CASE("a Slack message parses into lines of neutral blocks", "[rich_text]") {
  RichText text = slack::ParseMrkdwn("Hi *Ada* <@U1>\n\n&gt; see <https://x.test|docs>");
  REQUIRE(text.blocks.size() == 3);
  CHECK(text.blocks[0] == Paragraph({Text("Hi "), Text("Ada", kBold), Text(" "), UserMention("U1")}));
  CHECK(text.blocks[1] == Block{});
  CHECK(text.blocks[2].kind == Block::Kind::kQuote);
  CHECK(text.blocks[2].inlines == std::vector<Inline>{Text("see "), Link("https://x.test", "docs")});
  CHECK(MentionedUserIds(text) == std::vector<std::string>{"U1"});
}

TEST_CASE("rendered to Slack, a mention is never live", "[rich_text]") {
  RichText text{{Paragraph({UserMention("U1"), Text(" and "), UserMention("U2", "Bob"), Text(" <!here>")})}};
  CHECK(slack::RenderMrkdwn(text) == "@someone and @Bob &lt;!here&gt;");
}

TEST_CASE("emphasis nests when runs change marks", "[rich_text]") {
  RichText text{{Paragraph({Text("a", kBold), Text("b", kBold | kItalic), Text("c", kItalic), Text("d")})}};
  CHECK(slack::RenderMrkdwn(text) == "*a_b_*_c_d");
}

TEST_CASE("numbered items count per list and level", "[rich_text]") {
  auto item = [](Block::Kind kind, int level) {
    Block block = Paragraph({Text("x")});
    block.kind = kind;
    block.level = level;
    return block;
  };
  RichText text{{item(Block::Kind::kNumberedItem, 1), item(Block::Kind::kNumberedItem, 2),
                 item(Block::Kind::kNumberedItem, 1), Paragraph({}), item(Block::Kind::kNumberedItem, 1)}};
  CHECK(ToPlainString(text) == "1. x\n    1. x\n2. x\n\n1. x");
}

TEST_CASE("plain text, append and names", "[rich_text]") {
  RichText text = PlainText("one\n\n two \r\n");
  CHECK(text.blocks.size() == 2);
  Append(text, RichText{{Paragraph({UserMention("A1", "old")})}});
  NameMentions(text, {{"A1", "New Name"}, {"A2", "Other"}});
  CHECK(ToPlainString(text) == "one\n two \n@New Name");
}
