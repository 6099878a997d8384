// `slackdesk check`'s Slack lines past the tokens, from the real binary
// against the fake Slack and fake Jira: the scopes auth.test's
// x-oauth-scopes header names against the manifest's, and the bot a member
// of every channel it serves (conversations.info).
#include <chrono>

#include <catch2/catch.hpp>

#include "daemon_env.h"
#include "daemon_process.h"
#include "fake_jira.h"
#include "fake_slack.h"
#include "test_support.h"

using std::chrono::milliseconds;

namespace {

constexpr milliseconds kWait{10000};

// A healthy Slack and Jira; tests change what they look at.
struct Setup {
  fake::FakeSlack slack;
  fake::FakeJira jira;
  testing::TempDir dir;
  fake::DaemonProcess::Env env = fake::DaemonEnv(slack, jira, dir.File("state.db"));

  // Runs check to its end; returns its output.
  std::vector<std::string> Check(int expected_exit) {
    fake::DaemonProcess check(SLACKDESK_BINARY, {"check"}, env);
    CHECK(check.Wait(kWait) == expected_exit);
    return check.Lines();
  }
};

bool Has(const std::vector<std::string>& lines, const std::string& line) {
  for (const std::string& printed : lines) {
    if (printed == line) return true;
  }
  UNSCOPED_INFO("no line: " << line);
  return false;
}

bool HasPrefix(const std::vector<std::string>& lines, const std::string& prefix) {
  for (const std::string& printed : lines) {
    if (printed.rfind(prefix, 0) == 0) return true;
  }
  UNSCOPED_INFO("no line starting: " << prefix);
  return false;
}

fake::ChannelSpec Channel(const std::string& name, bool is_private = false, bool is_member = true) {
  fake::ChannelSpec spec;
  spec.name = name;
  spec.is_private = is_private;
  spec.is_member = is_member;
  return spec;
}

std::vector<std::string> ScopesWithout(const std::vector<std::string>& left_out) {
  std::vector<std::string> scopes;
  for (const char* scope : {"app_mentions:read", "chat:write", "channels:history", "groups:history", "channels:read",
                            "groups:read", "users:read", "users:read.email", "team:read", "files:read", "files:write"}) {
    if (std::find(left_out.begin(), left_out.end(), scope) == left_out.end()) scopes.emplace_back(scope);
  }
  return scopes;
}

}  // namespace

TEST_CASE_METHOD(Setup, "check passes with the manifest's scopes and the bot in every served channel", "[e2e][check]") {
  env["SLACKDESK_ALLOWED_CHANNELS"] = "C0SUPPORT,C0PRIVATE";
  env["SLACKDESK_CHANNEL_ROUTES"] =
      std::string("C0BILLING=") + fake::FakeJira::kServiceDeskId + "/" + fake::FakeJira::kRequestTypeId;
  slack.SetChannel("C0SUPPORT", Channel("support"));
  slack.SetChannel("C0PRIVATE", Channel("incidents", true));
  auto lines = Check(0);
  CHECK(Has(lines, "ok   slack scopes (slack_bot_token): the 11 scopes slack-app-manifest.yaml asks for are granted"));
  CHECK(Has(lines, "ok   slack channel C0SUPPORT (allowed_channels): #support: the bot is a member"));
  CHECK(Has(lines, "ok   slack channel C0PRIVATE (allowed_channels): #incidents: the bot is a member"));
  CHECK(Has(lines, "ok   slack channel C0BILLING (channel_routes): #c0billing: the bot is a member"));
  // A warning, not a failure: the route is unused while allowed_channels leaves the channel out.
  CHECK(Has(lines,
            "WARN slack channel C0BILLING (channel_routes): not in allowed_channels, so the bot answers no one there "
            "and the route is unused: add it to allowed_channels, or drop the route"));
  CHECK(slack.Calls("conversations.info").size() == 3);
  for (const std::string& line : lines) CHECK(line.find("every channel the bot is in") == std::string::npos);
}

TEST_CASE_METHOD(Setup, "check with no allowed_channels says every channel the bot is in is served", "[e2e][check]") {
  env["SLACKDESK_CHANNEL_ROUTES"] =
      std::string("C0BILLING=") + fake::FakeJira::kServiceDeskId + "/" + fake::FakeJira::kRequestTypeId;
  auto lines = Check(0);
  CHECK(Has(lines, "ok   slack channel C0BILLING (channel_routes): #c0billing: the bot is a member"));
  for (const std::string& line : lines) CHECK(line.find("WARN") == std::string::npos);
  CHECK(Has(lines,
            "ok   slack channels (allowed_channels): empty: every channel the bot is in is served (add it to one "
            "with /invite @slackdesk)"));
  CHECK(slack.Calls("conversations.info").size() == 1);
}

TEST_CASE_METHOD(Setup, "check fails naming the scopes the app lacks, and the fix", "[e2e][check]") {
  slack.SetGrantedScopes(ScopesWithout({"groups:read", "team:read"}));
  auto lines = Check(1);
  CHECK(Has(lines,
            "FAIL slack scopes (slack_bot_token): missing groups:read, team:read (slack-app-manifest.yaml asks for "
            "them): add them under OAuth & Permissions and reinstall the app"));
  CHECK(HasPrefix(lines, "ok   slack auth.test"));
}

TEST_CASE_METHOD(Setup, "check warns, and passes, when auth.test's answer has no x-oauth-scopes header",
                 "[e2e][check]") {
  slack.SetGrantedScopes(std::nullopt);
  auto lines = Check(0);
  CHECK(HasPrefix(lines, "WARN slack scopes (slack_bot_token): auth.test's answer has no x-oauth-scopes header"));
}

TEST_CASE_METHOD(Setup, "check fails for each channel the bot is not in, saying how to invite it", "[e2e][check]") {
  env["SLACKDESK_ALLOWED_CHANNELS"] = "C0SUPPORT,C0GENERAL,C0SECRET,C0GONE";
  slack.SetChannel("C0SUPPORT", Channel("support"));
  slack.SetChannel("C0GENERAL", Channel("general", false, false));
  slack.SetChannel("C0SECRET", Channel("secret", true, false));
  fake::ChannelSpec gone;
  gone.exists = false;
  slack.SetChannel("C0GONE", gone);
  auto lines = Check(1);
  CHECK(Has(lines, "ok   slack channel C0SUPPORT (allowed_channels): #support: the bot is a member"));
  CHECK(Has(lines,
            "FAIL slack channel C0GENERAL (allowed_channels): #general: the bot is not a member, so it never hears "
            "mentions there: invite the bot: /invite @slackdesk in #general"));
  const std::string not_found =
      ": no channel has this ID, or it is a private channel the bot is not in: check the ID (the channel's "
      "details, at the bottom) or invite the bot: /invite @slackdesk in that channel";
  CHECK(Has(lines,
            "FAIL slack channel C0SECRET (allowed_channels): conversations.info: channel_not_found (channel "
            "C0SECRET)" +
                not_found));
  CHECK(Has(lines,
            "FAIL slack channel C0GONE (allowed_channels): conversations.info: channel_not_found (channel "
            "C0GONE)" +
                not_found));
  CHECK(HasPrefix(lines, "ok   jira"));  // the other checks still ran
}

TEST_CASE_METHOD(Setup, "check explains a channel the bot token may not read (missing_scope)", "[e2e][check]") {
  env["SLACKDESK_ALLOWED_CHANNELS"] = "C0SUPPORT,C0PRIVATE";
  slack.SetChannel("C0PRIVATE", Channel("incidents", true));
  slack.SetGrantedScopes(ScopesWithout({"groups:read"}));
  auto lines = Check(1);
  CHECK(Has(lines, "ok   slack channel C0SUPPORT (allowed_channels): #c0support: the bot is a member"));
  CHECK(Has(lines,
            "FAIL slack channel C0PRIVATE (allowed_channels): conversations.info: missing_scope (channel C0PRIVATE) "
            "(needs groups:read): the bot token may not read channels (public ones need channels:read, private "
            "ones groups:read; slack-app-manifest.yaml asks for both): add them under OAuth & Permissions and "
            "reinstall the app"));
}
