// Jira Service Management Data Center end to end (contract behaviour 11):
// the real daemon configured with only a personal access token, against
// the fake JSM in its Data Center mode (no /rest/api/3, no Basic, usernames,
// sd.public.comment instead of jsdPublic, search by startAt): the flow, the
// sync both ways, exactly once through SIGKILL, and what `check` prints.
#include "flow_fixture.h"

using namespace e2e;

namespace {

constexpr milliseconds kSyncBound{3000};  // 2 x poll_interval (0.5 s) + 2 s

class DataCenterFlow : public Flow {
 public:
  DataCenterFlow() : Flow(fake::JiraDeployment::kDataCenter) { env["SLACKDESK_POLL_INTERVAL"] = "0.5"; }

  std::vector<fake::JiraComment> Comments() const {
    auto issue = jira.Issue("SUP-1");
    return issue ? issue->comments : std::vector<fake::JiraComment>{};
  }
  bool WaitForComments(size_t count) {
    return jira.WaitFor([&] { return Comments().size() == count; }, kWait);
  }
  bool WaitForPolls(int count) {
    int searches = jira.CountRequests("POST", "/rest/api/2/search");
    return jira.WaitForRequests("POST", "/rest/api/2/search", searches + count, kWait);
  }
  // Every request was a Data Center one: Bearer, never /rest/api/3.
  void CheckSpokeDataCenter() const {
    CHECK(jira.CountRequests("", "/rest/api/3") == 0);
    for (const auto& request : jira.Requests()) {
      CHECK(request.authorization == fake::FakeJira::BearerAuthorization());
    }
  }
};

}  // namespace

TEST_CASE("with only a personal access token a request is raised for the customer by username on Data Center",
          "[e2e][datacenter]") {
  DataCenterFlow flow;
  CHECK(flow.env.count("SLACKDESK_JIRA_EMAIL") == 0);
  CHECK(flow.env.count("SLACKDESK_JIRA_API_TOKEN") == 0);
  flow.Start();
  CHECK(flow.daemon->WaitForLog("jira: Data Center 10.3.13 at " + flow.jira.base_url(), kWait) >= 0);
  std::string ts = flow.RaiseTicket("VPN drops every hour");
  auto issues = flow.jira.Issues();
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].reporter_account_id == "ada@example.com");  // the customer's username
  CHECK(flow.customer_account == "ada@example.com");
  CHECK(issues[0].description.find("Ada Lovelace (ada@example.com)") != std::string::npos);
  CHECK(flow.Posts(ts, "SUP-1").size() == 1);
  flow.Stop();
  flow.CheckSpokeDataCenter();
}

TEST_CASE(
    "on Data Center an agent's public comment is relayed, an internal note never, a reply comes back as a "
    "comment that never echoes",
    "[e2e][datacenter]") {
  DataCenterFlow flow;
  flow.Start();
  std::string ts = flow.RaiseTicket("Printer jams");
  auto relay = flow.RelayPublicNotInternal(ts, "Could you try *reconnecting*?", kSyncBound);
  CHECK(relay.blocks_json.find("*reconnecting*") != std::string::npos);

  flow.slack.PostAsUser(kChannel, kCustomer, "It still jams on *every* page", ts);
  REQUIRE(flow.WaitForComments(3));
  fake::JiraComment reply = flow.Comments()[2];
  CHECK(reply.is_public);
  CHECK(reply.author_account_id == fake::FakeJira::kBotUsername);
  CHECK(reply.body.find("Ada Lovelace") != std::string::npos);
  CHECK(reply.body.find("It still jams on *every* page") != std::string::npos);
  bool marked = false;
  for (const auto& property : reply.properties) marked = marked || property.key == "slackdesk";
  CHECK(marked);
  // Several polls later the daemon's own comment has not come back.
  REQUIRE(flow.WaitForPolls(3));
  CHECK(flow.Relays(ts).size() == 1);
  CHECK(flow.Comments().size() == 3);
  flow.Stop();
  flow.CheckSpokeDataCenter();
}

TEST_CASE("on Data Center a daemon killed right after the create yields one ticket", "[e2e][datacenter]") {
  DataCenterFlow flow;
  flow.jira.SetSearchLag(milliseconds(2000));
  std::string ts = flow.StartWithMention("<@UBOT0001> lost answer");
  flow.Submit(flow.OpenForm(ts));
  flow.KillAfterCreateExpectOneTicket(ts);
  flow.CheckSpokeDataCenter();
}

TEST_CASE("on Data Center a daemon killed after a comment delivers each comment and reply once", "[e2e][datacenter]") {
  for (int kill_after = 0; kill_after < 2; ++kill_after) {
    INFO("killed after " << kill_after << " relayed comments");
    DataCenterFlow flow;
    flow.Start();
    std::string ts = flow.RaiseTicket("Crash during sync");
    for (int i = 1; i <= 2; ++i) flow.jira.AddAgentComment("SUP-1", "Grace Hopper", fmt::format("step {}", i), true);
    flow.slack.PostAsUser(kChannel, kCustomer, "customer reply during the crash", ts);
    if (kill_after == 0) {
      // Killed right after Jira took the customer's comment.
      REQUIRE(flow.jira.WaitForRequests("POST", "/rest/api/2/issue/SUP-1/comment", 1, kWait));
    } else {
      REQUIRE(flow.slack.WaitFor([&] { return !flow.Relays(ts).empty(); }, kWait));
    }
    flow.Restart();
    // Sync point: a fresh comment and a fresh reply make it through, so
    // anything the restart might still repeat would be there by now.
    flow.jira.AddAgentComment("SUP-1", "Grace Hopper", "final word", true);
    flow.slack.PostAsUser(kChannel, kCustomer, "thanks", ts);
    REQUIRE(flow.slack.WaitFor([&] { return flow.Relays(ts).size() >= 3; }, kWait));
    REQUIRE(flow.jira.WaitFor(
        [&] {
          for (const auto& c : flow.Comments()) {
            if (c.body.find("thanks") != std::string::npos) return true;
          }
          return false;
        },
        kWait));
    auto relays = flow.Relays(ts);
    REQUIRE(relays.size() == 3);
    CHECK(relays[0].text.find("step 1") != std::string::npos);
    CHECK(relays[1].text.find("step 2") != std::string::npos);
    int replies = 0;
    for (const auto& c : flow.Comments()) replies += c.body.find("customer reply during") != std::string::npos ? 1 : 0;
    CHECK(replies == 1);
    flow.Stop();
    flow.CheckSpokeDataCenter();
  }
}

TEST_CASE("check names Data Center with its version and the token, and whether requests can be raised for customers",
          "[e2e][datacenter][check]") {
  DataCenterFlow flow;
  {
    fake::DaemonProcess check(SLACKDESK_BINARY, {"check"}, flow.env);
    CHECK(check.Wait(kWait) == 0);
    CHECK(check.WaitForLog("ok   jira: Data Center 10.3.13 at " + flow.jira.base_url() + " (personal access token)",
                           milliseconds(1000)) >= 0);
    CHECK(check.WaitForLog("ok   jira /rest/api/2/myself (jira_personal_access_token): slackdesk bot",
                           milliseconds(1000)) >= 0);
    CHECK(check.WaitForLog("ok   raising on behalf of customers: type 10 in service desk 3 (jira_request_type_id): "
                           "allowed",
                           milliseconds(1000)) >= 0);
  }
  flow.jira.SetCanRaiseOnBehalfOf(false);
  fake::DaemonProcess check(SLACKDESK_BINARY, {"check"}, flow.env);
  CHECK(check.Wait(kWait) == 1);
  CHECK(check.WaitForLog("FAIL raising on behalf of customers: type 10 in service desk 3 (jira_request_type_id): not "
                         "allowed for slackdesk's helpdesk account (canRaiseOnBehalfOf is false): make the bot's Jira "
                         "user an agent of service desk 3",
                         milliseconds(1000)) >= 0);
  flow.CheckSpokeDataCenter();
}

TEST_CASE("check fails on the other deployment's credentials and says what to set", "[e2e][datacenter][check]") {
  fake::FakeSlack slack;
  fake::FakeJira cloud;
  fake::FakeJira data_center(fake::JiraDeployment::kDataCenter);
  testing::TempDir dir;
  // A personal access token for a Cloud site.
  auto token_on_cloud = fake::DaemonEnv(slack, data_center, dir.File("state.db"));
  token_on_cloud["SLACKDESK_JIRA_URL"] = cloud.base_url();
  fake::DaemonProcess first(SLACKDESK_BINARY, {"check"}, token_on_cloud);
  CHECK(first.Wait(kWait) == 1);
  CHECK(first.WaitForLog("FAIL jira: Cloud at " + cloud.base_url() +
                             " (personal access token), which Cloud does not take: set jira_email and jira_api_token",
                         milliseconds(1000)) >= 0);
  // An e-mail and API token for a Data Center site.
  auto cloud_on_token = fake::DaemonEnv(slack, cloud, dir.File("state.db"));
  cloud_on_token["SLACKDESK_JIRA_URL"] = data_center.base_url();
  fake::DaemonProcess second(SLACKDESK_BINARY, {"check"}, cloud_on_token);
  CHECK(second.Wait(kWait) == 1);
  CHECK(second.WaitForLog("FAIL jira: Data Center 10.3.13 at " + data_center.base_url() +
                              " (e-mail and API token), which Data Center does not take: set "
                              "jira_personal_access_token",
                          milliseconds(1000)) >= 0);
  // The daemon itself says so too, and keeps trying at error level.
  fake::DaemonProcess daemon(SLACKDESK_BINARY, {"run"}, cloud_on_token);
  CHECK(daemon.WaitForLog("this looks like Data Center; set jira_personal_access_token", kWait) >= 0);
  daemon.Signal(SIGTERM);
  CHECK(daemon.Wait(kWait) == 0);
}
