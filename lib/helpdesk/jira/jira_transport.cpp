#include "helpdesk/jira/jira_transport.h"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "helpdesk/jira/jira_encoding.h"
#include "util/log.h"

namespace helpdesk::jira {
namespace {

long long ToMillis(util::Duration duration) { return std::chrono::duration_cast<util::Millis>(duration).count(); }

// Data Center's answer when an admin turned Basic auth off (and Jira 11's
// default): 403 {"message":"Basic Authentication has been disabled on this
// instance."} (behind-the-firewall.md section 1).
bool IsBasicDisabled(const std::string& message) {
  return message.find("Basic Authentication has been disabled") != std::string::npos;
}

}  // namespace

JiraOptions Normalized(JiraOptions options) {
  while (!options.base_url.empty() && options.base_url.back() == '/') options.base_url.pop_back();
  if (!options.now) options.now = [] { return util::SteadyClock::now(); };
  if (!options.sleep) options.sleep = [](util::Duration d) { std::this_thread::sleep_for(d); };
  options.max_attempts = std::max(1, options.max_attempts);
  options.keys_per_search = std::max(1, options.keys_per_search);
  options.max_pages = std::max(1, options.max_pages);
  return options;
}

util::Error BadBody(const std::string& operation, int status, const util::Error& parse_error) {
  return util::Error{util::ErrorCode::kServerError,
                     fmt::format("{}: HTTP {} but {}", operation, status, parse_error.message)};
}

JiraTransport::JiraTransport(util::http::HttpClient& http, const JiraOptions& options)
    : http_(http), options_(options) {
  // The sink redacts these wherever they might turn up (a curl message, a
  // debug dump), so no call site can leak them.
  if (!options_.personal_access_token.empty()) {
    // A PAT is not a Basic password (behind-the-firewall.md section 1).
    authorization_ = "Bearer " + options_.personal_access_token;
    util::log::AddSecret(options_.personal_access_token);
    return;
  }
  std::string credentials = Base64Encode(options_.email + ":" + options_.api_token);
  authorization_ = "Basic " + credentials;
  util::log::AddSecret(options_.api_token);
  util::log::AddSecret(credentials);
}

util::Result<util::http::HttpResponse> JiraTransport::Attempt(const JiraCall& call,
                                                              util::http::HttpResponse* failed_response) {
  *failed_response = util::http::HttpResponse{};
  util::http::HttpRequest request;
  request.method = call.method;
  request.url = call.url.empty() ? options_.base_url + call.path : call.url;
  request.response_fd = call.response_fd;
  request.max_response_bytes = call.max_response_bytes;
  if (!call.anonymous) request.headers.emplace_back("Authorization", authorization_);
  request.headers.emplace_back("Accept", "application/json");
  if (!call.body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  if (call.experimental) request.headers.emplace_back("X-ExperimentalApi", "opt-in");
  if (call.upload != nullptr) {
    // Jira's XSRF check refuses a multipart POST without this header.
    request.headers.emplace_back("X-Atlassian-Token", "no-check");
    request.upload = *call.upload;
  }
  request.body = call.body;
  request.timeout = std::chrono::duration_cast<util::Millis>(
      call.timeout > util::Duration::zero() ? call.timeout : options_.timeout);
  auto response = http_.Send(request);
  if (!response) {
    util::Error error = response.error();
    error.message = fmt::format("{}: {}", call.operation, error.message);
    return tl::make_unexpected(std::move(error));
  }
  int status = response->status;
  if (status >= 200 && status < 300) return response;
  *failed_response = *response;
  if (status == 429) {
    util::Millis wait = util::http::ParseRetryAfter(response->Header("retry-after"), options_.default_retry_after);
    return util::MakeError(
        util::ErrorCode::kRateLimited,
        fmt::format("{}: rate limited (HTTP 429), Retry-After {} s", call.operation, wait.count() / 1000.0),
        wait.count());
  }
  if (status >= 500) {
    // Some 503s say when to come back; that pause then applies to all calls.
    util::Millis wait = util::http::ParseRetryAfter(response->Header("retry-after"), util::Millis(0));
    // A gateway's page says which hop failed ("502 Bad Gateway").
    std::string detail = ErrorMessageFromBody(response->body);
    return util::MakeError(util::ErrorCode::kServerError,
                           detail.empty() ? fmt::format("{}: HTTP {}", call.operation, status)
                                          : fmt::format("{}: HTTP {} ({})", call.operation, status, detail),
                           wait.count());
  }
  std::string detail = ErrorMessageFromBody(response->body);
  if (status == 403 && options_.personal_access_token.empty() && IsBasicDisabled(detail)) {
    return util::MakeError(util::ErrorCode::kAuth,
                           fmt::format("{}: Jira refuses Basic authentication (\"{}\"): this looks like Data Center; "
                                       "set jira_personal_access_token",
                                       call.operation, detail));
  }
  util::ErrorCode code = status == 401 || status == 403 ? util::ErrorCode::kAuth : util::ErrorCode::kRemoteRejected;
  return util::MakeError(code, detail.empty() ? fmt::format("{}: HTTP {}", call.operation, status)
                                              : fmt::format("{}: {} (HTTP {})", call.operation, detail, status));
}

util::Result<util::http::HttpResponse> JiraTransport::Send(const JiraCall& call, util::http::HttpResponse* failed_response) {
  util::http::HttpResponse failed;
  for (int attempt = 1;; ++attempt) {
    // Honour a rate-limit block set by any thread. Re-read after waiting: a
    // 429 seen meanwhile by another call may have pushed it further.
    for (int waits = 0; waits < 8; ++waits) {
      util::TimePoint until;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        until = blocked_until_;
      }
      util::TimePoint now = options_.now();
      if (until <= now) break;
      if (until - now > options_.max_rate_limit_wait) {
        long long remaining = ToMillis(until - now);
        return util::MakeError(
            util::ErrorCode::kRateLimited,
            fmt::format("{}: not sent, Jira rate limit in force for another {} ms", call.operation, remaining),
            remaining);
      }
      options_.sleep(until - now);
    }
    auto result = Attempt(call, &failed);
    if (result) return result;
    const util::Error& error = result.error();
    if (error.retry_after_ms > 0) {
      std::lock_guard<std::mutex> lock(mutex_);
      blocked_until_ = std::max(blocked_until_, options_.now() + util::Millis(error.retry_after_ms));
    }
    // Both a 429 and a failure before sending leave nothing done on Jira's
    // side, so even a create may go again; anything else is repeated only
    // for reads.
    // A file over its limit stays over it.
    bool repeatable = !error.too_large && error.IsTransient() &&
                      (call.retry == Retry::kSafe || error.code == util::ErrorCode::kRateLimited || error.not_sent);
    bool too_long = util::Millis(error.retry_after_ms) > options_.max_rate_limit_wait;
    if (!repeatable || too_long || attempt >= options_.max_attempts) {
      if (failed_response != nullptr) *failed_response = std::move(failed);
      return result;
    }
    util::Millis delay = error.retry_after_ms > 0 ? util::Millis(0)  // the block above holds every call back
                                                  : util::BackoffDelay(options_.backoff, attempt, util::UnitRandom());
    util::log::Warn("{}; retry {} of {} in {} ms", error.message, attempt, options_.max_attempts - 1,
                    error.retry_after_ms > 0 ? error.retry_after_ms : delay.count());
    options_.sleep(delay);
  }
}

}  // namespace helpdesk::jira
