// The Jira Service Management wire format, pure: request bodies and JQL
// built from values, response bodies mapped to helpdesk structs (comment
// bodies stay wiki markup here; wiki.h reads them). No I/O and no clock, so
// every function is tested from literal strings (helpdesk-facts.md section A
// has the shapes). Any thread. The small text formats (encodings, dates,
// error messages) are in jira_encoding.h.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "helpdesk/helpdesk.h"
#include "helpdesk/jira/jira_encoding.h"
#include "helpdesk/jira/jira_fields.h"
#include "util/error.h"

namespace helpdesk::jira {

// --- Request bodies and JQL ---------------------------------------------------
// POST /rest/servicedeskapi/request; `description` is wiki markup, the
// other `fields` are written as WriteFieldValues does (jira_fields.h).
// raiseOnBehalfOf only when `on_behalf_of` is set.
std::string CreateRequestBody(const std::string& service_desk_id, const std::string& request_type_id,
                              const std::string& summary, const std::string& description,
                              const std::string& on_behalf_of, const std::vector<bridge::FieldValue>& fields = {},
                              const std::map<std::string, ValueShape>& shapes = {});
// POST /rest/api/2/issue/{key}/comment: public on the portal (the
// sd.public.comment property says internal:false) and tagged with the
// `slackdesk` property {"marker": marker}. `body` is wiki markup.
std::string AddCommentBody(const std::string& body, const std::string& marker);
// POST /rest/api/3/search/jql. `next_page_token` only when not empty.
std::string SearchBody(const std::string& jql, const std::vector<std::string>& fields, int max_results,
                       const std::string& next_page_token);
// POST /rest/api/2/search (Data Center), paged by startAt.
std::string DataCenterSearchBody(const std::string& jql, const std::vector<std::string>& fields, int max_results,
                                 long long start_at);
// `project = "SUP" AND text ~ "<marker>"`; with several projects (channel
// routes raise into other desks), `project in ("SUP", "BILL") AND …`.
std::string MarkerJql(const std::vector<std::string>& project_keys, const std::string& marker);
// `key in (SUP-1, SUP-2) AND updated >= <since_ms> ORDER BY updated ASC, key ASC`.
// REQUIRES: every key satisfies IsIssueKey (they are written unquoted).
std::string ChangedSinceJql(long long since_ms, const std::vector<std::string>& keys);
// The same over the whole project, for when slackdesk links many tickets:
// one search whatever the number of links (the caller filters).
std::string ProjectChangedSinceJql(const std::vector<std::string>& project_keys, long long since_ms);

// The comment property names slackdesk reads and writes.
inline constexpr const char* kMarkerProperty = "slackdesk";
inline constexpr const char* kInternalProperty = "sd.public.comment";

// --- Statuses -----------------------------------------------------------------
// Jira's status category key ("new", "indeterminate", "done", any case) as
// the neutral category; anything else ("undefined", "") is kUnknown.
StatusCategory CategoryFromKey(std::string_view key);
// A status as Jira names it (`name` becomes the label).
TicketStatus StatusFromJira(std::string name, std::string_view category_key);

// --- Response bodies ----------------------------------------------------------
// Each returns kServerError when the body is not the JSON object expected
// (a proxy's page, a truncated body); the message says what was wrong, the
// caller adds the operation.

// GET /rest/api/3/myself (Cloud) or /rest/api/2/myself (Data Center, whose
// users have a key and a name but no accountId): Identity.id is the member
// `id_member` names.
util::Result<Identity> ParseIdentity(std::string_view body, const char* id_member = "accountId");

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
    std::string account_id;  // as raiseOnBehalfOf takes it (Data Center: the username)
    std::string email;
  };
  std::vector<Customer> customers;
  bool is_last_page = true;
  long long start = 0;
  long long size = 0;
};
util::Result<CustomerPage> ParseCustomerPage(std::string_view body);
// GET /rest/api/2/user/search?username=… (Data Center) at offset `start`
// with maxResults `max_results`: a JSON array of users, read as a page whose
// account_id is each user's name. Short of `max_results`: the last page.
util::Result<CustomerPage> ParseUserSearch(std::string_view body, long long start, long long max_results);

// A servicedeskapi CustomerRequestDTO (create response, GET request/{key}).
// The summary comes from the requestFieldValues array (the response's shape,
// unlike create's map), else the top-level `summary`; the status from
// currentStatus (its statusCategory is upper case there: "NEW").
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
    TicketStatus status;                  // from status.name and status.statusCategory.key
  };
  std::vector<Issue> issues;
  std::string next_page_token;  // "" on the last page
};
util::Result<SearchPage> ParseSearchPage(std::string_view body);
// One page of /rest/api/2/search (Data Center): {startAt, maxResults, total,
// issues}; next_page_token is the next startAt as text, "" after the last.
util::Result<SearchPage> ParseDataCenterSearchPage(std::string_view body);

// A platform comment as Jira sends it. is_public is `jsdPublic`; when a
// site omits it (Data Center always does), the sd.public.comment property
// decides, and without either the comment is public, which is what JSM does
// with comments created through the platform API (helpdesk-facts.md A2;
// on Data Center [U], behind-the-firewall.md section 6). `marker` is the
// `slackdesk` property's "marker", when the page was fetched with
// expand=properties.
struct WireComment {
  std::string id;  // numeric string, increasing over time (CommentIdNewer)
  std::string author_account_id;  // the author's accountId (Data Center: key)
  std::string author_name;
  std::string body;  // wiki markup
  bool is_public = false;
  long long created_ms = 0;
  long long updated_ms = 0;  // `updated`: created_ms until an edit
  std::string marker;
};

// One page of GET /rest/api/2/issue/{key}/comment (PageOfComments).
struct WireCommentPage {
  std::vector<WireComment> comments;
  long long start_at = 0;
  long long total = 0;
};
// `user_id_member` names the authors' id: "accountId", or "key" on Data Center.
util::Result<WireCommentPage> ParseCommentPage(std::string_view body, const char* user_id_member = "accountId");
// A single platform comment (the POST comment response).
util::Result<WireComment> ParseComment(std::string_view body, const char* user_id_member = "accountId");

}  // namespace helpdesk::jira
