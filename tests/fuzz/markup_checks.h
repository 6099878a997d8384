// The properties both markup targets check (mrkdwn_fuzz.cpp, wiki_fuzz.cpp):
// contract behaviour 9, "text crossing the bridge never becomes markup with
// side effects on the other side", as checks on a render followed by a
// parse of what was rendered.
#pragma once

#include <string>
#include <string_view>

#include "bridge/rich_text.h"
#include "fuzz_support.h"
#include "helpdesk/jira/wiki.h"

namespace fuzz {

// `reparsed` is what a reader of the rendering of `original` sees. Nothing
// in it may notify anyone (mentions, channels, broadcasts are rendered as
// text), and no link may appear that was not one.
inline void CheckNoLiveMarkup(const bridge::RichText& original, const bridge::RichText& reparsed,
                              std::string_view rendered) {
  using Kind = bridge::Inline::Kind;
  FUZZ_CHECK(CountInlines(reparsed, Kind::kUserMention) == 0, rendered);
  FUZZ_CHECK(CountInlines(reparsed, Kind::kChannel) == 0, rendered);
  FUZZ_CHECK(CountInlines(reparsed, Kind::kBroadcast) == 0, rendered);
  FUZZ_CHECK(CountInlines(reparsed, Kind::kLink) <= CountInlines(original, Kind::kLink), rendered);
}

// RenderWiki's `rendered` (of `original`) as Jira reads it, checked:
// nothing live, and no image or attachment at all. A renderer never embeds
// a file; an image of an agent's comment is "[image: name]" text by the
// time it is rendered again. Counted as ParseWiki recognised them, since
// their text is also what a customer may type.
inline bridge::RichText CheckJiraReading(const bridge::RichText& original, std::string_view rendered) {
  helpdesk::jira::WikiEmbeds embeds;
  bridge::RichText read = helpdesk::jira::ParseWiki(rendered, &embeds);
  CheckNoLiveMarkup(original, read, rendered);
  FUZZ_CHECK(embeds.images == 0, rendered);
  FUZZ_CHECK(embeds.attachments == 0, rendered);
  return read;
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
