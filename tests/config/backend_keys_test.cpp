// Which keys a config needs depends on the helpdesk backend: jira's for
// jira, rt's for rt (lib/config/backends.cpp), each named when missing.
#include <algorithm>
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "config/config.h"

namespace config {
namespace {

using Catch::Matchers::Contains;

constexpr char kAppToken[] = "xapp-1-A0TEST-1-S3CR3Tapp";
constexpr char kBotToken[] = "xoxb-1111-2222-S3CR3Tbot";
constexpr char kRtToken[] = "1-14-S3CR3Trt";
constexpr char kPath[] = "/etc/slackdesk/slackdesk.conf";

// Loads `text` as the config file, with `files` readable and no environment.
util::Result<Config> Load(const std::string& text, std::map<std::string, std::string> files = {}) {
  files[kPath] = text;
  LoadOptions options;
  options.path = kPath;
  options.getenv = [](const std::string&) { return std::optional<std::string>(); };
  options.read_file = [files](const std::string& path) -> util::Result<std::string> {
    auto it = files.find(path);
    if (it == files.end()) return util::MakeError(util::ErrorCode::kConfig, "No such file or directory");
    return it->second;
  };
  return LoadConfig(options);
}

std::string Slack() {
  return std::string("slack_app_token = ") + kAppToken + "\nslack_bot_token = " + kBotToken + "\n";
}

// A complete rt config without the line of `skip`.
std::string RtLines(const std::string& skip = "") {
  const std::map<std::string, std::string> keys = {
      {"helpdesk", "rt"},
      {"rt_url", "https://rt.example.com"},
      {"rt_token", kRtToken},
      {"rt_queue", "IT Support"},
  };
  std::string text = Slack();
  for (const auto& [key, value] : keys) {
    if (key != skip) text += key + " = " + value + "\n";
  }
  return text;
}

std::string ErrorOf(const util::Result<Config>& result) {
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == util::ErrorCode::kConfig);
  CHECK_THAT(result.error().message, !Contains("S3CR3T"));
  return result.error().message;
}

TEST_CASE("helpdesk = rt needs rt_url, rt_token and rt_queue and none of the jira keys", "[config]") {
  util::Result<Config> result = Load(RtLines());
  INFO((result ? std::string() : result.error().message));
  REQUIRE(result.has_value());
  CHECK(result->helpdesk == "rt");
  CHECK(result->rt_url == "https://rt.example.com");
  CHECK(result->rt_token == kRtToken);
  CHECK(result->rt_queue == "IT Support");
  CHECK(result->rt_marker_field == "slackdesk");
  std::vector<std::string> secrets = result->Secrets();
  CHECK(std::find(secrets.begin(), secrets.end(), std::string(kRtToken)) != secrets.end());
  // RT has no request types: every channel goes to the queue's one form.
  ChannelRoute route = result->RouteFor("C0ANY");
  CHECK(route.desk_id == "IT Support");
  CHECK(route.type_ids == std::vector<std::string>{"ticket"});
  CHECK(result->DefaultRouteKey() == "rt_queue");
}

TEST_CASE("a missing rt key is named, with its environment variable", "[config]") {
  auto [key, env] = GENERATE(table<std::string, std::string>({
      {"rt_url", "SLACKDESK_RT_URL"},
      {"rt_token", "SLACKDESK_RT_TOKEN"},
      {"rt_queue", "SLACKDESK_RT_QUEUE"},
  }));
  CHECK(ErrorOf(Load(RtLines(key))) == "missing required key " + key + " (set it in the config file or " + env + ")");
}

TEST_CASE("helpdesk = jira does not need the rt keys, and keeps its own route", "[config]") {
  std::string text = Slack() +
                     "jira_url = https://example.atlassian.net\njira_email = bot@example.com\n"
                     "jira_api_token = ATATT-S3CR3Tjira\njira_service_desk_id = 1\njira_request_type_id = 10,11\n";
  util::Result<Config> result = Load(text);
  INFO((result ? std::string() : result.error().message));
  REQUIRE(result.has_value());
  CHECK(result->RouteFor("C0ANY") == ChannelRoute{"1", {"10", "11"}});
  CHECK(result->DefaultRouteKey() == "jira_request_type_id");
  // And without helpdesk = rt, rt keys alone are no helpdesk.
  CHECK(ErrorOf(Load(Slack() + "rt_url = https://rt.example.com\n")) ==
        "missing required key jira_url (set it in the config file or SLACKDESK_JIRA_URL)");
}

TEST_CASE("rt_marker_field may be renamed; names that would break out of a TicketSQL quote are refused", "[config]") {
  util::Result<Config> renamed = Load(RtLines() + "rt_marker_field = Slack marker\n");
  REQUIRE(renamed.has_value());
  CHECK(renamed->rt_marker_field == "Slack marker");
  std::string bad = GENERATE(as<std::string>(), "rt_queue = Sup'port", "rt_queue = a\\b", "rt_marker_field = x}",
                             "rt_marker_field = {x", "rt_marker_field = a\"b");
  std::string key = bad.substr(0, bad.find(' '));
  CHECK_THAT(ErrorOf(Load(RtLines(key) + bad + "\n")),
             Contains(": " + key + ": must be a name without quotes, backslashes, braces or control characters"));
}

TEST_CASE("rt_url must be a URL and rt_token header-safe, read from a file too", "[config]") {
  CHECK(ErrorOf(Load(RtLines("rt_url") + "rt_url = rt.example.com\n")) ==
        std::string(kPath) + ":6: rt_url: must start with http:// or https:// (got 'rt.example.com')");
  CHECK(ErrorOf(Load(RtLines("rt_token") + "rt_token = \"1-S3CR3T x\"\n")) ==
        std::string(kPath) +
            ":6: rt_token: must not contain white space or control characters; the value is not shown");
  util::Result<Config> from_file = Load(RtLines("rt_token") + "rt_token_file = /run/credentials/rt\n",
                                        {{"/run/credentials/rt", std::string(kRtToken) + "\n"}});
  REQUIRE(from_file.has_value());
  CHECK(from_file->rt_token == kRtToken);
}

TEST_CASE("channel_routes is refused with rt, which has one queue", "[config]") {
  CHECK(ErrorOf(Load(RtLines() + "channel_routes = C0SUPPORT=1/10\n")) ==
        "channel_routes: only for helpdesk = jira (RT requests all go to rt_queue)");
}

}  // namespace
}  // namespace config
