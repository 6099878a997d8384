// The properties both markup targets check (mrkdwn_fuzz.cpp, wiki_fuzz.cpp):
// contract behaviour 9, "text crossing the bridge never becomes markup with
// side effects on the other side", as checks on a render followed by a
// parse of what was rendered.
#pragma once

#include <string>
#include <string_view>

#include "bridge/text.h"
#include "fuzz_support.h"

namespace fuzz {

inline size_t CountOf(std::string_view text, std::string_view word) {
  size_t count = 0;
  for (size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) ++count;
  return count;
}

// Text as compared for images: backslashes dropped and each run of white
// space one space. Jira drops the backslash of an escape it does not need
// ("\:" reads ":"), so a typed "[image\: x" is shown "[image: x": text
// that only looks like ParseWiki's image text. A real image still adds a
// "[image: " that was not typed.
inline std::string ForCounting(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_space = false;
  for (char c : text) {
    if (c == '\\') continue;
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space && in_space) continue;
    out.push_back(space ? ' ' : c);
    in_space = space;
  }
  return out;
}

// `reparsed` is what a reader of the rendering of `original` sees. Nothing
// in it may notify anyone (mentions, channels, broadcasts are rendered as
// text), no link may appear that was not one, and, read by Jira, no image
// or attachment may appear (ParseWiki shows them as "[image: …]" text, so
// any new such text came from markup).
enum class Reader { kSlack, kJira };

inline void CheckNoLiveMarkup(const bridge::RichText& original, const bridge::RichText& reparsed,
                              std::string_view rendered, Reader reader) {
  using Kind = bridge::Inline::Kind;
  FUZZ_CHECK(CountInlines(reparsed, Kind::kUserMention) == 0, rendered);
  FUZZ_CHECK(CountInlines(reparsed, Kind::kChannel) == 0, rendered);
  FUZZ_CHECK(CountInlines(reparsed, Kind::kBroadcast) == 0, rendered);
  FUZZ_CHECK(CountInlines(reparsed, Kind::kLink) <= CountInlines(original, Kind::kLink), rendered);
  // Images and attachments exist in Jira only (Slack shows "[image: x]" as
  // typed, and may drop a typed "`" next to it).
  if (reader != Reader::kJira) return;
  // Compared as the renderers clean outside text (controls and invisible
  // characters removed), so "[ima\0ge: " typed is "[image: " typed.
  std::string before = ForCounting(bridge::CleanText(bridge::ToPlainString(original)));
  std::string after = ForCounting(bridge::CleanText(bridge::ToPlainString(reparsed)));
  for (std::string_view word : {"[image: ", "[attachment: "}) {
    FUZZ_CHECK(CountOf(after, word) <= CountOf(before, word),
               "before:\n" + before + "\nrendered:\n" + std::string(rendered) + "\nafter:\n" + after);
  }
}

// A renderer's output is linear in what it renders: escapes, markers and
// prefixes add a bounded amount per character and per inline or block.
inline void CheckRenderedSize(const bridge::RichText& text, std::string_view rendered) {
  size_t pieces = text.blocks.size();
  for (const bridge::Block& block : text.blocks) {
    pieces += block.inlines.size() + block.cells.size();
    for (const auto& cell : block.cells) pieces += cell.size();
  }
  FUZZ_CHECK(rendered.size() <= 16 * ContentSize(text) + 64 * pieces + 64, rendered);
}

}  // namespace fuzz
