#include "helpdesk/rt/rt_transport.h"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "helpdesk/rt/rt_wire.h"
#include "util/log.h"

namespace helpdesk::rt {

RtOptions Normalized(RtOptions options) {
  while (!options.base_url.empty() && options.base_url.back() == '/') options.base_url.pop_back();
  if (!options.sleep) options.sleep = [](util::Duration d) { std::this_thread::sleep_for(d); };
  options.max_attempts = std::max(1, options.max_attempts);
  options.page_size = std::clamp(options.page_size, 1, 100);
  options.max_pages = std::max(1, options.max_pages);
  options.max_marker_reads = std::max(1, options.max_marker_reads);
  return options;
}

util::Error BadBody(const std::string& operation, int status, const util::Error& parse_error) {
  return util::Error{util::ErrorCode::kServerError,
                     fmt::format("{}: HTTP {} but {}", operation, status, parse_error.message)};
}

RtTransport::RtTransport(util::http::HttpClient& http, const RtOptions& options)
    : http_(http), options_(options), authorization_("token " + options.token) {
  // The sink redacts it wherever it might turn up (a curl message, a debug
  // dump), so no call site can leak it.
  util::log::AddSecret(options_.token);
}

util::Result<util::http::HttpResponse> RtTransport::Attempt(const RtCall& call, int* status) {
  *status = 0;
  util::http::HttpRequest request;
  request.method = call.method;
  request.url = options_.base_url + "/REST/2.0" + call.path;
  request.headers.emplace_back("Authorization", authorization_);
  request.headers.emplace_back("Accept", "application/json");
  if (call.form != nullptr) {
    request.form = *call.form;  // libcurl writes the multipart Content-Type
  } else {
    if (!call.body.empty()) request.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
    request.body = call.body;
  }
  request.timeout = std::chrono::duration_cast<util::Millis>(call.timeout.count() > 0 ? call.timeout : options_.timeout);
  request.max_response_bytes = call.max_response_bytes > 0 ? call.max_response_bytes : options_.max_response_bytes;
  request.response_fd = call.response_fd;
  auto response = http_.Send(request);
  if (!response) {
    util::Error error = response.error();
    error.message = fmt::format("{}: {}", call.operation, error.message);
    return tl::make_unexpected(std::move(error));
  }
  *status = response->status;
  if (*status >= 200 && *status < 300) return response;
  std::string detail = ErrorMessage(response->body);
  std::string message = detail.empty() ? fmt::format("{}: HTTP {}", call.operation, *status)
                                       : fmt::format("{}: {} (HTTP {})", call.operation, detail, *status);
  if (*status == 429 || *status >= 500) {
    util::Millis wait = util::http::ParseRetryAfter(response->Header("retry-after"), util::Millis(0));
    return util::MakeError(*status == 429 ? util::ErrorCode::kRateLimited : util::ErrorCode::kServerError, message,
                           wait.count());
  }
  if (*status == 401 || *status == 403) {
    return util::MakeError(util::ErrorCode::kAuth, message + (*status == 401 ? ": check rt_token" : ""));
  }
  return util::MakeError(util::ErrorCode::kRemoteRejected, message);
}

util::Result<util::http::HttpResponse> RtTransport::Send(const RtCall& call, int* status) {
  int last_status = 0;
  for (int attempt = 1;; ++attempt) {
    auto result = Attempt(call, &last_status);
    if (status != nullptr) *status = last_status;
    if (result) return result;
    const util::Error& error = result.error();
    // A 429 and a failure before sending leave nothing done on RT's side, so
    // even a create may go again; anything else is repeated only for reads.
    // An answer too large to read will be as large again.
    bool repeatable = error.IsTransient() && !error.too_large &&
                      (call.retry == Retry::kSafe || error.not_sent || error.code == util::ErrorCode::kRateLimited);
    if (!repeatable || attempt >= options_.max_attempts) return result;
    util::Millis delay = error.retry_after_ms > 0 ? util::Millis(std::min<long>(error.retry_after_ms, 60000))
                                                  : util::BackoffDelay(options_.backoff, attempt, util::UnitRandom());
    util::log::Warn("{}; retry {} of {} in {} ms", error.message, attempt, options_.max_attempts - 1, delay.count());
    options_.sleep(delay);
  }
}

}  // namespace helpdesk::rt
