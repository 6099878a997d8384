// The environment that points the real daemon at the fakes: tokens, URLs,
// the Jira ids and a state file. Tests, the simulator and the benchmarks
// add or override keys as they need.
#pragma once

#include <string>

#include "daemon_process.h"
#include "fake_jira.h"
#include "fake_slack.h"

namespace fake {

inline DaemonProcess::Env DaemonEnv(const FakeSlack& slack, const FakeJira& jira, const std::string& state_db) {
  return {
      {"SLACKDESK_SLACK_APP_TOKEN", FakeSlack::kAppToken},
      {"SLACKDESK_SLACK_BOT_TOKEN", FakeSlack::kBotToken},
      {"SLACKDESK_SLACK_API_URL", slack.api_url()},
      {"SLACKDESK_JIRA_URL", jira.base_url()},
      {"SLACKDESK_JIRA_EMAIL", FakeJira::kEmail},
      {"SLACKDESK_JIRA_API_TOKEN", FakeJira::kApiToken},
      {"SLACKDESK_JIRA_SERVICE_DESK_ID", FakeJira::kServiceDeskId},
      {"SLACKDESK_JIRA_REQUEST_TYPE_ID", FakeJira::kRequestTypeId},
      {"SLACKDESK_STATE_DB", state_db},
  };
}

}  // namespace fake
