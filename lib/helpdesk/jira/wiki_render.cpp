// bridge::RichText → Jira wiki markup: RenderWiki of wiki.h.
#include <algorithm>
#include <string>

#include "bridge/markup_support.h"
#include "helpdesk/jira/wiki.h"
#include "util/strings.h"

namespace helpdesk::jira {
namespace {

using bridge::Block;
using bridge::Inline;
using bridge::markup::IsSpace;
using bridge::markup::IsWordChar;

// What lies beyond a text run where other markup touches it: neither a
// space nor a word character, so a marker there is always escaped.
constexpr char kMarkupEdge = '\x01';

// Appends text[i], escaped with a backslash when Jira would read it as
// markup. `before` and `after` stand for what lies beyond the ends of
// `text`; `line_start` says text[i] starts a line, where '#' and '*' start
// lists.
void AppendLiteral(std::string_view text, size_t i, bool line_start, char before, char after, std::string& out) {
  char c = text[i];
  char prev = i == 0 ? before : text[i - 1];
  char next = i + 1 < text.size() ? text[i + 1] : after;
  bool escape = false;
  switch (c) {
    case '{':
    case '}':
    case '[':
    case ']':
    case '|':
      escape = true;
      break;
    case '!':
      // Only an opening '!' can start an image.
      escape = !IsSpace(next);
      break;
    case '#':
      escape = line_start;
      break;
    case '*':
    case '_':
    case '-':
    case '+':
    case '^':
    case '~': {
      // Safe only inside a word ("well-known") or standing alone ("5 - 3");
      // anywhere else it could open or close emphasis.
      bool inside_word = IsWordChar(prev) && IsWordChar(next);
      bool alone = IsSpace(prev) && IsSpace(next);
      escape = (!inside_word && !alone) || (line_start && c == '*');
      break;
    }
    default:
      break;
  }
  if (escape) out += '\\';
  out += c;
}

// Text on its own (a name, a label): escaped as if between spaces.
std::string EscapeWikiText(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) AppendLiteral(text, i, false, ' ', ' ', out);
  return out;
}

bool IsHeadingStart(std::string_view text) {
  bool heading = text.size() >= 3 && text[0] == 'h' && text[1] >= '1' && text[1] <= '6' && text[2] == '.';
  bool quote = util::StartsWith(text, "bq.");
  return (heading || quote) && (text.size() == 3 || text[3] == ' ');
}

// A text run. At the start of a line, after any indentation, a typed list,
// heading or quote start is escaped so that it stays text.
void AppendText(std::string_view text, bool line_start, char before, char after, std::string& out) {
  size_t i = 0;
  size_t first = std::string_view::npos;
  if (line_start) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) out += text[i++];
    first = i;
    if (IsHeadingStart(text.substr(i))) {
      out += text.substr(i, 2);
      out += "\\.";
      i += 3;
    }
  }
  for (; i < text.size(); ++i) AppendLiteral(text, i, i == first, before, after, out);
}

std::string Span(const Inline& span) {
  using Kind = Inline::Kind;
  switch (span.kind) {
    case Kind::kText:
      return EscapeWikiText(span.text);
    case Kind::kLink: {
      if (span.target.empty()) return EscapeWikiText(span.text);
      // Inside [label|url] Jira ends the URL at ']' and the label at '|'.
      std::string url = bridge::markup::PercentEncode(span.target, "[]| ");
      return span.text.empty() ? "[" + url + "]" : "[" + EscapeWikiText(span.text) + "|" + url + "]";
    }
    case Kind::kUserMention:
      return "@" + EscapeWikiText(span.text.empty() ? span.target : span.text);
    case Kind::kChannel:
      return EscapeWikiText("#" + (span.text.empty() ? span.target : span.text));
    case Kind::kBroadcast:
      return EscapeWikiText("@" + span.text);
    case Kind::kLineBreak:
      return "\\\\";
  }
  return {};
}

constexpr bridge::markup::Markers kMarkers = {{"*", "_", "-", "{{"}, {"*", "_", "-", "}}"}};

std::string Inlines(const std::vector<Inline>& inlines, bool line_start = false) {
  // Code reads on its own: its ends are escaped as if between spaces.
  auto code = [&](size_t at) { return at < inlines.size() && (inlines[at].marks & bridge::kCode) != 0; };
  auto write = [&](size_t k, std::string& out) {
    const Inline& span = inlines[k];
    if (span.kind != Inline::Kind::kText) {
      out += Span(span);
      return;
    }
    bool last = k + 1 == inlines.size();
    char before = code(k) ? (k > 0 && code(k - 1) ? kMarkupEdge : ' ') : out.empty() ? ' ' : kMarkupEdge;
    char after = code(k) ? (code(k + 1) ? kMarkupEdge : ' ') : last && span.marks == bridge::kNoMark ? ' ' : kMarkupEdge;
    AppendText(span.text, line_start && out.empty(), before, after, out);
  };
  return bridge::markup::WriteInlines(inlines, bridge::kNoMark, kMarkers, write);
}

std::string TableRow(const Block& row) {
  std::string_view delimiter = row.header ? "||" : "|";
  std::string out;
  for (const auto& cell : row.cells) {
    out += delimiter;
    out += Inlines(cell);
  }
  if (!row.cells.empty()) out += delimiter;
  return out;
}

std::string Code(const std::string& verbatim) {
  // Nothing is converted inside; a block that itself holds {noformat} would
  // end early, so it becomes {code} instead.
  bool noformat_inside =
      verbatim.find("{noformat}") != std::string::npos && verbatim.find("{code") == std::string::npos;
  std::string macro = noformat_inside ? "{code}" : "{noformat}";
  return macro + verbatim + macro;
}

std::string BlockText(const Block& block) {
  switch (block.kind) {
    case Block::Kind::kParagraph:
      return Inlines(block.inlines, true);
    case Block::Kind::kHeading:
      return "h" + std::to_string(std::clamp(block.level, 1, 6)) + ". " + Inlines(block.inlines);
    case Block::Kind::kQuote: {
      std::string quoted = Inlines(block.inlines);
      return quoted.empty() ? quoted : "bq. " + quoted;
    }
    case Block::Kind::kBulletItem:
    case Block::Kind::kNumberedItem: {
      char marker = block.kind == Block::Kind::kBulletItem ? '*' : '#';
      return std::string(static_cast<size_t>(std::max(block.level, 1)), marker) + " " + Inlines(block.inlines);
    }
    case Block::Kind::kCode:
      return Code(block.verbatim);
    case Block::Kind::kRule:
      return "----";
    case Block::Kind::kTableRow:
      return TableRow(block);
  }
  return {};
}

}  // namespace

std::string RenderWiki(const bridge::RichText& text) {
  return bridge::markup::JoinLines(text, [](const Block& block, int /*number*/) { return BlockText(block); });
}

}  // namespace helpdesk::jira
