// The one place where what a config needs depends on the helpdesk backend:
// the keys each requires, what it cannot take, and where its requests go
// by default. Everything else reads the neutral Config::DefaultRoute().
#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"
#include "config/config_keys.h"
#include "util/log.h"

namespace config {
namespace {

// Jira Cloud signs in with jira_email and jira_api_token, Data Center with
// jira_personal_access_token: one of the two is required. With both, the
// token wins (a packaged unit may load an API token credential anyway).
std::optional<std::string> CheckJiraCredentials(const Config& config) {
  if (!config.jira_personal_access_token.empty()) {
    if (!config.jira_email.empty() || !config.jira_api_token.empty()) {
      util::log::Warn("config: jira_personal_access_token is set, so jira_email and jira_api_token are not used");
    }
    return std::nullopt;
  }
  const std::string or_token = ", or jira_personal_access_token for Jira Data Center";
  if (config.jira_email.empty()) return internal::MissingKey("jira_email") + or_token;
  if (config.jira_api_token.empty()) return internal::MissingKey("jira_api_token") + or_token;
  return std::nullopt;
}

std::optional<std::string> CheckJiraKeys(const Config& config) {
  if (config.jira_url.empty()) return internal::MissingKey("jira_url");
  if (config.jira_service_desk_id.empty()) return internal::MissingKey("jira_service_desk_id");
  if (config.jira_request_type_ids.empty()) return internal::MissingKey("jira_request_type_id");
  return CheckJiraCredentials(config);
}

std::optional<std::string> CheckRtKeys(const Config& config) {
  if (config.rt_url.empty()) return internal::MissingKey("rt_url");
  if (config.rt_token.empty()) return internal::MissingKey("rt_token");
  if (config.rt_queue.empty()) return internal::MissingKey("rt_queue");
  // Routes name service desks and request types, which RT does not have;
  // silently ignoring them would send every channel's requests to one queue.
  if (!config.channel_routes.empty()) {
    return "channel_routes: only for helpdesk = jira (RT requests all go to rt_queue)";
  }
  return std::nullopt;
}

// RT has no request types: its one form (summary and description) is
// asked for under this id, which the RT backend accepts.
constexpr char kRtFormId[] = "ticket";

// What a config needs for one helpdesk backend: the keys it requires (an
// error naming the first missing, or what it cannot take), where its
// requests go by default, and the key that sets that.
struct Backend {
  const char* name;
  std::optional<std::string> (*check_keys)(const Config&);
  ChannelRoute (*default_route)(const Config&);
  const char* default_route_key;
};

// One row per backend (lib/helpdesk/factory.cpp has its one line each).
const Backend kBackends[] = {
    {"jira", CheckJiraKeys,
     [](const Config& c) { return ChannelRoute{c.jira_service_desk_id, c.jira_request_type_ids}; },
     "jira_request_type_id"},
    {"rt", CheckRtKeys, [](const Config& c) { return ChannelRoute{c.rt_queue, {kRtFormId}}; }, "rt_queue"},
};

// The configured backend; the `helpdesk` key accepts only their names.
const Backend& BackendOf(const Config& config) {
  for (const Backend& backend : kBackends) {
    if (config.helpdesk == backend.name) return backend;
  }
  return kBackends[0];
}

}  // namespace

namespace internal {

std::optional<std::string> CheckHelpdeskName(std::string_view name) {
  std::string names;
  for (const Backend& backend : kBackends) {
    if (name == backend.name) return std::nullopt;
    names += names.empty() ? backend.name : std::string(" or ") + backend.name;
  }
  return "must be " + names + " (got " + Echo(name) + ")";
}

std::optional<std::string> CheckBackendKeys(const Config& config) { return BackendOf(config).check_keys(config); }

}  // namespace internal

ChannelRoute Config::DefaultRoute() const { return BackendOf(*this).default_route(*this); }

std::string Config::DefaultRouteKey() const { return BackendOf(*this).default_route_key; }

}  // namespace config
