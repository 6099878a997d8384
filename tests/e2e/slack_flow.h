// The Slack half of an end-to-end test: a fake Slack, the customer's side
// of the conversation (mention, click, submit, reply) and the real daemon,
// whatever helpdesk it is configured for (flow_fixture.h adds the fake
// Jira; tests/rt the real Request Tracker).
#pragma once

#include <signal.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "daemon_process.h"
#include "fake_slack.h"
#include "slack_payloads.h"
#include "test_support.h"
#include "util/json_util.h"

namespace e2e {

using std::chrono::milliseconds;

inline constexpr const char* kChannel = "C0SUPPORT";
inline constexpr const char* kCustomer = "U0CUSTOMER";
inline constexpr milliseconds kWait{15000};

// The request form's summary and description as Slack submits them, under
// the action_ids slack/forms.h gives them, then any `more` members.
inline std::string StateValues(const std::string& summary, const std::string& description,
                               const std::string& more = "") {
  return fmt::format(
      R"({{"summary":{{"text":{{"type":"plain_text_input","value":{}}}}},"description":{{"paragraph":{{"type":"plain_text_input","value":{}}}}}{}}})",
      json::Quote(summary), json::Quote(description), more.empty() ? "" : "," + more);
}

class SlackFlow {
 public:
  // The customer, Ada, is a Slack user with an e-mail address; `env` is
  // for the caller to fill with the helpdesk's keys.
  SlackFlow() { slack.AddUser(kCustomer, "Ada Lovelace", "ada", "ada@example.com"); }

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

  // SIGKILL, then a fresh start on the same state file.
  void Restart() {
    Kill();
    Start();
  }

  void Stop() {
    daemon->Signal(SIGTERM);
    CHECK(daemon->Wait(kWait) == 0);
  }

  // Starts the daemon and mentions it with `text` in a new thread; returns
  // the thread's ts once the button is there.
  std::string StartWithMention(const std::string& text) {
    Start();
    return MentionForForm(text);
  }

  // The customer mentions the bot and the Submit request button follows in
  // the thread; returns the mention's ts.
  std::string MentionForForm(const std::string& text, const std::string& files_json = {}) {
    std::string ts = Mention(text, kChannel, files_json);
    REQUIRE(WaitForPost(ts, "slackdesk_open_form"));
    return ts;
  }

  // The customer mentions the bot (sharing `files_json`, a JSON array of
  // FakeSlack::AddFile's objects); returns the mention's ts.
  std::string Mention(const std::string& text, const std::string& channel = kChannel,
                      const std::string& files_json = {}) {
    fake::MessageSpec spec;
    spec.channel = channel;
    spec.user = kCustomer;
    spec.text = text;
    spec.files_json = files_json;
    spec.ts = fmt::format("1700004{:03d}.000100", ++mentions);
    // The message exists in Slack before its event arrives: a reconcile
    // after a crash finds its thread.
    slack.AddThreadParent(channel, spec.ts, kCustomer, text);
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

  std::string Submit(const std::string& view_id, const std::string& summary = "The export fails") {
    std::string envelope =
        slack.SubmitView(view_id, kCustomer, StateValues(summary, "It fails with error 500 since this morning."));
    REQUIRE(!envelope.empty());
    REQUIRE(slack.WaitForAck(envelope, kWait));
    return envelope;
  }

  // The whole seed flow for one thread; returns the thread's ts once the
  // confirmation is there.
  std::string RaiseTicket(const std::string& text) {
    std::string ts = MentionForForm("<@UBOT0001> " + text);
    Submit(OpenForm(ts), text);
    REQUIRE(WaitForPost(ts, "Created"));
    return ts;
  }

  // Relayed agent comments in a thread, oldest first.
  std::vector<fake::PostedMessage> Relays(const std::string& thread_ts) const {
    return Posts(thread_ts, "replied on");
  }

  fake::FakeSlack slack;
  testing::TempDir dir;
  fake::DaemonProcess::Env env;
  std::unique_ptr<fake::DaemonProcess> daemon;
  int starts = 0;
  int mentions = 0;
};

}  // namespace e2e
