// The environment that points the real daemon at the fakes: tokens, URLs,
// the Jira ids and a state file. Tests, the simulator and the benchmarks
// add or override keys as they need.
#pragma once

#include <string>

#include "daemon_process.h"
#include "fake_jira.h"
#include "fake_slack.h"

namespace fake {

inline DaemonProcess::Env DaemonEnv(const FakeSlack& slack, const std::string& jira_url, const std::string& jira_email,
                                   const std::string& jira_api_token, const std::string& service_desk_id,
                                   const std::string& request_type_id, const std::string& state_db) {
  return {
      {"SLACKDESK_SLACK_APP_TOKEN", FakeSlack::kAppToken},
      {"SLACKDESK_SLACK_BOT_TOKEN", FakeSlack::kBotToken},
      {"SLACKDESK_SLACK_API_URL", slack.api_url()},
      {"SLACKDESK_JIRA_URL", jira_url},
      {"SLACKDESK_JIRA_EMAIL", jira_email},
      {"SLACKDESK_JIRA_API_TOKEN", jira_api_token},
      {"SLACKDESK_JIRA_SERVICE_DESK_ID", service_desk_id},
      {"SLACKDESK_JIRA_REQUEST_TYPE_ID", request_type_id},
      {"SLACKDESK_STATE_DB", state_db},
  };
}

// Signs in as the fake expects: an e-mail and API token on Cloud, only a
// personal access token on Data Center.
inline DaemonProcess::Env DaemonEnv(const FakeSlack& slack, const FakeJira& jira, const std::string& state_db) {
  DaemonProcess::Env env = DaemonEnv(slack, jira.base_url(), FakeJira::kEmail, FakeJira::kApiToken,
                                     FakeJira::kServiceDeskId, FakeJira::kRequestTypeId, state_db);
  if (jira.deployment() == JiraDeployment::kDataCenter) {
    env.erase("SLACKDESK_JIRA_EMAIL");
    env.erase("SLACKDESK_JIRA_API_TOKEN");
    env["SLACKDESK_JIRA_PERSONAL_ACCESS_TOKEN"] = FakeJira::kPersonalAccessToken;
  }
  return env;
}

// For a daemon that never reaches Jira: its URL is the discard port, where
// nothing listens; `jira_api_token` lets a test look for leaks of it.
inline DaemonProcess::Env SlackOnlyDaemonEnv(const FakeSlack& slack, const std::string& jira_api_token,
                                             const std::string& state_db) {
  return DaemonEnv(slack, "http://127.0.0.1:9", "bot@example.com", jira_api_token, "1", "10", state_db);
}

}  // namespace fake
