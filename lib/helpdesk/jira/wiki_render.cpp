// bridge::RichText → Jira wiki markup: RenderWiki of wiki.h.
//
// The one escaping rule for Jira (contract behaviour 9). Outside text is
// cleaned (bridge::CleanText), then written so that neither of Jira's wiki
// readers finds markup in it: the server renderer (Data Center; its
// BackslashEscapeRendererComponent honours "\X" for X in -#*_+?^~|%{}[]()!@)
// and Cloud's wiki-to-ADF parser (editor-wikimarkup-transformer: "\X"
// for the same set; "\\" is a line break; macros and "h1."/"bq." are found
// case-insensitively, at any following character). Where neither reader
// has an escape (a line starting "h1." or "bq.", the emoticons ":P", ":D",
// a backslash typed before another one), a zero-width space (U+200B) goes
// between the characters: CleanText removes typed ones, so every U+200B in
// the output is this renderer's.
#include <algorithm>
#include <string>

#include "bridge/markup_support.h"
#include "bridge/safe_link.h"
#include "bridge/text.h"
#include "helpdesk/jira/wiki.h"
#include "util/strings.h"

namespace helpdesk::jira {
namespace {

using bridge::Block;
using bridge::Inline;

constexpr std::string_view kZeroWidthSpace = "\xE2\x80\x8B";

// What lies beyond a text run where other markup touches it: neither a
// space nor a word character, so a marker there is always escaped.
constexpr char kMarkupEdge = '\x01';

bool IsAsciiAlnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

using bridge::markup::AtNoCase;

// Jira's emoticons written with a parenthesis first: "(y)", "(x)", "(/)"…
bool OpensEmoticon(std::string_view text, size_t i) {
  static constexpr std::string_view kBodies[] = {"y)",  "n)",   "i)", "/)",  "x)",  "!)",  "+)",  "-)",    "?)",
                                                 "on)", "off)", "*)", "*r)", "*g)", "*b)", "*y)", "flag)", "flagoff)"};
  return std::any_of(std::begin(kBodies), std::end(kBodies),
                     [&](std::string_view body) { return AtNoCase(text, i + 1, body); });
}

// A text run being written: `text` is cleaned; `before` and `after` stand
// for what lies beyond its ends (' ' for a line's end, kMarkupEdge for
// other markup).
class TextWriter {
 public:
  TextWriter(std::string_view text, char before, char after) : text_(text), before_(before), after_(after) {}

  // Appends the run; `line_start`: it starts a line (or a cell, an item, a
  // heading, the inside of a marker), where Jira looks for block markup.
  void Write(bool line_start, std::string& out) const {
    size_t i = 0;
    size_t first = std::string_view::npos;
    if (line_start) {
      // Both readers skip the indentation before block markup.
      while (i < text_.size() && (text_[i] == ' ' || text_[i] == '\t')) out += text_[i++];
      first = i;
      if (AtNoCase(text_, i, "bq.") || (AtNoCase(text_, i, "h") && i + 2 < text_.size() && text_[i + 1] >= '1' &&
                                        text_[i + 1] <= '6' && text_[i + 2] == '.')) {
        out += text_[i++];
        out += kZeroWidthSpace;  // "h1." and "bq." have no escape
      }
    }
    for (; i < text_.size(); ++i) {
      char c = text_[i];
      if (c == '\n') {
        out += "\\\\";  // a line break inside a run stays inside its block
        continue;
      }
      if (Escaped(i, i == first)) out += '\\';
      out += c;
      if (NeedsSeparator(i)) out += kZeroWidthSpace;
    }
  }

 private:
  // What the reader sees before and after text_[i]; a line break inside
  // the run (written "\\") counts as markup.
  char Prev(size_t i) const {
    if (i == 0) return before_;
    return text_[i - 1] == '\n' ? kMarkupEdge : text_[i - 1];
  }
  char Next(size_t i) const {
    if (i + 1 >= text_.size()) return after_;
    return text_[i + 1] == '\n' ? kMarkupEdge : text_[i + 1];
  }

  // True when text_[i] needs a backslash: Jira could read it as markup.
  bool Escaped(size_t i, bool line_start) const {
    if (i >= text_.size()) return false;
    char c = text_[i];
    char prev = Prev(i);
    char next = Next(i);
    switch (c) {
      case '{':
      case '}':
      case '[':
      case ']':
      case '|':
        return true;  // macros, links, mentions, tables
      case '!':
        // An image opens with '!' and a non-space.
        return next != ' ';
      case '#':
        return line_start;  // a numbered list
      case '?':
        return prev == '?' || next == '?';  // ??citation??
      case '(':
        return OpensEmoticon(text_, i);
      case '*':
      case '_':
      case '-':
      case '+':
      case '^':
      case '~': {
        if (line_start) return true;  // lists, rules
        // Safe only inside an ASCII word ("well-known": neither reader
        // opens or closes there) or between two spaces ("5 - 3").
        bool inside_word = IsAsciiAlnum(prev) && IsAsciiAlnum(next);
        bool alone = prev == ' ' && next == ' ';
        return !inside_word && !alone;
      }
      default:
        return false;
    }
  }

  // True when a zero-width space must follow text_[i]: a backslash that
  // would pair with the next one ("\\" is a line break, "\\{" an open
  // brace) or end the run, and ':' or ';' before an emoticon's mouth.
  bool NeedsSeparator(size_t i) const {
    char c = text_[i];
    if (c == '\\') {
      return i + 1 >= text_.size() || text_[i + 1] == '\\' || text_[i + 1] == '\n' || Escaped(i + 1, false);
    }
    if (c == ':' || c == ';') {
      char next = i + 1 < text_.size() ? text_[i + 1] : '\0';
      return next != '\0' && std::string_view(")(PpDd").find(next) != std::string_view::npos;
    }
    return false;
  }

  std::string_view text_;
  char before_;
  char after_;
};

void AppendText(std::string_view text, bool line_start, char before, char after, std::string& out) {
  std::string clean = bridge::CleanText(text);
  TextWriter(clean, before, after).Write(line_start, out);
}

// Text on its own (a label, a link shown as text), with what the caller
// writes before and after it: by default anything, since a neighbour may
// touch it ("c!" then "x!" would open an image).
std::string EscapeWikiText(std::string_view text, char before = kMarkupEdge, char after = kMarkupEdge) {
  std::string out;
  AppendText(text, false, before, after, out);
  return out;
}

// The one way a link is written (bridge::ShapeOfLink decides its shape).
// Inside [label|url] both readers split at '|', '!' and '[' ']' whatever
// the backslashes, so a label holding one of those (or a backslash) is
// written as text before the bare link, and the URL has them
// percent-encoded.
std::string LinkWiki(std::string_view url, std::string_view label) {
  std::string target = bridge::CleanLine(url);
  std::string shown = util::Trim(bridge::CleanLine(label));
  bridge::LinkShape shape = bridge::ShapeOfLink(target, shown);
  if (shape == bridge::LinkShape::kText) return EscapeWikiText(shown.empty() ? target : shown + " (" + target + ")");
  // Braces too: Data Center reads macros before links, so a "{noformat}"
  // in a URL would open a block.
  std::string bare = "[" + bridge::markup::PercentEncode(target, "[]|!{}\\ \t") + "]";
  if (shown.empty() || shown == util::Trim(target)) return bare;
  if (shape == bridge::LinkShape::kLabelAndUrl || shown.find_first_of("[]|!\\") != std::string::npos) {
    return EscapeWikiText(shown, kMarkupEdge, ' ') + " (" + bare + ")";
  }
  return "[" + EscapeWikiText(shown) + "|" + bare.substr(1);
}

// What a mention, a channel or a broadcast shows: text, never a live
// [~account] (it would notify the account).
std::string ShownText(const Inline& span) {
  using Kind = Inline::Kind;
  switch (span.kind) {
    case Kind::kUserMention:
      return "@" + bridge::CleanLine(span.text.empty() ? span.target : span.text);
    case Kind::kChannel:
      return "#" + bridge::CleanLine(span.text.empty() ? span.target : span.text);
    case Kind::kBroadcast:
      return "@" + bridge::CleanLine(span.text);
    default:
      return span.text;
  }
}

constexpr bridge::markup::Markers kMarkers = {{"*", "_", "-", "{{"}, {"*", "_", "-", "}}"}};

// `line_start`: the inlines start a line (a paragraph, an item, a cell…).
std::string Inlines(const std::vector<Inline>& inlines, bool line_start) {
  // Code reads on its own: its ends are escaped as if between spaces.
  auto code = [&](size_t at) { return at < inlines.size() && (inlines[at].marks & bridge::kCode) != 0; };
  auto write = [&](size_t k, std::string& out) {
    const Inline& span = inlines[k];
    if (span.kind == Inline::Kind::kLink && !span.target.empty()) {
      out += LinkWiki(span.target, span.text);
      return;
    }
    if (span.kind == Inline::Kind::kLineBreak) {
      out += "\\\\";
      return;
    }
    bool last = k + 1 == inlines.size();
    char before = code(k) ? (k > 0 && code(k - 1) ? kMarkupEdge : ' ') : out.empty() ? ' ' : kMarkupEdge;
    char after = code(k)                                 ? (code(k + 1) ? kMarkupEdge : ' ')
                 : last && span.marks == bridge::kNoMark ? ' '
                                                         : kMarkupEdge;
    // Jira reads the inside of a marker ({{…}}, *…*) as it reads a line.
    bool starts =
        (line_start && out.empty()) || (k == 0 ? span.marks != bridge::kNoMark : inlines[k - 1].marks != span.marks);
    AppendText(ShownText(span), starts, before, after, out);
  };
  return bridge::markup::WriteInlines(inlines, bridge::kNoMark, kMarkers, write);
}

std::string TableRow(const Block& row) {
  std::string_view delimiter = row.header ? "||" : "|";
  std::string out;
  for (const auto& cell : row.cells) {
    out += delimiter;
    out += Inlines(cell, true);
  }
  if (!row.cells.empty()) out += delimiter;
  return out;
}

// Positions of `needle` in `text`, in any case.
std::vector<size_t> FindNoCase(std::string_view text, std::string_view needle) {
  std::vector<size_t> found;
  for (size_t i = 0; i + needle.size() <= text.size(); ++i) {
    if (text[i] == '{' && AtNoCase(text, i, needle)) found.push_back(i);
  }
  return found;
}

// A verbatim block: nothing inside is read, and nothing inside may end it.
// Both readers end {noformat} at the first "{noformat}" and {code} at the
// first "{code}" (a reader may also count a nested opener), so the block
// is a {noformat} unless it holds "{noformat" in any case, then a {code}
// unless it also holds "{code"; holding both, it is cut into {noformat}
// pieces around each "{noformat", which is written as escaped text.
// One verbatim block. Content that ends with a backslash gets a line end
// after it: a reader that honours "\{" would not see the closer.
std::string Verbatim(std::string_view macro, std::string_view content) {
  std::string out(macro);
  out += content;
  if (!content.empty() && content.back() == '\\') out += '\n';
  return out + std::string(macro);
}

std::string Code(const std::string& raw) {
  std::string verbatim = bridge::CleanText(raw);
  std::vector<size_t> noformats = FindNoCase(verbatim, "{noformat");
  if (noformats.empty()) return Verbatim("{noformat}", verbatim);
  if (FindNoCase(verbatim, "{code").empty()) return Verbatim("{code}", verbatim);
  constexpr size_t kOpener = 9;  // "{noformat"
  std::string out;
  std::string_view rest(verbatim);
  size_t from = 0;
  for (size_t at : noformats) {
    if (at > from) out += Verbatim("{noformat}", rest.substr(from, at - from)) + "\n";
    out += EscapeWikiText(rest.substr(at, kOpener)) + "\n";
    from = at + kOpener;
  }
  if (from < verbatim.size()) out += Verbatim("{noformat}", rest.substr(from));
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string BlockText(const Block& block) {
  switch (block.kind) {
    case Block::Kind::kParagraph:
      return Inlines(block.inlines, true);
    case Block::Kind::kHeading:
      return "h" + std::to_string(std::clamp(block.level, 1, 6)) + ". " + Inlines(block.inlines, true);
    case Block::Kind::kQuote: {
      std::string quoted = Inlines(block.inlines, true);
      return quoted.empty() ? quoted : "bq. " + quoted;
    }
    case Block::Kind::kBulletItem:
    case Block::Kind::kNumberedItem: {
      char marker = block.kind == Block::Kind::kBulletItem ? '*' : '#';
      return std::string(static_cast<size_t>(std::max(block.level, 1)), marker) + " " + Inlines(block.inlines, true);
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

namespace {

// The closer of the verbatim block still open at the end of `cut` (a
// prefix of RenderWiki's output), or "". RenderWiki starts every verbatim
// block on a line of its own, a block's content never holds its closer, and
// text never has a bare brace at a line start: blocks are found line start
// by line start.
std::string_view OpenBlock(const std::string& cut) {
  std::string_view open;
  for (size_t i = 0; i < cut.size();) {
    if (open.empty()) {
      for (std::string_view macro : {std::string_view("{noformat}"), std::string_view("{code}")}) {
        if (cut.compare(i, macro.size(), macro) == 0) open = macro;
      }
      if (!open.empty()) {
        i += open.size();
        continue;
      }
      size_t next = cut.find('\n', i);
      i = next == std::string::npos ? cut.size() : next + 1;
    } else {
      size_t close = cut.find(open, i);
      if (close == std::string::npos) break;
      i = close + open.size();
      open = {};
    }
  }
  return open;
}

}  // namespace

std::string TruncateWiki(const std::string& wiki, size_t max_chars) {
  if (bridge::CharCount(wiki) <= max_chars) return wiki;
  std::string cut = bridge::TruncateChars(wiki, max_chars);
  std::string_view open = OpenBlock(cut);
  if (open.empty()) return cut;
  // Room for the closer on a line of its own.
  size_t room = open.size() + 1;
  cut = bridge::TruncateChars(wiki, max_chars > room ? max_chars - room : 1);
  open = OpenBlock(cut);
  if (!open.empty()) cut += "\n" + std::string(open);
  return cut;
}

}  // namespace helpdesk::jira
