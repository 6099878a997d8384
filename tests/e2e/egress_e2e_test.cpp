// Behind a firewall, end to end (contract behaviour 11): the real daemon
// reaches the fakes only through a real squid that asks for credentials,
// by names (slack.test, jira.test) that squid alone resolves, and over real
// TLS signed by a CA of the test's own that only ca_file makes trusted.
#include <fmt/format.h>

#include "flow_fixture.h"
#include "squid_proxy.h"
#include "test_ca.h"
#include "tls_front.h"

using namespace e2e;

namespace {

constexpr milliseconds kCheckWait{60000};

// The squid for one test; fails the test when it cannot start.
std::unique_ptr<fake::SquidProxy> StartSquid() {
  auto squid = std::make_unique<fake::SquidProxy>();
  INFO(squid->Error());
  REQUIRE(squid->Ready());
  return squid;
}

// Points the daemon at the fakes by their proxy-only names and sets the
// proxy (through the environment, as a systemd drop-in would).
void BehindProxy(Flow& flow, const fake::SquidProxy& squid, const std::string& proxy_url) {
  flow.slack.SetSocketUrlBase(fmt::format("ws://slack.test:{}", flow.slack.port()));
  flow.env["SLACKDESK_SLACK_API_URL"] = fmt::format("http://slack.test:{}/api", flow.slack.port());
  flow.env["SLACKDESK_JIRA_URL"] = fmt::format("http://jira.test:{}", flow.jira.port());
  flow.env["SLACKDESK_PROXY"] = proxy_url;
  (void)squid;
}

struct CheckRun {
  int exit_code = -1;
  std::string output;
};

CheckRun RunCheck(const fake::DaemonProcess::Env& env) {
  fake::DaemonProcess check(SLACKDESK_BINARY, {"check"}, env);
  CheckRun run;
  run.exit_code = check.Wait(kCheckWait);
  for (const std::string& line : check.Lines()) run.output += line + "\n";
  return run;
}

}  // namespace

TEST_CASE("through a real proxy with credentials, by names only the proxy resolves, the whole flow works",
          "[e2e][egress]") {
  // Data Center is the on-prem case: the daemon has only its personal
  // access token and the proxy. Cloud goes the same way.
  auto deployment = GENERATE(fake::JiraDeployment::kDataCenter, fake::JiraDeployment::kCloud);
  auto squid = StartSquid();
  Flow flow(deployment);
  if (deployment == fake::JiraDeployment::kDataCenter) {
    REQUIRE(flow.env.count("SLACKDESK_JIRA_EMAIL") == 0);
    REQUIRE(flow.env.count("SLACKDESK_JIRA_PERSONAL_ACCESS_TOKEN") == 1);
  }
  BehindProxy(flow, *squid, squid->Url());
  flow.env["SLACKDESK_POLL_INTERVAL"] = "0.5";
  flow.Start();
  std::string ts = flow.RaiseTicket("The VPN drops every hour");
  // An agent's comment comes back into the thread, a reply goes to Jira.
  flow.jira.AddAgentComment("SUP-1", "Grace Hopper", "Could you try reconnecting?", true);
  REQUIRE(flow.slack.WaitFor([&] { return !flow.Relays(ts).empty(); }, kWait));
  flow.slack.PostAsUser(kChannel, kCustomer, "Reconnecting did not help", ts);
  REQUIRE(flow.jira.WaitFor(
      [&] {
        auto issue = flow.jira.Issue("SUP-1");
        return issue && issue->comments.size() == 2;
      },
      kWait));
  flow.Stop();
  std::string log = squid->AccessLog();
  INFO(log);
  // The WebSocket went through a CONNECT tunnel, the Web API and Jira
  // calls as proxied requests, all with the credentials.
  CHECK(log.find("CONNECT slack.test:" + std::to_string(flow.slack.port()) + " slackdesk") != std::string::npos);
  CHECK(log.find("POST http://slack.test:" + std::to_string(flow.slack.port()) + "/api/chat.postMessage slackdesk") !=
        std::string::npos);
  CHECK(log.find("http://jira.test:" + std::to_string(flow.jira.port()) + "/rest/") != std::string::npos);
  // The password never reached the log.
  CHECK(flow.Log().find("proxy-pass") == std::string::npos);
}

TEST_CASE("check names the proxy, refuses wrong credentials in one line, and nothing bypasses the proxy",
          "[e2e][egress]") {
  auto squid = StartSquid();
  Flow flow;
  BehindProxy(flow, *squid, squid->Url());

  CheckRun good = RunCheck(flow.env);
  INFO(good.output);
  CHECK(good.exit_code == 0);
  CHECK(good.output.find(fmt::format("ok   proxy http://127.0.0.1:{} (from proxy): reachable, credentials accepted",
                                     squid->port())) != std::string::npos);

  flow.env["SLACKDESK_PROXY"] = squid->UrlWith("slackdesk", "wrong-password");
  CheckRun refused = RunCheck(flow.env);
  INFO(refused.output);
  CHECK(refused.exit_code == 1);
  CHECK(refused.output.find("FAIL proxy http://127.0.0.1:") != std::string::npos);
  CHECK(refused.output.find("refused the credentials (407 Proxy Authentication Required); check the user and "
                            "password in proxy") != std::string::npos);
  CHECK(refused.output.find("wrong-password") == std::string::npos);

  // A host the proxy's policy refuses: the CONNECT's answer, with the fix.
  flow.env["SLACKDESK_PROXY"] = squid->Url();
  flow.env["SLACKDESK_SLACK_API_URL"] = fmt::format("http://blocked.test:{}/api", flow.slack.port());
  CheckRun blocked = RunCheck(flow.env);
  INFO(blocked.output);
  CHECK(blocked.exit_code == 1);
  CHECK(blocked.output.find("refused to connect to blocked.test (CONNECT answered 403); ask for blocked.test to be "
                            "allowed") != std::string::npos);
  flow.env["SLACKDESK_SLACK_API_URL"] = fmt::format("http://slack.test:{}/api", flow.slack.port());

  // Without the proxy the daemon's host cannot even resolve the names.
  flow.env.erase("SLACKDESK_PROXY");
  CheckRun direct = RunCheck(flow.env);
  INFO(direct.output);
  CHECK(direct.exit_code == 1);
  CHECK(direct.output.find("ok   egress: direct") != std::string::npos);
  CHECK(direct.output.find("FAIL slack auth.test") != std::string::npos);
  CHECK(direct.output.find("resolve") != std::string::npos);
}

TEST_CASE("https_proxy from the environment is used when the proxy key is unset", "[e2e][egress]") {
  auto squid = StartSquid();
  Flow flow;
  BehindProxy(flow, *squid, squid->Url());
  flow.env.erase("SLACKDESK_PROXY");
  flow.env["https_proxy"] = squid->Url();
  CheckRun run = RunCheck(flow.env);
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(run.output.find("(from https_proxy): reachable") != std::string::npos);
}

TEST_CASE("over real TLS through the proxy, a private CA is trusted with ca_file and refused without it",
          "[e2e][egress][tls]") {
  fake::TestCa ca({"slack.test", "jira.test"});
  INFO(ca.Error());
  REQUIRE(ca.Ready());
  auto squid = StartSquid();
  Flow flow;
  fake::TlsFront slack_tls(flow.slack.port(), ca.server_cert_file(), ca.server_key_file());
  fake::TlsFront jira_tls(flow.jira.port(), ca.server_cert_file(), ca.server_key_file());
  flow.slack.SetSocketUrlBase(fmt::format("wss://slack.test:{}", slack_tls.port()));
  flow.env["SLACKDESK_SLACK_API_URL"] = fmt::format("https://slack.test:{}/api", slack_tls.port());
  flow.env["SLACKDESK_JIRA_URL"] = fmt::format("https://jira.test:{}", jira_tls.port());
  flow.env["SLACKDESK_PROXY"] = squid->Url();

  // Without ca_file: refused, and check says what to do.
  CheckRun refused = RunCheck(flow.env);
  INFO(refused.output);
  CHECK(refused.exit_code == 1);
  CHECK(refused.output.find("signed by an unknown CA") != std::string::npos);
  CHECK(refused.output.find("set ca_file") != std::string::npos);
  CHECK(slack_tls.FailedHandshakes() > 0);

  // With it: check passes and the daemon serves over https and wss.
  flow.env["SLACKDESK_CA_FILE"] = ca.ca_file();
  CheckRun trusted = RunCheck(flow.env);
  INFO(trusted.output);
  CHECK(trusted.exit_code == 0);
  CHECK(trusted.output.find("ok   ca_file") != std::string::npos);
  flow.Start();
  flow.RaiseTicket("The printer is on fire");
  flow.Stop();
  CHECK(squid->AccessLog().find(fmt::format("CONNECT slack.test:{}", slack_tls.port())) != std::string::npos);
}
