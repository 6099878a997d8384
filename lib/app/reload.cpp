#include "app/reload.h"

#include <algorithm>
#include <set>
#include <string>

namespace app {
namespace {

// The settings read once at start: the clients, the store and the
// metrics endpoint are built from them.
struct RestartKey {
  const char* name;
  bool (*same)(const config::Config&, const config::Config&);
};

// clang-format off
#define SLACKDESK_RESTART_KEY_NAMED(name, field) \
  RestartKey{name, [](const config::Config& a, const config::Config& b) { return a.field == b.field; }}
#define SLACKDESK_RESTART_KEY(field) SLACKDESK_RESTART_KEY_NAMED(#field, field)
// clang-format on

const RestartKey kRestartKeys[] = {
    SLACKDESK_RESTART_KEY(slack_app_token),
    SLACKDESK_RESTART_KEY(slack_bot_token),
    SLACKDESK_RESTART_KEY(slack_api_url),
    SLACKDESK_RESTART_KEY(helpdesk),
    SLACKDESK_RESTART_KEY(jira_url),
    SLACKDESK_RESTART_KEY(jira_email),
    SLACKDESK_RESTART_KEY(jira_api_token),
    SLACKDESK_RESTART_KEY(jira_personal_access_token),
    SLACKDESK_RESTART_KEY(jira_service_desk_id),
    SLACKDESK_RESTART_KEY_NAMED("jira_request_type_id", jira_request_type_ids),
    SLACKDESK_RESTART_KEY(rt_url),
    SLACKDESK_RESTART_KEY(rt_token),
    SLACKDESK_RESTART_KEY(rt_queue),
    SLACKDESK_RESTART_KEY(rt_marker_field),
    SLACKDESK_RESTART_KEY(state_db),
    SLACKDESK_RESTART_KEY(metrics_listen),
    SLACKDESK_RESTART_KEY(trust_external_emails),
    // The connections are made with them; the open ones would keep the old.
    SLACKDESK_RESTART_KEY_NAMED("proxy", egress.proxy),
    SLACKDESK_RESTART_KEY_NAMED("no_proxy", egress.no_proxy),
    SLACKDESK_RESTART_KEY_NAMED("ca_file", egress.ca_file),
};

#undef SLACKDESK_RESTART_KEY
#undef SLACKDESK_RESTART_KEY_NAMED

// The service desks requests may be raised in: the helpdesk client searches
// their projects (a ticket found again after a crash), so it knows them
// from its start.
std::set<std::string> Desks(const config::Config& config) {
  std::set<std::string> desks{config.DefaultRoute().desk_id};
  for (const auto& [channel, route] : config.channel_routes) desks.insert(route.desk_id);
  return desks;
}

}  // namespace

ReloadPlan PlanReload(const config::Config& running, const config::Config& fresh) {
  ReloadPlan plan;
  plan.next = running;
  plan.next.log_level = fresh.log_level;
  plan.next.allowed_channels = fresh.allowed_channels;
  // Routes are read at each form, so they apply at once; one to a desk the
  // running client does not search would let a crash duplicate its tickets.
  std::set<std::string> running_desks = Desks(running);
  std::set<std::string> fresh_desks = Desks(fresh);
  if (std::includes(running_desks.begin(), running_desks.end(), fresh_desks.begin(), fresh_desks.end())) {
    plan.next.channel_routes = fresh.channel_routes;
  } else if (fresh.channel_routes != running.channel_routes) {
    plan.needs_restart.push_back("channel_routes (a new service desk)");
  }
  plan.next.poll_interval_seconds = fresh.poll_interval_seconds;
  plan.poll_interval_changed = fresh.poll_interval_seconds != running.poll_interval_seconds;
  for (const RestartKey& key : kRestartKeys) {
    if (!key.same(running, fresh)) plan.needs_restart.push_back(key.name);
  }
  return plan;
}

}  // namespace app
