// The inline half of ParseWiki (wiki.h): one line of Jira wiki markup, or a
// part of one (a list item's text, a table cell), as inlines. Block
// structure is decided by the caller. Internal to wiki_parse.cpp.
#pragma once

#include <string_view>
#include <vector>

#include "bridge/rich_text.h"
#include "helpdesk/jira/wiki.h"

namespace helpdesk::jira::wiki_internal {

// Emphasis, {{mono}}, links, mentions, images, {color}, \\ breaks and
// backslash escapes. Linear in the size of `text`. Images and attachment
// links found are counted in `embeds` when it is given.
std::vector<bridge::Inline> ParseWikiInline(std::string_view text, WikiEmbeds* embeds);

}  // namespace helpdesk::jira::wiki_internal
