// The Jira Service Management wire format, pure: request bodies and JQL
// built from values, response bodies mapped to helpdesk structs, Jira's
// dates and error bodies read. No I/O and no clock, so every function is
// tested from literal strings (helpdesk-facts.md section A has the shapes).
// Any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "helpdesk/helpdesk.h"
#include "util/error.h"

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

// --- Request bodies and JQL ---------------------------------------------------
// POST /rest/servicedeskapi/request. raiseOnBehalfOf only when
// `ticket.on_behalf_of` is set.
std::string CreateRequestBody(const std::string& service_desk_id, const std::string& request_type_id,
                              const NewTicket& ticket);
// POST /rest/api/2/issue/{key}/comment: public on the portal (the
// sd.public.comment property says internal:false) and tagged with the
// `slackdesk` property {"marker": marker}.
std::string AddCommentBody(const std::string& body, const std::string& marker);
// POST /rest/api/3/search/jql. `next_page_token` only when not empty.
std::string SearchBody(const std::string& jql, const std::vector<std::string>& fields, int max_results,
                       const std::string& next_page_token);
// `project = "SUP" AND text ~ "<marker>"`.
std::string MarkerJql(const std::string& project_key, const std::string& marker);
// `key in (SUP-1, SUP-2) AND updated >= <since_ms> ORDER BY updated ASC, key ASC`.
// REQUIRES: every key satisfies IsIssueKey (they are written unquoted).
std::string ChangedSinceJql(long long since_ms, const std::vector<std::string>& keys);
// The same over the whole project, for when slackdesk links many tickets:
// one search whatever the number of links (the caller filters).
std::string ProjectChangedSinceJql(const std::string& project_key, long long since_ms);

// The comment property names slackdesk reads and writes.
inline constexpr const char* kMarkerProperty = "slackdesk";
inline constexpr const char* kInternalProperty = "sd.public.comment";

// --- Response bodies ----------------------------------------------------------
// Each returns kServerError when the body is not the JSON object expected
// (a proxy's page, a truncated body); the message says what was wrong, the
// caller adds the operation.

// GET /rest/api/3/myself.
util::Result<Identity> ParseIdentity(std::string_view body);

// GET /rest/servicedeskapi/servicedesk/{id}.
struct ServiceDesk {
  std::string id;
  std::string project_key;
  std::string project_name;
};
util::Result<ServiceDesk> ParseServiceDesk(std::string_view body);
// GET /rest/servicedeskapi/servicedesk/{id}/requesttype/{id}: the name.
util::Result<std::string> ParseRequestTypeName(std::string_view body);

// GET /rest/servicedeskapi/servicedesk/{id}/customer: one page.
struct CustomerPage {
  struct Customer {
    std::string account_id;
    std::string email;
  };
  std::vector<Customer> customers;
  bool is_last_page = true;
  long long start = 0;
  long long size = 0;
};
util::Result<CustomerPage> ParseCustomerPage(std::string_view body);

// A servicedeskapi CustomerRequestDTO (create response, GET request/{key}).
// The summary comes from the requestFieldValues array (the response's shape,
// unlike create's map), else the top-level `summary`.
util::Result<Ticket> ParseRequest(std::string_view body);
// Whether a request's summary or any requestFieldValues value contains
// `marker` as a whole word (not inside a longer run of letters, digits, '-'
// or '_'): full-text search is fuzzy, so a search hit is confirmed here.
bool RequestMentions(std::string_view body, const std::string& marker);

// One page of POST /rest/api/3/search/jql.
struct SearchPage {
  struct Issue {
    std::string id;
    std::string key;
    std::optional<long long> updated_ms;  // nullopt when absent or unreadable
    std::string status;
    std::string status_category;  // statusCategory.key, lower case
  };
  std::vector<Issue> issues;
  std::string next_page_token;  // "" on the last page
};
util::Result<SearchPage> ParseSearchPage(std::string_view body);

// One page of GET /rest/api/2/issue/{key}/comment (PageOfComments).
struct CommentPage {
  std::vector<Comment> comments;
  long long start_at = 0;
  long long total = 0;
};
// A platform comment: is_public is `jsdPublic`; when a site omits it, the
// sd.public.comment property decides, and without either the comment is
// public, which is what JSM does with comments created through the platform
// API (helpdesk-facts.md A2). `marker` is the `slackdesk` property's
// "marker", when the page was fetched with expand=properties.
util::Result<CommentPage> ParseCommentPage(std::string_view body);
// A single platform comment (the POST comment response).
util::Result<Comment> ParseComment(std::string_view body);

}  // namespace helpdesk::jira
