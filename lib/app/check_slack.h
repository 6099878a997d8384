// The Slack lines of `slackdesk check` past the two tokens: the bot token's
// scopes against what slack-app-manifest.yaml asks for, and the bot a
// member of every channel it must serve. Each failed line says the fix.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "slack/web_api/web_api_client.h"

namespace app {

// One line of `check`. A warning does not fail the check.
struct CheckResult {
  enum class Status { kOk, kWarn, kFail };
  Status status = Status::kFail;
  std::string what;
  std::string detail;
};

// The bot scopes docs/slack-app-manifest.yaml asks for, in its order (a
// test keeps the two equal).
const std::vector<std::string>& ManifestBotScopes();

// The scopes line from auth.test's x-oauth-scopes header (the granted
// scopes, comma-separated), or a warning when the answer had no such header
// (a proxy may drop it): nothing to compare then.
CheckResult ScopesLine(const std::optional<std::string>& granted);

// conversations.info for each channel of allowed_channels and of
// channel_routes, once each: a line per channel, failing where the bot is
// not a member. With allowed_channels empty, first a line saying every
// channel the bot is in is served. `bot_name` is auth.test's `user`, what
// people type after /invite @.
std::vector<CheckResult> ChannelLines(const config::Config& config, slack::web_api::WebApiClient& api,
                                      const std::string& bot_name);

}  // namespace app
