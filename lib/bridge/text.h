// Text transformations of the flow, pure: Slack's message markup turned into
// readable text, UTF-8-safe truncation, first lines.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace bridge {

// Removes every mention of `bot_user_id` (<@U…> and <@U…|name>) and trims.
std::string StripBotMention(std::string_view text, std::string_view bot_user_id);

// The first non-empty line, trimmed.
std::string FirstLine(std::string_view text);

// At most `max_chars` characters (code points), never splitting one; when
// cut, the last character is replaced by "…".
std::string TruncateChars(std::string_view text, size_t max_chars);
size_t CharCount(std::string_view text);

// Slack markup to readable text: <@U1> → @Name (from `user_names`, else
// @U1), <#C1|general> → #general, <!here> → @here, <!subteam^S1|@team> →
// @team, <url|label> → label (url), <url> → url, and &amp; &lt; &gt; decoded.
std::string HumanizeSlackText(std::string_view text, const std::map<std::string, std::string>& user_names);

// The user ids mentioned in `text` (<@U…>), in order, without duplicates.
std::vector<std::string> MentionedUsers(std::string_view text);

// Escapes text for Slack mrkdwn: & < > become entities.
std::string EscapeMrkdwn(std::string_view text);

// Runs of spaces collapsed to one, then trimmed: what is left where a
// mention was taken out of a sentence.
std::string CollapseSpaces(std::string_view text);

}  // namespace bridge
