// Splitting for Block Kit limits: SplitForSlack of split.h.
#include "slack/split.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "bridge/markup_support.h"
#include "bridge/rich_text.h"
#include "bridge/text.h"

namespace slack {
namespace {

using bridge::markup::IsSpace;

constexpr size_t kNpos = std::string_view::npos;

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

bool StartsWith(std::string_view text, size_t at, std::string_view prefix) {
  return at <= text.size() && text.compare(at, prefix.size(), prefix) == 0;
}

// Beyond the end reads as a space.
char At(std::string_view text, size_t i) { return i < text.size() ? text[i] : ' '; }

constexpr size_t kMinFencedChunk = 16;
constexpr std::string_view kFence = "```";

// The byte position `chars` code points after `pos`, or the end.
size_t AdvanceChars(std::string_view text, size_t pos, size_t chars) {
  size_t i = pos;
  for (size_t n = 0; n < chars && i < text.size(); ++n) {
    ++i;
    while (i < text.size() && IsContinuation(text[i])) ++i;
  }
  return i;
}

std::vector<std::string> SplitByChars(std::string_view text, size_t max_chars) {
  std::vector<std::string> chunks;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = AdvanceChars(text, pos, max_chars);
    chunks.emplace_back(text.substr(pos, end - pos));
    pos = end;
  }
  return chunks;
}

// Inclusive ranges of positions, sorted and merged, so that the position just
// before a range is outside every range.
class Ranges {
 public:
  void Add(size_t first, size_t last) { ranges_.push_back({first, last}); }

  void Seal() {
    std::sort(ranges_.begin(), ranges_.end());
    std::vector<std::pair<size_t, size_t>> merged;
    for (const auto& range : ranges_) {
      if (!merged.empty() && range.first <= merged.back().second + 1) {
        merged.back().second = std::max(merged.back().second, range.second);
      } else {
        merged.push_back(range);
      }
    }
    ranges_ = std::move(merged);
  }

  // The first position of the range holding `pos`, or kNpos.
  size_t StartOf(size_t pos) const {
    auto it = std::upper_bound(ranges_.begin(), ranges_.end(), std::make_pair(pos, kNpos));
    if (it == ranges_.begin()) return kNpos;
    --it;
    return pos <= it->second ? it->first : kNpos;
  }

 private:
  std::vector<std::pair<size_t, size_t>> ranges_;
};

// Where a chunk may not end (or the next one begin). Inside a <…> token or an
// &…; entity a cut breaks Slack's parsing; it is allowed only when the token
// alone is longer than a chunk. Inside a ``` marker, or right after an
// opening one (an empty block), a cut is never allowed.
class Layout {
 public:
  explicit Layout(std::string_view text) {
    for (size_t open = text.find(kFence); open != kNpos; open = text.find(kFence, open)) {
      size_t close = text.find(kFence, open + kFence.size());
      if (close == kNpos) break;  // an unpaired ``` is text
      fences_.push_back({open, close});
      markers_.Add(open + 1, open + kFence.size());
      markers_.Add(close, close + kFence.size() - 1);
      open = close + kFence.size();
    }
    for (size_t i = 0; i < text.size();) {
      if (text[i] == '<') {
        // A token ends at the first '>' on its line; it holds no '<' and no
        // backtick, so it cannot overlap a fence marker.
        size_t j = text.find_first_of("<>\n`", i + 1);
        if (j != kNpos && text[j] == '>') {
          if (j > i + 1) tokens_.Add(i + 1, j);
          i = j + 1;
        } else {
          i = j == kNpos ? text.size() : j;
        }
      } else if (text[i] == '&') {
        for (std::string_view entity : {"&amp;", "&lt;", "&gt;"}) {
          if (StartsWith(text, i, entity)) tokens_.Add(i + 1, i + entity.size() - 1);
        }
        ++i;
      } else {
        ++i;
      }
    }
    markers_.Seal();
    tokens_.Seal();
  }

  bool Allowed(size_t pos) const { return markers_.StartOf(pos) == kNpos && tokens_.StartOf(pos) == kNpos; }

  // Where to cut when no whitespace break will do: at `limit`, moved back out
  // of a fence marker and then out of a token, unless the token starts at
  // `pos` (it is longer than a chunk and has to be cut).
  size_t HardCut(size_t pos, size_t limit) const {
    size_t cut = limit;
    if (size_t marker = markers_.StartOf(cut); marker != kNpos) cut = marker - 1;
    if (size_t token = tokens_.StartOf(cut);
        token != kNpos && token - 1 > pos && markers_.StartOf(token - 1) == kNpos) {
      cut = token - 1;
    }
    return cut > pos ? cut : limit;  // never stalls, even on a degenerate layout
  }

  // True when a chunk ending at `pos` leaves a ``` block open.
  bool InFence(size_t pos) const {
    auto it = std::upper_bound(fences_.begin(), fences_.end(), std::make_pair(pos, kNpos));
    if (it == fences_.begin()) return false;
    --it;
    return pos > it->first + kFence.size() - 1 && pos <= it->second;
  }

  // True when a ``` block opens in [begin, end).
  bool FenceOpensIn(size_t begin, size_t end) const {
    auto it = std::lower_bound(fences_.begin(), fences_.end(), std::make_pair(begin, size_t{0}));
    return it != fences_.end() && it->first < end;
  }

 private:
  std::vector<std::pair<size_t, size_t>> fences_;  // (opening, closing) marker positions
  Ranges markers_;
  Ranges tokens_;
};

struct Break {
  size_t cut;       // the chunk is [pos, cut)
  size_t resume;    // the next chunk starts here
  bool at_newline;  // the break consumed a line break
};

}  // namespace

std::vector<std::string> SplitForSlack(std::string_view mrkdwn, size_t max_chars) {
  std::vector<std::string> chunks;
  if (std::all_of(mrkdwn.begin(), mrkdwn.end(), IsSpace)) return chunks;
  max_chars = std::max<size_t>(max_chars, 1);
  if (bridge::CharCount(mrkdwn) <= max_chars) {
    chunks.emplace_back(mrkdwn);
    return chunks;
  }
  if (max_chars < kMinFencedChunk) return SplitByChars(mrkdwn, max_chars);

  std::string_view text = mrkdwn;
  Layout layout(text);
  std::string reopen;  // "```" or "```\n" when the previous chunk left a block open
  size_t pos = 0;
  while (pos < text.size()) {
    if (reopen.empty()) {
      // A chunk starts with text, and blank text makes no chunk.
      while (pos < text.size() && IsSpace(text[pos])) ++pos;
      if (pos == text.size()) break;
    }
    size_t budget = max_chars - bridge::CharCount(reopen);
    if (AdvanceChars(text, pos, budget) == text.size()) {
      chunks.push_back(reopen + std::string(text.substr(pos)));
      break;
    }
    // Room for a closing "\n```" if the chunk may end inside a block.
    size_t limit = AdvanceChars(text, pos, budget);
    if (!reopen.empty() || layout.FenceOpensIn(pos, limit)) limit = AdvanceChars(text, pos, budget - 4);
    size_t half = AdvanceChars(text, pos, (budget - 4) / 2);

    // A break at whitespace `k`. Outside a block the break drops the whole
    // run of whitespace around `k`, so every `k` of a run gives the same
    // break: `run_start` lets the scan skip the rest of the run, which keeps
    // 100 KB of spaces linear. Inside a block whitespace is content and only
    // a newline may be replaced by the fences' own line break.
    auto candidate = [&](size_t k, bool newline, size_t& run_start) -> std::optional<Break> {
      Break b{k, k + 1, newline};
      run_start = k;
      if (layout.InFence(k)) {
        if (!newline) b.cut = k + 1;
      } else {
        while (b.cut > pos && IsSpace(text[b.cut - 1])) --b.cut;
        while (b.resume < text.size() && IsSpace(text[b.resume])) ++b.resume;
        run_start = b.cut;
      }
      if (b.cut <= pos || b.cut > limit || !layout.Allowed(b.cut) || !layout.Allowed(b.resume)) return std::nullopt;
      return b;
    };
    std::optional<Break> chosen;
    // Paragraph, then line, then word breaks in the second half; then the
    // last break of any kind; then a hard cut.
    for (int kind = 0; kind < 3 && !chosen; ++kind) {
      for (size_t k = std::min(limit, text.size() - 1); k >= half && k > pos && !chosen; --k) {
        bool paragraph = text[k] == '\n' && At(text, k + 1) == '\n' && !layout.InFence(k);
        if ((kind == 0 && paragraph) || (kind == 1 && text[k] == '\n') || (kind == 2 && text[k] == ' ')) {
          size_t run_start = k;
          chosen = candidate(k, text[k] == '\n', run_start);
          k = std::max(run_start, pos + 1);  // the loop goes on below the run
        }
      }
    }
    for (size_t k = half; k > pos && !chosen; --k) {
      if (text[k - 1] == '\n' || text[k - 1] == ' ') {
        size_t run_start = k - 1;
        chosen = candidate(k - 1, text[k - 1] == '\n', run_start);
        k = std::min(k, run_start + 1);
      }
    }
    if (!chosen) {
      size_t cut = layout.HardCut(pos, limit);
      chosen = Break{cut, cut, false};
    }

    bool in_fence = layout.InFence(chosen->cut);
    std::string chunk = reopen;
    chunk += text.substr(pos, chosen->cut - pos);
    if (in_fence) chunk += chosen->at_newline ? "\n```" : "```";
    chunks.push_back(std::move(chunk));
    reopen = in_fence ? (chosen->at_newline ? "```\n" : "```") : "";
    pos = chosen->resume;
  }
  return chunks;
}

}  // namespace slack
