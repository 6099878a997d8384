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

#include "bridge/equality.h"

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

  auto Fields() const { return std::tie(kind, text, target, marks); }
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

  auto Fields() const { return std::tie(kind, inlines, verbatim, cells, level, header); }
};

struct RichText {
  std::vector<Block> blocks;

  bool empty() const { return blocks.empty(); }
  auto Fields() const { return std::tie(blocks); }
};

// Builders, for the core and for tests.
Inline Text(std::string text, unsigned marks = kNoMark);
Inline Link(std::string url, std::string label);
Inline UserMention(std::string id, std::string name = "");
Inline LineBreak();
Block Paragraph(std::vector<Inline> inlines);
Block Rule();
// The deepest list nesting kept: both markups let a line ask for any depth
// ("****…* x", or an item indented by 10,000 spaces), and each level costs
// every renderer an indent or a marker. Deeper items stay at this level.
inline constexpr int kMaxListLevel = 8;
// A block of any kind holding `inlines` (a heading, a quote, a list item…);
// a list item's level is kept within 1..kMaxListLevel.
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

}  // namespace bridge
