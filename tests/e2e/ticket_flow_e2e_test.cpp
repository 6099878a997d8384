// The seed flow end to end: the real daemon, the fake Slack and the fake
// Jira Service Management on 127.0.0.1. Mention → button → form → ticket →
// confirmation, plus the duplicate click, validation, failures, and SIGKILL
// at the flow's side-effect boundaries.
#include <signal.h>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "daemon_process.h"
#include "fake_jira.h"
#include "fake_slack.h"
#include "slack_payloads.h"
#include "test_support.h"

using std::chrono::milliseconds;

namespace {

constexpr const char* kChannel = "C0SUPPORT";
constexpr const char* kCustomer = "U0CUSTOMER";
constexpr milliseconds kWait{15000};

std::string Quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string StateValues(const std::string& summary, const std::string& description, const std::string& severity) {
  return fmt::format(
      R"({{"summary":{{"value":{{"type":"plain_text_input","value":{}}}}},"description":{{"value":{{"type":"plain_text_input","value":{}}}}},"severity":{{"value":{{"type":"static_select","selected_option":{{"text":{{"type":"plain_text","text":"{}"}},"value":"{}"}}}}}}}})",
      Quote(summary), Quote(description), severity, severity);
}

class Flow {
 public:
  Flow() {
    slack.AddUser(kCustomer, "Ada Lovelace", "ada", "ada@example.com");
    customer_account = jira.AddCustomer("ada@example.com", "Ada Lovelace");
    env = {
        {"SLACKDESK_SLACK_APP_TOKEN", fake::FakeSlack::kAppToken},
        {"SLACKDESK_SLACK_BOT_TOKEN", fake::FakeSlack::kBotToken},
        {"SLACKDESK_SLACK_API_URL", slack.api_url()},
        {"SLACKDESK_JIRA_URL", jira.base_url()},
        {"SLACKDESK_JIRA_EMAIL", fake::FakeJira::kEmail},
        {"SLACKDESK_JIRA_API_TOKEN", fake::FakeJira::kApiToken},
        {"SLACKDESK_JIRA_SERVICE_DESK_ID", fake::FakeJira::kServiceDeskId},
        {"SLACKDESK_JIRA_REQUEST_TYPE_ID", fake::FakeJira::kRequestTypeId},
        {"SLACKDESK_STATE_DB", dir.File("state.db")},
        {"SLACKDESK_LOG_LEVEL", "debug"},
    };
  }

  void Start() {
    daemon = std::make_unique<fake::DaemonProcess>(SLACKDESK_BINARY, std::vector<std::string>{"run"}, env);
    ++starts;
    REQUIRE(slack.WaitForHellos(starts, kWait));
    REQUIRE(daemon->WaitForLog("authenticated as", kWait) >= 0);
  }

  void Kill() {
    daemon->Signal(SIGKILL);
    REQUIRE(daemon->Wait(kWait) == 128 + SIGKILL);
    REQUIRE(slack.WaitForOpenConnections(0, kWait));
  }

  void Stop() {
    daemon->Signal(SIGTERM);
    CHECK(daemon->Wait(kWait) == 0);
  }

  // The customer mentions the bot; returns the mention's ts.
  std::string Mention(const std::string& text, const std::string& channel = kChannel) {
    fake::MessageSpec spec;
    spec.channel = channel;
    spec.user = kCustomer;
    spec.text = text;
    spec.ts = fmt::format("1700004{:03d}.000100", ++mentions);
    slack.SendEnvelope("events_api", fake::AppMentionPayload(spec));
    return spec.ts;
  }

  // Bot posts in a thread whose text or blocks contain `needle`.
  std::vector<fake::PostedMessage> Posts(const std::string& thread_ts, const std::string& needle) const {
    std::vector<fake::PostedMessage> found;
    for (const auto& m : slack.Messages()) {
      if (m.method == "chat.postMessage" && m.thread_ts == thread_ts &&
          (m.text.find(needle) != std::string::npos || m.blocks_json.find(needle) != std::string::npos)) {
        found.push_back(m);
      }
    }
    return found;
  }

  // The daemon's output so far, for failure messages.
  std::string Log() const {
    std::string out;
    if (daemon) {
      for (const auto& line : daemon->Lines()) out += line + "\n";
    }
    return out;
  }

  bool WaitForPost(const std::string& thread_ts, const std::string& needle) {
    bool found = slack.WaitFor([&] { return !Posts(thread_ts, needle).empty(); }, kWait);
    if (!found) WARN("no post containing '" << needle << "'; the daemon said:\n" << Log());
    return found;
  }

  // Clicks Submit request in the thread and returns the opened view's id.
  std::string OpenForm(const std::string& thread_ts) {
    size_t before = slack.Views().size();
    slack.ClickButton("", kChannel, thread_ts, kCustomer, "slackdesk_open_form", std::string(kChannel) + "|" + thread_ts);
    INFO(Log());
    REQUIRE(slack.WaitForViews(static_cast<int>(before) + 1, kWait));
    return slack.Views().back().id;
  }

  std::string Submit(const std::string& view_id, const std::string& summary = "The export fails",
                     const std::string& severity = "High") {
    std::string envelope =
        slack.SubmitView(view_id, kCustomer, StateValues(summary, "It fails with error 500 since this morning.", severity));
    REQUIRE(!envelope.empty());
    REQUIRE(slack.WaitForAck(envelope, kWait));
    return envelope;
  }

  fake::FakeSlack slack;
  fake::FakeJira jira;
  testing::TempDir dir;
  fake::DaemonProcess::Env env;
  std::unique_ptr<fake::DaemonProcess> daemon;
  std::string customer_account;
  int starts = 0;
  int mentions = 0;
};

}  // namespace

TEST_CASE("a mention becomes a ticket raised for the customer and confirmed in the thread", "[e2e][flow]") {
  Flow flow;
  flow.Start();
  std::string ts = flow.Mention("<@UBOT0001> The export fails\nwith error 500, says <@U0CUSTOMER>");
  REQUIRE(flow.WaitForPost(ts, "slackdesk_open_form"));  // the Submit request button, in the thread
  std::string view_id = flow.OpenForm(ts);
  rapidjson::Document view;
  view.Parse(flow.slack.Views().back().view_json.c_str());
  REQUIRE(view.IsObject());
  CHECK(std::string(view["private_metadata"].GetString()) == std::string(kChannel) + "|" + ts);
  CHECK(std::string(view["blocks"][0]["element"]["initial_value"].GetString()) == "The export fails");
  CHECK(std::string(view["blocks"][1]["element"]["initial_value"].GetString()) ==
        "The export fails\nwith error 500, says @Ada Lovelace");

  std::string envelope = flow.Submit(view_id);
  CHECK(flow.slack.Acks().back().payload_json.empty());  // a bare ack closes the form
  REQUIRE(flow.jira.WaitFor([&] { return flow.jira.Issues().size() == 1; }, kWait));
  REQUIRE(flow.WaitForPost(ts, "SUP-1"));
  auto issue = flow.jira.Issues()[0];
  CHECK(issue.summary == "The export fails");
  CHECK(issue.reporter_account_id == flow.customer_account);  // raised on the customer's behalf
  CHECK(issue.description.find("It fails with error 500 since this morning.") == 0);
  CHECK(issue.description.find("*Severity:* High") != std::string::npos);
  CHECK(issue.description.find("Ada Lovelace (ada@example.com)") != std::string::npos);
  CHECK(issue.description.find("https://fake.slack.test/archives/C0SUPPORT/p") != std::string::npos);
  auto confirmation = flow.Posts(ts, "SUP-1");
  REQUIRE(confirmation.size() == 1);
  CHECK(confirmation[0].blocks_json.find("/servicedesk/customer/portal/") != std::string::npos);
  CHECK(confirmation[0].text.find("Waiting for support") != std::string::npos);
  flow.Stop();
}

TEST_CASE("an empty summary is refused in the ack and creates nothing", "[e2e][flow]") {
  Flow flow;
  flow.Start();
  std::string ts = flow.Mention("<@UBOT0001> help");
  REQUIRE(flow.WaitForPost(ts, "slackdesk_open_form"));
  std::string view_id = flow.OpenForm(ts);
  std::string envelope = flow.slack.SubmitView(view_id, kCustomer, StateValues("   ", "", "Medium"));
  REQUIRE(flow.slack.WaitForAck(envelope, kWait));
  std::string ack = flow.slack.Acks().back().payload_json;
  CHECK(ack.find(R"("response_action":"errors")") != std::string::npos);
  CHECK(ack.find(R"("summary":)") != std::string::npos);
  // A valid submission afterwards still works: nothing was recorded before.
  flow.Submit(view_id, "Now with a summary");
  REQUIRE(flow.WaitForPost(ts, "SUP-1"));
  CHECK(flow.jira.Issues().size() == 1);
  flow.Stop();
}

TEST_CASE("two forms of one thread and a redelivered submission yield one ticket", "[e2e][flow]") {
  Flow flow;
  flow.Start();
  std::string ts = flow.Mention("<@UBOT0001> printer on fire");
  REQUIRE(flow.WaitForPost(ts, "slackdesk_open_form"));
  std::string first = flow.OpenForm(ts);
  std::string second = flow.OpenForm(ts);  // the customer clicked twice
  flow.Submit(first);
  flow.Submit(first);  // the same submission again
  flow.Submit(second);
  REQUIRE(flow.WaitForPost(ts, "already has a ticket"));
  CHECK(flow.jira.Issues().size() == 1);
  CHECK(flow.Posts(ts, "Created").size() == 1);
  // A click after the ticket exists answers privately instead of a form.
  size_t views = flow.slack.Views().size();
  flow.slack.ClickButton("", kChannel, ts, kCustomer, "slackdesk_open_form", std::string(kChannel) + "|" + ts);
  REQUIRE(flow.slack.WaitFor([&] { return !flow.slack.Calls("chat.postEphemeral").empty(); }, kWait));
  CHECK(flow.slack.Views().size() == views);
  // A new mention in the thread answers with the ticket.
  fake::MessageSpec again;
  again.channel = kChannel;
  again.user = kCustomer;
  again.text = "<@UBOT0001> any news?";
  again.ts = "1700009999.000100";
  again.thread_ts = ts;
  flow.slack.SendEnvelope("events_api", fake::AppMentionPayload(again));
  REQUIRE(flow.slack.WaitFor([&] { return flow.Posts(ts, "already has a ticket").size() == 2; }, kWait));
  flow.Stop();
}

TEST_CASE("a channel that is not enabled gets a private answer only", "[e2e][flow]") {
  Flow flow;
  flow.env["SLACKDESK_ALLOWED_CHANNELS"] = kChannel;
  flow.Start();
  flow.Mention("<@UBOT0001> hello?", "C0ELSEWHERE");
  REQUIRE(flow.slack.WaitForCalls("chat.postEphemeral", 1, kWait));
  auto messages = flow.slack.Messages();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].method == "chat.postEphemeral");
  CHECK(messages[0].user == kCustomer);
  CHECK(messages[0].text.find("not enabled in this channel") != std::string::npos);
  flow.Stop();
}

TEST_CASE("a request the helpdesk refuses is explained in the thread", "[e2e][flow]") {
  Flow flow;
  flow.Start();
  std::string ts = flow.Mention("<@UBOT0001> broken");
  REQUIRE(flow.WaitForPost(ts, "slackdesk_open_form"));
  flow.jira.FailNext("POST", "/rest/servicedeskapi/request", 400);
  flow.Submit(flow.OpenForm(ts));
  REQUIRE(flow.WaitForPost(ts, "the helpdesk refused this request"));
  CHECK(flow.jira.Issues().empty());
  flow.Stop();
}

TEST_CASE("a rate-limited helpdesk queues the request and creates it once after Retry-After", "[e2e][flow]") {
  Flow flow;
  flow.Start();
  std::string ts = flow.Mention("<@UBOT0001> slow helpdesk");
  REQUIRE(flow.WaitForPost(ts, "slackdesk_open_form"));
  flow.jira.FailNext("POST", "/rest/servicedeskapi/request", 429, 1, 6);
  flow.Submit(flow.OpenForm(ts));
  REQUIRE(flow.WaitForPost(ts, "queued"));
  REQUIRE(flow.WaitForPost(ts, "SUP-1"));
  CHECK(flow.jira.Issues().size() == 1);
  CHECK(flow.Posts(ts, "queued").size() == 1);
  flow.Stop();
}

TEST_CASE("a create whose answer was lost is found again by its marker and not repeated", "[e2e][flow]") {
  Flow flow;
  flow.jira.SetSearchLag(milliseconds(2000));
  flow.Start();
  std::string ts = flow.Mention("<@UBOT0001> lost answer");
  REQUIRE(flow.WaitForPost(ts, "slackdesk_open_form"));
  std::string view_id = flow.OpenForm(ts);
  flow.Submit(view_id);
  // Killed as soon as Jira has the request: the ticket exists, the daemon
  // has not recorded it (or just has; either way one ticket must result).
  REQUIRE(flow.jira.WaitForRequests("POST", "/rest/servicedeskapi/request", 1, kWait));
  flow.Kill();
  flow.Start();
  REQUIRE(flow.WaitForPost(ts, "SUP-1"));
  CHECK(flow.jira.Issues().size() == 1);
  CHECK(flow.jira.CountRequests("POST", "/rest/servicedeskapi/request") == 1);
  CHECK(flow.Posts(ts, "Created").size() == 1);
  flow.Stop();
}

TEST_CASE("SIGKILL at each step of the flow loses nothing and duplicates nothing", "[e2e][flow]") {
  // The kill points, in flow order: after the mention's ack, after the
  // button post, after the form's ack, after the confirmation post.
  for (int kill_point = 0; kill_point < 4; ++kill_point) {
    INFO("kill point " << kill_point);
    Flow flow;
    flow.Start();
    std::string ts = flow.Mention("<@UBOT0001> crash test");
    if (kill_point == 0) {
      REQUIRE(flow.slack.WaitFor([&] { return flow.slack.AckTotal() == 1; }, kWait));
      flow.Kill();
      flow.Start();
    }
    REQUIRE(flow.WaitForPost(ts, "slackdesk_open_form"));
    if (kill_point == 1) {
      flow.Kill();
      flow.Start();
    }
    std::string view_id = flow.OpenForm(ts);
    flow.Submit(view_id);
    if (kill_point == 2) {
      flow.Kill();
      flow.Start();
    }
    REQUIRE(flow.WaitForPost(ts, "SUP-1"));
    if (kill_point == 3) {
      flow.Kill();
      flow.Start();
    }
    // Sync point: a new mention in the same channel. Its button goes out
    // behind anything the restarted daemon still had for this channel (one
    // lane per channel, in order), so once it is there, a duplicate would
    // be too.
    std::string later = flow.Mention("<@UBOT0001> another question");
    REQUIRE(flow.WaitForPost(later, "slackdesk_open_form"));
    CHECK(flow.Posts(ts, "slackdesk_open_form").size() == 1);
    CHECK(flow.jira.Issues().size() == 1);
    CHECK(flow.Posts(ts, "Created").size() == 1);
    flow.Stop();
    CHECK(flow.Posts(ts, "Created").size() == 1);
  }
}
