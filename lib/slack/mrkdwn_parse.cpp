// Slack mrkdwn → bridge::RichText: ParseMrkdwn of mrkdwn.h.
#include <iterator>
#include <utility>

#include "bridge/markup_support.h"
#include "bridge/rich_text.h"
#include "slack/mrkdwn.h"
#include "util/strings.h"

namespace slack {
namespace {

using bridge::Block;
using bridge::Inline;
using bridge::WithInlines;
using bridge::markup::NextMatch;

constexpr size_t kNpos = std::string_view::npos;
constexpr std::string_view kFence = "```";

bool At(std::string_view text, size_t i, std::string_view prefix) {
  return i <= text.size() && text.compare(i, prefix.size(), prefix) == 0;
}

// The entity at `i` (Slack escapes exactly & < >) decoded into `decoded`, and
// its length; 0 when there is none.
size_t Entity(std::string_view text, size_t i, char& decoded) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}};
  for (const auto& [entity, c] : kEntities) {
    if (At(text, i, entity)) {
      decoded = c;
      return entity.size();
    }
  }
  return 0;
}

std::string DecodeEntities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    char decoded = 0;
    size_t length = Entity(text, i, decoded);
    out += length > 0 ? decoded : text[i];
    i += length > 0 ? length : 1;
  }
  return out;
}

// The inside of a <…> token: a user, a channel, a broadcast, a date or a link.
Inline Token(std::string_view token) {
  size_t bar = token.find('|');
  std::string target_decoded = DecodeEntities(token.substr(0, bar));
  std::string_view target = target_decoded;
  std::string label = bar == kNpos ? std::string() : DecodeEntities(token.substr(bar + 1));
  char kind = target.empty() ? '\0' : target[0];
  Inline span;
  if (kind == '@') {
    return bridge::UserMention(std::string(target.substr(1)), label);
  }
  if (kind == '#') {
    span.kind = Inline::Kind::kChannel;
    span.target = std::string(target.substr(1));
    span.text = label;
  } else if (kind == '!') {
    if (util::StartsWith(target, "!date^")) return bridge::Text(label);
    span.kind = Inline::Kind::kBroadcast;
    span.target = std::string(target.substr(1));
    bool group = util::StartsWith(target, "!subteam^");
    span.text = group ? (label.empty() ? "team" : label) : std::string(target.substr(1));
    if (group && util::StartsWith(span.text, "@")) span.text.erase(0, 1);
  } else {
    span = bridge::Link(std::string(target), util::Trim(label));
  }
  return span;
}

// Text shown as it reads, for code where nothing is converted: entities
// decoded, tokens as their plain text, except mentions, which stay mentions
// so that names can be given to them. Linear even with thousands of '<'.
void ReadAsText(std::string_view text, unsigned marks, bridge::markup::InlineCollector& out) {
  NextMatch close_angle = bridge::markup::Needle(text, ">");
  for (size_t i = 0; i < text.size();) {
    size_t close = text[i] == '<' ? close_angle.From(i + 1) : kNpos;
    char decoded = 0;
    size_t entity = Entity(text, i, decoded);
    if (close != kNpos) {
      Inline token = close > i + 1 ? Token(text.substr(i + 1, close - i - 1)) : bridge::Text("");
      if (token.kind != Inline::Kind::kUserMention) token = bridge::Text(bridge::ToPlainString({{bridge::Paragraph({token})}}));
      out.Add(std::move(token), marks);
      i = close + 1;
    } else {
      out.Char(entity > 0 ? decoded : text[i], marks);
      i += entity > 0 ? entity : 1;
    }
  }
}

// One line (or the text of a bullet or a quote) as inlines.
class InlineParser {
 public:
  explicit InlineParser(std::string_view text)
      : text_(text),
        close_angle_(bridge::markup::Needle(text, ">")),
        close_tick_(bridge::markup::Needle(text, "`")),
        closers_{bridge::markup::Closer(text, "*"), bridge::markup::Closer(text, "_"),
                 bridge::markup::Closer(text, "~")} {}

  std::vector<Inline> Parse() {
    Run(0, text_.size(), bridge::kNoMark);
    return out_.Take();
  }

 private:
  static constexpr char kMarkers[] = "*_~";
  static constexpr bridge::Mark kMarks[] = {bridge::kBold, bridge::kItalic, bridge::kStrike};

  void Run(size_t begin, size_t end, unsigned marks) {
    size_t i = begin;
    while (i < end) {
      char c = text_[i];
      size_t marker = c == '\0' ? kNpos : std::string_view(kMarkers).find(c);
      char decoded = 0;
      size_t entity = c == '&' ? Entity(text_, i, decoded) : 0;
      if (c == '<' && Closes(close_angle_, i, end)) {
        out_.Add(Token(text_.substr(i + 1, close_angle_.From(i + 1) - i - 1)), marks);
        i = close_angle_.From(i + 1) + 1;
      } else if (entity > 0) {
        out_.Char(decoded, marks);
        i += entity;
      } else if (c == '`' && Closes(close_tick_, i, end)) {
        size_t close = close_tick_.From(i + 1);
        ReadAsText(text_.substr(i + 1, close - i - 1), marks | bridge::kCode, out_);
        i = close + 1;
      } else if (marker != kNpos && bridge::markup::CanOpen(text_, i) && Closes(closers_[marker], i, end)) {
        size_t close = closers_[marker].From(i + 1);
        Run(i + 1, close, marks | kMarks[marker]);
        i = close + 1;
      } else {
        out_.Char(c, marks);
        ++i;
      }
    }
  }

  // True when `finder` has a match after `i` and before `end`, with
  // something between.
  static bool Closes(NextMatch& finder, size_t i, size_t end) {
    size_t close = finder.From(i + 1);
    return close != kNpos && close < end && close > i + 1;
  }

  std::string_view text_;
  NextMatch close_angle_;
  NextMatch close_tick_;
  NextMatch closers_[3];
  bridge::markup::InlineCollector out_;
};

std::vector<Inline> Inlines(std::string_view text) { return InlineParser(text).Parse(); }

// Slack's list bullets as its clients put them into a message's text.
constexpr std::string_view kBullets[] = {"\xE2\x80\xA2 ", "\xE2\x97\xA6 ", "\xE2\x96\xAA ", "- "};  // • ◦ ▪ -

// A line of the message: a quote, a bullet or a paragraph; text only where
// it continues a line after a code block.
Block ParseLine(std::string_view line, bool line_start) {
  if (!line_start) return WithInlines(Block::Kind::kParagraph, Inlines(line));
  size_t indent = 0;
  size_t k = 0;
  while (k < line.size() && (line[k] == ' ' || line[k] == '\t')) {
    indent += line[k] == '\t' ? 4 : 1;
    ++k;
  }
  std::string_view rest = line.substr(k);
  // Slack delivers a typed "> " as "&gt; ".
  size_t quote = At(rest, 0, "&gt;") ? 4 : At(rest, 0, ">") ? 1 : 0;
  if (quote > 0) {
    std::string_view quoted = rest.substr(quote);
    if (At(quoted, 0, " ")) quoted.remove_prefix(1);
    return WithInlines(Block::Kind::kQuote, Inlines(quoted));
  }
  for (size_t b = 0; b < std::size(kBullets); ++b) {
    if (!At(rest, 0, kBullets[b])) continue;
    // Nested items are indented by four spaces per level; a ◦ or ▪ bullet
    // is at least the second or third level even without the indent.
    size_t depth = std::max(1 + indent / 4, b == 1 ? size_t{2} : b == 2 ? size_t{3} : size_t{1});
    return WithInlines(Block::Kind::kBulletItem, Inlines(util::TrimView(rest.substr(kBullets[b].size()))),
                       static_cast<int>(depth));
  }
  return WithInlines(Block::Kind::kParagraph, Inlines(line));
}

}  // namespace

bridge::RichText ParseMrkdwn(std::string_view mrkdwn) {
  std::string normalized = bridge::markup::NormalizeNewlines(mrkdwn);
  std::string_view text(normalized);
  bridge::markup::LineAssembler lines;
  NextMatch fence = bridge::markup::Needle(text, kFence);
  size_t markup_start = 0;
  bool at_line_start = true;
  for (size_t open = fence.From(0); open != kNpos;) {
    size_t close = fence.From(open + kFence.size());
    if (close == kNpos) break;  // an unpaired ``` is text
    lines.AddLines(text.substr(markup_start, open - markup_start), at_line_start, ParseLine);
    // Nothing is converted inside a block.
    Block code;
    code.kind = Block::Kind::kCode;
    bridge::markup::InlineCollector verbatim;
    ReadAsText(text.substr(open + kFence.size(), close - open - kFence.size()), bridge::kNoMark, verbatim);
    code.verbatim = bridge::ToPlainString({{bridge::Paragraph(verbatim.Take())}});
    lines.Add(std::move(code));
    markup_start = close + kFence.size();
    at_line_start = false;
    open = fence.From(markup_start);
  }
  if (markup_start < text.size()) lines.AddLines(text.substr(markup_start), at_line_start, ParseLine);
  return lines.Finish();
}

}  // namespace slack
