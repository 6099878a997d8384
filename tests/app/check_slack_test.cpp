// The Slack scope line of `slackdesk check` and the one list of bot scopes
// it compares with, kept equal to docs/slack-app-manifest.yaml here.
#include "app/check_slack.h"

#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "util/strings.h"

namespace {

using Status = app::CheckResult::Status;

// The items of oauth_config.scopes.bot in the manifest, in order: the list
// under the `bot:` line, up to the first line indented less than its items.
std::vector<std::string> ManifestFileScopes(const std::string& path) {
  std::ifstream file(path);
  REQUIRE(file);
  std::vector<std::string> scopes;
  std::string line;
  bool oauth = false;
  bool in_list = false;
  while (std::getline(file, line)) {
    std::string trimmed = util::Trim(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    if (!util::StartsWith(line, " ")) oauth = trimmed == "oauth_config:";
    if (oauth && trimmed == "bot:") {
      in_list = true;
    } else if (in_list && util::StartsWith(trimmed, "- ")) {
      std::string item = util::Trim(trimmed.substr(2));
      scopes.push_back(item.substr(0, item.find(' ')));  // before a trailing comment
    } else if (in_list) {
      break;
    }
  }
  return scopes;
}

}  // namespace

TEST_CASE("check compares with exactly the bot scopes docs/slack-app-manifest.yaml asks for", "[check]") {
  std::vector<std::string> in_file = ManifestFileScopes(SLACKDESK_SOURCE_DIR "/docs/slack-app-manifest.yaml");
  CHECK(in_file.size() >= 7);  // the parse found the list
  CHECK(app::ManifestBotScopes() == in_file);
}

TEST_CASE("the scopes line passes when every scope is granted and names the extra ones", "[check]") {
  std::string all;
  for (const std::string& scope : app::ManifestBotScopes()) all += scope + ",";
  app::CheckResult line = app::ScopesLine(all + "reactions:write");
  CHECK(line.status == Status::kOk);
  CHECK(line.what == "slack scopes (slack_bot_token)");
  CHECK(line.detail ==
        "the 11 scopes slack-app-manifest.yaml asks for are granted (also granted, not needed: "
        "reactions:write)");
}

TEST_CASE("the scopes line fails naming each missing scope and the fix", "[check]") {
  app::CheckResult line =
      app::ScopesLine("app_mentions:read, chat:write,channels:history,groups:history,users:read,users:read.email");
  CHECK(line.status == Status::kFail);
  CHECK(line.detail ==
        "missing channels:read, groups:read, team:read, files:read, files:write (slack-app-manifest.yaml asks for them): add them under "
        "OAuth & Permissions and reinstall the app");
  CHECK(app::ScopesLine("").status == Status::kFail);
}

TEST_CASE("without an x-oauth-scopes header the scopes line warns and does not fail", "[check]") {
  app::CheckResult line = app::ScopesLine(std::nullopt);
  CHECK(line.status == Status::kWarn);
  CHECK(line.detail.find("no x-oauth-scopes header") != std::string::npos);
}
