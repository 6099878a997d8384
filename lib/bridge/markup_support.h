// For the markup adapters (lib/slack/mrkdwn, lib/helpdesk/jira/wiki): the
// pieces both sides share, so the two markups keep the same rules: list
// prefixes and numbering, emphasis planning, line-by-line assembly of
// RichText, the emphasis rule and forward-only finders. Pure.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/rich_text.h"

namespace bridge::markup {

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

// `text` a line per block, each as `line(block, number)` writes it, joined
// by '\n'; `number` is what ListNumbering gives the block.
std::string JoinLines(const RichText& text, const std::function<std::string(const Block& block, int number)>& line);

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

// An ASCII letter in lower case; other bytes as they are.
char AsciiLower(char c);
// Whether `text` holds `lower_prefix` (lower case) at `i`, ASCII letters
// compared without case.
bool AtNoCase(std::string_view text, size_t i, std::string_view lower_prefix);

// `url` trimmed, each character in `reserved` percent-encoded: the URL
// still works and cannot end the link token early.
std::string PercentEncode(std::string_view url, std::string_view reserved);

}  // namespace bridge::markup
