#include "app/check_slack.h"

#include <algorithm>

#include <fmt/format.h>

#include "util/json_util.h"
#include "util/strings.h"

namespace app {
namespace {

using Status = CheckResult::Status;

constexpr const char* kReinstall = "add them under OAuth & Permissions and reinstall the app";

std::string Join(const std::vector<std::string>& items) {
  std::string joined;
  for (const std::string& item : items) joined += (joined.empty() ? "" : ", ") + item;
  return joined;
}

bool Contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

// A served channel and the config keys that name it.
struct Served {
  std::string id;
  std::string setting;
};

std::vector<Served> ServedChannels(const config::Config& config) {
  std::vector<Served> served;
  for (const std::string& channel : config.allowed_channels) {
    if (std::none_of(served.begin(), served.end(), [&](const Served& s) { return s.id == channel; })) {
      served.push_back(Served{channel, "allowed_channels"});
    }
  }
  for (const auto& route : config.channel_routes) {
    const std::string& channel = route.first;
    auto known = std::find_if(served.begin(), served.end(), [&](const Served& s) { return s.id == channel; });
    if (known == served.end()) {
      served.push_back(Served{channel, "channel_routes"});
    } else {
      known->setting += ", channel_routes";
    }
  }
  return served;
}

// The line of one channel from conversations.info's answer.
CheckResult ChannelLine(const Served& channel, const util::Result<rapidjson::Document>& info,
                        const std::string& invite) {
  CheckResult line{Status::kFail, fmt::format("slack channel {} ({})", channel.id, channel.setting), ""};
  if (!info) {
    const std::string& error = info.error().message;
    if (error.find(": missing_scope") != std::string::npos) {
      line.detail = fmt::format(
          "{}: the bot token may not read channels (public ones need channels:read, private ones groups:read; "
          "slack-app-manifest.yaml asks for both): {}",
          error, kReinstall);
    } else if (error.find(": channel_not_found") != std::string::npos) {
      line.detail = fmt::format(
          "{}: no channel has this ID, or it is a private channel the bot is not in: check the ID (the "
          "channel's details, at the bottom) or invite the bot: {} in that channel",
          error, invite);
    } else {
      line.detail = error;
    }
    return line;
  }
  const rapidjson::Value* about = json::GetObject(*info, "channel");
  std::string name = about ? "#" + json::GetString(*about, "name") : channel.id;
  if (about && json::GetBool(*about, "is_archived", false)) {
    line.detail = fmt::format("{} is archived: unarchive it or remove it from {}", name, channel.setting);
  } else if (!about || !json::GetBool(*about, "is_member", false)) {
    line.detail = fmt::format("{}: the bot is not a member, so it never hears mentions there: invite the bot: {} in {}",
                              name, invite, name);
  } else {
    line.status = Status::kOk;
    line.detail = name + ": the bot is a member";
  }
  return line;
}

}  // namespace

const std::vector<std::string>& ManifestBotScopes() {
  static const std::vector<std::string> kScopes = {"app_mentions:read", "chat:write",       "channels:history",
                                                   "groups:history",    "channels:read",    "groups:read",
                                                   "users:read",        "users:read.email", "team:read",
                                                   "files:read",        "files:write"};
  return kScopes;
}

CheckResult ScopesLine(const std::optional<std::string>& granted) {
  CheckResult line{Status::kOk, "slack scopes (slack_bot_token)", ""};
  if (!granted) {
    line.status = Status::kWarn;
    line.detail =
        "auth.test's answer has no x-oauth-scopes header (a proxy may drop it), so the scopes the bot token "
        "was granted cannot be compared with those slack-app-manifest.yaml asks for";
    return line;
  }
  std::vector<std::string> have;
  for (const std::string& scope : util::Split(*granted, ',')) {
    std::string trimmed = util::Trim(scope);
    if (!trimmed.empty()) have.push_back(trimmed);
  }
  std::vector<std::string> missing;
  for (const std::string& scope : ManifestBotScopes()) {
    if (!Contains(have, scope)) missing.push_back(scope);
  }
  if (!missing.empty()) {
    line.status = Status::kFail;
    line.detail = fmt::format("missing {} (slack-app-manifest.yaml asks for them): {}", Join(missing), kReinstall);
    return line;
  }
  std::vector<std::string> extra;
  for (const std::string& scope : have) {
    if (!Contains(ManifestBotScopes(), scope)) extra.push_back(scope);
  }
  line.detail = fmt::format("the {} scopes slack-app-manifest.yaml asks for are granted", ManifestBotScopes().size());
  if (!extra.empty()) line.detail += fmt::format(" (also granted, not needed: {})", Join(extra));
  return line;
}

std::vector<CheckResult> ChannelLines(const config::Config& config, slack::web_api::WebApiClient& api,
                                      const std::string& bot_name) {
  const std::string invite = "/invite @" + (bot_name.empty() ? std::string("slackdesk") : bot_name);
  std::vector<CheckResult> lines;
  if (config.allowed_channels.empty()) {
    lines.push_back(
        CheckResult{Status::kOk, "slack channels (allowed_channels)",
                    fmt::format("empty: every channel the bot is in is served (add it to one with {})", invite)});
  }
  for (const Served& channel : ServedChannels(config)) {
    // A route does not enable a channel (config.md): a routed channel left
    // out of allowed_channels is refused, which is rarely what was meant.
    if (!config.allowed_channels.empty() && channel.setting == "channel_routes") {
      lines.push_back(CheckResult{Status::kWarn, fmt::format("slack channel {} (channel_routes)", channel.id),
                                  "not in allowed_channels, so the bot answers no one there and the route is "
                                  "unused: add it to allowed_channels, or drop the route"});
    }
    auto info = api.Call("conversations.info", fmt::format(R"({{"channel":{}}})", json::Quote(channel.id)));
    lines.push_back(ChannelLine(channel, info, invite));
  }
  return lines;
}

}  // namespace app
