// bridge::RichText → Slack mrkdwn: RenderMrkdwn of mrkdwn.h.
#include "bridge/markup_support.h"
#include "bridge/rich_text.h"
#include "slack/mrkdwn.h"

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
      // Inside <url|label> Slack ends the URL at '|' and the token at '>'.
      return "<" + bridge::markup::PercentEncode(span.target, "<>| ") +
             (span.text.empty() ? "" : "|" + EscapeMrkdwn(span.text)) + ">";
    case Kind::kUserMention:
      // Text, never a live <@U…>: a mention must not notify anyone.
      return span.text.empty() ? "@someone" : "@" + EscapeMrkdwn(span.text);
    case Kind::kChannel:
      return "#" + EscapeMrkdwn(span.text.empty() ? span.target : span.text);
    case Kind::kBroadcast:
      return "@" + EscapeMrkdwn(span.text);
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

std::string EscapeMrkdwn(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

std::string RenderMrkdwn(const bridge::RichText& text) {
  std::string out;
  bridge::markup::ListNumbering numbering;
  for (size_t b = 0; b < text.blocks.size(); ++b) {
    const Block& block = text.blocks[b];
    if (b > 0) out += '\n';
    int number = numbering.Next(block);
    switch (block.kind) {
      case Block::Kind::kParagraph:
        out += Inlines(block.inlines);
        break;
      case Block::Kind::kHeading:
        out += Inlines(block.inlines, bridge::kBold);
        break;
      case Block::Kind::kQuote:
        out += Quoted(Inlines(block.inlines));
        break;
      case Block::Kind::kBulletItem:
      case Block::Kind::kNumberedItem:
        out += bridge::markup::ListItemPrefix(block, number) + Inlines(block.inlines);
        break;
      case Block::Kind::kCode:
        // Verbatim; only Slack's three reserved characters must still be
        // entities or "<b>" would vanish from the message.
        out += "```" + EscapeMrkdwn(block.verbatim) + "```";
        break;
      case Block::Kind::kRule:
        out += "----";
        break;
      case Block::Kind::kTableRow:
        out += TableRow(block);
        break;
    }
  }
  return out;
}

}  // namespace slack
