// The one place where what a config needs depends on the helpdesk backend:
// the keys each requires, what it cannot take, and where its requests go
// by default. Everything else reads the neutral Config::DefaultRoute().
#include <optional>
#include <string>

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

}  // namespace

namespace internal {

std::optional<std::string> CheckBackendKeys(const Config& config) {
  if (config.helpdesk == "rt") return CheckRtKeys(config);
  return CheckJiraKeys(config);
}

}  // namespace internal

ChannelRoute Config::DefaultRoute() const {
  if (helpdesk == "rt") return ChannelRoute{rt_queue, {kRtFormId}};
  return ChannelRoute{jira_service_desk_id, jira_request_type_ids};
}

std::string Config::DefaultRouteKey() const { return helpdesk == "rt" ? "rt_queue" : "jira_request_type_id"; }

}  // namespace config
