// The app wired as the daemon wires it (dispatcher, outbox runner, sync
// poller, inbox processor, the Slack and helpdesk adapters) around a real
// SQLite file, with an in-process Slack (RecordingSlack) and helpdesk
// (FakeHelpdesk) instead of servers: no socket, no process, so a flow runs
// in milliseconds. Envelopes go in as the socket would record them; the
// loop runs until a condition holds, bounded in time. Restart() rebuilds
// everything on the same state file, as a killed daemon's restart does.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "app/dispatcher.h"
#include "app/effects.h"
#include "app/form_catalog.h"
#include "app/form_opener.h"
#include "app/inbox_processor.h"
#include "app/outbox_runner.h"
#include "app/sync_poller.h"
#include "fake_helpdesk.h"
#include "recording_slack.h"
#include "slack/web_api/web_api_client.h"
#include "store/store.h"
#include "test_support.h"

namespace apptest {

constexpr const char* kChannel = "C0SUPPORT";
constexpr const char* kCustomer = "U0CUSTOMER";

class AppHarness {
 public:
  explicit AppHarness(int workers = 2);
  ~AppHarness();

  // Records the envelope (as InboxSink does before the ack) and lets the
  // inbox handle it.
  void Receive(const std::string& kind, const std::string& payload, const std::string& envelope_id = "");
  // Runs the loop until `done()` holds; false after `timeout`.
  bool RunUntil(const std::function<bool()>& done,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));
  // Runs the loop for `duration` (for "and nothing else happens" checks).
  void RunFor(std::chrono::milliseconds duration);
  // Drops every part but the state file and the fakes, then builds them anew.
  void Restart(int workers = 2);
  void StartSync();

  store::Store& Store();
  int OpenIntents();

  fake::RecordingSlack slack;
  fake::FakeHelpdesk helpdesk;
  // allowed_channels as the running daemon has it (empty: every channel);
  // changing it is what a SIGHUP does.
  std::set<std::string> allowed_channels;
  // The config key of that name, read when the app is built (Restart).
  bool trust_external_emails = false;

 private:
  struct Running;
  void Build(int workers);

  testing::TempDir dir_;
  std::unique_ptr<Running> running_;
  int next_envelope_ = 1;
};

}  // namespace apptest
