// Jira wiki markup → bridge::RichText: ParseWiki of wiki.h. The blocks are
// read here, line by line; the text of each in wiki_inline.cpp.
#include <algorithm>
#include <optional>
#include <utility>

#include "bridge/markup_support.h"
#include "helpdesk/jira/wiki.h"
#include "helpdesk/jira/wiki_inline.h"
#include "util/strings.h"

namespace helpdesk::jira {
namespace {

using bridge::Block;
using bridge::Inline;
using bridge::WithInlines;
using bridge::markup::NextMatch;
using wiki_internal::ParseWikiInline;

constexpr size_t kNpos = std::string_view::npos;

bool At(std::string_view text, size_t i, std::string_view prefix) {
  return i <= text.size() && text.compare(i, prefix.size(), prefix) == 0;
}

void AddMarks(std::vector<Inline>& inlines, unsigned marks) {
  for (Inline& span : inlines) span.marks |= marks;
}

// A table row, split at | and || outside links, {{mono}} and escapes. A
// row of heading cells is a header row; a heading cell in a row of data
// cells is bold.
Block TableRow(std::string_view row, WikiEmbeds* embeds) {
  struct Cell {
    size_t begin;
    size_t end;
    bool header;
  };
  std::vector<Cell> cells;
  NextMatch close_bracket = bridge::markup::Needle(row, "]");
  NextMatch close_mono = bridge::markup::Needle(row, "}}");
  size_t cell_begin = kNpos;
  bool header = false;
  size_t i = 0;
  while (i < row.size()) {
    if (row[i] == '\\') {
      i += 2;
    } else if (row[i] == '[' && close_bracket.From(i + 1) != kNpos) {
      i = close_bracket.From(i + 1) + 1;
    } else if (At(row, i, "{{") && close_mono.From(i + 2) != kNpos) {
      i = close_mono.From(i + 2) + 2;
    } else if (row[i] == '|') {
      if (cell_begin != kNpos) cells.push_back({cell_begin, i, header});
      header = At(row, i, "||");
      i += header ? 2 : 1;
      cell_begin = i;
    } else {
      ++i;
    }
  }
  // The closing delimiter leaves an empty last cell, which is no cell.
  if (cell_begin != kNpos && cell_begin < row.size() && !util::TrimView(row.substr(cell_begin)).empty()) {
    cells.push_back({cell_begin, row.size(), header});
  }
  Block out;
  out.kind = Block::Kind::kTableRow;
  out.header = !cells.empty() && std::all_of(cells.begin(), cells.end(), [](const Cell& c) { return c.header; });
  for (const Cell& cell : cells) {
    out.cells.push_back(ParseWikiInline(util::TrimView(row.substr(cell.begin, cell.end - cell.begin)), embeds));
    if (cell.header && !out.header) AddMarks(out.cells.back(), bridge::kBold);
  }
  return out;
}

// "*", "##", "#*" or "-" followed by a space: the depth and the last marker.
std::optional<std::pair<size_t, char>> ListMarker(std::string_view line) {
  if (At(line, 0, "- ")) return std::make_pair(size_t{1}, '-');
  size_t depth = 0;
  while (depth < line.size() && (line[depth] == '*' || line[depth] == '#')) ++depth;
  if (depth == 0 || depth >= line.size() || line[depth] != ' ') return std::nullopt;
  return std::make_pair(depth, line[depth - 1]);
}

bool IsHeading(std::string_view line) {
  return line.size() >= 3 && line[0] == 'h' && line[1] >= '1' && line[1] <= '6' && line[2] == '.' &&
         (line.size() == 3 || line[3] == ' ');
}

// A line as the block it starts.
Block LineBlock(std::string_view line, WikiEmbeds* embeds) {
  if (auto list = ListMarker(line)) {
    auto [depth, marker] = *list;
    std::string_view item = line.substr(marker == '-' ? 2 : depth + 1);
    return WithInlines(marker == '#' ? Block::Kind::kNumberedItem : Block::Kind::kBulletItem,
                       ParseWikiInline(util::TrimView(item), embeds), static_cast<int>(depth));
  }
  if (IsHeading(line)) {
    return WithInlines(Block::Kind::kHeading, ParseWikiInline(util::TrimView(line.substr(3)), embeds), line[1] - '0');
  }
  if (At(line, 0, "bq.") && (line.size() == 3 || line[3] == ' ')) {
    return WithInlines(Block::Kind::kQuote, ParseWikiInline(util::TrimView(line.substr(3)), embeds));
  }
  std::string_view trimmed = util::TrimView(line);
  if (!trimmed.empty() && trimmed.front() == '|') return TableRow(trimmed, embeds);
  return WithInlines(Block::Kind::kParagraph, ParseWikiInline(line, embeds));
}

// Inside {quote} every block is quoted text: a list item keeps its bullet
// or number as text, a heading and a header row are bold.
Block Quoted(Block block, int number) {
  std::vector<Inline> inlines;
  switch (block.kind) {
    case Block::Kind::kBulletItem:
    case Block::Kind::kNumberedItem:
      inlines.push_back(bridge::Text(bridge::markup::ListItemPrefix(block, number)));
      break;
    case Block::Kind::kHeading:
      AddMarks(block.inlines, bridge::kBold);
      break;
    case Block::Kind::kTableRow:
      for (size_t c = 0; c < block.cells.size(); ++c) {
        if (c > 0) inlines.push_back(bridge::Text(" | "));
        if (block.header) AddMarks(block.cells[c], bridge::kBold);
        inlines.insert(inlines.end(), block.cells[c].begin(), block.cells[c].end());
      }
      break;
    default:
      break;
  }
  inlines.insert(inlines.end(), block.inlines.begin(), block.inlines.end());
  return WithInlines(Block::Kind::kQuote, std::move(inlines));
}

struct BlockState {
  WikiEmbeds* embeds = nullptr;
  bool in_quote = false;
  bridge::markup::ListNumbering numbering;
};

Block ParseLine(std::string_view line, bool line_start, BlockState& state) {
  // The rest of a line that a {code} block interrupted is text.
  if (!line_start) return WithInlines(Block::Kind::kParagraph, ParseWikiInline(line, state.embeds));
  Block block = LineBlock(line, state.embeds);
  int number = state.numbering.Next(block);
  return state.in_quote ? Quoted(std::move(block), number) : block;
}

// {name} or {name:parameters}; `end` receives the position after the '}'.
// Parameters are bounded and stay on the line, so a hostile "{code:{code:…"
// costs a constant per brace.
bool MacroOpen(std::string_view text, size_t i, std::string_view name, size_t& end) {
  if (!At(text, i + 1, name)) return false;
  size_t j = i + 1 + name.size();
  if (At(text, j, "}")) {
    end = j + 1;
    return true;
  }
  if (!At(text, j, ":")) return false;
  for (size_t k = j + 1; k < text.size() && k < j + 256; ++k) {
    if (text[k] == '}') {
      end = k + 1;
      return true;
    }
    if (text[k] == '\n' || text[k] == '{') return false;
  }
  return false;
}

}  // namespace

bridge::RichText ParseWiki(std::string_view wiki, WikiEmbeds* embeds) {
  std::string normalized = bridge::markup::NormalizeNewlines(wiki);
  std::string_view text(normalized);
  bridge::markup::LineAssembler lines;
  BlockState state;
  state.embeds = embeds;
  auto parse_line = [&state](std::string_view line, bool line_start) { return ParseLine(line, line_start, state); };
  NextMatch code_close = bridge::markup::Needle(text, "{code}");
  NextMatch noformat_close = bridge::markup::Needle(text, "{noformat}");
  NextMatch brace = bridge::markup::Needle(text, "{");
  size_t markup_start = 0;
  bool at_line_start = true;
  // After a {quote} macro the next text begins a new line; the break comes
  // only once there is text, so a closing {quote} at the end adds nothing.
  bool pending_break = false;
  auto flush = [&](size_t upto) {
    if (upto <= markup_start) return;
    if (pending_break) lines.NewLine();
    pending_break = false;
    lines.AddLines(text.substr(markup_start, upto - markup_start), at_line_start, parse_line);
  };
  size_t i = brace.From(0);
  while (i != kNpos) {
    // "\{code}" is escaped; in "{{code}}" the second brace is monospace.
    bool escaped = i > 0 && (text[i - 1] == '\\' || text[i - 1] == '{');
    size_t open_end = 0;
    size_t close = kNpos;
    size_t close_size = 0;
    if (!escaped && MacroOpen(text, i, "code", open_end)) {
      close = code_close.From(open_end);
      close_size = 6;
    } else if (!escaped && MacroOpen(text, i, "noformat", open_end)) {
      close = noformat_close.From(open_end);
      close_size = 10;
    }
    if (close != kNpos) {
      flush(i);
      if (pending_break) lines.NewLine();
      pending_break = false;
      Block code;
      code.kind = Block::Kind::kCode;
      code.verbatim = std::string(text.substr(open_end, close - open_end));
      lines.Add(std::move(code));
      state.numbering.Reset();
      markup_start = close + close_size;
      at_line_start = false;
      i = brace.From(markup_start);
      continue;
    }
    if (!escaped && At(text, i, "{quote}")) {
      // A macro on a line of its own takes that line, newline included.
      bool own_line = (i == 0 || text[i - 1] == '\n') && (i + 7 == text.size() || text[i + 7] == '\n');
      flush(own_line && i > 0 ? i - 1 : i);
      state.in_quote = !state.in_quote;
      state.numbering.Reset();
      if (!lines.Empty() && (own_line || !lines.LineEmpty())) pending_break = true;
      markup_start = i + 7;
      if (At(text, markup_start, "\n")) ++markup_start;
      at_line_start = true;
      i = brace.From(markup_start);
      continue;
    }
    i = brace.From(i + 1);
  }
  flush(text.size());
  return lines.Finish();
}

}  // namespace helpdesk::jira
