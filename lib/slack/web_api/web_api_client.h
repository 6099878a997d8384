// Slack Web API calls over util::http: JSON bodies with the Bearer token and
// charset, {ok:false,error} turned into typed errors that name the method,
// 429 Retry-After honoured (no call to that method before it has elapsed),
// 5xx and network failures retried with backoff, and chat posts paced to
// about one per second per channel (a burst queues in order; nothing is
// dropped). Thread-safe: worker threads call it concurrently; a call blocks
// its thread while it waits.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include <rapidjson/document.h>

#include "slack/web_api/rate_gate.h"
#include "util/backoff.h"
#include "util/error.h"
#include "util/http/http_client.h"

namespace slack::web_api {

struct WebApiOptions {
  std::string base_url;  // method M is called at <base_url>/M; no trailing '/'
  std::string token;     // xoxb- for the Web API, xapp- for apps.connections.open
  int max_attempts = 5;  // per call, for transient failures
  util::BackoffPolicy retry_backoff{util::Millis(500), util::Millis(20000), 2.0};
  util::Duration post_interval = util::Millis(1000);  // per channel
  util::Duration timeout = util::Millis(30000);       // per HTTP request
  // Time and waiting, injectable for tests; default: steady clock, sleep.
  std::function<util::TimePoint()> now;
  std::function<void(util::Duration)> sleep;
};

// Options with the defaults above for `base_url` and `token`.
WebApiOptions DefaultWebApiOptions(std::string base_url, std::string token);

// Whether a call may be repeated after a failure whose outcome is unknown.
enum class Retry {
  kSafe,    // reads and idempotent calls: retry every transient failure
  kUnsafe,  // posts: retry only when the call certainly did not happen (429,
            // request not sent); otherwise return the error so the caller
            // can reconcile before trying again
  kNoWait,  // look-ups with a fallback (a name shown as its id): one attempt,
            // and none while a 429 holds the method back (kRateLimited at
            // once), so a users.info storm never holds up the caller
};

// Slack's answer with the HTTP headers it came with.
struct Answer {
  rapidjson::Document body;
  std::map<std::string, std::string> headers;  // names lower-cased
};

class WebApiClient {
 public:
  // `http` must outlive this object.
  WebApiClient(util::http::HttpClient& http, WebApiOptions options);

  // Calls `method` with `json_body` (a JSON object). Returns the parsed
  // response when Slack says ok:true. Errors: kAuth (invalid_auth,
  // not_authed, missing_scope, …), kRemoteRejected (any other ok:false; the
  // message is "<method>: <error>" plus the channel when there is one),
  // kRateLimited / kServerError / kNetwork / kTimeout when retries ran out.
  // A missing_scope error names the scope Slack says is needed.
  util::Result<rapidjson::Document> Call(const std::string& method, const std::string& json_body,
                                         Retry retry = Retry::kSafe);
  // As Call, with the answer's headers (auth.test's x-oauth-scopes: the
  // scopes the token was granted).
  util::Result<Answer> CallWithHeaders(const std::string& method, const std::string& json_body,
                                       Retry retry = Retry::kSafe);

 private:
  util::Result<Answer> Attempt(const std::string& method, const std::string& json_body,
                                            const std::string& channel);
  void WaitUntil(util::TimePoint when);

  util::http::HttpClient& http_;
  WebApiOptions options_;
  std::mutex mutex_;
  RateGate gate_;  // guarded by mutex_
};

// The error class of a Slack `error` code.
util::ErrorCode ClassifySlackError(const std::string& error);

}  // namespace slack::web_api
