// slackdesk-sim: the bundled local simulator. Starts a fake Slack on
// 127.0.0.1 and a helpdesk (the fake Jira, or with --helpdesk rt a real
// private Request Tracker 5), runs the real slackdesk daemon against them,
// and plays a scripted conversation, printing each step as it happens.
// `make demo` runs it (`make demo HELPDESK=rt` for RT).
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "daemon_process.h"
#include "fake_jira.h"
#include "curl_global.h"
#include "fake_slack.h"
#include "rt_server.h"
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

// One input of the form as the customer leaves it: what it was pre-filled
// with, or for a choice the first option offered.
struct FormInput {
  std::string block_id;
  std::string label;
  std::string action_id;
  std::string type;
  std::string value;        // the text, or the chosen option's value
  std::string option_text;  // a choice's label
};

std::string StringAt(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject() || !object.HasMember(key) || !object[key].IsString()) return "";
  return object[key].GetString();
}

// The view's input blocks, in order, as slack/forms.cpp writes them.
std::vector<FormInput> Inputs(const rapidjson::Value& view) {
  std::vector<FormInput> inputs;
  if (!view.IsObject() || !view.HasMember("blocks") || !view["blocks"].IsArray()) return inputs;
  for (const auto& block : view["blocks"].GetArray()) {
    if (StringAt(block, "type") != "input" || !block.HasMember("element")) continue;
    const auto& element = block["element"];
    FormInput input{StringAt(block, "block_id"), block.HasMember("label") ? StringAt(block["label"], "text") : "",
                    StringAt(element, "action_id"), StringAt(element, "type"), StringAt(element, "initial_value"),
                    ""};
    const rapidjson::Value* option = nullptr;
    if (element.HasMember("initial_option")) {
      option = &element["initial_option"];
    } else if (element.HasMember("options") && element["options"].IsArray() && !element["options"].Empty()) {
      option = &element["options"][0];
    }
    if (option != nullptr && input.type == "static_select") {
      input.value = StringAt(*option, "value");
      input.option_text = option->HasMember("text") ? StringAt((*option)["text"], "text") : input.value;
    }
    inputs.push_back(std::move(input));
  }
  return inputs;
}

// The view_submission state Slack sends for `inputs`.
std::string StateOf(const std::vector<FormInput>& inputs) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  for (const FormInput& input : inputs) {
    w.Key(input.block_id.c_str());
    w.StartObject();
    w.Key(input.action_id.c_str());
    w.StartObject();
    w.Key("type");
    w.String(input.type.c_str());
    if (input.type == "static_select") {
      w.Key("selected_option");
      w.StartObject();
      w.Key("text");
      w.StartObject();
      w.Key("type");
      w.String("plain_text");
      w.Key("text");
      w.String(input.option_text.c_str());
      w.EndObject();
      w.Key("value");
      w.String(input.value.c_str());
      w.EndObject();
    } else {
      w.Key("value");
      w.String(input.value.c_str());
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndObject();
  return buffer.GetString();
}

// The newest bot post in a thread whose text contains `needle`, or "".
std::string BotPost(const fake::FakeSlack& slack, const std::string& thread_ts, const std::string& needle) {
  std::string found;
  for (const auto& m : slack.Messages()) {
    if (m.thread_ts == thread_ts && m.text.find(needle) != std::string::npos) found = m.text;
  }
  return found;
}

// The helpdesk the demo plays against, as the script needs it: the fake
// Jira, or a real private Request Tracker (make demo HELPDESK=rt).
class HelpdeskSide {
 public:
  virtual ~HelpdeskSide() = default;
  virtual std::string Name() const = 0;  // "jira", "rt": the first column
  virtual std::string Description() const = 0;
  // The daemon's keys for this helpdesk, added to the Slack ones.
  virtual void AddEnv(fake::DaemonProcess::Env& env) = 0;
  // Waits for the customer's ticket; returns a line describing it, "" when
  // none came.
  virtual std::string WaitForTicket(milliseconds timeout) = 0;
  virtual std::string Key() const = 0;
  // The agent who answers (the fake Jira's, or the RT fixture's user).
  virtual std::string Agent() const = 0;
  virtual bool AddInternalNote(const std::string& text) = 0;
  virtual bool AddPublicReply(const std::string& text) = 0;
  // Waits until the ticket has `count` messages after its description;
  // returns the newest one's text, "" when it did not come.
  virtual std::string WaitForMessage(size_t count, milliseconds timeout) = 0;
  virtual bool Resolve() = 0;
  virtual std::string ResolvedLabel() const = 0;
  virtual size_t TicketCount() = 0;
};

class JiraSide : public HelpdeskSide {
 public:
  std::string Name() const override { return "jira"; }
  std::string Description() const override {
    return fmt::format("Jira Service Management on 127.0.0.1:{}", jira_.port());
  }
  void AddEnv(fake::DaemonProcess::Env& env) override {
    jira_.AddCustomer("ada@example.com", "Ada Lovelace");
    env["SLACKDESK_JIRA_URL"] = jira_.base_url();
    env["SLACKDESK_JIRA_EMAIL"] = fake::FakeJira::kEmail;
    env["SLACKDESK_JIRA_API_TOKEN"] = fake::FakeJira::kApiToken;
    env["SLACKDESK_JIRA_SERVICE_DESK_ID"] = fake::FakeJira::kServiceDeskId;
    env["SLACKDESK_JIRA_REQUEST_TYPE_ID"] = fake::FakeJira::kRequestTypeId;
  }
  std::string WaitForTicket(milliseconds timeout) override {
    if (!jira_.WaitFor([&] { return !jira_.Issues().empty(); }, timeout)) return "";
    auto issue = jira_.Issues().front();
    key_ = issue.key;
    return fmt::format("{} created: \"{}\", raised on behalf of Ada (reporter {})", issue.key, issue.summary,
                       issue.reporter_account_id);
  }
  std::string Key() const override { return key_; }
  std::string Agent() const override { return "Grace Hopper"; }
  bool AddInternalNote(const std::string& text) override {
    jira_.AddAgentComment(key_, Agent(), text, false);
    return true;
  }
  bool AddPublicReply(const std::string& text) override {
    jira_.AddAgentComment(key_, Agent(), text, true);
    return true;
  }
  std::string WaitForMessage(size_t count, milliseconds timeout) override {
    if (!jira_.WaitFor([&] { return jira_.Issue(key_)->comments.size() >= count; }, timeout)) return "";
    return jira_.Issue(key_)->comments.back().body;
  }
  bool Resolve() override {
    jira_.SetStatus(key_, "Resolved", "done");
    return true;
  }
  std::string ResolvedLabel() const override { return "Resolved"; }
  size_t TicketCount() override { return jira_.Issues().size(); }

 private:
  fake::FakeJira jira_;
  std::string key_;
};

class RtSide : public HelpdeskSide {
 public:
  RtSide() = default;
  bool Ready() const { return rt_.Ready(); }
  std::string Error() const { return rt_.Error(); }
  std::string Name() const override { return "rt"; }
  std::string Description() const override {
    return "a private Request Tracker 5 at " + rt_.BaseUrl() + " (Debian's request-tracker5, SQLite)";
  }
  void AddEnv(fake::DaemonProcess::Env& env) override {
    env["SLACKDESK_HELPDESK"] = "rt";
    env["SLACKDESK_RT_URL"] = rt_.BaseUrl();
    env["SLACKDESK_RT_TOKEN"] = rt_.BotToken();
    env["SLACKDESK_RT_QUEUE"] = rt_.Queue();
  }
  std::string WaitForTicket(milliseconds timeout) override {
    if (!Poll([&] {
          auto tickets = rt_.Tickets();
          if (!tickets || tickets->empty()) return false;
          id_ = tickets->front();
          return true;
        },
        timeout)) {
      return "";
    }
    auto ticket = rt_.GetTicket(id_);
    if (!ticket) return "";
    std::string requestors;
    for (const auto& r : ticket->requestors) requestors += (requestors.empty() ? "" : ", ") + r;
    return fmt::format("{} created in queue {}: \"{}\", requestor {}", Key(), rt_.Queue(), ticket->subject,
                       requestors);
  }
  std::string Key() const override { return "#" + std::to_string(id_); }
  std::string Agent() const override { return "Alice Agent"; }
  bool AddInternalNote(const std::string& text) override { return rt_.AddComment(id_, text).has_value(); }
  bool AddPublicReply(const std::string& text) override { return rt_.AddCorrespondence(id_, text).has_value(); }
  std::string WaitForMessage(size_t count, milliseconds timeout) override {
    std::string newest;
    Poll(
        [&] {
          auto history = rt_.Transactions(id_);
          if (!history) return false;
          size_t messages = 0;
          for (const auto& t : *history) {
            if (t.type == "Correspond" || t.type == "Comment") {
              ++messages;
              newest = t.content;
            }
          }
          return messages >= count;
        },
        timeout);
    return newest;
  }
  bool Resolve() override { return rt_.SetStatus(id_, "resolved").has_value(); }
  std::string ResolvedLabel() const override { return "resolved"; }
  size_t TicketCount() override {
    auto tickets = rt_.Tickets();
    return tickets ? tickets->size() : 0;
  }

 private:
  // RT cannot tell when it changes: ask again every 100 ms.
  static bool Poll(const std::function<bool()>& done, milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(milliseconds(100));
    }
    return true;
  }

  testing::RtServer rt_;
  long long id_ = 0;
};

int Demo(HelpdeskSide& helpdesk, const std::string& daemon_path, bool echo_daemon) {
  fake::FakeSlack slack;
  char dir_template[] = "/tmp/slackdesk-demo-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (dir == nullptr) return 1;
  const std::string channel = "C0SUPPORT";
  const std::string customer = "U0ADA";
  const std::string hd = helpdesk.Name();
  slack.AddUser(customer, "Ada Lovelace", "ada", "ada@example.com");
  Say("sim", fmt::format("simulated Slack on 127.0.0.1:{} and {}", slack.port(), helpdesk.Description()));
  fake::DaemonProcess::Env env = {
      {"SLACKDESK_SLACK_APP_TOKEN", fake::FakeSlack::kAppToken},
      {"SLACKDESK_SLACK_BOT_TOKEN", fake::FakeSlack::kBotToken},
      {"SLACKDESK_SLACK_API_URL", slack.api_url()},
      {"SLACKDESK_STATE_DB", std::string(dir) + "/state.db"},
      {"SLACKDESK_LOG_LEVEL", echo_daemon ? "info" : "warn"},
      {"SLACKDESK_POLL_INTERVAL", "1"},
  };
  helpdesk.AddEnv(env);
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
  std::vector<FormInput> inputs = Inputs(view);
  if (!Check(!inputs.empty(), "the form has no inputs")) return 1;
  for (const FormInput& input : inputs) {
    std::string shown = input.option_text.empty() ? input.value : input.option_text;
    std::string first_line = shown.substr(0, shown.find('\n'));
    Say("", fmt::format("  {:<13}{}{}", input.label + ":", first_line, first_line.size() < shown.size() ? " ..." : ""));
  }
  slack.SubmitView(slack.Views().back().id, customer, StateOf(inputs));
  Say("Ada", "(presses Create)");
  std::string ticket = helpdesk.WaitForTicket(milliseconds(10000));
  if (!Check(!ticket.empty(), "no ticket in " + hd)) return 1;
  Say(hd, ticket);
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

  const std::string key = helpdesk.Key();
  if (!Check(helpdesk.AddInternalNote("Internal: the CSV worker times out on large reports.") &&
                 helpdesk.AddPublicReply(
                     "Thanks Ada! While we fix it, *Export v2* in the report menu works: it avoids the timeout."),
             "the agent could not write on " + key)) {
    return 1;
  }
  const std::string agent = helpdesk.Agent().substr(0, helpdesk.Agent().find(' '));
  Say(hd, agent + " adds an internal note (stays in the helpdesk) and a public reply on " + key);
  const std::string agent_reply = "While we fix it";
  if (!Check(slack.WaitFor([&] { return !BotPost(slack, mention.ts, agent_reply).empty(); }, milliseconds(10000)),
             "the agent's reply did not reach the thread")) {
    return 1;
  }
  Say("slackdesk", BotPost(slack, mention.ts, agent_reply));
  slack.PostAsUser(channel, customer, "Export v2 works, thank you! The old one still fails though.", mention.ts);
  Say("Ada", "Export v2 works, thank you! The old one still fails though.");
  std::string comment = helpdesk.WaitForMessage(3, milliseconds(10000));
  if (!Check(comment.find("Export v2 works") != std::string::npos, "the reply did not reach the ticket")) return 1;
  std::string first_line = comment.substr(0, comment.find('\n'));
  std::string rest = comment.substr(comment.find('\n') + 1);
  Say(hd, "on " + key + ": " + first_line + " " + rest.substr(0, rest.find('\n')));
  if (!Check(helpdesk.Resolve(), "could not resolve " + key)) return 1;
  Say(hd, agent + " resolves " + key);
  const std::string resolved = "is now " + helpdesk.ResolvedLabel();
  if (!Check(slack.WaitFor([&] { return !BotPost(slack, mention.ts, resolved).empty(); }, milliseconds(10000)),
             "no resolution note")) {
    return 1;
  }
  Say("slackdesk", BotPost(slack, mention.ts, resolved));
  std::printf("\n");

  slack.DropConnection();
  Say("sim", "Slack drops the WebSocket without a close frame...");
  if (!Check(slack.WaitForHellos(2, milliseconds(10000)), "no reconnect")) return 1;
  Say("slack", "...and slackdesk is back within a second, through a fresh apps.connections.open.");

  daemon.Signal(SIGTERM);
  int code = daemon.Wait(milliseconds(10000));
  std::printf("\n");
  Say("sim", fmt::format("SIGTERM: slackdesk stopped cleanly (exit code {}). {} has {} ticket(s).", code, hd,
                         helpdesk.TicketCount()));
  std::string cleanup = fmt::format("rm -rf '{}'", dir);
  if (std::system(cleanup.c_str()) != 0) Say("sim", "could not remove the demo state folder");
  return code == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string daemon_path = "slackdesk";
  std::string helpdesk = "jira";
  bool demo = false;
  bool quiet = true;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--demo") demo = true;
    else if (arg == "--quiet") quiet = true;
    else if (arg == "--verbose") quiet = false;
    else if (arg == "--daemon" && i + 1 < argc) daemon_path = argv[++i];
    else if (arg == "--helpdesk" && i + 1 < argc) helpdesk = argv[++i];
    else {
      std::fprintf(stderr, "usage: slackdesk-sim --demo [--helpdesk jira|rt] [--daemon PATH] [--verbose]\n");
      return 2;
    }
  }
  if (!demo) {
    std::fprintf(stderr, "usage: slackdesk-sim --demo [--helpdesk jira|rt] [--daemon PATH] [--verbose]\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  if (helpdesk == "jira") {
    JiraSide jira;
    return Demo(jira, daemon_path, !quiet);
  }
  if (helpdesk != "rt") {
    std::fprintf(stderr, "slackdesk-sim: --helpdesk must be jira or rt\n");
    return 2;
  }
  if (access(testing::RtServer::kServer, X_OK) != 0) {
    std::fprintf(stderr, "slackdesk-sim: Request Tracker 5 is not installed (%s is missing): `make test-deps` "
                 "installs it\n", testing::RtServer::kServer);
    return 1;
  }
  Say("sim", "starting a private Request Tracker 5 on 127.0.0.1 (a few seconds; the first time about 15)");
  RtSide rt;
  if (!rt.Ready()) {
    Say("sim", "FAILED: RT did not start: " + rt.Error());
    return 1;
  }
  return Demo(rt, daemon_path, !quiet);
}
