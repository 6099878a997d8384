// The end-to-end fixture: a fake Slack, a fake Jira and the real daemon,
// with the customer's side of the conversation (slack_flow.h).
#pragma once

#include <string>

#include "daemon_env.h"
#include "fake_jira.h"
#include "slack_flow.h"

namespace e2e {

class Flow : public SlackFlow {
 public:
  // `deployment`: the fake Jira's, signed in to as it expects (DaemonEnv).
  explicit Flow(fake::JiraDeployment deployment = fake::JiraDeployment::kCloud) : jira(deployment) {
    customer_account = jira.AddCustomer("ada@example.com", "Ada Lovelace");
    env = fake::DaemonEnv(slack, jira, dir.File("state.db"));
    env["SLACKDESK_LOG_LEVEL"] = "debug";
  }

  // An agent adds an internal note, then `public_text` publicly, on
  // SUP-1; the public one must reach the thread within `bound` and the
  // note never (contract behaviour 4). Returns the one relay.
  fake::PostedMessage RelayPublicNotInternal(const std::string& thread_ts, const std::string& public_text,
                                             milliseconds bound) {
    jira.AddAgentComment("SUP-1", "Grace Hopper", "Internal: this customer is on the *legacy* plan", false);
    auto added = std::chrono::steady_clock::now();
    jira.AddAgentComment("SUP-1", "Grace Hopper", public_text, true);
    REQUIRE(slack.WaitFor([&] { return !Relays(thread_ts).empty(); }, bound + milliseconds(1000)));
    CHECK(std::chrono::steady_clock::now() - added <= bound);
    auto relays = Relays(thread_ts);
    REQUIRE(relays.size() == 1);
    CHECK(relays[0].blocks_json.find("Grace Hopper") != std::string::npos);
    for (const auto& message : slack.Messages()) CHECK(message.text.find("legacy") == std::string::npos);
    return relays[0];
  }

  // Kills the daemon as soon as Jira has the request of the form submitted
  // in `thread_ts` (the ticket exists; the daemon has not recorded it, or
  // just has), restarts it, and expects exactly one ticket and one
  // confirmation.
  void KillAfterCreateExpectOneTicket(const std::string& thread_ts) {
    REQUIRE(jira.WaitForRequests("POST", "/rest/servicedeskapi/request", 1, kWait));
    Restart();
    REQUIRE(WaitForPost(thread_ts, "SUP-1"));
    CHECK(jira.Issues().size() == 1);
    CHECK(jira.CountRequests("POST", "/rest/servicedeskapi/request") == 1);
    CHECK(Posts(thread_ts, "Created").size() == 1);
    Stop();
  }

  fake::FakeJira jira;
  std::string customer_account;
};

}  // namespace e2e
