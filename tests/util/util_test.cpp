// util: backoff bounds, log redaction.
#include <algorithm>
#include <future>
#include <stdexcept>

#include <catch2/catch.hpp>

#include "slack/web_api/rate_gate.h"
#include "test_support.h"
#include "util/backoff.h"
#include "util/error.h"
#include "util/json_util.h"
#include "util/log.h"
#include "util/worker_pool.h"

using std::chrono::milliseconds;

TEST_CASE("reconnect backoff starts at 1 s or less, doubles, and is capped at 30 s", "[backoff]") {
  util::BackoffPolicy policy{milliseconds(500), milliseconds(30000), 2.0};
  CHECK(util::BackoffDelay(policy, 1, 0.0) == milliseconds(250));
  CHECK(util::BackoffDelay(policy, 1, 0.999999) <= milliseconds(500));
  CHECK(util::BackoffDelay(policy, 2, 0.999999) <= milliseconds(1000));
  CHECK(util::BackoffDelay(policy, 3, 0.0) == milliseconds(1000));
  for (int attempt = 1; attempt < 200; ++attempt) {
    CHECK(util::BackoffDelay(policy, attempt, 0.999999) <= milliseconds(30000));
    CHECK(util::BackoffDelay(policy, attempt, 0.0) >= milliseconds(250));
  }
  CHECK(util::BackoffDelay(policy, 100, 0.0) == milliseconds(15000));
}

TEST_CASE("jitter spreads delays but never below half the step", "[backoff]") {
  util::BackoffPolicy policy{milliseconds(1000), milliseconds(30000), 2.0};
  for (int i = 0; i < 1000; ++i) {
    double r = util::UnitRandom();
    REQUIRE(r >= 0.0);
    REQUIRE(r < 1.0);
    auto delay = util::BackoffDelay(policy, 4, r);
    REQUIRE(delay >= milliseconds(4000));
    REQUIRE(delay <= milliseconds(8000));
  }
}

TEST_CASE("secrets and token-shaped strings never reach the log sink", "[log]") {
  testing::LogCapture capture;
  util::log::AddSecret("jira-secret-value-123");
  util::log::Error("calling with {} and {} and {}", "xoxb-1234-abcd-EFGH", "jira-secret-value-123",
                   "xapp-1-A1-xyz");
  auto lines = capture.All();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == "calling with [redacted] and [redacted] and [redacted]");
}

TEST_CASE("a message with a newline stays one record", "[log]") {
  testing::LogCapture capture;
  util::log::Warn("first\nsecond");
  REQUIRE(capture.All() == std::vector<std::string>{"first second"});
}

TEST_CASE("levels filter records", "[log]") {
  testing::LogCapture capture;
  util::log::SetLevel(util::log::Level::kWarn);
  util::log::Info("hidden");
  util::log::Warn("shown");
  util::log::SetLevel(util::log::Level::kInfo);
  CHECK(capture.All() == std::vector<std::string>{"shown"});
  util::log::Level level;
  CHECK(util::log::ParseLevel("debug", &level));
  CHECK(level == util::log::Level::kDebug);
  CHECK_FALSE(util::log::ParseLevel("verbose", &level));
}

TEST_CASE("the rate gate spaces a burst in order and honours blocks", "[rate]") {
  slack::web_api::RateGate gate;
  util::TimePoint t0{};
  auto second = milliseconds(1000);
  CHECK(gate.Reserve("post:C1", t0, second, t0) == t0);
  CHECK(gate.Reserve("post:C1", t0, second, t0) == t0 + second);
  CHECK(gate.Reserve("post:C1", t0 + milliseconds(10), second, t0 + milliseconds(10)) == t0 + 2 * second);
  CHECK(gate.Reserve("post:C2", t0, second, t0) == t0);  // channels are independent
  gate.Block("method:chat.update", t0 + milliseconds(3000));
  gate.Block("method:chat.update", t0 + milliseconds(1000));  // never shortened
  CHECK(gate.ReadyAt("method:chat.update", t0) == t0 + milliseconds(3000));
  CHECK(gate.ReadyAt("method:auth.test", t0) == t0);
  gate.Forget(t0 + milliseconds(5000));
  CHECK(gate.ReadyAt("post:C1", t0 + milliseconds(5000)) == t0 + milliseconds(5000));
}

TEST_CASE("the rate gate forgets the channels whose slot has passed as it books new ones", "[rate]") {
  slack::web_api::RateGate gate;
  util::TimePoint t0{};
  auto second = milliseconds(1000);
  // One post in each of 100,000 channels, a millisecond apart: at any time
  // about a thousand slots are still ahead (the last second's channels).
  size_t most = 0;
  for (int i = 0; i < 100000; ++i) {
    util::TimePoint now = t0 + milliseconds(i);
    REQUIRE(gate.Reserve("post:C" + std::to_string(i), now, second, now) == now);
    most = std::max(most, gate.Size());
  }
  CHECK(most <= 2 * 1001);
  // A slot still ahead (C99023's, until 100,023 ms) survived the sweeps
  // and still paces its channel.
  CHECK(gate.Reserve("post:C99023", t0 + milliseconds(99999), second, t0 + milliseconds(99999)) ==
        t0 + milliseconds(100023));
}

TEST_CASE("the rate gate's sweep keeps what the clock has not reached, a 429's block included", "[rate]") {
  slack::web_api::RateGate gate;
  util::TimePoint t0{};
  auto second = milliseconds(1000);
  gate.Block("method:chat.postMessage", t0 + milliseconds(10000));
  // Posts booked for after the block while the clock still reads t0: the
  // sweeps these bookings start must go by the clock, not by their slots.
  for (int i = 0; i < 1000; ++i) {
    gate.Reserve("post:C" + std::to_string(i), t0 + milliseconds(10000), second, t0);
  }
  CHECK(gate.ReadyAt("method:chat.postMessage", t0) == t0 + milliseconds(10000));
  CHECK(gate.Size() == 1001);
}

TEST_CASE("json::Parse refuses nesting past the bound before building a value that deep", "[json]") {
  rapidjson::Document doc;
  CHECK(json::Parse(std::string(64, '[') + std::string(64, ']'), doc).empty());
  CHECK(json::Parse(std::string(65, '[') + std::string(65, ']'), doc) == "nested deeper than 64 levels");
  CHECK(json::Parse(std::string(1000000, '['), doc) == "nested deeper than 64 levels");
  // Objects need a name before the next level: refused at the second brace.
  CHECK_THAT(json::Parse(std::string(1000000, '{'), doc), Catch::StartsWith("not valid JSON (Missing a name"));
  CHECK(json::Parse(R"({"a":)" + std::string(64, '[') + std::string(64, ']') + "}", doc) ==
        "nested deeper than 64 levels");
  // A refused text leaves no value behind.
  CHECK(doc.IsNull());
  // Brackets inside strings, escaped quotes included, do not count.
  CHECK(json::Parse(R"({"a":"[[[[\"[[[[","b":[1]})", doc, 2).empty());
}

TEST_CASE("json::FindTopLevelString reads one member of an object and nothing deeper", "[json]") {
  std::string value = "stale";
  CHECK(json::FindTopLevelString(R"({"channel":"C1","text":"x"})", "channel", &value));
  CHECK(value == "C1");
  // Found late, after nested members and strings that look like the key.
  CHECK(json::FindTopLevelString(
      R"({"blocks":[{"channel":"CNESTED"}],"meta":{"channel":"CDEEP"},"text":"\"channel\":\"CFAKE\"","channel":"C2"})",
      "channel", &value));
  CHECK(value == "C2");
  // Escapes are decoded as a parse would.
  CHECK(json::FindTopLevelString(R"({"channel":"C\u0033"})", "channel", &value));
  CHECK(value == "C3");
  // An object without the member (or with it not a string): "".
  CHECK(json::FindTopLevelString(R"({"view":{"channel":"C9"},"channel":7})", "channel", &value));
  CHECK(value.empty());
  CHECK(json::FindTopLevelString("{}", "channel", &value));
  // Not an object, not JSON, or too deep before the member: false.
  CHECK_FALSE(json::FindTopLevelString(R"(["channel","C1"])", "channel", &value));
  CHECK_FALSE(json::FindTopLevelString(R"("C1")", "channel", &value));
  CHECK_FALSE(json::FindTopLevelString("", "channel", &value));
  CHECK_FALSE(json::FindTopLevelString(R"({"text":"x",)", "channel", &value));
  CHECK_FALSE(json::FindTopLevelString(R"({"a":)" + std::string(100, '[') + std::string(100, ']') + "}", "channel",
                                       &value));
  CHECK(value.empty());
}

TEST_CASE("json::Parse says where a body stops being JSON", "[json]") {
  rapidjson::Document doc;
  CHECK(json::Parse(R"({"a":1})", doc).empty());
  CHECK(json::Parse("", doc) == "not valid JSON (The document is empty.) at offset 0");
  CHECK(json::Parse(R"({"a":)", doc).rfind("not valid JSON (", 0) == 0);
  CHECK(json::Parse("<html>", doc) == "not valid JSON (Invalid value.) at offset 0");
}

TEST_CASE("util::Catching turns what a call throws into a transient error", "[error]") {
  auto thrown = util::Catching("poll", []() -> util::Result<int> { throw std::runtime_error("bad answer"); });
  REQUIRE_FALSE(thrown);
  CHECK(thrown.error().code == util::ErrorCode::kServerError);
  CHECK(thrown.error().message == "poll: threw bad answer");
  auto odd = util::Catching("poll", []() -> util::Result<int> { throw 42; });
  CHECK(odd.error().message == "poll: threw an exception of unknown type");
  CHECK(*util::Catching("poll", []() -> util::Result<int> { return 7; }) == 7);
}

TEST_CASE("a worker task that throws is logged and the worker goes on", "[worker]") {
  testing::LogCapture log;
  std::promise<void> second;
  {
    util::WorkerPool pool(1);
    pool.Submit([] { throw std::runtime_error("hostile"); });
    pool.Submit([&second] { second.set_value(); });
    CHECK(second.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  }
  CHECK(log.Has(util::log::Level::kError, "a worker task threw hostile; the worker goes on"));
}
