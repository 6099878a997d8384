// End to end: the real slackdesk binary against the fake Slack over
// 127.0.0.1, configured through the environment only, with its state in a
// temp folder. Production timings throughout (10 s silent-server limit).
#include <signal.h>
#include <sys/stat.h>

#include <fstream>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <map>

#include "daemon_env.h"
#include "daemon_process.h"
#include "fake_jira.h"
#include "fake_slack.h"
#include "slack_payloads.h"
#include "store/store.h"
#include "test_support.h"

using std::chrono::milliseconds;

namespace {

constexpr milliseconds kStartup{10000};

fake::DaemonProcess::Env DaemonEnv(const fake::FakeSlack& slack, const testing::TempDir& dir) {
  fake::DaemonProcess::Env env = fake::SlackOnlyDaemonEnv(slack, "jira-e2e-secret-token", dir.File("state.db"));
  env["SLACKDESK_LOG_LEVEL"] = "debug";
  return env;
}

// SIGTERM, and a clean exit.
void Stop(fake::DaemonProcess& daemon) {
  daemon.Signal(SIGTERM);
  CHECK(daemon.Wait(milliseconds(5000)) == 0);
}

// A fake Slack, a state folder and the environment for a daemon not yet
// started.
struct Environment {
  fake::FakeSlack slack;
  testing::TempDir dir;
  fake::DaemonProcess::Env env = DaemonEnv(slack, dir);
};

// The daemon running against a fake Slack, connected once.
struct Connected {
  Connected() { REQUIRE(slack.WaitForHellos(1, kStartup)); }

  fake::FakeSlack slack;
  testing::TempDir dir;
  fake::DaemonProcess daemon{SLACKDESK_BINARY, {"run"}, DaemonEnv(slack, dir)};
};

std::string Mention(const std::string& text, const std::string& ts = {}) {
  fake::MessageSpec spec;
  spec.text = "<@UBOT0001> " + text;
  spec.ts = ts;
  return fake::AppMentionPayload(spec);
}

size_t CountLines(const fake::DaemonProcess& daemon, const std::string& text) {
  size_t count = 0;
  for (const auto& line : daemon.Lines()) count += line.find(text) != std::string::npos ? 1 : 0;
  return count;
}

}  // namespace

TEST_CASE_METHOD(Connected, "the daemon acks every envelope exactly once and handles each event once", "[e2e]") {
  // 60 mentions in 60 channels (Slack paces posts per channel, so one
  // channel each keeps this quick), every third also as its message twin,
  // every fifth redelivered.
  std::vector<std::string> ids;
  for (int i = 0; i < 60; ++i) {
    fake::MessageSpec spec;
    spec.channel = fmt::format("C{:04d}", i);
    spec.ts = fmt::format("1700002000.{:06d}", i);
    spec.text = "<@UBOT0001> issue " + std::to_string(i);
    spec.event_id = fmt::format("EvE2E{:04d}", i);
    std::string mention = fake::AppMentionPayload(spec);
    ids.push_back(slack.SendEnvelope("events_api", mention));
    if (i % 3 == 0) {
      spec.event_id = fmt::format("EvTwin{:04d}", i);  // Slack sends the twin with its own event id
      ids.push_back(slack.SendEnvelope("events_api", fake::MessagePayload(spec)));
    }
    if (i % 5 == 0) ids.push_back(slack.SendEnvelope("events_api", mention, 1));
  }
  REQUIRE(slack.WaitFor([&] {
    for (const auto& id : ids) {
      if (slack.AckCount(id) != 1) return false;
    }
    return true;
  }));
  CHECK(slack.Acks().size() == ids.size());
  // Handled once: exactly one Submit request button per mention.
  REQUIRE(slack.WaitFor([&] { return slack.Calls("chat.postMessage").size() >= 60; }, milliseconds(20000)));
  std::map<std::string, int> prompts;
  for (const auto& message : slack.Messages()) ++prompts[message.channel];
  CHECK(prompts.size() == 60);
  for (const auto& [channel, count] : prompts) CHECK(count == 1);
  CHECK(CountLines(daemon, "is a redelivery") == 32);  // 20 twins + 12 retries
  Stop(daemon);
  CHECK(slack.OpenConnections() == 0);
  CHECK(slack.Messages().size() == 60);
}

TEST_CASE("an acked envelope survives SIGKILL and its redelivery after restart is recognised", "[e2e]") {
  fake::FakeSlack slack;
  testing::TempDir dir;
  std::string payload = Mention("please do not lose me", "1700000100.000100");
  std::string envelope;
  {
    fake::DaemonProcess daemon(SLACKDESK_BINARY, {"run"}, DaemonEnv(slack, dir));
    REQUIRE(slack.WaitForHellos(1, kStartup));
    envelope = slack.SendEnvelope("events_api", payload);
    REQUIRE(slack.WaitForAck(envelope));
    daemon.Signal(SIGKILL);
    REQUIRE(daemon.Wait(milliseconds(5000)) == 128 + SIGKILL);
  }
  {
    auto store = store::Store::Open(dir.File("state.db"));
    REQUIRE(store);
    // The key a message's envelope is recorded under: its channel and ts.
    auto fresh = (*store)->RecordEnvelopes(
        {store::InboxEnvelope{"probe", "events_api", {"msg:C0SUPPORT:1700000100.000100"}, "{}", 0}});
    REQUIRE(fresh);
    CHECK_FALSE((*fresh)[0]);  // the key was committed before the ack
  }
  fake::DaemonProcess daemon(SLACKDESK_BINARY, {"run"}, DaemonEnv(slack, dir));
  REQUIRE(slack.WaitForHellos(2, kStartup));
  std::string retry = slack.SendEnvelope("events_api", payload, 1);
  REQUIRE(slack.WaitForAck(retry));
  REQUIRE(daemon.WaitForLog("is a redelivery", milliseconds(5000)) >= 0);
  Stop(daemon);
}

TEST_CASE_METHOD(Connected, "a silent server is detected within the 10 s limit and replaced", "[e2e]") {
  auto silenced = std::chrono::steady_clock::now();
  REQUIRE(slack.SilenceNewest());
  REQUIRE(slack.WaitForHellos(2, milliseconds(20000)));
  auto took = std::chrono::steady_clock::now() - silenced;
  CHECK(took >= milliseconds(9000));   // not before the 10 s of silence
  CHECK(took <= milliseconds(13000));  // 10 s + a tick + a first backoff
  CHECK(daemon.WaitForLog("silent for 10000 ms", milliseconds(1000)) >= 0);
  std::string envelope = slack.SendEnvelope("events_api", Mention("after the zombie"));
  CHECK(slack.WaitForAck(envelope));
  Stop(daemon);
}

TEST_CASE_METHOD(Connected, "bad input is logged and skipped while the daemon keeps serving", "[e2e]") {
  REQUIRE(slack.SendRaw("{{{ not json"));
  REQUIRE(slack.SendRaw(R"({"envelope_id":"weird-1","type":"brand_new_type","payload":[1,2,3]})"));
  REQUIRE(slack.SendRaw(R"({"envelope_id":"huge-1","type":"events_api","payload":{"event":{"type":"message","text":")" +
                        std::string(2 * 1024 * 1024, 'x') + R"("}}})"));
  REQUIRE(slack.WaitForAck("weird-1"));
  REQUIRE(slack.WaitForAck("huge-1"));
  std::string envelope = slack.SendEnvelope("events_api", Mention("still there?"));
  CHECK(slack.WaitForAck(envelope));
  CHECK(daemon.WaitForLog("skipping malformed frame", milliseconds(1000)) >= 0);
  CHECK(slack.ConnectionsAccepted() == 1);
  Stop(daemon);
}

TEST_CASE_METHOD(Environment, "no log line ever carries a secret", "[e2e]") {
  slack.FailNext("auth.test", fake::Failure{500, "internal_error"});
  fake::DaemonProcess daemon(SLACKDESK_BINARY, {"run"}, env);
  REQUIRE(slack.WaitForHellos(1, kStartup));
  REQUIRE(daemon.WaitForLog("authenticated as", kStartup) >= 0);
  daemon.Signal(SIGTERM);
  REQUIRE(daemon.Wait(milliseconds(5000)) == 0);
  for (const auto& line : daemon.Lines()) {
    CHECK(line.find(fake::FakeSlack::kBotToken) == std::string::npos);
    CHECK(line.find(fake::FakeSlack::kAppToken) == std::string::npos);
    CHECK(line.find("jira-e2e-secret-token") == std::string::npos);
  }
}

TEST_CASE_METHOD(Environment, "a refused bot token stops the daemon with exit code 1", "[e2e]") {
  env["SLACKDESK_SLACK_BOT_TOKEN"] = "xoxb-revoked-token";
  fake::DaemonProcess daemon(SLACKDESK_BINARY, {"run"}, env);
  CHECK(daemon.Wait(kStartup) == 1);
  CHECK(daemon.WaitForLog("the bot token was refused: auth.test: invalid_auth", milliseconds(1000)) >= 0);
}

TEST_CASE_METHOD(Environment, "an invalid config exits 2 and names the key", "[e2e]") {
  env["SLACKDESK_POLL_INTERVAL"] = "fast";
  fake::DaemonProcess run(SLACKDESK_BINARY, {"run"}, env);
  CHECK(run.Wait(kStartup) == 2);
  CHECK(run.WaitForLog("poll_interval", milliseconds(1000)) >= 0);
  fake::DaemonProcess missing(SLACKDESK_BINARY, {"run", "--config", dir.File("nope.conf")}, env);
  CHECK(missing.Wait(kStartup) == 2);
  fake::DaemonProcess usage(SLACKDESK_BINARY, {"frobnicate"}, env);
  CHECK(usage.Wait(kStartup) == 2);
}

TEST_CASE_METHOD(Environment, "an unusable state folder is a runtime failure with a clear message", "[e2e]") {
  env["SLACKDESK_STATE_DB"] = dir.File("missing-folder/state.db");
  fake::DaemonProcess daemon(SLACKDESK_BINARY, {"run"}, env);
  CHECK(daemon.Wait(kStartup) == 1);
  CHECK(daemon.WaitForLog("cannot open the state database", milliseconds(1000)) >= 0);
}

TEST_CASE("check passes against a healthy Slack and Jira and fails, exit 1, on a bad token", "[e2e]") {
  fake::FakeSlack slack;
  fake::FakeJira jira;
  testing::TempDir dir;
  auto env = fake::DaemonEnv(slack, jira, dir.File("state.db"));
  env["SLACKDESK_LOG_LEVEL"] = "debug";
  {
    fake::DaemonProcess check(SLACKDESK_BINARY, {"check"}, env);
    CHECK(check.Wait(kStartup) == 0);
    CHECK(check.WaitForLog("ok   slack auth.test (slack_bot_token): bot slackdesk (UBOT0001)", milliseconds(1000)) >= 0);
    CHECK(check.WaitForLog("ok   slack apps.connections.open (slack_app_token)", milliseconds(1000)) >= 0);
    CHECK(check.WaitForLog("ok   jira /rest/api/3/myself", milliseconds(1000)) >= 0);
    CHECK(check.WaitForLog("ok   jira service desk and request type", milliseconds(1000)) >= 0);
  }
  {
    auto wrong_desk = env;
    wrong_desk["SLACKDESK_JIRA_REQUEST_TYPE_ID"] = "999";
    fake::DaemonProcess check(SLACKDESK_BINARY, {"check"}, wrong_desk);
    CHECK(check.Wait(kStartup) == 1);
    CHECK(check.WaitForLog("FAIL jira service desk and request type", milliseconds(1000)) >= 0);
  }
  env["SLACKDESK_SLACK_APP_TOKEN"] = "xapp-1-A0001-wrong";
  fake::DaemonProcess check(SLACKDESK_BINARY, {"check"}, env);
  CHECK(check.Wait(kStartup) == 1);
  CHECK(check.WaitForLog("FAIL slack apps.connections.open (slack_app_token): apps.connections.open: invalid_auth",
                         milliseconds(1000)) >= 0);
  CHECK(slack.Calls("apps.connections.open").size() == 3);
}

TEST_CASE("check and the daemon warn about a config file with secrets that every user can read", "[e2e]") {
  fake::FakeSlack slack;
  fake::FakeJira jira;
  testing::TempDir dir;
  auto env = fake::DaemonEnv(slack, jira, dir.File("state.db"));
  std::string config = dir.File("slackdesk.conf");
  std::ofstream(config) << "slack_bot_token = " << fake::FakeSlack::kBotToken << "\n";
  REQUIRE(chmod(config.c_str(), 0644) == 0);
  const std::string warning = "WARN security: " + config + " holds secrets (slack_bot_token) and is mode 0644";
  {
    fake::DaemonProcess check(SLACKDESK_BINARY, {"check", "--config", config}, env);
    CHECK(check.Wait(kStartup) == 0);  // a warning, not a failure
    CHECK(check.WaitForLog(warning, milliseconds(1000)) >= 0);
  }
  {
    fake::DaemonProcess daemon(SLACKDESK_BINARY, {"run", "--config", config}, env);
    CHECK(daemon.WaitForLog("security: " + config + " holds secrets", kStartup) >= 0);
    REQUIRE(daemon.WaitForLog("authenticated as", kStartup) >= 0);  // its signal handlers are set
    daemon.Signal(SIGTERM);
    CHECK(daemon.Wait(kStartup) == 0);
  }
  REQUIRE(chmod(config.c_str(), 0640) == 0);
  fake::DaemonProcess check(SLACKDESK_BINARY, {"check", "--config", config}, env);
  CHECK(check.Wait(kStartup) == 0);
  for (const auto& line : check.Lines()) CHECK(line.find("WARN") == std::string::npos);
}

TEST_CASE("the version and help options answer and exit 0", "[e2e]") {
  fake::DaemonProcess version(SLACKDESK_BINARY, {"--version"}, {});
  CHECK(version.Wait(kStartup) == 0);
  CHECK(version.WaitForLog("slackdesk " SLACKDESK_VERSION, milliseconds(1000)) == 0);
  fake::DaemonProcess help(SLACKDESK_BINARY, {"--help"}, {});
  CHECK(help.Wait(kStartup) == 0);
}
