#include "config/config.h"

#include <stdlib.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace config {
namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

// Every secret used below contains this marker and no other value does, so
// "no secret leaked" is one substring check.
constexpr char kSecretMarker[] = "S3CR3T";
constexpr char kAppToken[] = "xapp-1-A0TEST-1-S3CR3Tapp";
constexpr char kBotToken[] = "xoxb-1111-2222-S3CR3Tbot";
constexpr char kJiraToken[] = "ATATT-S3CR3Tjira";
constexpr char kPath[] = "/etc/slackdesk/slackdesk.conf";

// The lines every valid configuration needs; anything appended starts at
// line 8.
std::string RequiredLines() {
  std::string text;
  text += std::string("slack_app_token = ") + kAppToken + "\n";
  text += std::string("slack_bot_token = ") + kBotToken + "\n";
  text += "jira_url = https://example.atlassian.net\n";
  text += "jira_email = bot@example.com\n";
  text += std::string("jira_api_token = ") + kJiraToken + "\n";
  text += "jira_service_desk_id = 1\n";
  text += "jira_request_type_id = 10\n";
  return text;
}

// The same keys as RequiredLines, for the environment.
std::map<std::string, std::string> RequiredEnv() {
  return {
      {"SLACKDESK_SLACK_APP_TOKEN", kAppToken},
      {"SLACKDESK_SLACK_BOT_TOKEN", kBotToken},
      {"SLACKDESK_JIRA_URL", "https://example.atlassian.net"},
      {"SLACKDESK_JIRA_EMAIL", "bot@example.com"},
      {"SLACKDESK_JIRA_API_TOKEN", kJiraToken},
      {"SLACKDESK_JIRA_SERVICE_DESK_ID", "1"},
      {"SLACKDESK_JIRA_REQUEST_TYPE_ID", "10"},
  };
}

// An environment and a file system made of maps, recording what was asked.
struct FakeSystem {
  std::map<std::string, std::string> env;
  std::map<std::string, std::string> files;
  std::vector<std::string> env_lookups;
  std::vector<std::string> reads;

  // REQUIRES: *this outlives the returned options.
  LoadOptions Options(std::optional<std::string> path = std::string(kPath)) {
    LoadOptions options;
    options.path = std::move(path);
    options.getenv = [this](const std::string& name) -> std::optional<std::string> {
      env_lookups.push_back(name);
      auto it = env.find(name);
      if (it == env.end()) return std::nullopt;
      return it->second;
    };
    options.read_file = [this](const std::string& file) -> util::Result<std::string> {
      reads.push_back(file);
      auto it = files.find(file);
      if (it == files.end()) {
        return util::MakeError(util::ErrorCode::kConfig, "No such file or directory");
      }
      return it->second;
    };
    return options;
  }

  util::Result<Config> Load(const std::string& config_text) {
    files[kPath] = config_text;
    return LoadConfig(Options());
  }

  bool WasRead(const std::string& path) const {
    return std::find(reads.begin(), reads.end(), path) != reads.end();
  }
};

// A system whose environment is RequiredEnv() without the variables `unset`.
FakeSystem FromEnv(std::initializer_list<const char*> unset = {}) {
  FakeSystem system;
  system.env = RequiredEnv();
  for (const char* name : unset) system.env.erase(name);
  return system;
}

Config Loaded(const util::Result<Config>& result) {
  INFO((result ? std::string() : result.error().message));
  REQUIRE(result.has_value());
  return *result;
}

std::string ErrorOf(const util::Result<Config>& result) {
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == util::ErrorCode::kConfig);
  return result.error().message;
}

// The error of loading the file `text` on an otherwise empty system.
std::string LoadError(const std::string& text) {
  FakeSystem system;
  return ErrorOf(system.Load(text));
}

// The error of loading RequiredLines() with `variable` set to `value`.
std::string EnvError(const std::string& variable, const std::string& value) {
  FakeSystem system;
  system.env[variable] = value;
  return ErrorOf(system.Load(RequiredLines()));
}

std::vector<Entry> Entries(std::string_view text) {
  util::Result<std::vector<Entry>> entries = ParseConfigText(text, "test.conf");
  INFO((entries ? std::string() : entries.error().message));
  REQUIRE(entries.has_value());
  return *entries;
}

// The three secrets, as RequiredLines(), RequiredEnv() and the secret files
// in the tests carry them.
void CheckSecrets(const Config& config) {
  CHECK(config.slack_app_token == kAppToken);
  CHECK(config.slack_bot_token == kBotToken);
  CHECK(config.jira_api_token == kJiraToken);
}

// Checks `entries` against `expected`, entry by entry and field by field.
void CheckEntries(const std::vector<Entry>& entries, const std::vector<Entry>& expected) {
  REQUIRE(entries.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO("entry " << i);
    CHECK(entries[i].key == expected[i].key);
    CHECK(entries[i].value == expected[i].value);
    CHECK(entries[i].line == expected[i].line);
  }
}

// RequiredLines() without the line of `key`.
std::string RequiredLinesWithout(const std::string& key) {
  std::string text;
  for (const Entry& entry : Entries(RequiredLines())) {
    if (entry.key != key) text += entry.key + " = " + entry.value + "\n";
  }
  return text;
}

// --- ParseConfigText -------------------------------------------------------

TEST_CASE("ParseConfigText skips comments and blank lines and trims keys and values", "[config]") {
  CheckEntries(Entries("# a comment\n"
                       "\n"
                       "   \t\n"
                       "   # an indented comment = with an equals sign\n"
                       "  state_db   =   /tmp/a b.db  \n"
                       "log_level=debug\n"),
               {{"state_db", "/tmp/a b.db", 5}, {"log_level", "debug", 6}});
}

TEST_CASE("ParseConfigText unwraps one pair of double quotes and keeps what is inside",
          "[config]") {
  CheckEntries(Entries("a = \"  spaced  \"\n"
                       "b = \"\"\n"
                       "c = \"say \"hi\"\"\n"
                       "d = it's \"fine\"\n"
                       "e = x=y=z\n"
                       "f = value # not a comment\n"),
               {{"a", "  spaced  ", 1},
                {"b", "", 2},
                {"c", "say \"hi\"", 3},
                {"d", "it's \"fine\"", 4},
                {"e", "x=y=z", 5},
                {"f", "value # not a comment", 6}});
}

TEST_CASE("ParseConfigText accepts CRLF line ends, a byte order mark and no final newline",
          "[config]") {
  CheckEntries(Entries("\xEF\xBB\xBFlog_level = warn\r\n\r\nstate_db = /x.db"),
               {{"log_level", "warn", 1}, {"state_db", "/x.db", 3}});
}

TEST_CASE("ParseConfigText rejects a line without '=' by line number without echoing it",
          "[config]") {
  auto result = ParseConfigText("# ok\nlog_level = info\nxoxb-S3CR3T-pasted\n", "test.conf");
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == util::ErrorCode::kConfig);
  CHECK(result.error().message == "test.conf:3: expected 'key = value'");
}

TEST_CASE("ParseConfigText rejects an empty key", "[config]") {
  auto result = ParseConfigText("\n  = value\n", "test.conf");
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().message == "test.conf:2: missing key before '='");
}

TEST_CASE("ParseConfigText rejects an unterminated quote without echoing the value", "[config]") {
  auto result = ParseConfigText("slack_bot_token = \"xoxb-S3CR3T\n", "test.conf");
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().message == "test.conf:1: slack_bot_token: missing closing '\"'");
}

// --- Keys, values and defaults ----------------------------------------------

TEST_CASE("defaults apply to every optional key", "[config]") {
  FakeSystem system;
  Config config = Loaded(system.Load(RequiredLines()));
  CHECK(config.slack_api_url == "https://slack.com/api");
  CHECK(config.helpdesk == "jira");
  CHECK(config.state_db == "/var/lib/slackdesk/state.db");
  CHECK(config.poll_interval_seconds == 30);
  CHECK(config.allowed_channels.empty());
  CHECK(config.log_level == util::log::Level::kInfo);
  CHECK(config.metrics_listen.empty());
  CHECK_FALSE(config.trust_external_emails);
}

TEST_CASE("trust_external_emails takes true or false and nothing else", "[config]") {
  for (const char* yes : {"true", "yes", "1"}) {
    FakeSystem system;
    CHECK(Loaded(system.Load(RequiredLines() + "trust_external_emails = " + yes + "\n")).trust_external_emails);
  }
  FakeSystem system;
  system.env["SLACKDESK_TRUST_EXTERNAL_EMAILS"] = "false";
  CHECK_FALSE(Loaded(system.Load(RequiredLines() + "trust_external_emails = true\n")).trust_external_emails);
  CHECK(LoadError(RequiredLines() + "trust_external_emails = sure\n").find(
            "trust_external_emails: must be true or false (got 'sure')") != std::string::npos);
}

TEST_CASE("every key is read from the file", "[config]") {
  FakeSystem system;
  Config config = Loaded(system.Load(RequiredLines() + "slack_api_url = http://127.0.0.1:8080/api\n"
                                                       "helpdesk = jira\n"
                                                       "state_db = /tmp/slackdesk test.db\n"
                                                       "poll_interval = 2.5\n"
                                                       "allowed_channels = C0123ABCD,G42\n"
                                                       "log_level = debug\n"));
  CheckSecrets(config);
  CHECK(config.slack_api_url == "http://127.0.0.1:8080/api");
  CHECK(config.helpdesk == "jira");
  CHECK(config.jira_url == "https://example.atlassian.net");
  CHECK(config.jira_email == "bot@example.com");
  CHECK(config.jira_service_desk_id == "1");
  CHECK(config.jira_request_type_ids == std::vector<std::string>{"10"});
  CHECK(config.state_db == "/tmp/slackdesk test.db");
  CHECK(config.poll_interval_seconds == 2.5);
  CHECK(config.allowed_channels == std::vector<std::string>{"C0123ABCD", "G42"});
  CHECK(config.log_level == util::log::Level::kDebug);
}

TEST_CASE("trailing slashes are stripped from slack_api_url and jira_url", "[config]") {
  FakeSystem system;
  Config config = Loaded(system.Load("slack_api_url = https://slack.example/api//\n" +
                                     RequiredLinesWithout("jira_url") +
                                     "jira_url = http://jira.local:8080/\n"));
  CHECK(config.slack_api_url == "https://slack.example/api");
  CHECK(config.jira_url == "http://jira.local:8080");
}

TEST_CASE("jira_url given twice is reported even when the values agree", "[config]") {
  // RequiredLines() sets jira_url on line 3; the duplicate is on line 8.
  FakeSystem system;
  std::string message =
      ErrorOf(system.Load(RequiredLines() + "jira_url = https://example.atlassian.net\n"));
  CHECK(message == std::string(kPath) + ":8: duplicate key 'jira_url' (first set on line 3)");
}

TEST_CASE("a URL without http:// or https:// or without a host is rejected with its value",
          "[config]") {
  auto [line, expected] = GENERATE(table<std::string, std::string>({
      {"slack_api_url = ftp://slack.com/api",
       ":8: slack_api_url: must start with http:// or https:// (got 'ftp://slack.com/api')"},
      {"slack_api_url = slack.com/api",
       ":8: slack_api_url: must start with http:// or https:// (got 'slack.com/api')"},
      {"slack_api_url = https:///", ":8: slack_api_url: has no host (got 'https:///')"},
      {"slack_api_url = https://slack.com/my api",
       ":8: slack_api_url: must not contain white space or control characters (got "
       "'https://slack.com/my api')"},
  }));
  FakeSystem system;
  CHECK(ErrorOf(system.Load(RequiredLines() + line + "\n")) == kPath + expected);
}

TEST_CASE("a jira_url without a scheme is rejected", "[config]") {
  CHECK(EnvError("SLACKDESK_JIRA_URL", "example.atlassian.net") ==
        "SLACKDESK_JIRA_URL: jira_url: must start with http:// or https:// "
        "(got 'example.atlassian.net')");
}

TEST_CASE("Jira ids and email with white space inside are rejected", "[config]") {
  std::string key = GENERATE(as<std::string>(), "jira_email", "jira_service_desk_id");
  FakeSystem system;
  CHECK(ErrorOf(system.Load(RequiredLinesWithout(key) + key + " = \"1 0\"\n")) ==
        std::string(kPath) + ":7: " + key + ": must not contain white space or control characters (got '1 0')");
}

TEST_CASE("several request types are listed with commas, and each channel route names its own", "[config]") {
  Config config = Loaded(FakeSystem().Load(RequiredLinesWithout("jira_request_type_id") +
                                           "jira_request_type_id = 10, 11,10\n"
                                           "channel_routes = C0SUPPORT=1/10+11, C0BILLING=2/20\tG0VIP=3/30\n"));
  CHECK(config.jira_request_type_ids == std::vector<std::string>{"10", "11"});
  REQUIRE(config.channel_routes.size() == 3);
  CHECK(config.RouteFor("C0SUPPORT") == config::ChannelRoute{"1", {"10", "11"}});
  CHECK(config.RouteFor("C0BILLING") == config::ChannelRoute{"2", {"20"}});
  CHECK(config.RouteFor("G0VIP") == config::ChannelRoute{"3", {"30"}});
  // An unlisted channel goes where the two keys say.
  CHECK(config.RouteFor("C0OTHER") == config::ChannelRoute{config.jira_service_desk_id, {"10", "11"}});
}

TEST_CASE("a request type list or a channel route that is not one is rejected, naming what is wrong", "[config]") {
  auto error = [](const std::string& line) {
    return ErrorOf(
        FakeSystem().Load(RequiredLinesWithout("jira_request_type_id") + "jira_request_type_id = 10\n" + line));
  };
  CHECK(error("channel_routes = C0SUPPORT=1\n") ==
        std::string(kPath) +
            ":8: channel_routes: 'C0SUPPORT=1' is not CHANNEL=DESK/TYPE[+TYPE…] (e.g. C0SUPPORT=1/10+11)");
  CHECK(error("channel_routes = support=1/10\n") ==
        std::string(kPath) + ":8: channel_routes: 'support' is not a Slack channel ID (e.g. C0123ABCD)");
  CHECK(error("channel_routes = C0SUPPORT=1/\n") ==
        std::string(kPath) + ":8: channel_routes: 'C0SUPPORT=1/' needs 1 to 100 request types after the '/'");
  CHECK(error("channel_routes = C0SUPPORT=1/10 C0SUPPORT=2/20\n") ==
        std::string(kPath) + ":8: channel_routes: 'C0SUPPORT' has two routes");
  CHECK(error("channel_routes = C0SUPPORT=a?b/10\n") ==
        std::string(kPath) +
            ":8: channel_routes: 'a?b' is not a service desk id (letters, digits, '-' or '_', e.g. 10)");
  CHECK(ErrorOf(FakeSystem().Load(RequiredLinesWithout("jira_request_type_id") + "jira_request_type_id = ,\n")) ==
        std::string(kPath) + ":7: jira_request_type_id: needs at least one request type id (got ',')");
  CHECK(ErrorOf(FakeSystem().Load(RequiredLinesWithout("jira_request_type_id") + "jira_request_type_id = 1 0\n")) ==
        std::string(kPath) +
            ":7: jira_request_type_id: '1 0' is not a request type id (letters, digits, '-' or '_', e.g. 10)");
}

TEST_CASE("helpdesk other than jira or rt is rejected", "[config]") {
  CHECK(LoadError(RequiredLines() + "helpdesk = zendesk\n") ==
        std::string(kPath) + ":8: helpdesk: must be jira or rt (got 'zendesk')");
}

TEST_CASE("poll_interval accepts fractional seconds down to 0.2", "[config]") {
  auto [text, seconds] = GENERATE(table<std::string, double>({
      {"0.2", 0.2},
      {"0.25", 0.25},
      {"1", 1.0},
      {"1.5e1", 15.0},
      {"86400", 86400.0},
  }));
  FakeSystem system;
  Config config = Loaded(system.Load(RequiredLines() + "poll_interval = " + text + "\n"));
  CHECK(config.poll_interval_seconds == seconds);
}

TEST_CASE("poll_interval rejects values below 0.2, garbage, overflow and trailing junk",
          "[config]") {
  std::string text = GENERATE(as<std::string>(), "0.19", "0", "-1", "abc", "1e400", "30s", "nan",
                              "inf", "0x10", "+5", "1 2", "86401");
  FakeSystem system;
  // Quoted so that inner white space reaches the number parser.
  std::string message =
      ErrorOf(system.Load(RequiredLines() + "poll_interval = \"" + text + "\"\n"));
  std::string expected =
      std::string(kPath) + ":8: poll_interval: must be a number of seconds between 0.2 and 86400";
  CHECK(message == expected + " (got '" + text + "')");
}

TEST_CASE("log_level accepts error, warn, info and debug", "[config]") {
  auto [text, level] = GENERATE(table<std::string, util::log::Level>({
      {"error", util::log::Level::kError},
      {"warn", util::log::Level::kWarn},
      {"info", util::log::Level::kInfo},
      {"debug", util::log::Level::kDebug},
  }));
  FakeSystem system;
  CHECK(Loaded(system.Load(RequiredLines() + "log_level = " + text + "\n")).log_level == level);
}

TEST_CASE("log_level rejects other words", "[config]") {
  CHECK(LoadError(RequiredLines() + "log_level = WARNING\n") ==
        std::string(kPath) + ":8: log_level: must be error, warn, info or debug (got 'WARNING')");
}

TEST_CASE("allowed_channels splits on commas and ignores white space and empty items", "[config]") {
  FakeSystem system;
  Config config = Loaded(
      system.Load(RequiredLines() + "allowed_channels =  C0123ABCD , G9 ,,D0AB1 , C0123ABCD,\n"));
  CHECK(config.allowed_channels == std::vector<std::string>{"C0123ABCD", "G9", "D0AB1"});
}

TEST_CASE("allowed_channels rejects an item that is not a Slack channel ID", "[config]") {
  std::string bad =
      GENERATE(as<std::string>(), "c0123", "U0123ABCD", "C", "C01-23", "#general", "C0123abcd");
  FakeSystem system;
  std::string message =
      ErrorOf(system.Load(RequiredLines() + "allowed_channels = C0123ABCD, " + bad + "\n"));
  CHECK_THAT(message, StartsWith(std::string(kPath) + ":8: allowed_channels: '" + bad +
                                 "' is not a Slack channel ID"));
}

TEST_CASE("IsChannelAllowed allows every channel when the list is empty, else only the list",
          "[config]") {
  Config config;
  CHECK(config.IsChannelAllowed("C0123ABCD"));
  config.allowed_channels = {"C1", "G2"};
  CHECK(config.IsChannelAllowed("C1"));
  CHECK(config.IsChannelAllowed("G2"));
  CHECK_FALSE(config.IsChannelAllowed("C3"));
  CHECK_FALSE(config.IsChannelAllowed(""));
}

TEST_CASE("Secrets returns the non-empty secret values only", "[config]") {
  Config config;
  config.slack_bot_token = kBotToken;
  config.jira_email = "bot@example.com";
  CHECK(config.Secrets() == std::vector<std::string>{kBotToken});
  config.slack_app_token = kAppToken;
  config.jira_api_token = kJiraToken;
  CHECK(config.Secrets() == std::vector<std::string>{kAppToken, kBotToken, kJiraToken});
}

TEST_CASE("an empty value counts as unset and leaves the default", "[config]") {
  FakeSystem system;
  system.env["SLACKDESK_LOG_LEVEL"] = "";
  Config config =
      Loaded(system.Load(RequiredLines() + "poll_interval =\nstate_db = \"\"\nlog_level = warn\n"));
  CHECK(config.poll_interval_seconds == 30);
  CHECK(config.state_db == "/var/lib/slackdesk/state.db");
  CHECK(config.log_level == util::log::Level::kWarn);
}

// --- File errors -------------------------------------------------------------

TEST_CASE("an unknown key is an error naming the file and line", "[config]") {
  CHECK(LoadError("# comment\n\npol_interval = 5\n" + RequiredLines()) ==
        std::string(kPath) + ":3: unknown key 'pol_interval'");
  // A pasted blob is echoed in part (the config fuzzer's find: a 16 kB line
  // made a 16 kB log line).
  CHECK(LoadError(std::string(5000, 'k') + " = 5\n" + RequiredLines()) ==
        std::string(kPath) + ":1: unknown key '" + std::string(100, 'k') + "...'");
}

TEST_CASE("_file is accepted only for secret keys", "[config]") {
  CHECK(LoadError(RequiredLines() + "state_db_file = /x\n") ==
        std::string(kPath) + ":8: unknown key 'state_db_file'");
}

TEST_CASE("a duplicate key is an error naming both lines", "[config]") {
  CHECK(LoadError(RequiredLines() + "log_level = info\n\nlog_level = debug\n") ==
        std::string(kPath) + ":10: duplicate key 'log_level' (first set on line 8)");
}

TEST_CASE("a missing required key is named with its environment variable", "[config]") {
  std::string key = GENERATE(as<std::string>(), "slack_app_token", "slack_bot_token", "jira_url",
                             "jira_service_desk_id", "jira_request_type_id");
  std::string env_name = "SLACKDESK_";
  for (char c : key) env_name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  FakeSystem system;
  CHECK(ErrorOf(system.Load(RequiredLinesWithout(key))) ==
        "missing required key " + key + " (set it in the config file or " + env_name + ")");
}

// --- Jira Cloud or Data Center credentials ------------------------------------

constexpr char kPat[] = "NjQ2-S3CR3Tpat";

TEST_CASE("without a personal access token jira_email and jira_api_token are required, naming the way out",
          "[config]") {
  std::string key = GENERATE(as<std::string>(), "jira_email", "jira_api_token");
  std::string env_name = key == "jira_email" ? "SLACKDESK_JIRA_EMAIL" : "SLACKDESK_JIRA_API_TOKEN";
  FakeSystem system;
  CHECK(ErrorOf(system.Load(RequiredLinesWithout(key))) ==
        "missing required key " + key + " (set it in the config file or " + env_name +
            "), or jira_personal_access_token for Jira Data Center");
}

TEST_CASE("a personal access token alone signs in to Jira, and is a secret with a _file form", "[config]") {
  FakeSystem system;
  std::string without_cloud;
  for (const Entry& entry : Entries(RequiredLines())) {
    if (entry.key != "jira_email" && entry.key != "jira_api_token") without_cloud += entry.key + " = " + entry.value + "\n";
  }
  Config config = Loaded(system.Load(without_cloud + "jira_personal_access_token = " + kPat + "\n"));
  CHECK(config.jira_personal_access_token == kPat);
  CHECK(config.jira_email.empty());
  CHECK(config.jira_api_token.empty());
  CHECK(std::find(config.Secrets().begin(), config.Secrets().end(), std::string(kPat)) != config.Secrets().end());

  FakeSystem from_file = FromEnv({"SLACKDESK_JIRA_EMAIL", "SLACKDESK_JIRA_API_TOKEN"});
  from_file.env["SLACKDESK_JIRA_PERSONAL_ACCESS_TOKEN_FILE"] = "/run/credentials/pat";
  from_file.files["/run/credentials/pat"] = std::string(kPat) + "\n";
  CHECK(Loaded(LoadConfig(from_file.Options(std::nullopt))).jira_personal_access_token == kPat);
}

TEST_CASE("a personal access token goes into a header: white space is refused and never echoed", "[config]") {
  std::string error = EnvError("SLACKDESK_JIRA_PERSONAL_ACCESS_TOKEN", "NjQ2 S3CR3T");
  CHECK(error ==
        "SLACKDESK_JIRA_PERSONAL_ACCESS_TOKEN: jira_personal_access_token: must not contain white space or control "
        "characters; the value is not shown");
  CHECK(error.find(kSecretMarker) == std::string::npos);
}

TEST_CASE("with both kinds of Jira credentials the personal access token wins, with a warning", "[config]") {
  std::vector<std::string> logged;
  util::log::SetSink([&logged](util::log::Level, const std::string& line) { logged.push_back(line); });
  FakeSystem system;
  Config config = Loaded(system.Load(RequiredLines() + "jira_personal_access_token = " + kPat + "\n"));
  util::log::SetSink(nullptr);
  CHECK(config.jira_personal_access_token == kPat);
  REQUIRE(logged.size() == 1);
  CHECK_THAT(logged[0], Contains("jira_personal_access_token is set, so jira_email and jira_api_token are not used"));
  CHECK(logged[0].find(kSecretMarker) == std::string::npos);
}

TEST_CASE("an unreadable config file is an error naming the path", "[config]") {
  FakeSystem system;
  CHECK(ErrorOf(LoadConfig(system.Options("/nonexistent.conf"))) ==
        "/nonexistent.conf: cannot read config file: No such file or directory");
}

// --- Environment -------------------------------------------------------------

TEST_CASE("SLACKDESK_<KEY> overrides the file", "[config]") {
  FakeSystem system;
  system.env["SLACKDESK_POLL_INTERVAL"] = " 0.5 ";
  system.env["SLACKDESK_LOG_LEVEL"] = "error";
  system.env["SLACKDESK_JIRA_URL"] = "https://other.atlassian.net/";
  system.env["SLACKDESK_ALLOWED_CHANNELS"] = "G1";
  Config config = Loaded(system.Load(RequiredLines() + "poll_interval = 10\nlog_level = debug\n"
                                                       "allowed_channels = C1, C2\n"));
  CHECK(config.poll_interval_seconds == 0.5);
  CHECK(config.log_level == util::log::Level::kError);
  CHECK(config.jira_url == "https://other.atlassian.net");
  CHECK(config.allowed_channels == std::vector<std::string>{"G1"});
}

TEST_CASE("a bad value from the environment names the variable", "[config]") {
  CHECK(EnvError("SLACKDESK_POLL_INTERVAL", "fast") ==
        "SLACKDESK_POLL_INTERVAL: poll_interval: must be a number of seconds between 0.2 and "
        "86400 (got 'fast')");
}

TEST_CASE("environment-only configuration works with no file", "[config]") {
  FakeSystem system = FromEnv();
  system.env["SLACKDESK_STATE_DB"] = "/tmp/env.db";
  Config config = Loaded(LoadConfig(system.Options(std::nullopt)));
  CHECK(system.reads.empty());
  CheckSecrets(config);
  CHECK(config.jira_request_type_ids == std::vector<std::string>{"10"});
  CHECK(config.state_db == "/tmp/env.db");
}

TEST_CASE("unknown SLACKDESK_ variables are ignored and never looked up", "[config]") {
  FakeSystem system = FromEnv();
  system.env["SLACKDESK_CONFIG"] = "/etc/other.conf";
  system.env["SLACKDESK_POL_INTERVAL"] = "garbage";
  Loaded(LoadConfig(system.Options(std::nullopt)));
  for (const std::string& name : system.env_lookups) {
    CHECK(name != "SLACKDESK_CONFIG");
    CHECK(name != "SLACKDESK_POL_INTERVAL");
  }
}

TEST_CASE("SLACK_APP_TOKEN and SLACK_BOT_TOKEN are used when the slackdesk names are unset",
          "[config]") {
  FakeSystem system = FromEnv({"SLACKDESK_SLACK_APP_TOKEN", "SLACKDESK_SLACK_BOT_TOKEN"});
  system.env["SLACK_APP_TOKEN"] = kAppToken;
  system.env["SLACK_BOT_TOKEN"] = kBotToken;
  Config config = Loaded(LoadConfig(system.Options(std::nullopt)));
  CHECK(config.slack_app_token == kAppToken);
  CHECK(config.slack_bot_token == kBotToken);
}

TEST_CASE("every slackdesk name beats SLACK_BOT_TOKEN", "[config]") {
  std::string other = "xoxb-sdk-S3CR3T";
  FakeSystem system;
  system.env["SLACK_BOT_TOKEN"] = other;
  system.files["/run/bot"] = std::string(kBotToken) + "\n";

  SECTION("SLACKDESK_SLACK_BOT_TOKEN") {
    system.env["SLACKDESK_SLACK_BOT_TOKEN"] = kBotToken;
    CHECK(Loaded(system.Load(RequiredLines())).slack_bot_token == kBotToken);
  }
  SECTION("slack_bot_token in the file") {
    CHECK(Loaded(system.Load(RequiredLines())).slack_bot_token == kBotToken);
  }
  SECTION("SLACKDESK_SLACK_BOT_TOKEN_FILE") {
    system.env["SLACKDESK_SLACK_BOT_TOKEN_FILE"] = "/run/bot";
    CHECK(Loaded(system.Load(RequiredLinesWithout("slack_bot_token"))).slack_bot_token ==
          kBotToken);
  }
}

// --- Secrets from files ------------------------------------------------------

TEST_CASE("X_file in the file reads the secret with trailing white space trimmed", "[config]") {
  FakeSystem system;
  system.files["/etc/slackdesk/app"] = kAppToken;
  system.files["/etc/slackdesk/bot"] = std::string(kBotToken) + "\r\n\n  ";
  system.files["/etc/slackdesk/jira"] = std::string(kJiraToken) + "\n";
  Config config =
      Loaded(system.Load("slack_app_token_file = /etc/slackdesk/app\n"
                         "slack_bot_token_file = /etc/slackdesk/bot\n"
                         "jira_api_token_file = /etc/slackdesk/jira\n"
                         "jira_url = https://example.atlassian.net\n"
                         "jira_email = bot@example.com\n"
                         "jira_service_desk_id = 1\n"
                         "jira_request_type_id = 10\n"));
  CheckSecrets(config);
}

TEST_CASE("SLACKDESK_X_FILE works as systemd LoadCredential= sets it, with no X anywhere",
          "[config]") {
  FakeSystem system = FromEnv({"SLACKDESK_SLACK_BOT_TOKEN", "SLACKDESK_JIRA_API_TOKEN"});
  system.env["SLACKDESK_SLACK_BOT_TOKEN_FILE"] = "/run/credentials/slackdesk.service/bot";
  system.env["SLACKDESK_JIRA_API_TOKEN_FILE"] = "/run/credentials/slackdesk.service/jira";
  system.files["/run/credentials/slackdesk.service/bot"] = std::string(kBotToken) + "\n";
  system.files["/run/credentials/slackdesk.service/jira"] = kJiraToken;
  Config config = Loaded(LoadConfig(system.Options(std::nullopt)));
  CHECK(config.slack_bot_token == kBotToken);
  CHECK(config.jira_api_token == kJiraToken);
}

TEST_CASE("X beats X_file in the same layer, and the file is then not read", "[config]") {
  FakeSystem system;

  SECTION("both in the file") {
    Config config = Loaded(system.Load(RequiredLines() + "slack_bot_token_file = /missing\n"));
    CHECK(config.slack_bot_token == kBotToken);
  }
  SECTION("both in the environment") {
    system.env = RequiredEnv();
    system.env["SLACKDESK_SLACK_BOT_TOKEN_FILE"] = "/missing";
    Config config = Loaded(LoadConfig(system.Options(std::nullopt)));
    CHECK(config.slack_bot_token == kBotToken);
  }
  CHECK_FALSE(system.WasRead("/missing"));
}

TEST_CASE("X in the file beats SLACKDESK_X_FILE: a plain value from any layer beats any _file",
          "[config]") {
  FakeSystem system;
  system.env["SLACKDESK_SLACK_BOT_TOKEN_FILE"] = "/run/bot";
  system.files["/run/bot"] = "xoxb-from-file-S3CR3T";
  Config config = Loaded(system.Load(RequiredLines()));
  CHECK(config.slack_bot_token == kBotToken);
  CHECK_FALSE(system.WasRead("/run/bot"));
}

TEST_CASE("SLACKDESK_X beats X_file in the file", "[config]") {
  FakeSystem system;
  system.env["SLACKDESK_SLACK_BOT_TOKEN"] = kBotToken;
  Config config = Loaded(
      system.Load(RequiredLinesWithout("slack_bot_token") + "slack_bot_token_file = /missing\n"));
  CHECK(config.slack_bot_token == kBotToken);
}

TEST_CASE("SLACKDESK_X_FILE beats X_file in the file", "[config]") {
  FakeSystem system;
  system.env["SLACKDESK_SLACK_BOT_TOKEN_FILE"] = "/run/bot";
  system.files["/run/bot"] = kBotToken;
  Config config = Loaded(
      system.Load(RequiredLinesWithout("slack_bot_token") + "slack_bot_token_file = /missing\n"));
  CHECK(config.slack_bot_token == kBotToken);
  CHECK_FALSE(system.WasRead("/missing"));
}

TEST_CASE("a shadowed X_file is reported with a warning that holds no secret", "[config]") {
  std::vector<std::string> lines;
  util::log::SetSink(
      [&lines](util::log::Level, const std::string& line) { lines.push_back(line); });
  FakeSystem system;
  system.env["SLACKDESK_SLACK_BOT_TOKEN_FILE"] = "/run/bot";
  Loaded(system.Load(RequiredLines()));
  util::log::SetSink(nullptr);
  REQUIRE(lines.size() == 1);
  CHECK_THAT(lines[0], Contains("slack_bot_token is set (" + std::string(kPath) + ":2)"));
  CHECK_THAT(lines[0], Contains("slack_bot_token_file (SLACKDESK_SLACK_BOT_TOKEN_FILE)"));
  CHECK_THAT(lines[0], !Contains(kSecretMarker));
}

TEST_CASE("an unreadable secret file is an error naming the key and path", "[config]") {
  SECTION("named in the file") {
    FakeSystem system;
    CHECK(ErrorOf(system.Load(RequiredLinesWithout("jira_api_token") +
                              "jira_api_token_file = /etc/slackdesk/jira\n")) ==
          std::string(kPath) +
              ":7: jira_api_token_file: cannot read secret file /etc/slackdesk/jira: "
              "No such file or directory");
  }
  SECTION("named in the environment") {
    FakeSystem system;
    system.env = RequiredEnv();
    system.env.erase("SLACKDESK_SLACK_APP_TOKEN");
    system.env["SLACKDESK_SLACK_APP_TOKEN_FILE"] = "/run/app";
    CHECK(ErrorOf(LoadConfig(system.Options(std::nullopt))) ==
          "SLACKDESK_SLACK_APP_TOKEN_FILE: slack_app_token_file: cannot read secret file "
          "/run/app: No such file or directory");
  }
}

TEST_CASE("an empty secret file is an error", "[config]") {
  FakeSystem system;
  system.files["/run/bot"] = " \n\n";
  system.env["SLACKDESK_SLACK_BOT_TOKEN_FILE"] = "/run/bot";
  CHECK(ErrorOf(system.Load(RequiredLinesWithout("slack_bot_token"))) ==
        "SLACKDESK_SLACK_BOT_TOKEN_FILE: slack_bot_token (read from /run/bot): the file is empty");
}

TEST_CASE("a token with the wrong prefix names the key and the expected prefix only", "[config]") {
  SECTION("bot token") {
    FakeSystem system;
    system.env["SLACKDESK_SLACK_BOT_TOKEN"] = "xoxp-user-S3CR3T";
    CHECK(ErrorOf(system.Load(RequiredLines())) ==
          "SLACKDESK_SLACK_BOT_TOKEN: slack_bot_token: must start with 'xoxb-' (a bot token); "
          "the value is not shown, but it looks like a user token (xoxp-)");
  }
  SECTION("app token") {
    FakeSystem system;
    CHECK(ErrorOf(system.Load("slack_app_token = S3CR3T\n" +
                              RequiredLinesWithout("slack_app_token"))) ==
          std::string(kPath) +
              ":1: slack_app_token: must start with 'xapp-' (an app-level token); the value is "
              "not shown");
  }
  SECTION("swapped tokens") {
    FakeSystem system;
    system.env["SLACKDESK_SLACK_APP_TOKEN"] = kBotToken;
    CHECK(ErrorOf(system.Load(RequiredLines())) ==
          "SLACKDESK_SLACK_APP_TOKEN: slack_app_token: must start with 'xapp-' (an app-level "
          "token); the value is not shown, but it looks like a bot token (xoxb-)");
  }
}

TEST_CASE("a secret with white space inside, such as a two-line credential file, is rejected",
          "[config]") {
  FakeSystem system;
  system.env["SLACKDESK_JIRA_API_TOKEN_FILE"] = "/run/jira";
  system.files["/run/jira"] = "ATATT-S3CR3T\nsecond line\n";
  CHECK(ErrorOf(system.Load(RequiredLinesWithout("jira_api_token"))) ==
        "SLACKDESK_JIRA_API_TOKEN_FILE: jira_api_token (read from /run/jira): must not contain "
        "white space or control characters; the value is not shown");
}

TEST_CASE("secret values never appear in any error message", "[config]") {
  struct Scenario {
    const char* name;
    std::map<std::string, std::string> env;
    std::map<std::string, std::string> files;
    std::string text;
  };
  const std::string required = RequiredLines();
  const std::vector<Scenario> scenarios = {
      {"shadowed _file and a bad helpdesk",
       {},
       {},
       required + "slack_bot_token_file = /x\n"
                  "helpdesk = nope\n"},
      {"wrong bot prefix",
       {},
       {},
       "slack_bot_token = xoxp-S3CR3T-1\n" + RequiredLinesWithout("slack_bot_token")},
      {"wrong app prefix from env", {{"SLACKDESK_SLACK_APP_TOKEN", "xapq-S3CR3T-2"}}, {}, required},
      {"space inside a bot token", {{"SLACKDESK_SLACK_BOT_TOKEN", "xoxb-S3CR3T 3"}}, {}, required},
      {"control character in the jira token",
       {{"SLACKDESK_JIRA_API_TOKEN", "S3CR3T\x01x"}},
       {},
       required},
      {"wrong prefix read from a file",
       {{"SLACKDESK_SLACK_APP_TOKEN_FILE", "/run/app"}},
       {{"/run/app", "xoxb-S3CR3T-4\n"}},
       RequiredLinesWithout("slack_app_token")},
      {"unreadable app token file next to good tokens",
       {{"SLACKDESK_SLACK_APP_TOKEN_FILE", "/run/missing"}},
       {},
       RequiredLinesWithout("slack_app_token")},
      {"two-line token file",
       {{"SLACKDESK_SLACK_BOT_TOKEN_FILE", "/run/bot"}},
       {{"/run/bot", "xoxb-S3CR3T-5\nxoxb-S3CR3T-6"}},
       RequiredLinesWithout("slack_bot_token")},
      {"token pasted as a line", {}, {}, required + "xoxb-S3CR3T-7\n"},
      {"token pasted as a key", {}, {}, required + "xoxb-S3CR3T-8 = 1\n"},
      {"unterminated quote", {}, {}, "slack_bot_token = \"xoxb-S3CR3T-9\n" + required},
      {"duplicate secret", {}, {}, required + "slack_bot_token = xoxb-S3CR3T-10\n"},
      {"bad value after the secrets",
       {{"SLACKDESK_SLACK_BOT_TOKEN", kBotToken}},
       {},
       required + "poll_interval = soon\n"},
      {"missing key after the secrets", {}, {}, RequiredLinesWithout("jira_request_type_id")},
  };
  for (const Scenario& scenario : scenarios) {
    INFO(scenario.name);
    FakeSystem system;
    system.env = scenario.env;
    system.files = scenario.files;
    util::Result<Config> result = system.Load(scenario.text);
    REQUIRE_FALSE(result.has_value());
    INFO(result.error().message);
    CHECK_THAT(result.error().message, !Contains(kSecretMarker));
  }
}

// --- The real system ---------------------------------------------------------

// Creates a fresh directory under the system temp directory and removes it.
class ScopedTempDir {
 public:
  ScopedTempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "config_test.XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~ScopedTempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  std::string Write(const std::string& name, const std::string& content) const {
    std::string path = (path_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// Sets an environment variable that was unset and unsets it again.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    REQUIRE(std::getenv(name) == nullptr);
    REQUIRE(setenv(name, value, 1) == 0);
  }
  ~ScopedEnv() { unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

// True when the test process inherited a variable that LoadConfig reads.
bool EnvironmentHasConfig() {
  FakeSystem probe;
  probe.env = RequiredEnv();
  LoadOptions options = probe.Options(std::nullopt);
  (void)LoadConfig(options);  // only to collect the names it looks up
  for (const std::string& name : probe.env_lookups) {
    if (std::getenv(name.c_str()) != nullptr) return true;
  }
  for (const char* name : {"SLACK_APP_TOKEN", "SLACK_BOT_TOKEN", "SLACKDESK_SLACK_APP_TOKEN_FILE",
                           "SLACKDESK_SLACK_BOT_TOKEN_FILE", "SLACKDESK_JIRA_API_TOKEN_FILE"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

TEST_CASE("SystemLoadOptions reads a real file, a real secret file and the real environment",
          "[config]") {
  if (EnvironmentHasConfig()) {
    WARN("skipped: this process's environment already holds slackdesk configuration");
    return;
  }
  ScopedTempDir dir;
  std::string bot_path = dir.Write("bot", std::string(kBotToken) + "\n");
  std::string config_path = dir.Write("slackdesk.conf", RequiredLinesWithout("slack_bot_token") +
                                                            "slack_bot_token_file = " + bot_path +
                                                            "\nlog_level = warn\n");
  ScopedEnv log_level("SLACKDESK_LOG_LEVEL", "debug");
  Config config = Loaded(LoadConfig(SystemLoadOptions(config_path)));
  CHECK(config.slack_bot_token == kBotToken);
  CHECK(config.slack_app_token == kAppToken);
  CHECK(config.log_level == util::log::Level::kDebug);
}

TEST_CASE("SystemLoadOptions reports a missing config file with strerror", "[config]") {
  ScopedTempDir dir;
  std::string path = dir.path() + "/absent.conf";
  CHECK(ErrorOf(LoadConfig(SystemLoadOptions(path))) ==
        path + ": cannot read config file: " + std::strerror(ENOENT));
}

TEST_CASE("SystemLoadOptions reports a directory given as a secret file", "[config]") {
  ScopedTempDir dir;
  LoadOptions options = SystemLoadOptions(std::nullopt);
  util::Result<std::string> result = options.read_file(dir.path());
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().message == std::strerror(EISDIR));
}

TEST_CASE("metrics_listen accepts IPv4 and bracketed IPv6 and localhost with a port", "[config]") {
  auto [text, host, port] = GENERATE(table<std::string, std::string, int>({
      {"127.0.0.1:9464", "127.0.0.1", 9464},
      {"0.0.0.0:1", "0.0.0.0", 1},
      {"[::1]:65535", "::1", 65535},
      {"localhost:9464", "127.0.0.1", 9464},
  }));
  FakeSystem system;
  Config config = Loaded(system.Load(RequiredLines() + "metrics_listen = " + text + "\n"));
  CHECK(config.metrics_listen == text);
  auto address = ParseListenAddress(config.metrics_listen);
  REQUIRE(address.has_value());
  CHECK(address->host == host);
  CHECK(address->port == port);
}

TEST_CASE("metrics_listen from the environment beats the file", "[config]") {
  FakeSystem system;
  system.env["SLACKDESK_METRICS_LISTEN"] = "127.0.0.1:9000";
  CHECK(Loaded(system.Load(RequiredLines() + "metrics_listen = 127.0.0.1:9464\n")).metrics_listen ==
        "127.0.0.1:9000");
}

TEST_CASE("metrics_listen rejects a missing port or port 0 or a bad host naming the key", "[config]") {
  std::string bad = GENERATE(as<std::string>(), "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
                             "127.0.0.1:+80", "127.0.0.1:80x", "example.com:9464", "256.1.1.1:9464", ":9464",
                             "::1:9464", "[::1]", "[nonsense]:9464", "garbage");
  FakeSystem system;
  std::string message = ErrorOf(system.Load(RequiredLines() + "metrics_listen = " + bad + "\n"));
  CHECK(message == std::string(kPath) +
                       ":8: metrics_listen: must be host:port with an IPv4 address, [IPv6 address] or localhost "
                       "and a port 1-65535, e.g. 127.0.0.1:9464 (got '" + bad + "')");
}

}  // namespace
}  // namespace config

// --- proxy, no_proxy and ca_file (the egress) ------------------------------

namespace config {
namespace {

TEST_CASE("proxy is parsed into the egress with its credentials, and the password is a secret", "[config][egress]") {
  FakeSystem system;
  Config config = Loaded(system.Load(RequiredLines() + "proxy = http://bot:pa%40ssS3CR3T@proxy.corp.example:3128\n"));
  REQUIRE(config.egress.proxy.has_value());
  CHECK(config.egress.proxy->host == "proxy.corp.example");
  CHECK(config.egress.proxy->port == 3128);
  CHECK(config.egress.proxy->user == "bot");
  CHECK(config.egress.proxy->password == "pa@ssS3CR3T");
  CHECK(config.egress.proxy_origin == "proxy");
  CHECK(config.egress.proxy->Url() == "http://proxy.corp.example:3128");
  std::vector<std::string> secrets = config.Secrets();
  CHECK(std::find(secrets.begin(), secrets.end(), "pa@ssS3CR3T") != secrets.end());
}

TEST_CASE("a bad proxy value is an error that names the key and never shows the value", "[config][egress]") {
  for (const char* bad : {"proxy.corp.example:3128", "https://u:S3CR3T@proxy:3128", "http://u:S3CR3T@proxy",
                          "http://u:S3CR3T@proxy:99999", "http://:S3CR3T@proxy:3128", "http://proxy:3128/path",
                          "socks5://S3CR3T@proxy:1080", "http://u:S3CR3T%0A@proxy:3128", "http://pro xy:1"}) {
    INFO(bad);
    std::string error = LoadError(RequiredLines() + "proxy = " + bad + "\n");
    CHECK_THAT(error, Contains("proxy"));
    CHECK_THAT(error, !Contains(kSecretMarker));
  }
}

TEST_CASE("without the proxy key, https_proxy (then HTTPS_PROXY) and no_proxy are honoured", "[config][egress]") {
  FakeSystem system;
  system.env["HTTPS_PROXY"] = "http://upper.example:8080";
  system.env["https_proxy"] = "lower.example:3128";  // no scheme, as often written
  system.env["no_proxy"] = "localhost, .internal.example,10.0.0.1";
  Config config = Loaded(system.Load(RequiredLines()));
  REQUIRE(config.egress.proxy.has_value());
  CHECK(config.egress.proxy->host == "lower.example");
  CHECK(config.egress.proxy_origin == "https_proxy");
  CHECK(config.egress.no_proxy == std::vector<std::string>{"localhost", "internal.example", "10.0.0.1"});

  system.env.erase("https_proxy");
  config = Loaded(system.Load(RequiredLines()));
  CHECK(config.egress.proxy->host == "upper.example");
  CHECK(config.egress.proxy_origin == "HTTPS_PROXY");
}

TEST_CASE("the proxy key beats the environment, whose no_proxy then does not count", "[config][egress]") {
  FakeSystem system;
  system.env["https_proxy"] = "http://env.example:3128";
  system.env["no_proxy"] = "*";
  Config config = Loaded(system.Load(RequiredLines() + "proxy = http://key.example:3128\n"));
  CHECK(config.egress.proxy->host == "key.example");
  CHECK(config.egress.no_proxy.empty());
  CHECK(config.egress.ProxyFor("slack.com") != nullptr);
}

TEST_CASE("a bad https_proxy is an error naming the variable", "[config][egress]") {
  FakeSystem system;
  system.env["https_proxy"] = "ftp://S3CR3T@proxy:21";
  std::string error = ErrorOf(system.Load(RequiredLines()));
  CHECK_THAT(error, StartsWith("https_proxy: "));
  CHECK_THAT(error, !Contains(kSecretMarker));
}

TEST_CASE("ca_file must be a readable PEM bundle", "[config][egress]") {
  FakeSystem system;
  system.files["/etc/slackdesk/corp-ca.pem"] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  system.files["/etc/slackdesk/not-pem.txt"] = "hello";
  Config config = Loaded(system.Load(RequiredLines() + "ca_file = /etc/slackdesk/corp-ca.pem\n"));
  CHECK(config.egress.ca_file == "/etc/slackdesk/corp-ca.pem");
  CHECK_THAT(ErrorOf(system.Load(RequiredLines() + "ca_file = /etc/slackdesk/missing.pem\n")),
             Contains("ca_file: cannot read /etc/slackdesk/missing.pem: No such file"));
  CHECK_THAT(ErrorOf(system.Load(RequiredLines() + "ca_file = /etc/slackdesk/not-pem.txt\n")),
             Contains("holds no PEM certificate"));
}

}  // namespace
}  // namespace config
