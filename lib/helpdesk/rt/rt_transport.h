// The RT backend's options and its HTTP transport: `Authorization: token
// <rt_token>` on every request to <rt_url>/REST/2.0, JSON headers, error
// mapping and bounded retries. Thread-safe: worker threads send
// concurrently; a call blocks its thread while it waits to retry.
//
//  - reads (GET, searches) repeat 5xx, timeouts and network failures with
//    backoff, up to max_attempts;
//  - writes (create, correspond) are not idempotent: they repeat only a
//    failure where the request was certainly not sent, and otherwise return
//    the transient error so the caller can reconcile;
//  - 401/403 are kAuth; other 4xx kRemoteRejected with RT's message.
// Errors name the operation and the ticket: "rt correspond #12: HTTP 500".
// The token is never logged.
#pragma once

#include <functional>
#include <string>
#include <utility>

#include "util/backoff.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/http/http_client.h"

namespace helpdesk::rt {

struct RtOptions {
  std::string base_url;  // "https://rt.example.com"; a trailing '/' is dropped
  std::string token;
  std::string queue;  // the queue's name
  std::string marker_field = "slackdesk";
  int max_attempts = 4;  // per call, for transient failures
  util::BackoffPolicy backoff{util::Millis(500), util::Millis(10000), 2.0};
  util::Duration timeout = util::Millis(30000);  // per HTTP request
  // RT's largest answers are a page of 100 transactions or a message's
  // parts; anything past this is not an answer slackdesk asked for.
  size_t max_response_bytes = 4 * 1024 * 1024;
  int page_size = 100;  // per_page (RT's maximum)
  int max_pages = 200;  // per paged walk, against a server that never ends
  // FindCommentByMarker reads at most this many of the bot's newest
  // correspondences (one request each).
  int max_marker_reads = 50;
  std::function<void(util::Duration)> sleep;  // default: sleep the thread
};

// `options` with the trailing '/' dropped, the sleep filled in and the
// counts at least 1.
RtOptions Normalized(RtOptions options);

enum class Retry { kSafe, kUnsafe };

struct RtCall {
  RtCall(std::string operation_, std::string method_, std::string path_, std::string body_ = {},
         Retry retry_ = Retry::kSafe)
      : operation(std::move(operation_)),
        method(std::move(method_)),
        path(std::move(path_)),
        body(std::move(body_)),
        retry(retry_) {}

  std::string operation;  // "rt correspond #12": the prefix of every error
  std::string method;     // GET, POST
  std::string path;       // below /REST/2.0, query included: "/ticket/12"
  std::string body;       // JSON when not empty
  Retry retry;
  // Set: a multipart/form-data body instead of `body` (a correspondence
  // with attachments); must outlive the call.
  const util::http::Form* form = nullptr;
  util::Duration timeout{};  // zero: RtOptions::timeout
  // >= 0: the answer's body goes to this open file (a download), capped at
  // max_response_bytes (zero: RtOptions::max_response_bytes). Such a call
  // must be Retry::kUnsafe: a second attempt would append to the first.
  int response_fd = -1;
  size_t max_response_bytes = 0;
};

// "<operation>: HTTP <status> but <what the parser said>": a 2xx whose body
// is not what the endpoint returns. Transient (kServerError): for a write
// the outcome is unknown and the caller reconciles.
util::Error BadBody(const std::string& operation, int status, const util::Error& parse_error);

class RtTransport {
 public:
  // `http` must outlive this object; `options` as Normalized returns them.
  RtTransport(util::http::HttpClient& http, const RtOptions& options);

  // Sends `call` with retries; the response for any 2xx, a typed error
  // otherwise. `status`, when set, receives the last HTTP status (0 when
  // none came), for callers that treat a 404 as an answer.
  util::Result<util::http::HttpResponse> Send(const RtCall& call, int* status = nullptr);

 private:
  util::Result<util::http::HttpResponse> Attempt(const RtCall& call, int* status);

  util::http::HttpClient& http_;
  const RtOptions options_;
  std::string authorization_;
};

}  // namespace helpdesk::rt
