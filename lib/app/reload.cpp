#include "app/reload.h"

namespace app {
namespace {

// The settings read once at start: the clients, the store and the
// metrics endpoint are built from them.
struct RestartKey {
  const char* name;
  bool (*same)(const config::Config&, const config::Config&);
};

#define SLACKDESK_RESTART_KEY(field)                                                            \
  RestartKey {                                                                                  \
#field, [](const config::Config& a, const config::Config& b) { return a.field == b.field; } \
  }

const RestartKey kRestartKeys[] = {
    SLACKDESK_RESTART_KEY(slack_app_token),
    SLACKDESK_RESTART_KEY(slack_bot_token),
    SLACKDESK_RESTART_KEY(slack_api_url),
    SLACKDESK_RESTART_KEY(helpdesk),
    SLACKDESK_RESTART_KEY(jira_url),
    SLACKDESK_RESTART_KEY(jira_email),
    SLACKDESK_RESTART_KEY(jira_api_token),
    SLACKDESK_RESTART_KEY(jira_service_desk_id),
    SLACKDESK_RESTART_KEY(jira_request_type_ids),
    SLACKDESK_RESTART_KEY(state_db),
    SLACKDESK_RESTART_KEY(metrics_listen),
    SLACKDESK_RESTART_KEY(trust_external_emails),
};

#undef SLACKDESK_RESTART_KEY

}  // namespace

ReloadPlan PlanReload(const config::Config& running, const config::Config& fresh) {
  ReloadPlan plan;
  plan.next = running;
  plan.next.log_level = fresh.log_level;
  plan.next.allowed_channels = fresh.allowed_channels;
  // Routes are read at each form, so they apply at once.
  plan.next.channel_routes = fresh.channel_routes;
  plan.next.poll_interval_seconds = fresh.poll_interval_seconds;
  plan.poll_interval_changed = fresh.poll_interval_seconds != running.poll_interval_seconds;
  for (const RestartKey& key : kRestartKeys) {
    if (!key.same(running, fresh)) plan.needs_restart.push_back(key.name);
  }
  return plan;
}

}  // namespace app
