#include "helpdesk/factory.h"

#include <algorithm>

#include <fmt/format.h>

#include "helpdesk/jira/jira_helpdesk.h"
#include "helpdesk/rt/rt_helpdesk.h"

namespace helpdesk {
namespace {

std::unique_ptr<Helpdesk> MakeJira(const config::Config& config, util::http::HttpClient& http,
                                   const HelpdeskTuning& tuning) {
  jira::JiraOptions options;
  options.base_url = config.jira_url;
  options.email = config.jira_email;
  options.api_token = config.jira_api_token;
  options.personal_access_token = config.jira_personal_access_token;
  options.service_desk_id = config.jira_service_desk_id;
  options.request_type_id = config.jira_request_type_ids.empty() ? "" : config.jira_request_type_ids.front();
  for (const auto& [channel, route] : config.channel_routes) {
    const std::vector<std::string>& desks = options.route_desk_ids;
    if (route.desk_id != options.service_desk_id &&
        std::find(desks.begin(), desks.end(), route.desk_id) == desks.end()) {
      options.route_desk_ids.push_back(route.desk_id);
    }
  }
  options.max_attempts = tuning.max_attempts;
  options.timeout = tuning.timeout;
  options.sleep = tuning.sleep;
  return std::make_unique<jira::JiraHelpdesk>(http, std::move(options));
}

std::unique_ptr<Helpdesk> MakeRt(const config::Config& config, util::http::HttpClient& http,
                                 const HelpdeskTuning& tuning) {
  rt::RtOptions options;
  options.base_url = config.rt_url;
  options.token = config.rt_token;
  options.queue = config.rt_queue;
  options.marker_field = config.rt_marker_field;
  options.max_attempts = tuning.max_attempts;
  options.timeout = tuning.timeout;
  options.sleep = tuning.sleep;
  return std::make_unique<rt::RtHelpdesk>(http, std::move(options));
}

}  // namespace

util::Result<std::unique_ptr<Helpdesk>> MakeHelpdesk(const config::Config& config, util::http::HttpClient& http,
                                                     const HelpdeskTuning& tuning) {
  // One line per backend.
  if (config.helpdesk == "jira") return MakeJira(config, http, tuning);
  if (config.helpdesk == "rt") return MakeRt(config, http, tuning);
  return util::MakeError(util::ErrorCode::kConfig,
                         fmt::format("helpdesk: must be jira or rt (got '{}')", config.helpdesk));
}

}  // namespace helpdesk
