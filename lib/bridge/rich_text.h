// The neutral rich text that crosses the bridge: what a Slack message, a
// helpdesk comment or a ticket description says, without either side's
// markup. Slack mrkdwn is read and written in lib/slack (mrkdwn.h), Jira
// wiki markup in lib/helpdesk/jira (wiki.h); the core composes and inspects
// only this. Plain values, pure; no escaping happens here: each renderer
// escapes for its own markup, so text typed by someone never becomes markup
// on the other side.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace bridge {

// Emphasis on a run of text; combined as bits.
enum Mark : unsigned {
  kNoMark = 0,
  kBold = 1,
  kItalic = 2,
  kStrike = 4,
  kCode = 8,  // inline monospace
};

struct Inline {
  enum class Kind {
    kText,         // `text` as typed, shown as it is
    kLink,         // `target` is the URL, `text` the label ("" shows the URL)
    kUserMention,  // `target` is the person's id on the side it came from, `text` their name ("" unknown)
    kChannel,      // `target` is the channel id, `text` its name ("" unknown)
    kBroadcast,    // @here / @channel / @everyone / a user group: `text` is what it is called, shown inert
    kLineBreak,    // a hard line break inside a block
  };
  Kind kind = Kind::kText;
  std::string text;
  std::string target;
  unsigned marks = kNoMark;

  bool operator==(const Inline& other) const {
    return kind == other.kind && text == other.text && target == other.target && marks == other.marks;
  }
  bool operator!=(const Inline& other) const { return !(*this == other); }
};

// One line of a message or comment. The markups are line-based, so a block
// is a line as it is shown (a paragraph's kLineBreaks break it further), and
// blocks follow each other line by line; a kParagraph with no inlines is a
// blank line, kept where it was typed.
struct Block {
  enum class Kind {
    kParagraph,     // `inlines`; none: a blank line
    kHeading,       // `inlines`, `level` 1..6
    kQuote,         // `inlines` (a quoted list item or heading is quoted text: "• item", bold)
    kBulletItem,    // `inlines`, `level` 1.. (nesting depth)
    kNumberedItem,  // `inlines`, `level` 1..
    kCode,          // `verbatim`: shown exactly, never interpreted; stands on its own line(s)
    kRule,          // a horizontal line
    kTableRow,      // `cells`; `header` for a heading row (a single heading cell is bold)
  };
  Kind kind = Kind::kParagraph;
  std::vector<Inline> inlines;
  std::string verbatim;
  std::vector<std::vector<Inline>> cells;
  int level = 0;
  bool header = false;

  bool operator==(const Block& other) const {
    return kind == other.kind && inlines == other.inlines && verbatim == other.verbatim && cells == other.cells &&
           level == other.level && header == other.header;
  }
  bool operator!=(const Block& other) const { return !(*this == other); }
};

struct RichText {
  std::vector<Block> blocks;

  bool empty() const { return blocks.empty(); }
  bool operator==(const RichText& other) const { return blocks == other.blocks; }
  bool operator!=(const RichText& other) const { return !(*this == other); }
};

// Builders, for the core and for tests.
Inline Text(std::string text, unsigned marks = kNoMark);
Inline Link(std::string url, std::string label);
Inline UserMention(std::string id, std::string name = "");
Inline LineBreak();
Block Paragraph(std::vector<Inline> inlines);
Block Rule();
// A block of any kind holding `inlines` (a heading, a quote, a list item…).
Block WithInlines(Block::Kind kind, std::vector<Inline> inlines, int level = 0);
// `text` as paragraphs of plain text: one per line, empty lines dropped.
RichText PlainText(std::string_view text);
// Calls `visit` with each line of `text` (split at '\n', a trailing '\r'
// dropped); "" has one empty line.
void ForEachLine(std::string_view text, const std::function<void(std::string_view line)>& visit);

// Appends `more`'s blocks to `to`.
void Append(RichText& to, const RichText& more);

// The ids of the people mentioned, in order of first appearance.
std::vector<std::string> MentionedUserIds(const RichText& text);
// Gives each mention whose id is in `names` that name.
void NameMentions(RichText& text, const std::map<std::string, std::string>& names);

// The words without any markup (mentions as "@name", links as their label
// and URL), blocks separated by newlines: for logs, search, counting and
// pre-filling forms. A blank line stays a blank line; list items keep their
// bullet or number ("• ", "1. ", indented per level), quotes their "> ".
std::string ToPlainString(const RichText& text);

// ---------------------------------------------------------------------------
// For the markup adapters (lib/slack/mrkdwn, lib/helpdesk/jira/wiki): the
// pieces both sides share, so the two markups keep the same rules.
namespace markup {

// How a list item is shown as text: four spaces per level below the first,
// then "•" (first level) or "◦", or the item's `number` and ".", then a
// space. `number` comes from ListNumbering.
std::string ListItemPrefix(const Block& item, int number);

// The running numbers of numbered items: each numbered item counts on from
// the previous item of its level in the same list; a bullet at that level
// restarts it, and any block that is not a list item ends the list.
class ListNumbering {
 public:
  // The number `block` shows (0 unless a kNumberedItem); call it for the
  // blocks in order.
  int Next(const Block& block);
  void Reset() { numbers_.clear(); }

 private:
  std::vector<int> numbers_;
};

// The emphasis markers to write around runs written one after another.
struct MarkChange {
  std::vector<Mark> close;  // innermost first
  std::vector<Mark> open;   // outermost first
};
// One change before each of `inlines` and a last one after them, with
// `extra` marks on every inline (a heading is bold). Of marks opened
// together the one that lasts longer is opened first (outside); on a tie,
// kBold, kItalic, kStrike, then kCode, so code is innermost. Closing a mark
// that has others open inside it closes those too and reopens the ones still
// wanted. An empty kText changes nothing.
std::vector<MarkChange> PlanMarks(const std::vector<Inline>& inlines, unsigned extra = kNoMark);

// A markup's emphasis markers, for kBold, kItalic, kStrike and kCode.
struct Markers {
  const char* open[4];
  const char* close[4];
};
// `inlines` written with the markers PlanMarks plans around `write(k, out)`,
// which appends inline k.
std::string WriteInlines(const std::vector<Inline>& inlines, unsigned extra, const Markers& markers,
                         const std::function<void(size_t k, std::string& out)>& write);

// Builds RichText line by line, as a line-based parser reads its source:
// Add() puts a block on the current line, NewLine() ends it. A line holding
// a code block and other blocks gives each its own line, and blocks that
// show nothing are dropped from such a line; a line left with nothing is a
// blank line. Nothing added and no NewLine() gives no blocks.
class LineAssembler {
 public:
  void Add(Block block);
  void NewLine();
  // Each line of `segment` through `parse` (given the line and whether it
  // starts a line: the first one continues the current line unless
  // `at_line_start`), with NewLine() at each '\n'.
  void AddLines(std::string_view segment, bool at_line_start,
                const std::function<Block(std::string_view line, bool line_start)>& parse);
  // True when the current line shows nothing yet.
  bool LineEmpty() const;
  // True when nothing shown has been added and no line ended.
  bool Empty() const { return !any_line_ && LineEmpty(); }
  RichText Finish();

 private:
  void EndLine();

  RichText out_;
  std::vector<Block> line_;
  bool any_line_ = false;
};

// Collects a line's inlines as a parser finds them: characters typed as
// text join into one kText run per stretch of equal marks.
class InlineCollector {
 public:
  void Char(char c, unsigned marks);
  // `span` with `marks` added; a kText joins the run (an empty one is dropped).
  void Add(Inline span, unsigned marks);
  std::vector<Inline> Take();

 private:
  void Flush();

  std::vector<Inline> out_;
  std::string pending_;
  unsigned pending_marks_ = kNoMark;
};

// True when `block` shows nothing (an empty paragraph, quote or heading, a
// row without text).
bool ShowsNothing(const Block& block);

// Both markups' emphasis rule: a marker opens after a non-word character and
// before a non-space, and closes after a non-space and before a non-word
// character; a doubled marker is neither. This keeps "well-known", "5 - 3",
// "snake_case" and "2*3*4" text. Beyond either end of `text` reads as a
// space. Bytes of multi-byte UTF-8 characters count as letters.
bool IsSpace(char c);
bool IsWordChar(char c);
bool CanOpen(std::string_view text, size_t i);
bool CanClose(std::string_view text, size_t i);

// The next position at or after `from` where `match` holds. Callers scan
// forwards only, so the previous answer is reused and each byte is examined
// at most once per finder: 50 000 unclosed '{' or '*' stay linear.
class NextMatch {
 public:
  using Match = bool (*)(std::string_view text, size_t i, std::string_view arg);
  NextMatch(std::string_view text, std::string_view arg, Match match) : text_(text), arg_(arg), match_(match) {}
  size_t From(size_t from);

 private:
  std::string_view text_;
  std::string_view arg_;
  Match match_;
  bool searched_ = false;
  size_t from_ = 0;
  size_t found_ = std::string_view::npos;
};
// Finds `needle`.
NextMatch Needle(std::string_view text, std::string_view needle);
// Finds `marker` where it can close emphasis.
NextMatch Closer(std::string_view text, std::string_view marker);

// `text` with "\r\n" and lone "\r" as "\n".
std::string NormalizeNewlines(std::string_view text);

// `url` trimmed, each character in `reserved` percent-encoded: the URL
// still works and cannot end the link token early.
std::string PercentEncode(std::string_view url, std::string_view reserved);

}  // namespace markup

}  // namespace bridge
