// The small text formats of the Jira wire, pure: Basic-auth and URL
// encoding, JQL literals, issue keys, comment ids, Jira's timestamps and the
// human message of an error body. No I/O and no clock; any thread. The JSON
// bodies themselves are in jira_json.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace helpdesk::jira {

// --- Encoding -----------------------------------------------------------------
std::string Base64Encode(std::string_view data);
// Percent-encodes everything but RFC 3986 unreserved characters, so the
// result is safe as a query value or a path segment.
std::string UrlEncode(std::string_view text);
// `text` as a JQL string literal: double-quoted, with '"' and '\' escaped.
std::string JqlQuote(std::string_view text);
// True for an issue key as Jira makes them: a project key (a letter, then
// letters, digits or '_') , '-', a number. "SUP-12".
bool IsIssueKey(std::string_view text);
// Whether `text` contains `marker` as a whole word (not inside a longer run
// of letters, digits, '-' or '_'): "sd-1a2b" is not in "sd-1a2b3".
bool MentionsMarker(std::string_view text, std::string_view marker);

// --- Comment ids --------------------------------------------------------------
// Whether comment id `a` is newer than `b`. Jira's comment ids are decimal
// numbers that grow with every comment on the site; compared as numbers of
// any length ("10" is newer than "9"), and anything is newer than "".
bool CommentIdNewer(const std::string& a, const std::string& b);

// --- Dates --------------------------------------------------------------------
// Epoch milliseconds of a Jira timestamp: "2026-11-24T12:34:56.789+0100"
// (platform API, DateDTO.jira), "2026-11-24T12:34:56+0100" (DateDTO.iso8601),
// also "+01:00" and "Z" offsets. nullopt when `text` is none of these.
std::optional<long long> ParseJiraTime(std::string_view text);

// --- Errors -------------------------------------------------------------------
// The human message of an error body: servicedeskapi `errorMessage`, else
// platform `errorMessages` and `errors` {field: message} joined with "; ",
// else, for a gateway's HTML page, its <title> (or its text), shortened.
// "" when the body says nothing usable.
std::string ErrorMessageFromBody(std::string_view body);
// The keys a /search/jql 400 names as unknown or invalid ("An issue with key
// 'SUP-9' does not exist for field 'key'."), so the search can be repeated
// without them. Empty when the error is about something else.
std::vector<std::string> UnknownKeysInSearchError(std::string_view body);

}  // namespace helpdesk::jira
