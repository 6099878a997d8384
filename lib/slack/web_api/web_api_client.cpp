#include "slack/web_api/web_api_client.h"

#include <thread>

#include <fmt/format.h>

#include "util/json_util.h"
#include "util/log.h"

namespace slack::web_api {
namespace {

bool IsPostingMethod(const std::string& method) {
  return method == "chat.postMessage" || method == "chat.postEphemeral";
}

// Why a 429 without a usable Retry-After still waits: Slack always sends
// one, so its absence means a proxy answered; a second is a sane floor.
constexpr util::Millis kDefaultRetryAfter{1000};

}  // namespace

WebApiOptions DefaultWebApiOptions(std::string base_url, std::string token) {
  WebApiOptions options;
  options.base_url = std::move(base_url);
  options.token = std::move(token);
  return options;
}

util::ErrorCode ClassifySlackError(const std::string& error) {
  static const char* const kAuthErrors[] = {
      "not_authed", "invalid_auth", "account_inactive", "token_revoked", "token_expired",
      "not_allowed_token_type", "missing_scope", "no_permission", "team_disabled", "user_removed_from_team"};
  for (const char* auth : kAuthErrors) {
    if (error == auth) return util::ErrorCode::kAuth;
  }
  if (error == "ratelimited" || error == "rate_limited") return util::ErrorCode::kRateLimited;
  if (error == "internal_error" || error == "fatal_error" || error == "service_unavailable" ||
      error == "request_timeout") {
    return util::ErrorCode::kServerError;
  }
  return util::ErrorCode::kRemoteRejected;
}

WebApiClient::WebApiClient(util::http::HttpClient& http, WebApiOptions options)
    : http_(http), options_(std::move(options)) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
  if (!options_.now) options_.now = [] { return util::SteadyClock::now(); };
  if (!options_.sleep) options_.sleep = [](util::Duration d) { std::this_thread::sleep_for(d); };
}

void WebApiClient::WaitUntil(util::TimePoint when) {
  util::TimePoint now = options_.now();
  if (when > now) options_.sleep(when - now);
}

util::Result<rapidjson::Document> WebApiClient::Call(const std::string& method, const std::string& json_body,
                                                    Retry retry) {
  auto answer = CallWithHeaders(method, json_body, retry);
  if (!answer) return tl::make_unexpected(std::move(answer.error()));
  return std::move(answer->body);
}

util::Result<Answer> WebApiClient::CallWithHeaders(const std::string& method, const std::string& json_body,
                                                   Retry retry) {
  // The body is this process's own: only its channel is read (for the
  // per-channel pacing), not a whole second parse of what was just written.
  std::string channel;
  if (!json::FindTopLevelString(json_body, "channel", &channel)) {
    return util::MakeError(util::ErrorCode::kInvalidInput, method + ": request body is not a JSON object");
  }
  const std::string method_key = "method:" + method;
  for (int attempt = 1;; ++attempt) {
    util::TimePoint ready;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      util::TimePoint now = options_.now();
      ready = gate_.ReadyAt(method_key, now);
      // Posts take the next per-channel slot: about one per second, in the
      // order the calls arrived.
      if (IsPostingMethod(method) && !channel.empty()) {
        ready = std::max(ready, gate_.Reserve("post:" + channel, ready, options_.post_interval, now));
      }
    }
    if (retry == Retry::kNoWait && ready > options_.now()) {
      return util::MakeError(util::ErrorCode::kRateLimited, method + ": rate limited (waiting out a Retry-After)");
    }
    WaitUntil(ready);
    auto result = Attempt(method, json_body, channel);
    if (result) return result;
    const util::Error& error = result.error();
    if (error.code == util::ErrorCode::kRateLimited) {
      std::lock_guard<std::mutex> lock(mutex_);
      gate_.Block(method_key, options_.now() + util::Millis(error.retry_after_ms));
    }
    bool repeatable = retry != Retry::kNoWait && error.IsTransient() &&
                      (retry == Retry::kSafe || error.code == util::ErrorCode::kRateLimited || error.not_sent);
    if (!repeatable || attempt >= options_.max_attempts) return result;
    util::Millis delay = error.code == util::ErrorCode::kRateLimited
                             ? util::Millis(0)  // the gate already holds the method back
                             : util::BackoffDelay(options_.retry_backoff, attempt, util::UnitRandom());
    util::log::Warn("slack {}: {}; retry {} of {} in {} ms", method, error.message, attempt,
                    options_.max_attempts - 1,
                    error.code == util::ErrorCode::kRateLimited ? error.retry_after_ms : delay.count());
    options_.sleep(delay);
  }
}

util::Result<Answer> WebApiClient::Attempt(const std::string& method, const std::string& json_body,
                                          const std::string& channel) {
  util::http::HttpRequest request;
  request.method = "POST";
  request.url = options_.base_url + "/" + method;
  request.headers = {{"Authorization", "Bearer " + options_.token},
                     {"Content-Type", "application/json; charset=utf-8"}};
  request.body = json_body;
  request.timeout = std::chrono::duration_cast<util::Millis>(options_.timeout);
  auto response = http_.Send(request);
  if (!response) {
    util::Error error = response.error();
    error.message = fmt::format("{}: {}", method, error.message);
    return tl::make_unexpected(std::move(error));
  }
  std::string where = channel.empty() ? "" : fmt::format(" (channel {})", channel);
  if (response->status == 429) {
    util::Millis wait = util::http::ParseRetryAfter(response->Header("retry-after"), kDefaultRetryAfter);
    return util::MakeError(util::ErrorCode::kRateLimited,
                           fmt::format("{}: rate limited, Retry-After {} s{}", method, wait.count() / 1000, where),
                           wait.count());
  }
  if (response->status >= 500) {
    util::Millis wait = util::http::ParseRetryAfter(response->Header("retry-after"), util::Millis(0));
    return util::MakeError(util::ErrorCode::kServerError, fmt::format("{}: HTTP {}{}", method, response->status, where),
                           wait.count());
  }
  rapidjson::Document doc;
  std::string invalid = json::Parse(response->body, doc);
  if (invalid.empty() && !doc.IsObject()) invalid = "not a JSON object";
  if (!invalid.empty()) {
    // A proxy's page or a cut body: worth another try later.
    return util::MakeError(util::ErrorCode::kServerError,
                           fmt::format("{}: HTTP {} with an unreadable body: {}{}", method, response->status,
                                       invalid, where));
  }
  auto ok = doc.FindMember("ok");
  if (ok == doc.MemberEnd() || !ok->value.IsBool()) {
    // Not Slack's answer (a proxy's JSON, a wrong shape): not a refusal either.
    return util::MakeError(util::ErrorCode::kServerError,
                           fmt::format("{}: HTTP {} with a body that is not a Slack answer (no \"ok\"){}", method,
                                       response->status, where));
  }
  if (!ok->value.GetBool()) {
    std::string error = json::GetString(doc, "error");
    if (error.empty()) error = fmt::format("HTTP {} without an error code", response->status);
    util::ErrorCode code = ClassifySlackError(error);
    std::string detail;
    // Slack names the scope the call lacked; the fix needs its name.
    std::string needed = json::GetString(doc, "needed");
    if (error == "missing_scope" && !needed.empty()) detail += fmt::format(" (needs {})", needed);
    if (const auto* metadata = json::GetObject(doc, "response_metadata")) {
      if (const auto* messages = json::GetArray(*metadata, "messages")) {
        for (const auto& message : messages->GetArray()) {
          if (message.IsString()) detail += std::string(" ") + message.GetString();
        }
      }
    }
    return util::MakeError(code, fmt::format("{}: {}{}{}", method, error, where, detail),
                           code == util::ErrorCode::kRateLimited ? kDefaultRetryAfter.count() : 0);
  }
  return Answer{std::move(doc), std::move(response->headers)};
}

}  // namespace slack::web_api
