#include "bridge/markup_support.h"

#include <algorithm>
#include <array>

namespace bridge::markup {

std::string ListItemPrefix(const Block& item, int number) {
  std::string prefix(4 * static_cast<size_t>(std::max(item.level - 1, 0)), ' ');
  if (item.kind == Block::Kind::kNumberedItem) {
    prefix += std::to_string(number) + ".";
  } else {
    prefix += item.level <= 1 ? "\xE2\x80\xA2" : "\xE2\x97\xA6";  // • and ◦
  }
  return prefix + " ";
}

int ListNumbering::Next(const Block& block) {
  bool numbered = block.kind == Block::Kind::kNumberedItem;
  if (!numbered && block.kind != Block::Kind::kBulletItem) {
    numbers_.clear();
    return 0;
  }
  size_t depth = static_cast<size_t>(std::max(block.level, 1));
  numbers_.resize(depth, 0);
  if (!numbered) {
    numbers_[depth - 1] = 0;
    return 0;
  }
  return ++numbers_[depth - 1];
}

std::string JoinLines(const RichText& text, const std::function<std::string(const Block& block, int number)>& line) {
  std::string out;
  ListNumbering numbering;
  for (size_t b = 0; b < text.blocks.size(); ++b) {
    if (b > 0) out += '\n';
    out += line(text.blocks[b], numbering.Next(text.blocks[b]));
  }
  return out;
}

std::string WriteInlines(const std::vector<Inline>& inlines, unsigned extra, const Markers& markers,
                         const std::function<void(size_t k, std::string& out)>& write) {
  constexpr Mark kOrder[] = {kBold, kItalic, kStrike, kCode};
  auto index = [&](Mark mark) { return static_cast<size_t>(std::find(kOrder, kOrder + 4, mark) - kOrder); };
  std::vector<MarkChange> plan = PlanMarks(inlines, extra);
  std::string out;
  for (size_t k = 0; k <= inlines.size(); ++k) {
    for (Mark mark : plan[k].close) out += markers.close[index(mark)];
    for (Mark mark : plan[k].open) out += markers.open[index(mark)];
    if (k < inlines.size()) write(k, out);
  }
  return out;
}

std::vector<MarkChange> PlanMarks(const std::vector<Inline>& inlines, unsigned extra) {
  constexpr Mark kOrder[] = {kBold, kItalic, kStrike, kCode};
  auto empty = [&](size_t k) { return inlines[k].kind == Inline::Kind::kText && inlines[k].text.empty(); };
  // lasts[k][m]: how many inlines from k on carry kOrder[m] without a break.
  std::vector<std::array<size_t, 4>> lasts(inlines.size() + 1, std::array<size_t, 4>{});
  for (size_t k = inlines.size(); k-- > 0;) {
    for (size_t m = 0; m < 4; ++m) {
      bool has = ((inlines[k].marks | extra) & kOrder[m]) != 0;
      lasts[k][m] = empty(k) ? lasts[k + 1][m] : has ? 1 + lasts[k + 1][m] : 0;
    }
  }
  std::vector<MarkChange> plan(inlines.size() + 1);
  std::vector<Mark> open;
  for (size_t k = 0; k <= inlines.size(); ++k) {
    if (k < inlines.size() && empty(k)) continue;
    unsigned marks = k < inlines.size() ? inlines[k].marks | extra : kNoMark;
    MarkChange& change = plan[k];
    // Everything inside the outermost mark that has to go is closed.
    size_t keep = 0;
    while (keep < open.size() && (marks & open[keep]) != 0) ++keep;
    while (open.size() > keep) {
      change.close.push_back(open.back());
      open.pop_back();
    }
    std::vector<size_t> opening;
    for (size_t m = 0; m < 4; ++m) {
      if ((marks & kOrder[m]) != 0 && std::find(open.begin(), open.end(), kOrder[m]) == open.end()) opening.push_back(m);
    }
    std::stable_sort(opening.begin(), opening.end(), [&](size_t a, size_t b) { return lasts[k][a] > lasts[k][b]; });
    for (size_t m : opening) {
      change.open.push_back(kOrder[m]);
      open.push_back(kOrder[m]);
    }
  }
  return plan;
}

bool ShowsNothing(const Block& block) {
  switch (block.kind) {
    case Block::Kind::kParagraph:
    case Block::Kind::kQuote:
    case Block::Kind::kHeading:
      return block.inlines.empty();
    case Block::Kind::kTableRow:
      return block.cells.empty() || (block.cells.size() == 1 && block.cells[0].empty());
    default:
      return false;
  }
}

void LineAssembler::Add(Block block) { line_.push_back(std::move(block)); }

void LineAssembler::NewLine() {
  EndLine();
  any_line_ = true;
}

void LineAssembler::AddLines(std::string_view segment, bool at_line_start,
                             const std::function<Block(std::string_view line, bool line_start)>& parse) {
  bool first = true;
  ForEachLine(segment, [&](std::string_view line) {
    if (!first) NewLine();
    Add(parse(line, !first || at_line_start));
    first = false;
  });
}

bool LineAssembler::LineEmpty() const { return std::all_of(line_.begin(), line_.end(), ShowsNothing); }

void LineAssembler::EndLine() {
  bool has_code = std::any_of(line_.begin(), line_.end(), [](const Block& b) { return b.kind == Block::Kind::kCode; });
  if (line_.size() > 1 || has_code) {
    line_.erase(std::remove_if(line_.begin(), line_.end(), ShowsNothing), line_.end());
  }
  if (line_.empty()) line_.push_back(Block{});
  // Without a code block a line holds one block; pieces of one line beyond
  // that (which the parsers do not produce) would each take a line.
  for (Block& block : line_) out_.blocks.push_back(std::move(block));
  line_.clear();
}

RichText LineAssembler::Finish() {
  if (any_line_ || !line_.empty()) EndLine();
  any_line_ = false;
  return std::move(out_);
}

void InlineCollector::Char(char c, unsigned marks) {
  if (marks != pending_marks_) Flush();
  pending_marks_ = marks;
  pending_ += c;
}

void InlineCollector::Add(Inline span, unsigned marks) {
  if (span.kind == Inline::Kind::kText) {
    for (char c : span.text) Char(c, span.marks | marks);
    return;
  }
  Flush();
  span.marks |= marks;
  if (span.kind != Inline::Kind::kText || !span.text.empty()) out_.push_back(std::move(span));
}

std::vector<Inline> InlineCollector::Take() {
  Flush();
  return std::move(out_);
}

void InlineCollector::Flush() {
  if (!pending_.empty()) out_.push_back(Text(std::move(pending_), pending_marks_));
  pending_.clear();
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool IsWordChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80;
}

namespace {

char At(std::string_view text, size_t i) { return i < text.size() ? text[i] : ' '; }
char Before(std::string_view text, size_t i) { return i == 0 ? ' ' : text[i - 1]; }

}  // namespace

bool CanOpen(std::string_view text, size_t i) {
  char marker = text[i];
  char prev = Before(text, i);
  char next = At(text, i + 1);
  return !IsWordChar(prev) && prev != marker && !IsSpace(next) && next != marker;
}

bool CanClose(std::string_view text, size_t i) {
  char marker = text[i];
  char prev = Before(text, i);
  char next = At(text, i + 1);
  return i > 0 && !IsSpace(prev) && prev != marker && !IsWordChar(next) && next != marker;
}

size_t NextMatch::From(size_t from) {
  constexpr size_t kNpos = std::string_view::npos;
  if (searched_ && from >= from_ && (found_ == kNpos || found_ >= from)) return found_;
  searched_ = true;
  from_ = from;
  found_ = kNpos;
  for (size_t i = from; i < text_.size(); ++i) {
    if (match_(text_, i, arg_)) {
      found_ = i;
      break;
    }
  }
  return found_;
}

NextMatch Needle(std::string_view text, std::string_view needle) {
  return NextMatch(text, needle, [](std::string_view t, size_t i, std::string_view n) { return t.compare(i, n.size(), n) == 0; });
}

NextMatch Closer(std::string_view text, std::string_view marker) {
  return NextMatch(text, marker, [](std::string_view t, size_t i, std::string_view m) { return t[i] == m[0] && CanClose(t, i); });
}

std::string NormalizeNewlines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') continue;
      out += '\n';
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string PercentEncode(std::string_view url, std::string_view reserved) {
  static const char kHex[] = "0123456789ABCDEF";
  while (!url.empty() && IsSpace(url.front())) url.remove_prefix(1);
  while (!url.empty() && IsSpace(url.back())) url.remove_suffix(1);
  std::string out;
  for (char c : url) {
    if (reserved.find(c) == std::string_view::npos) {
      out += c;
      continue;
    }
    out += '%';
    out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xF];
    out += kHex[static_cast<unsigned char>(c) & 0xF];
  }
  return out;
}

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool AtNoCase(std::string_view text, size_t i, std::string_view lower_prefix) {
  if (i > text.size() || text.size() - i < lower_prefix.size()) return false;
  for (size_t k = 0; k < lower_prefix.size(); ++k) {
    if (AsciiLower(text[i + k]) != lower_prefix[k]) return false;
  }
  return true;
}

}  // namespace bridge::markup
