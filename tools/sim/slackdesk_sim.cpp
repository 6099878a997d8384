// slackdesk-sim: the bundled local simulator. Starts a fake Slack on
// 127.0.0.1, runs the real slackdesk daemon against it, and plays a scripted
// conversation, printing each step as it happens. `make demo` runs it.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "daemon_process.h"
#include "fake_slack.h"
#include "slack_payloads.h"

namespace {

using std::chrono::milliseconds;

void Say(const std::string& who, const std::string& what) {
  std::printf("%-9s %s\n", who.c_str(), what.c_str());
  std::fflush(stdout);
}

bool Check(bool ok, const std::string& failure) {
  if (!ok) Say("sim", "FAILED: " + failure);
  return ok;
}

int Demo(const std::string& daemon_path, bool echo_daemon) {
  fake::FakeSlack slack;
  char dir_template[] = "/tmp/slackdesk-demo-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (dir == nullptr) return 1;
  Say("sim", fmt::format("fake Slack listening on 127.0.0.1:{} (Socket Mode + Web API)", slack.port()));
  fake::DaemonProcess::Env env{
      {"SLACKDESK_SLACK_APP_TOKEN", fake::FakeSlack::kAppToken},
      {"SLACKDESK_SLACK_BOT_TOKEN", fake::FakeSlack::kBotToken},
      {"SLACKDESK_SLACK_API_URL", slack.api_url()},
      {"SLACKDESK_JIRA_URL", "http://127.0.0.1:9"},
      {"SLACKDESK_JIRA_EMAIL", "bot@example.com"},
      {"SLACKDESK_JIRA_API_TOKEN", "demo-jira-token"},
      {"SLACKDESK_JIRA_SERVICE_DESK_ID", "1"},
      {"SLACKDESK_JIRA_REQUEST_TYPE_ID", "10"},
      {"SLACKDESK_STATE_DB", std::string(dir) + "/state.db"},
  };
  fake::DaemonProcess daemon(daemon_path, {"run"}, env, echo_daemon ? "  daemon | " : "");
  Say("sim", fmt::format("started slackdesk (pid {}) with state in {}/state.db", daemon.pid(), dir));
  if (!Check(slack.WaitForHellos(1, milliseconds(10000)), "the daemon did not connect")) return 1;
  Say("slack", "daemon connected over Socket Mode (hello sent)");

  fake::MessageSpec mention;
  mention.text = "<@UBOT0001> the export to CSV fails with error 500 since this morning";
  std::string payload = fake::AppMentionPayload(mention);
  std::string envelope = slack.SendEnvelope("events_api", payload);
  Say("customer", "@slackdesk the export to CSV fails with error 500 since this morning");
  if (!Check(slack.WaitForAck(envelope, milliseconds(5000)), "no ack")) return 1;
  Say("slack", fmt::format("envelope {} acked (recorded in SQLite first)", envelope));

  std::string again = slack.SendEnvelope("events_api", payload, 1);
  if (!Check(slack.WaitForAck(again, milliseconds(5000)), "no ack for the redelivery")) return 1;
  Say("slack", "redelivered the same event (retry_attempt=1): acked again, handled once");

  slack.DropConnection();
  Say("slack", "dropped the TCP connection without a close frame");
  if (!Check(slack.WaitForHellos(2, milliseconds(10000)), "no reconnect")) return 1;
  Say("slack", "daemon reconnected through a fresh apps.connections.open");

  slack.SendDisconnect("refresh_requested");
  Say("slack", "sent disconnect/refresh_requested");
  if (!Check(slack.WaitForHellos(3, milliseconds(10000)), "no refresh")) return 1;
  Say("slack", fmt::format("new connection said hello while the old one was still open ({} open at most)",
                           slack.MaxSimultaneousOpen()));

  daemon.Signal(SIGTERM);
  int code = daemon.Wait(milliseconds(10000));
  Say("sim", fmt::format("SIGTERM: slackdesk exited with code {}", code));
  Say("sim", "The ticket flow (Submit request button, form, Jira ticket) arrives with the seed-flow issue.");
  std::string cleanup = fmt::format("rm -rf '{}'", dir);
  if (std::system(cleanup.c_str()) != 0) Say("sim", "could not remove the demo state folder");
  return code == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string daemon_path = "slackdesk";
  bool demo = false;
  bool quiet = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--demo") demo = true;
    else if (arg == "--quiet") quiet = true;
    else if (arg == "--daemon" && i + 1 < argc) daemon_path = argv[++i];
    else {
      std::fprintf(stderr, "usage: slackdesk-sim --demo [--daemon PATH] [--quiet]\n");
      return 2;
    }
  }
  if (!demo) {
    std::fprintf(stderr, "usage: slackdesk-sim --demo [--daemon PATH] [--quiet]\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  return Demo(daemon_path, !quiet);
}
