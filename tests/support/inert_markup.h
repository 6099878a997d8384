// What the escaping tests assert: rendered text carries no live markup
// (contract behaviour 9). The readers here are written from what Slack and
// Jira do, not from the renderers' code: a renderer that lets markup
// through fails them.
#pragma once

#include <string>
#include <string_view>

#include "bridge/rich_text.h"

namespace testing {

// "" when the Slack mrkdwn `mrkdwn` holds no live broadcast, mention or
// channel token and no link but to an http(s)/ftp/mailto target whose label
// does not read as another host; else what was found. Reads <…> tokens as
// Slack does, and the structure through slack::ParseMrkdwn.
std::string LiveSlackMarkup(std::string_view mrkdwn);

// LiveSlackMarkup of every mrkdwn text of a chat.postMessage, chat.update
// or chat.postEphemeral body: its `text` fallback and each mrkdwn text
// object of its blocks; also "" only when the body is JSON.
std::string LiveSlackMarkupInBody(std::string_view body_json);

// "" when `wiki` holds no live Jira markup at all, read as Jira Cloud's wiki
// parser reads it (editor-wikimarkup-transformer: "\X" escapes, "\\" line
// breaks, block markup at line starts after white space, macros in any
// case, links and mentions, images, phrases with their boundary rules,
// emoticons); else what was found. With `verbatim_allowed`, {code} and
// {noformat} blocks may appear, but each must end at its own closer with
// no other opener of its kind inside (a reader that counts nesting would
// end it elsewhere).
std::string LiveWikiMarkup(std::string_view wiki, bool verbatim_allowed = false);

// "" when ParseWiki(wiki) (the project's own reader) finds no mention, no
// image or attachment, no link whose label reads as another host or whose
// target is not a URL; else what was found.
std::string LiveWikiStructure(std::string_view wiki);

// `text` without the zero-width spaces the Jira renderer puts where Jira
// has no escape.
std::string WithoutZeroWidthSpaces(std::string text);

}  // namespace testing
