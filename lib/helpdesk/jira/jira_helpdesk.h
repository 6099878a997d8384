// Helpdesk over Jira Service Management Cloud's REST APIs (servicedeskapi
// for requests and customers, the platform API for search and comments),
// through util::http with Basic auth. Thread-safe: worker threads call it
// concurrently; a call blocks its thread while it waits or retries.
//
// Rate limits and failures (helpdesk-facts.md A5):
//  - a 429 (or a 5xx with Retry-After) blocks every call of this helpdesk
//    until Retry-After has elapsed (5 s when absent): Jira's burst limits are
//    per site, so one throttled call means all of them are;
//  - reads (GET, /search/jql) repeat 5xx, timeouts and network failures
//    with backoff, up to max_attempts;
//  - writes (create request, add comment) are not idempotent: they repeat
//    only a 429 and failures where the request was certainly not sent, and
//    otherwise return the transient error so the caller can reconcile with
//    FindTicketByMarker / FindCommentByMarker before trying again.
// Errors name the operation and the ticket: "jira comment SUP-12: HTTP 500".
// The token and the Authorization header are never logged.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "helpdesk/helpdesk.h"
#include "util/backoff.h"
#include "util/clock.h"
#include "util/http/http_client.h"

namespace helpdesk::jira {

struct JiraOptions {
  std::string base_url;  // "https://example.atlassian.net"; a trailing '/' is dropped
  std::string email;     // the agent account the API token belongs to
  std::string api_token;
  std::string service_desk_id;  // "3"
  std::string request_type_id;  // "10"
  int max_attempts = 4;         // per call, for transient failures
  util::BackoffPolicy backoff{util::Millis(500), util::Millis(10000), 2.0};
  util::Duration timeout = util::Millis(30000);  // per HTTP request
  // The pause after a 429 without a usable Retry-After.
  util::Millis default_retry_after{5000};
  // A call that would have to wait longer than this for a rate-limit block
  // fails at once with kRateLimited (retry_after_ms set) instead of pinning
  // its worker thread.
  util::Duration max_rate_limit_wait = util::Millis(60000);
  // ChangedSince splits `keys` into queries of at most this many, so the JQL
  // stays a few kilobytes.
  int keys_per_search = 500;
  // Above this many linked tickets, ChangedSince searches the whole project
  // once and keeps the linked ones: the cost then follows the project's
  // activity, not the number of links (a `key in` list would need one
  // search per keys_per_search keys).
  int key_list_limit = 100;
  int search_page_size = 100;  // maxResults asked of /search/jql (Jira may cap it)
  int comment_page_size = 50;  // maxResults asked of the comment list
  int max_pages = 200;         // per paged walk, against a server that never ends
  // Time and waiting, injectable for tests; default: steady clock, sleep.
  std::function<util::TimePoint()> now;
  std::function<void(util::Duration)> sleep;
};

class JiraHelpdesk : public Helpdesk {
 public:
  // `http` must outlive this object.
  JiraHelpdesk(util::http::HttpClient& http, JiraOptions options);

  // GET /rest/api/3/myself.
  util::Result<Identity> WhoAmI() override;
  // GET servicedesk/{id} and servicedesk/{id}/requesttype/{id}; a 404 is
  // kRemoteRejected naming the wrong setting ("jira_request_type_id 10 not
  // found in service desk 3").
  util::Result<std::string> DescribeTarget() override;
  // GET servicedesk/{id}/customer?query=<email> (experimental API): the
  // customer whose e-mail equals `email`, ignoring case.
  util::Result<std::optional<std::string>> FindCustomer(const std::string& email) override;
  // POST /rest/servicedeskapi/request. Not repeated after an unknown outcome.
  util::Result<Ticket> CreateTicket(const NewTicket& ticket) override;
  // /search/jql for `text ~ marker` in the desk's project (its key is read
  // once from the service desk and cached), then GET request/{key} for each
  // hit until one whose fields really carry `marker` (full-text search is
  // fuzzy). Markers of letters and digits match exactly.
  util::Result<std::optional<Ticket>> FindTicketByMarker(const std::string& marker) override;
  // GET /rest/servicedeskapi/request/{key}.
  util::Result<Ticket> GetTicket(const std::string& key) override;
  // One paged /search/jql per at most keys_per_search keys: `key in (…) AND
  // updated >= since_ms ORDER BY updated ASC, key ASC`. No request for no
  // keys. Keys that are not issue keys, and keys Jira says no longer exist
  // (the whole query is refused then), are left out with a warning. The
  // result is sorted by (updated_ms, key) and has each key once. An issue
  // whose `updated` cannot be read is reported with updated_ms = since_ms.
  // Paging is by offset on Jira's side: an issue updated mid-walk can push
  // another past the page boundary, so callers keep a lookback window.
  util::Result<std::vector<TicketChange>> ChangedSince(long long since_ms,
                                                       const std::vector<std::string>& keys) override;
  // GET /rest/api/2/issue/{key}/comment?orderBy=-created&expand=properties,
  // paged until `stop_after_id` (exclusive) or the end; each id once. If
  // `stop_after_id` was deleted the whole history comes back (the caller
  // dedupes by id).
  util::Result<std::vector<Comment>> CommentsNewerThan(const std::string& key,
                                                       const std::string& stop_after_id) override;
  // POST /rest/api/2/issue/{key}/comment with the sd.public.comment
  // {"internal":false} and slackdesk {"marker"} properties. Not repeated
  // after an unknown outcome.
  util::Result<Comment> AddPublicComment(const std::string& key, const std::string& body,
                                         const std::string& marker) override;
  // Pages the comments newest first for the slackdesk property `marker`.
  util::Result<std::optional<Comment>> FindCommentByMarker(const std::string& key, const std::string& marker) override;

 private:
  enum class Retry { kSafe, kUnsafe };
  struct Call {
    std::string operation;  // "jira comment SUP-12": the prefix of every error
    std::string method = "GET";
    std::string path;  // from "/rest/…", query included
    std::string body;
    bool experimental = false;  // X-ExperimentalApi: opt-in
    Retry retry = Retry::kSafe;
  };

  // Sends `call` with retries; returns the response for any 2xx, a typed
  // error otherwise. `failed_response`, when set, receives the final non-2xx
  // answer (status 0 after a transport failure), for callers that read more
  // than the message: the status of a 404, the keys a refused search names.
  util::Result<util::http::HttpResponse> Send(const Call& call, util::http::HttpResponse* failed_response = nullptr);
  util::Result<util::http::HttpResponse> Attempt(const Call& call, util::http::HttpResponse* failed_response);
  util::Result<std::string> ProjectKey();
  util::Result<std::vector<TicketChange>> SearchChanges(long long since_ms, std::vector<std::string> keys,
                                                       const std::string& fixed_jql = {});
  // Walks the comment pages newest first; `visit` returns true to stop.
  util::Status WalkComments(const std::string& key, const std::string& operation,
                            const std::function<bool(const Comment&)>& visit);

  util::http::HttpClient& http_;
  JiraOptions options_;
  std::string authorization_;  // "Basic …"
  std::mutex mutex_;
  util::TimePoint blocked_until_;  // guarded by mutex_: no request before it
  std::string project_key_;        // guarded by mutex_: cached from the service desk
};

}  // namespace helpdesk::jira
