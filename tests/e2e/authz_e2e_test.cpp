// Who may do what, and nobody waits for anybody else, with the real daemon:
// a Slack Connect user against the fake Slack's users.info and team.info,
// and prompts, confirmations and relays that keep flowing while users.info
// is rate-limited in a storm and Jira waits out a 429.
#include "flow_fixture.h"

using namespace e2e;

namespace {

constexpr const char* kExternal = "U0EXTERNAL";

// Bot posts carrying the Submit request button in `channel`'s thread `ts`.
bool HasPrompt(const Flow& flow, const std::string& channel, const std::string& ts) {
  for (const auto& m : flow.slack.Messages()) {
    if (m.channel == channel && m.thread_ts == ts && m.blocks_json.find("slackdesk_open_form") != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("a Slack Connect customer raises a request, and their e-mail does not make them our customer",
          "[e2e][authz]") {
  Flow flow;
  // Another organisation's member whose profile claims our customer's e-mail.
  flow.slack.AddExternalUser(kExternal, "Eve Mallory", "ada@example.com", "T0OTHER", "Other Org");
  flow.Start();
  fake::MessageSpec spec;
  spec.channel = kChannel;
  spec.user = kExternal;
  spec.text = "<@UBOT0001> my invoice is wrong";
  spec.ts = "1700005000.000100";
  spec.team = "T0OTHER";  // as Slack sends it from a Slack Connect channel
  flow.slack.AddThreadParent(kChannel, spec.ts, kExternal, spec.text);
  flow.slack.SendEnvelope("events_api", fake::AppMentionPayload(spec));
  REQUIRE(flow.WaitForPost(spec.ts, "slackdesk_open_form"));
  flow.slack.ClickButton("", kChannel, spec.ts, kExternal, "slackdesk_open_form",
                         std::string(kChannel) + "|" + spec.ts);
  REQUIRE(flow.slack.WaitForViews(1, kWait));
  std::string envelope =
      flow.slack.SubmitView(flow.slack.Views().back().id, kExternal, StateValues("Invoice wrong", "Twice the amount."));
  REQUIRE(flow.slack.WaitForAck(envelope, kWait));
  REQUIRE(flow.WaitForPost(spec.ts, "Created"));
  auto issue = flow.jira.Issue("SUP-1");
  REQUIRE(issue);
  CHECK(issue->reporter_account_id != flow.customer_account);  // raised by slackdesk's own account
  CHECK(issue->description.find("Eve Mallory") != std::string::npos);
  CHECK(issue->description.find("Other Org") != std::string::npos);
  CHECK(flow.daemon->WaitForLog("is external (workspace Other Org)", kWait) >= 0);
  flow.Stop();
}

TEST_CASE("a users.info storm and a Jira 429 hold up no prompt, confirmation or relay", "[e2e][starvation]") {
  Flow flow;
  flow.env["SLACKDESK_POLL_INTERVAL"] = "0.3";
  flow.Start();
  std::string ts = flow.RaiseTicket("VPN drops every hour");  // the customer is known (cached) from here on
  // users.info answers nothing but 429 with Retry-After 30 s from now on.
  flow.slack.FailNext("users.info", fake::Failure{429, "ratelimited", 30}, 1000);
  // Mentions in six channels that name people the daemon does not know:
  // each needs users.info for its form's pre-fill.
  std::vector<std::pair<std::string, std::string>> named;
  for (int i = 0; i < 6; ++i) {
    std::string channel = "C0BUSY" + std::to_string(i);
    named.emplace_back(channel, flow.Mention("<@UBOT0001> <@U0NOBODY" + std::to_string(i) + "> cannot print", channel));
  }
  auto started = std::chrono::steady_clock::now();
  // Prompts come at once (the names are shown as ids), not after 30 s.
  for (const auto& prompted : named) {
    REQUIRE(flow.slack.WaitFor([&] { return HasPrompt(flow, prompted.first, prompted.second); }, milliseconds(10000)));
  }
  CHECK(std::chrono::steady_clock::now() - started < milliseconds(10000));
  // A relay comes through while users.info is blocked.
  flow.jira.AddAgentComment("SUP-1", "Grace Hopper", "Please try again now", true);
  REQUIRE(flow.slack.WaitFor([&] { return !flow.Relays(ts).empty(); }, milliseconds(5000)));
  // Jira now waits out a 429 on creates: prompts elsewhere still come.
  flow.jira.FailNext("POST", "/rest/servicedeskapi/request", 429, 20, 1);
  std::string second = flow.MentionForForm("<@UBOT0001> and the scanner");
  flow.Submit(flow.OpenForm(second), "Scanner broken");
  REQUIRE(flow.jira.WaitForRequests("POST", "/rest/servicedeskapi/request", 2, kWait));  // answered 429
  auto asked = std::chrono::steady_clock::now();
  std::string third = flow.Mention("<@UBOT0001> and the printer in room 2", "C0ROOM2");
  REQUIRE(flow.slack.WaitFor([&] { return HasPrompt(flow, "C0ROOM2", third); }, milliseconds(5000)));
  CHECK(std::chrono::steady_clock::now() - asked < milliseconds(5000));
  flow.Stop();
}
