// The Jira backend's options and its HTTP transport: Basic auth (Cloud) or
// a Bearer personal access token (Data Center), JSON headers, error
// mapping, bounded retries and the site-wide rate-limit block.
// Thread-safe: worker threads send concurrently; a call blocks its thread
// while it waits or retries.
//
// Rate limits and failures (helpdesk-facts.md A5):
//  - a 429 (or a 5xx with Retry-After) blocks every call of this transport
//    until Retry-After has elapsed (5 s when absent): Jira's burst limits are
//    per site, so one throttled call means all of them are;
//  - reads (GET, /search/jql) repeat 5xx, timeouts and network failures
//    with backoff, up to max_attempts;
//  - writes (create request, add comment) are not idempotent: they repeat
//    only a 429 and failures where the request was certainly not sent, and
//    otherwise return the transient error so the caller can reconcile.
// Errors name the operation and the ticket: "jira comment SUP-12: HTTP 500".
// A 403 saying Basic authentication is disabled (a Data Center site given
// Cloud credentials) says what to set instead. The tokens and the
// Authorization header are never logged.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "util/backoff.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/http/http_client.h"

namespace helpdesk::jira {

struct JiraOptions {
  std::string base_url;  // "https://example.atlassian.net"; a trailing '/' is dropped
  std::string email;     // the agent account the API token belongs to
  std::string api_token;
  // Data Center / Server: sent as "Bearer <token>"; when set, email and
  // api_token are not used and the site must not be Cloud.
  std::string personal_access_token;
  std::string service_desk_id;  // "3"
  std::string request_type_id;  // "10"
  // The other service desks requests are raised in (channel_routes): their
  // tickets are searched for too (markers, changes).
  std::vector<std::string> route_desk_ids;
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
  // How long after a create attempt the search may still miss the ticket
  // (JSM's index lags its writes by seconds): within it, FindCreatedTicket
  // answers "not yet" instead of "not created".
  long long search_lag_window_ms = 30000;
  // Time and waiting, injectable for tests; default: steady clock, sleep.
  std::function<util::TimePoint()> now;
  std::function<void(util::Duration)> sleep;
};

// `options` with the trailing '/' dropped, the clock and the sleep filled
// in, and the counts at least 1.
JiraOptions Normalized(JiraOptions options);

enum class Retry { kSafe, kUnsafe };

// One request to Jira.
struct JiraCall {
  std::string operation;  // "jira comment SUP-12": the prefix of every error
  std::string method = "GET";
  std::string path;  // from "/rest/…", query included
  std::string body;
  bool experimental = false;  // X-ExperimentalApi: opt-in
  bool anonymous = false;     // no Authorization header (serverInfo, which anyone may read)
  Retry retry = Retry::kSafe;
  // Set: the body is this multipart file (attachTemporaryFile), sent with
  // X-Atlassian-Token: no-check and without a JSON Content-Type.
  const util::http::FilePart* upload = nullptr;
  util::Duration timeout{};  // 0: the options' per-request timeout
  // Set: where to send it instead of base_url + path (a redirect's target).
  std::string url{};
  // >= 0: the answer's body goes to this open file (a download), capped at
  // max_response_bytes; a body past it is an error with too_large set,
  // never retried.
  int response_fd = -1;
  size_t max_response_bytes = util::http::kDefaultMaxResponseBytes;
};

// "<operation>: HTTP <status> but <what the parser said>": a 2xx whose body
// is not what the endpoint returns. Transient (kServerError): for a write
// the outcome is unknown and the caller reconciles.
util::Error BadBody(const std::string& operation, int status, const util::Error& parse_error);

class JiraTransport {
 public:
  // `http` must outlive this object; `options` as Normalized returns them.
  JiraTransport(util::http::HttpClient& http, const JiraOptions& options);

  // Sends `call` with retries; returns the response for any 2xx, a typed
  // error otherwise. `failed_response`, when set, receives the final non-2xx
  // answer (status 0 after a transport failure), for callers that read more
  // than the message: the status of a 404, the keys a refused search names.
  util::Result<util::http::HttpResponse> Send(const JiraCall& call,
                                              util::http::HttpResponse* failed_response = nullptr);

 private:
  util::Result<util::http::HttpResponse> Attempt(const JiraCall& call, util::http::HttpResponse* failed_response);

  util::http::HttpClient& http_;
  const JiraOptions options_;
  std::string authorization_;  // "Basic …" or "Bearer …"
  std::mutex mutex_;
  util::TimePoint blocked_until_;  // guarded by mutex_: no request before it
};

}  // namespace helpdesk::jira
