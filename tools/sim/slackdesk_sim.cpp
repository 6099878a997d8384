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

#include <rapidjson/document.h>

#include "daemon_env.h"
#include "daemon_process.h"
#include "fake_jira.h"
#include "fake_slack.h"
#include "slack_payloads.h"

namespace {

using std::chrono::milliseconds;

void Say(const std::string& who, const std::string& what) {
  std::printf("%-10s %s\n", who.c_str(), what.c_str());
  std::fflush(stdout);
}

bool Check(bool ok, const std::string& failure) {
  if (!ok) Say("sim", "FAILED: " + failure);
  return ok;
}

std::string ViewInput(const rapidjson::Value& view, int block) {
  const auto& element = view["blocks"][block]["element"];
  if (element.HasMember("initial_value")) return element["initial_value"].GetString();
  if (element.HasMember("initial_option")) return element["initial_option"]["value"].GetString();
  return "";
}

// The newest bot post in a thread whose text contains `needle`, or "".
std::string BotPost(const fake::FakeSlack& slack, const std::string& thread_ts, const std::string& needle) {
  std::string found;
  for (const auto& m : slack.Messages()) {
    if (m.thread_ts == thread_ts && m.text.find(needle) != std::string::npos) found = m.text;
  }
  return found;
}

int Demo(const std::string& daemon_path, bool echo_daemon) {
  fake::FakeSlack slack;
  fake::FakeJira jira;
  char dir_template[] = "/tmp/slackdesk-demo-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (dir == nullptr) return 1;
  const std::string channel = "C0SUPPORT";
  const std::string customer = "U0ADA";
  slack.AddUser(customer, "Ada Lovelace", "ada", "ada@example.com");
  jira.AddCustomer("ada@example.com", "Ada Lovelace");
  Say("sim", fmt::format("simulated Slack on 127.0.0.1:{} and Jira Service Management on 127.0.0.1:{}", slack.port(),
                         jira.port()));
  fake::DaemonProcess::Env env = fake::DaemonEnv(slack, jira, std::string(dir) + "/state.db");
  env["SLACKDESK_LOG_LEVEL"] = echo_daemon ? "info" : "warn";
  env["SLACKDESK_POLL_INTERVAL"] = "1";
  fake::DaemonProcess daemon(daemon_path, {"run"}, env, echo_daemon ? "  daemon | " : "");
  Say("sim", fmt::format("started the real slackdesk daemon (pid {}), state in {}/state.db", daemon.pid(), dir));
  if (!Check(slack.WaitForHellos(1, milliseconds(10000)), "the daemon did not connect")) return 1;
  Say("slack", "slackdesk connected over Socket Mode");
  std::printf("\n");

  fake::MessageSpec mention;
  mention.channel = channel;
  mention.user = customer;
  mention.ts = "1700000100.000100";
  mention.text = "<@UBOT0001> The CSV export fails with error 500\nIt started this morning, for every report I try.";
  slack.SendEnvelope("events_api", fake::AppMentionPayload(mention));
  Say("Ada", "@slackdesk The CSV export fails with error 500");
  Say("", "It started this morning, for every report I try.");
  if (!Check(slack.WaitFor([&] { return !BotPost(slack, mention.ts, "Submit request").empty(); }, milliseconds(10000)),
             "no answer to the mention")) {
    return 1;
  }
  Say("slackdesk", "Hi @Ada! I can turn this into a support request.   [ Submit request ]");

  slack.ClickButton("", channel, mention.ts, customer, "slackdesk_open_form", channel + "|" + mention.ts);
  Say("Ada", "(presses Submit request)");
  if (!Check(slack.WaitForViews(1, milliseconds(5000)), "the form did not open")) return 1;
  rapidjson::Document view;
  view.Parse(slack.Views().back().view_json.c_str());
  Say("form", "Support request");
  Say("", "  Summary:     " + ViewInput(view, 0));
  Say("", "  Description: " + ViewInput(view, 1).substr(0, ViewInput(view, 1).find('\n')) + " ...");
  Say("", "  Severity:    " + ViewInput(view, 2));
  std::string state = fmt::format(
      R"({{"summary":{{"value":{{"type":"plain_text_input","value":"{}"}}}},"description":{{"value":{{"type":"plain_text_input","value":"It started this morning, for every report I try."}}}},"severity":{{"value":{{"type":"static_select","selected_option":{{"text":{{"type":"plain_text","text":"High"}},"value":"High"}}}}}}}})",
      ViewInput(view, 0));
  slack.SubmitView(slack.Views().back().id, customer, state);
  Say("Ada", "(sets Severity to High and presses Create)");
  if (!Check(jira.WaitFor([&] { return !jira.Issues().empty(); }, milliseconds(10000)), "no ticket in Jira")) return 1;
  auto issue = jira.Issues().front();
  Say("jira", fmt::format("{} created: \"{}\", raised on behalf of Ada (reporter {})", issue.key, issue.summary,
                          issue.reporter_account_id));
  if (!Check(slack.WaitFor([&] { return !BotPost(slack, mention.ts, "Created").empty(); }, milliseconds(10000)),
             "no confirmation")) {
    return 1;
  }
  Say("slackdesk", BotPost(slack, mention.ts, "Created"));
  std::printf("\n");

  Say("sim", "Ada clicks Submit request again: the thread already has its ticket, so no second one.");
  slack.ClickButton("", channel, mention.ts, customer, "slackdesk_open_form", channel + "|" + mention.ts);
  Check(slack.WaitForCalls("chat.postEphemeral", 1, milliseconds(5000)), "no answer to the second click");
  Say("slackdesk", "(only to Ada) " + slack.Messages().back().text);
  std::printf("\n");

  jira.AddAgentComment(issue.key, "Grace Hopper", "Internal: the CSV worker times out on large reports.", false);
  jira.AddAgentComment(issue.key, "Grace Hopper",
                       "Thanks Ada! While we fix it, *Export v2* in the report menu works: it avoids the timeout.",
                       true);
  Say("jira", "Grace adds an internal note (stays in Jira) and a public reply on " + issue.key);
  if (!Check(slack.WaitFor([&] { return !BotPost(slack, mention.ts, "Grace Hopper").empty(); }, milliseconds(10000)),
             "the agent's reply did not reach the thread")) {
    return 1;
  }
  Say("slackdesk", BotPost(slack, mention.ts, "Grace Hopper"));
  slack.PostAsUser(channel, customer, "Export v2 works, thank you! The old one still fails though.", mention.ts);
  Say("Ada", "Export v2 works, thank you! The old one still fails though.");
  if (!Check(jira.WaitFor([&] { return jira.Issue(issue.key)->comments.size() >= 3; }, milliseconds(10000)),
             "the reply did not reach the ticket")) {
    return 1;
  }
  std::string comment = jira.Issue(issue.key)->comments.back().body;
  Say("jira", "comment on " + issue.key + ": " + comment.substr(0, comment.find('\n')) + " " +
                  comment.substr(comment.find('\n') + 1));
  jira.SetStatus(issue.key, "Resolved", "done");
  Say("jira", "Grace resolves " + issue.key);
  if (!Check(slack.WaitFor([&] { return !BotPost(slack, mention.ts, "is now Resolved").empty(); }, milliseconds(10000)),
             "no resolution note")) {
    return 1;
  }
  Say("slackdesk", BotPost(slack, mention.ts, "is now Resolved"));
  std::printf("\n");

  slack.DropConnection();
  Say("sim", "Slack drops the WebSocket without a close frame...");
  if (!Check(slack.WaitForHellos(2, milliseconds(10000)), "no reconnect")) return 1;
  Say("slack", "...and slackdesk is back within a second, through a fresh apps.connections.open.");

  daemon.Signal(SIGTERM);
  int code = daemon.Wait(milliseconds(10000));
  std::printf("\n");
  Say("sim", fmt::format("SIGTERM: slackdesk stopped cleanly (exit code {}). Jira has {} ticket(s).", code,
                         jira.Issues().size()));
  std::string cleanup = fmt::format("rm -rf '{}'", dir);
  if (std::system(cleanup.c_str()) != 0) Say("sim", "could not remove the demo state folder");
  return code == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string daemon_path = "slackdesk";
  bool demo = false;
  bool quiet = true;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--demo") demo = true;
    else if (arg == "--quiet") quiet = true;
    else if (arg == "--verbose") quiet = false;
    else if (arg == "--daemon" && i + 1 < argc) daemon_path = argv[++i];
    else {
      std::fprintf(stderr, "usage: slackdesk-sim --demo [--daemon PATH] [--verbose]\n");
      return 2;
    }
  }
  if (!demo) {
    std::fprintf(stderr, "usage: slackdesk-sim --demo [--daemon PATH] [--verbose]\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  return Demo(daemon_path, !quiet);
}
