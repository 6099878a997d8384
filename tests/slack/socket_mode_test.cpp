// The Socket Mode connection manager against the fake Slack over real
// WebSockets on 127.0.0.1, with the real inbox (SQLite in a temp folder).
// Liveness and backoff run with shorter timings than production so the
// suite stays fast; the production values are checked in frame_test.cpp and
// util_test.cpp, and end to end in tests/e2e.
#include <algorithm>
#include <atomic>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "app/inbox_sink.h"
#include "fake_slack.h"
#include "hostile_bodies.h"
#include "slack/socket_mode/socket_mode_client.h"
#include "slack/web_api/web_api_client.h"
#include "slack_payloads.h"
#include "test_support.h"
#include "util/http/curl_http_client.h"
#include "util/json_util.h"
#include "util/worker_pool.h"

using namespace slack::socket_mode;
using std::chrono::milliseconds;

namespace {

SocketModeOptions FastOptions() {
  SocketModeOptions options;
  options.backoff = util::BackoffPolicy{milliseconds(100), milliseconds(2000), 2.0};
  options.liveness = LivenessPolicy{milliseconds(200), milliseconds(1000)};
  options.tick = milliseconds(50);
  options.drain = milliseconds(300);
  return options;
}

// A sink that can be told to fail, wrapping the real inbox.
class TestSink : public EnvelopeSink {
 public:
  TestSink(store::Store& store, fake::FakeSlack& slack) : inbox_(store, nullptr), slack_(slack) {}
  util::Status Record(const std::vector<Frame>& batch) override {
    ++batches;
    for (const Frame& frame : batch) {
      // Contract: recorded before acked.
      if (slack_.AckCount(frame.envelope_id) > 0) acked_before_recorded = true;
    }
    // A slow disk: recording takes this long per envelope.
    std::this_thread::sleep_for(milliseconds(slow_per_envelope_ms.load()) * batch.size());
    if (fail) {
      ++failed;
      return util::MakeError(util::ErrorCode::kStorage, "store: injected failure");
    }
    return inbox_.Record(batch);
  }
  AckDecision Decide(const Frame& frame) override {
    ++decided;
    return inbox_.Decide(frame);
  }
  // With hold_durable, a recorded batch is durable only once Release runs
  // (a store whose sync is still under way). Loop thread.
  void WhenDurable(std::function<void()> then) override {
    if (!hold_durable) {
      then();
      return;
    }
    held_.push_back(std::move(then));
    ++held;
  }
  size_t Release() {
    std::vector<std::function<void()>> waiting = std::move(held_);
    held_.clear();
    for (auto& then : waiting) then();
    return waiting.size();
  }
  std::atomic<bool> fail{false};
  std::atomic<bool> hold_durable{false};
  std::atomic<int> held{0};  // batches whose durability was held, ever
  std::atomic<int> decided{0};
  std::atomic<int> slow_per_envelope_ms{0};
  std::atomic<int> failed{0};
  std::atomic<int> batches{0};
  std::atomic<bool> acked_before_recorded{false};

 private:
  app::InboxSink inbox_;
  fake::FakeSlack& slack_;
  std::vector<std::function<void()>> held_;  // loop thread
};

class Harness {
 public:
  explicit Harness(SocketModeOptions options = FastOptions()) {
    store_ = std::move(*store::Store::Open(dir_.File("state.db")));
    sink_ = std::make_unique<TestSink>(*store_, slack);
    auto api_options = slack::web_api::DefaultWebApiOptions(slack.api_url(), fake::FakeSlack::kAppToken);
    api_options.max_attempts = 1;  // the socket client does its own backoff
    app_api_ = std::make_unique<slack::web_api::WebApiClient>(http_, api_options);
    client_ = std::make_unique<SocketModeClient>(
        io_,
        [this](std::function<void(util::Result<std::string>)> done) {
          worker_.Submit([this, done = std::move(done)] {
            auto response = app_api_->Call("apps.connections.open", "{}");
            util::Result<std::string> url = response ? util::Result<std::string>(json::GetString(*response, "url"))
                                                     : tl::make_unexpected(response.error());
            boost::asio::post(io_, [done, url] { done(url); });
          });
        },
        *sink_, options);
  }

  void Start() {
    loop_ = std::thread([this] {
      auto guard = boost::asio::make_work_guard(io_);
      io_.run();
    });
    testing::OnLoop(io_, [this] {
      client_->Start();
      return 0;
    });
  }

  ~Harness() {
    if (loop_.joinable()) {
      testing::OnLoop(io_, [this] {
        client_->Stop();
        return 0;
      });
      testing::PollOnLoop(io_, [this] { return client_->LiveConnections() == 0; }, milliseconds(3000));
      worker_.Shutdown();
      io_.stop();
      loop_.join();
    }
  }

  // Starts the client and waits for the first connection's hello.
  void StartConnected() {
    Start();
    REQUIRE(slack.WaitForHellos(1));
  }

  // Starts connected, then has Slack ask for a reconnect for `reason`,
  // closing the old socket after `grace` at the latest.
  void StartThenDisconnect(const std::string& reason, milliseconds grace) {
    StartConnected();
    REQUIRE(slack.SendDisconnect(reason, grace));
  }

  void StopClient() {
    testing::OnLoop(io_, [this] {
      client_->Stop();
      return 0;
    });
  }

  template <typename Fn>
  auto OnLoop(Fn fn) {
    return testing::OnLoop(io_, fn);
  }

  std::vector<store::InboxItem> Inbox() {
    return testing::OnLoop(io_, [this] { return *store_->PendingInbox(100000); });
  }

  fake::FakeSlack slack;
  testing::LogCapture log;
  std::unique_ptr<TestSink> sink_;

 private:
  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  boost::asio::io_context io_;
  util::http::CurlHttpClient http_;
  std::unique_ptr<slack::web_api::WebApiClient> app_api_;
  util::WorkerPool worker_{1};
  std::unique_ptr<SocketModeClient> client_;
  std::thread loop_;
};

std::string Mention(const std::string& text) {
  fake::MessageSpec spec;
  spec.text = "<@UBOT0001> " + text;
  return fake::AppMentionPayload(spec);
}

// Sends `count` envelopes and returns their ids.
std::vector<std::string> SendMentions(fake::FakeSlack& slack, int count) {
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) ids.push_back(slack.SendEnvelope("events_api", Mention(std::to_string(i))));
  return ids;
}

bool AllAckedOnce(const fake::FakeSlack& slack, const std::vector<std::string>& ids) {
  return slack.WaitFor([&] {
    for (const auto& id : ids) {
      if (slack.AckCount(id) != 1) return false;
    }
    return true;
  });
}

// For INFO() on a failed AllAckedOnce: which envelopes were not acked once.
std::string NotAckedOnce(const fake::FakeSlack& slack, const std::vector<std::string>& ids) {
  std::string out;
  size_t count = 0;
  for (const auto& id : ids) {
    int acks = slack.AckCount(id);
    if (acks == 1) continue;
    if (++count <= 5) out += fmt::format("{} acked {} times; ", id.empty() ? "(not sent)" : id, acks);
  }
  return fmt::format("{} of {} envelopes not acked once: {}", count, ids.size(), out);
}

// Slack asks for a refresh while envelopes keep coming: first on the old
// socket, then on the new one once it is up (at most `max_during_switch`
// before its hello). Returns every envelope's id.
std::vector<std::string> SendThroughRefresh(Harness& h, size_t max_during_switch) {
  // Slack closes the old socket itself after a while; 5 s leaves the client
  // time to open the new one under a loaded CI machine (it is the client's
  // own close that the test checks).
  h.StartThenDisconnect("refresh_requested", milliseconds(5000));
  std::vector<std::string> ids;
  while (h.slack.HellosSent() < 2 && ids.size() < max_during_switch) {
    ids.push_back(h.slack.SendEnvelope("events_api", Mention("during switch")));
  }
  // Every envelope found a socket: the old one stayed open until the new
  // one was up.
  REQUIRE(std::count(ids.begin(), ids.end(), "") == 0);
  REQUIRE(h.slack.WaitForHellos(2));
  auto after = SendMentions(h.slack, 20);
  ids.insert(ids.end(), after.begin(), after.end());
  return ids;
}

}  // namespace

TEST_CASE("every envelope is recorded in the inbox, then acked exactly once", "[socket_mode]") {
  Harness h;
  h.StartConnected();
  auto ids = SendMentions(h.slack, 200);
  REQUIRE(std::find(ids.begin(), ids.end(), "") == ids.end());
  REQUIRE(AllAckedOnce(h.slack, ids));
  CHECK_FALSE(h.sink_->acked_before_recorded);
  auto inbox = h.Inbox();
  REQUIRE(inbox.size() == 200);
  for (size_t i = 0; i < ids.size(); ++i) CHECK(inbox[i].envelope_id == ids[i]);
  // Envelopes that arrived together shared commits.
  CHECK(h.sink_->batches < 200);
  auto calls = h.slack.Calls("apps.connections.open");
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].authorization == std::string("Bearer ") + fake::FakeSlack::kAppToken);
}

// Starts connected with a sink that holds durability, and sends one
// envelope: recorded, its sync not yet done. Returns its id.
std::string SendOneHeld(Harness& h) {
  h.sink_->hold_durable = true;
  h.StartConnected();
  std::string envelope = h.slack.SendEnvelope("events_api", Mention("on its way to disk"));
  REQUIRE(h.slack.WaitFor([&] { return h.sink_->held == 1; }));
  return envelope;
}

TEST_CASE("acks wait until the batch is durable, and what arrives meanwhile is the next batch", "[socket_mode]") {
  Harness h;
  std::string first = SendOneHeld(h);
  auto later = SendMentions(h.slack, 10);
  REQUIRE(h.slack.WaitFor([&] { return h.sink_->decided == 11; }));
  // Recorded but not yet durable: not acked, and nothing else is recorded
  // while the first batch waits (one batch at a time).
  CHECK(h.slack.AckCount(first) == 0);
  CHECK(h.sink_->batches == 1);
  REQUIRE(h.OnLoop([&] { return h.sink_->Release(); }) == 1);
  REQUIRE(h.slack.WaitFor([&] { return h.slack.AckCount(first) == 1 && h.sink_->held == 2; }));
  for (const std::string& id : later) CHECK(h.slack.AckCount(id) == 0);
  // The ten that gathered meanwhile were one batch, acked once it is durable.
  h.sink_->hold_durable = false;
  REQUIRE(h.OnLoop([&] { return h.sink_->Release(); }) == 1);
  INFO(NotAckedOnce(h.slack, later));
  REQUIRE(AllAckedOnce(h.slack, later));
  CHECK(h.sink_->batches == 2);
  CHECK(h.Inbox().size() == 11);
}

TEST_CASE("a stop while a batch is on its way to disk acks it before closing", "[socket_mode]") {
  Harness h;
  std::string envelope = SendOneHeld(h);
  h.StopClient();
  CHECK(h.slack.OpenConnections() == 1);  // kept for the ack
  REQUIRE(h.OnLoop([&] { return h.sink_->Release(); }) == 1);
  REQUIRE(h.slack.WaitFor([&] { return h.slack.AckCount(envelope) == 1 && h.slack.OpenConnections() == 0; }));
}

TEST_CASE("a redelivered event is acked again but recorded once", "[socket_mode]") {
  Harness h;
  h.StartConnected();
  std::string payload = Mention("twice");
  std::string first = h.slack.SendEnvelope("events_api", payload);
  std::string retry = h.slack.SendEnvelope("events_api", payload, 1);
  std::string same_envelope = h.slack.SendEnvelope("events_api", payload, 0, first);
  REQUIRE(h.slack.WaitFor([&] { return h.slack.AckCount(retry) == 1 && h.slack.AckCount(first) == 2; }));
  CHECK(h.Inbox().size() == 1);
  CHECK(h.log.Has(util::log::Level::kInfo, "is a redelivery (retry_attempt=1, reason=timeout)"));
  (void)same_envelope;
}

TEST_CASE("refresh_requested: the new socket says hello before the old one closes and nothing is lost",
          "[socket_mode]") {
  Harness h;
  auto ids = SendThroughRefresh(h, 2000);
  INFO(NotAckedOnce(h.slack, ids));
  REQUIRE(AllAckedOnce(h.slack, ids));
  CHECK(h.slack.MaxSimultaneousOpen() == 2);
  // The client closed the old one itself, once it had gone quiet.
  REQUIRE(h.log.WaitFor("closed the replaced connection"));
  REQUIRE(h.slack.WaitForOpenConnections(1));
  CHECK(h.slack.ConnectionsAccepted() == 2);
  CHECK(h.Inbox().size() == ids.size());
  CHECK(h.log.Has(util::log::Level::kInfo, "opening a new connection first"));
}

TEST_CASE("refresh under a slow store: the old socket's backlog is read and acked before it is closed",
          "[socket_mode]") {
  Harness h;
  // 3 ms per envelope: the 300 envelopes sent on the old socket take about
  // a second to record, longer than the drain period (300 ms here), so
  // closing at a fixed time after the new hello would leave some unread.
  h.sink_->slow_per_envelope_ms = 3;
  auto ids = SendThroughRefresh(h, 300);
  bool acked = AllAckedOnce(h.slack, ids);
  INFO(NotAckedOnce(h.slack, ids) << "\n" << h.log.Dump());
  REQUIRE(acked);
  REQUIRE(h.log.WaitFor("closed the replaced connection"));
  CHECK(h.Inbox().size() == ids.size());
}

TEST_CASE("warning is handled like a refresh", "[socket_mode]") {
  Harness h;
  h.StartThenDisconnect("warning", milliseconds(5000));
  REQUIRE(h.slack.WaitForHellos(2));
  REQUIRE(h.slack.WaitForOpenConnections(1));
  CHECK(AllAckedOnce(h.slack, SendMentions(h.slack, 5)));
}

TEST_CASE("too_many_websockets: the socket is closed first, then one reconnect after a backoff",
          "[socket_mode]") {
  Harness h;
  h.StartThenDisconnect("too_many_websockets", milliseconds(10000));
  REQUIRE(h.slack.WaitForHellos(2));
  CHECK(h.slack.MaxSimultaneousOpen() == 1);
  CHECK(h.slack.Calls("apps.connections.open").size() == 2);
  CHECK(AllAckedOnce(h.slack, SendMentions(h.slack, 3)));
}

TEST_CASE("link_disabled: keeps retrying with a growing backoff and logs at error level", "[socket_mode]") {
  Harness h;
  h.slack.SetLinkDisabled(true);
  h.Start();
  REQUIRE(h.slack.WaitForCalls("apps.connections.open", 5));
  h.slack.SetLinkDisabled(false);
  REQUIRE(h.slack.WaitForHellos(1));
  auto calls = h.slack.Calls("apps.connections.open");
  // Equal jitter keeps each delay within [step/2, step] and the step doubles,
  // so every gap exceeds the one two before it: no storm.
  for (size_t i = 3; i < 5; ++i) {
    CHECK((calls[i].at - calls[i - 1].at) > (calls[i - 2].at - calls[i - 3].at));
  }
  CHECK(h.log.Has(util::log::Level::kError, "link_disabled"));
  CHECK(h.slack.MaxSimultaneousOpen() == 1);
}

TEST_CASE("an abrupt close leads to a fresh apps.connections.open and a new socket", "[socket_mode]") {
  Harness h;
  h.Start();
  REQUIRE(h.log.WaitFor("socket mode: connected"));  // the client has taken the hello
  REQUIRE(h.slack.DropConnection());
  REQUIRE(h.slack.WaitForHellos(2));
  CHECK(h.slack.Calls("apps.connections.open").size() == 2);
  CHECK(AllAckedOnce(h.slack, SendMentions(h.slack, 3)));
  INFO(h.log.Dump());
  CHECK(h.log.Has(util::log::Level::kWarn, "connection lost"));
}

TEST_CASE("a silent server is pinged, then dropped and replaced", "[socket_mode]") {
  Harness h;
  h.StartConnected();
  REQUIRE(h.slack.WaitFor([&] { return h.slack.PingsReceived() >= 1; }));  // quiet, so pinged
  REQUIRE(h.slack.SilenceNewest());
  REQUIRE(h.slack.WaitForHellos(2));
  CHECK(h.log.Has(util::log::Level::kWarn, "silent for 1000 ms"));
  CHECK(AllAckedOnce(h.slack, SendMentions(h.slack, 3)));
}

TEST_CASE("a server that never says hello is given up on and retried", "[socket_mode]") {
  Harness h;
  h.slack.SetSendHello(false);
  h.Start();
  REQUIRE(h.slack.WaitFor([&] { return h.slack.ConnectionsAccepted() >= 2; }));
  h.slack.SetSendHello(true);
  REQUIRE(h.slack.WaitForHellos(1));
  CHECK(AllAckedOnce(h.slack, SendMentions(h.slack, 2)));
}

TEST_CASE("apps.connections.open 429: no new call before Retry-After", "[socket_mode]") {
  Harness h;
  h.slack.FailNext("apps.connections.open", fake::Failure{429, "ratelimited", 1});
  h.StartConnected();
  auto calls = h.slack.Calls("apps.connections.open");
  REQUIRE(calls.size() == 2);
  CHECK(calls[1].at - calls[0].at >= milliseconds(1000));
}

TEST_CASE("malformed and unknown frames are logged and skipped while the connection keeps serving",
          "[socket_mode]") {
  Harness h;
  h.StartConnected();
  REQUIRE(h.slack.SendRaw("this is not json"));
  REQUIRE(h.slack.SendRaw(R"({"type":"something_new"})"));
  REQUIRE(h.slack.SendRaw(R"({"envelope_id":"broken-1","type":"events_api","payload":{"event":)"));
  REQUIRE(h.slack.WaitForAck("broken-1"));  // it had an id, so it is acked (and kept)
  CHECK(AllAckedOnce(h.slack, SendMentions(h.slack, 2)));
  CHECK(h.slack.ConnectionsAccepted() == 1);
  CHECK(h.log.Has(util::log::Level::kWarn, "skipping malformed frame (not valid JSON"));
  CHECK(h.log.Has(util::log::Level::kWarn, "skipping unknown frame"));
  auto inbox = h.Inbox();
  REQUIRE(inbox.size() == 3);
  CHECK(inbox[0].kind == "malformed");
}

TEST_CASE("an envelope that could not be recorded is not acked", "[socket_mode]") {
  Harness h;
  h.StartConnected();
  h.sink_->fail = true;
  std::string lost = h.slack.SendEnvelope("events_api", Mention("disk full"));
  REQUIRE(h.slack.WaitFor([&] { return h.sink_->failed >= 1; }));
  h.sink_->fail = false;
  std::string next = h.slack.SendEnvelope("events_api", Mention("disk fine again"));
  REQUIRE(h.slack.WaitForAck(next));
  // Acks go out in order on one socket: had `lost` been acked, it would be
  // there by now.
  CHECK(h.slack.AckCount(lost) == 0);
  CHECK(h.log.Has(util::log::Level::kError, "could not record 1 envelope(s), not acking them"));
}

TEST_CASE("hostile frames are skipped, those with an envelope id acked, and the connection keeps serving",
          "[socket_mode][hostile]") {
  Harness h;
  h.StartConnected();
  std::vector<std::string> ids;
  for (const auto& [name, answer] : testing::HostileAnswers()) {
    INFO(name);
    REQUIRE(h.slack.SendRaw(answer.body));
    // The same body as an envelope's payload, and as its event.
    ids.push_back(h.slack.SendEnvelope("events_api", answer.body.empty() ? "null" : answer.body));
    ids.push_back(h.slack.SendEnvelope("interactive", answer.body.empty() ? "null" : answer.body));
    ids.push_back(h.slack.SendEnvelope("events_api", R"({"type":"event_callback","event":)" +
                                                         (answer.body.empty() ? "null" : answer.body) + "}"));
  }
  CHECK(AllAckedOnce(h.slack, ids));
  CHECK(AllAckedOnce(h.slack, SendMentions(h.slack, 2)));
  CHECK(h.slack.ConnectionsAccepted() == 1);
  CHECK(h.log.Has(util::log::Level::kWarn, "skipping malformed frame (nested deeper than 64 levels; "));
}

TEST_CASE("a frame above the size limit drops the connection, and a new one serves", "[socket_mode][hostile]") {
  Harness h;
  h.StartConnected();
  REQUIRE(h.slack.SendRaw(R"({"envelope_id":"huge","type":"events_api","payload":")" + std::string(9 << 20, 'x') +
                          "\"}"));
  REQUIRE(h.slack.WaitForHellos(2));
  CHECK(AllAckedOnce(h.slack, SendMentions(h.slack, 1)));
  CHECK(h.slack.AckCount("huge") == 0);  // never read: Slack delivers it again
  CHECK(h.log.Has(util::log::Level::kWarn, "connection dropped"));
}
