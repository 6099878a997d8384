// bridge::RichText → Slack mrkdwn: RenderMrkdwn of mrkdwn.h.
#include "bridge/markup_support.h"
#include "bridge/rich_text.h"
#include "bridge/safe_link.h"
#include "bridge/text.h"
#include "slack/mrkdwn.h"
#include "util/strings.h"

namespace slack {
namespace {

using bridge::Block;
using bridge::Inline;

constexpr bridge::markup::Markers kMarkers = {{"*", "_", "~", "`"}, {"*", "_", "~", "`"}};

// Slack has no escape for its emphasis markers; & < > as entities are
// enough to keep a run from becoming a mention, a broadcast or a link.
std::string Span(const Inline& span) {
  using Kind = Inline::Kind;
  switch (span.kind) {
    case Kind::kText:
      return EscapeMrkdwn(span.text);
    case Kind::kLink:
      if (span.target.empty()) return EscapeMrkdwn(span.text);
      return LinkMrkdwn(span.target, span.text);
    case Kind::kUserMention:
      // Text, never a live <@U…>: a mention must not notify anyone.
      return span.text.empty() ? "@someone" : "@" + EscapeMrkdwnLine(span.text);
    case Kind::kChannel:
      return "#" + EscapeMrkdwnLine(span.text.empty() ? span.target : span.text);
    case Kind::kBroadcast:
      return "@" + EscapeMrkdwnLine(span.text);
    case Kind::kLineBreak:
      return "\n";
  }
  return {};
}

// `inlines` with their emphasis, `extra` marks added to every run (a
// heading or a table header is shown bold).
std::string Inlines(const std::vector<Inline>& inlines, unsigned extra = bridge::kNoMark) {
  return bridge::markup::WriteInlines(inlines, extra, kMarkers,
                                      [&](size_t k, std::string& out) { out += Span(inlines[k]); });
}

std::string Quoted(const std::string& text) {
  if (text.empty()) return text;
  // A line break inside a quote stays inside it.
  std::string out = "> ";
  for (char c : text) {
    out += c;
    if (c == '\n') out += "> ";
  }
  return out;
}

std::string TableRow(const Block& row) {
  std::string out;
  for (size_t c = 0; c < row.cells.size(); ++c) {
    if (c > 0) out += " | ";
    out += Inlines(row.cells[c], row.header ? bridge::kBold : bridge::kNoMark);
  }
  return out;
}

}  // namespace

namespace {

// The three characters Slack reads as markup, as its entities.
const char* EntityOf(char c) {
  if (c == '&') return "&amp;";
  if (c == '<') return "&lt;";
  if (c == '>') return "&gt;";
  return nullptr;
}

std::string Entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (const char* entity = EntityOf(c)) {
      out += entity;
    } else {
      out += c;
    }
  }
  return out;
}

// A bare <url>: inside the token Slack ends the URL at '|' and the token at
// '>', so those (and what would break the line) are percent-encoded.
std::string BareLink(std::string_view url) { return "<" + bridge::markup::PercentEncode(url, "<>| \t") + ">"; }

}  // namespace

std::string EscapeMrkdwn(std::string_view text) { return Entities(bridge::CleanText(text)); }

std::string EscapeMrkdwnLine(std::string_view text) { return Entities(bridge::CleanLine(text)); }

std::string LinkMrkdwn(std::string_view url, std::string_view label) {
  std::string target = bridge::CleanLine(url);
  std::string shown = bridge::CleanLine(label);
  switch (bridge::ShapeOfLink(target, shown)) {
    case bridge::LinkShape::kText:
      return EscapeMrkdwnLine(shown.empty() ? target : shown + " (" + target + ")");
    case bridge::LinkShape::kLabelAndUrl:
      return EscapeMrkdwnLine(shown) + " (" + BareLink(target) + ")";
    case bridge::LinkShape::kLink:
      break;
  }
  std::string link = BareLink(target);
  if (util::TrimView(shown).empty() || util::TrimView(shown) == util::TrimView(target)) return link;
  link.pop_back();
  return link + "|" + Entities(shown) + ">";
}

std::string RenderMrkdwn(const bridge::RichText& text) {
  return bridge::markup::JoinLines(text, [](const Block& block, int number) -> std::string {
    switch (block.kind) {
      case Block::Kind::kParagraph:
        return Inlines(block.inlines);
      case Block::Kind::kHeading:
        return Inlines(block.inlines, bridge::kBold);
      case Block::Kind::kQuote:
        return Quoted(Inlines(block.inlines));
      case Block::Kind::kBulletItem:
      case Block::Kind::kNumberedItem:
        return bridge::markup::ListItemPrefix(block, number) + Inlines(block.inlines);
      case Block::Kind::kCode:
        // Verbatim; only Slack's three reserved characters must still be
        // entities or "<b>" would vanish from the message.
        return "```" + EscapeMrkdwn(block.verbatim) + "```";
      case Block::Kind::kRule:
        return "----";
      case Block::Kind::kTableRow:
        return TableRow(block);
    }
    return {};
  });
}

}  // namespace slack
