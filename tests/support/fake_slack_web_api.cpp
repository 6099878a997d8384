#include "fake_slack_web_api.h"

#include <algorithm>

#include <fmt/format.h>

#include "block_kit.h"
#include "fake_slack_args.h"
#include "slack_payloads.h"
#include "util/json_util.h"
#include "util/strings.h"

namespace fake::detail {
namespace {

constexpr size_t kMaxUpdateText = 4000;       // chat.update: msg_too_long
constexpr size_t kMaxPostText = 40000;        // chat.postMessage truncates
constexpr int kPostsPerSecond = 3;

}  // namespace

Reply SlackError(const std::string& error) { return Reply{200, fmt::format(R"({{"ok":false,"error":"{}"}})", error)}; }

WebApi::WebApi()
    // An app installed from docs/slack-app-manifest.yaml.
    : granted_scopes(std::vector<std::string>{"app_mentions:read", "chat:write", "channels:history", "groups:history",
                                              "channels:read", "groups:read", "users:read", "users:read.email",
                                              "team:read", "files:read", "files:write"}) {
  AddUser(FakeSlack::kBotUserId, "slackdesk", "slackdesk", "", true);
}

Reply WebApi::Handle(const std::string& method, const rapidjson::Value& args, Clock::time_point now) {
  if (method == "chat.postMessage" || method == "chat.postEphemeral") return PostMessage(method, args, now);
  if (method == "chat.update") return ChatUpdate(args);
  if (method == "chat.getPermalink") return GetPermalink(args);
  if (method == "users.info") return UsersInfo(args);
  if (method == "team.info") return TeamInfo(args);
  if (method == "conversations.replies") return ConversationsReplies(args);
  if (method == "conversations.info") return ConversationsInfo(args);
  if (method == "views.open") return ViewsOpen(args, now);
  if (method == "views.update") return ViewsUpdate(args, now);
  return SlackError("unknown_method");
}

std::string WebApi::NextTs() {
  next_ts_micros_ += 100;
  return fmt::format("{}.{:06d}", 1700000000 + next_ts_micros_ / 1000000, next_ts_micros_ % 1000000);
}

void WebApi::AddExternalUser(const std::string& id, const std::string& real_name, const std::string& email,
                             const std::string& team_id, const std::string& team_name,
                             const std::string& team_domain) {
  users_[id] = User{real_name, real_name, email, false, team_id, true};
  teams_[team_id] = {team_name, team_domain};
}

void WebApi::AddUser(const std::string& id, const std::string& real_name, const std::string& display_name,
                     const std::string& email, bool is_bot) {
  users_[id] = User{real_name, display_name, email, is_bot};
}

std::string WebApi::UserName(const std::string& id) const {
  auto it = users_.find(id);
  if (it == users_.end()) return util::Lower(id);
  std::string name = !it->second.display_name.empty() ? it->second.display_name : it->second.real_name;
  if (name.empty()) return util::Lower(id);
  name = util::Lower(name);
  std::replace(name.begin(), name.end(), ' ', '.');
  return name;
}

std::string WebApi::ParentUser(const std::string& channel, const std::string& ts) const {
  for (const PostedMessage& m : messages) {
    if (m.method == "chat.postMessage" && m.channel == channel && m.ts == ts && m.thread_ts.empty()) {
      return FakeSlack::kBotUserId;
    }
  }
  for (const PostedMessage& m : user_messages) {
    if (m.channel == channel && m.ts == ts && m.thread_ts.empty()) return m.user;
  }
  return {};
}

const PostedMessage& WebApi::AddUserMessage(const std::string& channel, const std::string& ts, const std::string& user,
                                            const std::string& text, const std::string& thread_ts) {
  PostedMessage message;
  message.method = "message";
  message.channel = channel;
  message.ts = ts.empty() ? NextTs() : ts;
  message.thread_ts = thread_ts;
  message.text = text;
  message.user = user;
  user_messages.push_back(std::move(message));
  return user_messages.back();
}

std::string WebApi::MessageEventPayload(const PostedMessage& message) const {
  std::string parent = message.thread_ts.empty() ? "" : ParentUser(message.channel, message.thread_ts);
  auto author = users_.find(message.user);
  // A Slack Connect author's own workspace.
  std::string team = author != users_.end() ? author->second.team_id : "T0001";
  MessageSpec spec{message.channel, message.user, message.text, message.ts, message.thread_ts, "", parent, team};
  return MessagePayload(spec);
}

std::string WebApi::IssueTrigger(const std::string& user, Clock::time_point now) {
  int n = next_trigger_++;
  std::string id = fmt::format("{}.{}.fake{:012x}", 1000000000 + n, 700000000 + n,
                               static_cast<unsigned long long>(n) * 0x9E3779B97F4Aull % 0x1000000000000ull);
  triggers_[id] = Trigger{user, now, false};
  return id;
}

std::string WebApi::ClickPayload(const std::string& message_ts, const std::string& channel,
                                 const std::string& thread_ts, const std::string& user, const std::string& action_id,
                                 const std::string& value, Clock::time_point now) {
  const PostedMessage* message = nullptr;
  Button button;
  for (auto it = messages.rbegin(); it != messages.rend() && message == nullptr; ++it) {
    if (it->channel != channel) continue;
    if (!message_ts.empty()) {
      if (it->ts == message_ts) message = &*it;
    } else if (thread_ts.empty() || it->thread_ts == thread_ts || it->ts == thread_ts) {
      if (FindButton(it->blocks_json, action_id).found) message = &*it;
    }
  }
  BlockActionsSpec spec;
  spec.user = user;
  spec.user_name = UserName(user);
  spec.channel = channel;
  spec.action_id = action_id;
  spec.value = value;
  if (message != nullptr) {
    button = FindButton(message->blocks_json, action_id);
    spec.message_ts = message->ts;
    spec.thread_ts = thread_ts.empty() ? message->thread_ts : thread_ts;
    spec.message_text = message->text;
    if (!message->blocks_json.empty()) spec.message_blocks_json = message->blocks_json;
  } else {
    spec.message_ts = !message_ts.empty() ? message_ts : thread_ts;
    spec.thread_ts = thread_ts;
  }
  spec.block_id = button.block_id;
  spec.button_text = button.text;
  if (spec.value.empty()) spec.value = button.value;
  spec.action_ts = NextTs();
  spec.trigger_id = IssueTrigger(user, now);
  return BlockActionsPayload(spec);
}

// --- Methods -----------------------------------------------------------------

Reply WebApi::PostMessage(const std::string& method, const rapidjson::Value& args, Clock::time_point now) {
  PostedMessage message;
  message.method = method;
  message.channel = ArgString(args, "channel");
  if (message.channel.empty()) return SlackError("channel_not_found");
  std::deque<Clock::time_point>* recent = nullptr;
  if (method == "chat.postMessage" && post_rate_limit) {
    recent = &post_times_[message.channel];
    while (!recent->empty() && now - recent->front() >= std::chrono::seconds(1)) recent->pop_front();
    if (recent->size() >= static_cast<size_t>(kPostsPerSecond)) {
      return Reply{429, R"({"ok":false,"error":"ratelimited"})", 1};
    }
  }
  if (args.HasMember("thread_ts") && !args["thread_ts"].IsString()) return SlackError("invalid_arguments");
  message.thread_ts = ArgString(args, "thread_ts");
  message.text = ArgString(args, "text");
  message.user = ArgString(args, "user");
  if (method == "chat.postEphemeral" && message.user.empty()) return SlackError("user_not_in_channel");
  rapidjson::Document blocks;
  if (ArgJson(args, "blocks", &blocks)) {
    if (blocks.IsNull()) return SlackError("invalid_blocks_format");
    std::string problem = ValidateMessageBlocks(blocks);
    if (!problem.empty()) return ErrorWithMessage("invalid_blocks", problem);
    message.blocks_json = json::Serialize(blocks);
  }
  if (message.text.empty() && message.blocks_json.empty()) return SlackError("no_text");
  if (Utf8Length(message.text) > kMaxPostText) message.text = message.text.substr(0, kMaxPostText);  // Slack truncates
  rapidjson::Document metadata;
  if (ArgJson(args, "metadata", &metadata) && !metadata.IsNull()) message.metadata_json = json::Serialize(metadata);
  message.ts = NextTs();
  messages.push_back(message);
  if (recent != nullptr) recent->push_back(now);
  if (method == "chat.postEphemeral") {
    return Reply{200, fmt::format(R"({{"ok":true,"message_ts":"{}"}})", message.ts)};
  }
  return Reply{
      200,
      fmt::format(
          R"({{"ok":true,"channel":{},"ts":"{}","message":{{"type":"message","text":{},"user":"{}","bot_id":"{}","ts":"{}"}}}})",
          json::Quote(message.channel), message.ts, json::Quote(message.text), FakeSlack::kBotUserId, FakeSlack::kBotId,
          message.ts)};
}

Reply WebApi::ChatUpdate(const rapidjson::Value& args) {
  std::string channel = ArgString(args, "channel");
  std::string ts = ArgString(args, "ts");
  if (channel.empty()) return SlackError("channel_not_found");
  auto message = std::find_if(messages.begin(), messages.end(), [&](const PostedMessage& m) {
    return m.method == "chat.postMessage" && m.channel == channel && m.ts == ts;
  });
  if (ts.empty() || message == messages.end()) return SlackError("message_not_found");
  // Absent fields keep the message's current value; blocks:[] removes them.
  bool has_text = args.HasMember("text");
  std::string text = has_text ? ArgString(args, "text") : message->text;
  if (Utf8Length(text) > kMaxUpdateText) return SlackError("msg_too_long");
  std::string blocks_json = message->blocks_json;
  rapidjson::Document blocks;
  bool has_blocks = ArgJson(args, "blocks", &blocks);
  if (has_blocks) {
    if (blocks.IsNull()) return SlackError("invalid_blocks_format");
    std::string problem = ValidateMessageBlocks(blocks);
    if (!problem.empty()) return ErrorWithMessage("invalid_blocks", problem);
    blocks_json = blocks.Empty() ? "" : json::Serialize(blocks);
  }
  std::string metadata_json = message->metadata_json;
  rapidjson::Document metadata;
  bool has_metadata = ArgJson(args, "metadata", &metadata);
  if (has_metadata) metadata_json = metadata.IsNull() ? "" : json::Serialize(metadata);
  if (!has_text && !has_blocks && !has_metadata) return SlackError("no_text");
  if (text.empty() && blocks_json.empty()) return SlackError("no_text");
  message->history.push_back(MessageVersion{message->text, message->blocks_json, message->metadata_json});
  message->edit_count = static_cast<int>(message->history.size());
  message->text = text;
  message->blocks_json = blocks_json;
  message->metadata_json = metadata_json;
  return Reply{
      200,
      fmt::format(
          R"({{"ok":true,"channel":{},"ts":"{}","text":{},"message":{{"type":"message","text":{},"user":"{}","bot_id":"{}"}}}})",
          json::Quote(channel), message->ts, json::Quote(text), json::Quote(text), FakeSlack::kBotUserId,
          FakeSlack::kBotId)};
}

}  // namespace fake::detail
