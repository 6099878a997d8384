// The fake Slack's conversations.info and the token's scopes: a channel
// answered as Slack does (slack-facts.md §3.4), the scope its type needs
// checked first, a private channel the bot is not in hidden.
#include <algorithm>

#include <fmt/format.h>

#include "fake_slack_args.h"
#include "fake_slack_web_api.h"
#include "util/json_util.h"
#include "util/strings.h"

namespace fake::detail {

std::optional<std::string> WebApi::ScopesHeader() const {
  if (!granted_scopes) return std::nullopt;
  std::string header;
  for (const std::string& scope : *granted_scopes) header += (header.empty() ? "" : ",") + scope;
  return header;
}

Reply WebApi::ConversationsInfo(const rapidjson::Value& args) const {
  std::string id = ArgString(args, "channel");
  if (id.empty()) return SlackError("channel_not_found");
  ChannelSpec spec;
  auto known = channels.find(id);
  if (known != channels.end()) spec = known->second;
  if (spec.name.empty()) spec.name = util::Lower(id);
  if (!spec.exists) return SlackError("channel_not_found");
  const std::string needed = spec.is_private ? "groups:read" : "channels:read";
  bool granted =
      granted_scopes && std::find(granted_scopes->begin(), granted_scopes->end(), needed) != granted_scopes->end();
  if (granted_scopes && !granted) {
    return Reply{200, fmt::format(R"({{"ok":false,"error":"missing_scope","needed":{},"provided":{}}})",
                                  json::Quote(needed), json::Quote(ScopesHeader().value_or("")))};
  }
  // The bot cannot see a private channel it is not in.
  if (spec.is_private && !spec.is_member) return SlackError("channel_not_found");
  return Reply{
      200,
      fmt::format(
          R"({{"ok":true,"channel":{{"id":{},"name":{},"is_channel":true,"is_group":false,"is_im":false,"is_mpim":false,"is_private":{},"created":1700000000,"is_archived":{},"is_general":false,"unlinked":0,"name_normalized":{},"is_shared":false,"is_org_shared":false,"is_ext_shared":false,"is_pending_ext_shared":false,"is_member":{},"creator":"U0000ADMIN","topic":{{"value":"","creator":"","last_set":0}},"purpose":{{"value":"","creator":"","last_set":0}}}}}})",
          json::Quote(id), json::Quote(spec.name), spec.is_private, spec.is_archived, json::Quote(spec.name),
          spec.is_member)};
}

}  // namespace fake::detail
