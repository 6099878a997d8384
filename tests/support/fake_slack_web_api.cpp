#include "fake_slack_web_api.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "block_kit.h"
#include "slack_payloads.h"

namespace fake::detail {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr size_t kMaxUpdateText = 4000;       // chat.update: msg_too_long
constexpr size_t kMaxPostText = 40000;        // chat.postMessage truncates
constexpr size_t kMaxViewBytes = 250 * 1000;  // views.open: view_too_large
constexpr int kRepliesDefaultLimit = 1000;
constexpr int kRepliesPageCap = 200;
constexpr int kPostsPerSecond = 3;
constexpr auto kTriggerLifetime = std::chrono::seconds(3);

std::string Serialize(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

std::string Quote(const std::string& text) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  return buffer.GetString();
}

void Str(Writer& w, const std::string& text) { w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size())); }
void Key(Writer& w, const char* key) { w.Key(key); }
void Field(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  Str(w, value);
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string ArgString(const rapidjson::Value& args, const char* key) {
  if (!args.HasMember(key) || !args[key].IsString()) return {};
  return args[key].GetString();
}

// JSON bodies carry booleans and numbers as such, form bodies as strings.
bool ArgBool(const rapidjson::Value& args, const char* key) {
  if (!args.HasMember(key)) return false;
  const auto& value = args[key];
  if (value.IsBool()) return value.GetBool();
  if (value.IsInt()) return value.GetInt() != 0;
  if (value.IsString()) {
    std::string text = Lower(value.GetString());
    return text == "true" || text == "1";
  }
  return false;
}

int ArgInt(const rapidjson::Value& args, const char* key, int fallback) {
  if (!args.HasMember(key)) return fallback;
  const auto& value = args[key];
  if (value.IsInt()) return value.GetInt();
  if (value.IsString()) {
    try {
      return std::stoi(value.GetString());
    } catch (const std::exception&) {
      return fallback;
    }
  }
  return fallback;
}

// A JSON-typed argument may arrive as JSON (JSON bodies) or as a string
// holding JSON (form bodies); both are accepted, as Slack does. `raw_size`
// gets the size of the argument as sent.
bool ArgJson(const rapidjson::Value& args, const char* key, rapidjson::Document* out, size_t* raw_size = nullptr) {
  if (!args.HasMember(key)) return false;
  const rapidjson::Value& value = args[key];
  if (value.IsString()) {
    if (raw_size != nullptr) *raw_size = value.GetStringLength();
    out->Parse(value.GetString());
    if (out->HasParseError()) out->SetNull();
    return true;
  }
  out->CopyFrom(value, out->GetAllocator());
  if (raw_size != nullptr) *raw_size = Serialize(*out).size();
  return true;
}

Reply ErrorWithMessage(const std::string& error, const std::string& problem) {
  return Reply{200, fmt::format(R"({{"ok":false,"error":"{}","response_metadata":{{"messages":[{}]}}}})", error,
                                Quote("[ERROR] " + problem))};
}

// "1700000000.000200" → 1700000000000200; -1 when not a Slack ts.
long long TsKey(const std::string& ts) {
  size_t dot = ts.find('.');
  if (dot == 0 || dot == std::string::npos || ts.size() - dot - 1 > 6) return -1;
  for (size_t i = 0; i < ts.size(); ++i) {
    if (i != dot && !std::isdigit(static_cast<unsigned char>(ts[i]))) return -1;
  }
  std::string fraction = ts.substr(dot + 1);
  fraction.append(6 - fraction.size(), '0');
  return std::stoll(ts.substr(0, dot)) * 1000000 + std::stoll(fraction);
}

constexpr const char* kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64(const std::string& in) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kBase64[(n >> shift) & 63];
  }
  if (i < in.size()) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kBase64[(n >> 18) & 63];
    out += kBase64[(n >> 12) & 63];
    out += i + 1 < in.size() ? kBase64[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// "" when `in` is not base64.
std::string Unbase64(const std::string& in) {
  std::string out;
  unsigned n = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const char* at = std::strchr(kBase64, c);
    if (c == '\0' || at == nullptr) return {};
    n = (n << 6) | static_cast<unsigned>(at - kBase64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((n >> bits) & 0xFF);
    }
  }
  return out;
}

// The button with `action_id` in message blocks: its block_id, text, value.
struct Button {
  bool found = false;
  std::string block_id;
  std::string text;
  std::string value;
};

Button FindButton(const std::string& blocks_json, const std::string& action_id) {
  Button button;
  rapidjson::Document blocks;
  blocks.Parse(blocks_json.c_str());
  if (blocks.HasParseError() || !blocks.IsArray()) return button;
  auto check = [&](const rapidjson::Value& block, const rapidjson::Value& element) {
    if (button.found || !element.IsObject() || ArgString(element, "action_id") != action_id) return;
    button.found = true;
    button.block_id = ArgString(block, "block_id");
    button.value = ArgString(element, "value");
    if (element.HasMember("text") && element["text"].IsObject()) button.text = ArgString(element["text"], "text");
  };
  for (const auto& block : blocks.GetArray()) {
    if (!block.IsObject()) continue;
    if (block.HasMember("elements") && block["elements"].IsArray()) {
      for (const auto& element : block["elements"].GetArray()) check(block, element);
    }
    if (block.HasMember("accessory")) check(block, block["accessory"]);
  }
  return button;
}

void SetMember(rapidjson::Document* doc, const char* key, rapidjson::Value value) {
  doc->RemoveMember(key);
  doc->AddMember(rapidjson::Value(key, doc->GetAllocator()), value, doc->GetAllocator());
}

void SetString(rapidjson::Document* doc, const char* key, const std::string& value) {
  SetMember(doc, key, rapidjson::Value(value.c_str(), doc->GetAllocator()));
}

void Default(rapidjson::Document* doc, const char* key, rapidjson::Value value) {
  if (!doc->HasMember(key)) SetMember(doc, key, std::move(value));
}

}  // namespace

Reply SlackError(const std::string& error) { return Reply{200, fmt::format(R"({{"ok":false,"error":"{}"}})", error)}; }

WebApi::WebApi() { AddUser(FakeSlack::kBotUserId, "slackdesk", "slackdesk", "", true); }

Reply WebApi::Handle(const std::string& method, const rapidjson::Value& args, Clock::time_point now) {
  if (method == "chat.postMessage" || method == "chat.postEphemeral") return PostMessage(method, args, now);
  if (method == "chat.update") return ChatUpdate(args);
  if (method == "chat.getPermalink") return GetPermalink(args);
  if (method == "users.info") return UsersInfo(args);
  if (method == "conversations.replies") return ConversationsReplies(args);
  if (method == "views.open") return ViewsOpen(args, now);
  return SlackError("unknown_method");
}

std::string WebApi::NextTs() {
  next_ts_micros_ += 100;
  return fmt::format("{}.{:06d}", 1700000000 + next_ts_micros_ / 1000000, next_ts_micros_ % 1000000);
}

void WebApi::AddUser(const std::string& id, const std::string& real_name, const std::string& display_name,
                     const std::string& email, bool is_bot) {
  users_[id] = User{real_name, display_name, email, is_bot};
}

std::string WebApi::UserName(const std::string& id) const {
  auto it = users_.find(id);
  if (it == users_.end()) return Lower(id);
  std::string name = !it->second.display_name.empty() ? it->second.display_name : it->second.real_name;
  if (name.empty()) return Lower(id);
  name = Lower(name);
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
  MessageSpec spec;
  spec.channel = message.channel;
  spec.user = message.user;
  spec.text = message.text;
  spec.ts = message.ts;
  spec.thread_ts = message.thread_ts;
  if (!message.thread_ts.empty()) spec.parent_user_id = ParentUser(message.channel, message.thread_ts);
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

std::string WebApi::SubmitPayload(const std::string& view_id, const std::string& user,
                                  const std::string& state_values_json, Clock::time_point now) {
  auto view = std::find_if(views.begin(), views.end(), [&](const OpenedView& v) { return v.id == view_id; });
  if (view == views.end()) return {};
  ViewSubmissionSpec spec;
  spec.user = user;
  spec.user_name = UserName(user);
  spec.view_json = view->view_json;
  spec.state_values_json = state_values_json;
  std::string payload = ViewSubmissionPayload(spec);
  if (!payload.empty()) {
    // The submission's own trigger_id (for views.push and the like) is real.
    rapidjson::Document doc;
    doc.Parse(payload.c_str());
    SetString(&doc, "trigger_id", IssueTrigger(user, now));
    payload = Serialize(doc);
  }
  return payload;
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
    message.blocks_json = Serialize(blocks);
  }
  if (message.text.empty() && message.blocks_json.empty()) return SlackError("no_text");
  if (Utf8Length(message.text) > kMaxPostText) message.text = message.text.substr(0, kMaxPostText);  // Slack truncates
  rapidjson::Document metadata;
  if (ArgJson(args, "metadata", &metadata) && !metadata.IsNull()) message.metadata_json = Serialize(metadata);
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
          Quote(message.channel), message.ts, Quote(message.text), FakeSlack::kBotUserId, FakeSlack::kBotId,
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
    blocks_json = blocks.Empty() ? "" : Serialize(blocks);
  }
  std::string metadata_json = message->metadata_json;
  rapidjson::Document metadata;
  bool has_metadata = ArgJson(args, "metadata", &metadata);
  if (has_metadata) metadata_json = metadata.IsNull() ? "" : Serialize(metadata);
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
          Quote(channel), message->ts, Quote(text), Quote(text), FakeSlack::kBotUserId, FakeSlack::kBotId)};
}

Reply WebApi::GetPermalink(const rapidjson::Value& args) const {
  std::string channel = ArgString(args, "channel");
  std::string ts = ArgString(args, "message_ts");
  if (channel.empty()) return SlackError("channel_not_found");
  if (ts.empty()) return SlackError("message_not_found");
  std::string digits = ts;
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  return Reply{200, fmt::format(R"({{"ok":true,"channel":{},"permalink":{}}})", Quote(channel),
                                Quote(fmt::format("https://fake.slack.test/archives/{}/p{}", channel, digits)))};
}

Reply WebApi::UsersInfo(const rapidjson::Value& args) const {
  std::string id = ArgString(args, "user");
  auto it = users_.find(id);
  if (id.empty() || it == users_.end()) return SlackError("user_not_found");
  const User& user = it->second;
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Key(w, "ok");
  w.Bool(true);
  Key(w, "user");
  w.StartObject();
  Field(w, "id", id);
  Field(w, "team_id", "T0001");
  Field(w, "name", UserName(id));
  Key(w, "deleted");
  w.Bool(false);
  Field(w, "real_name", user.real_name);
  Field(w, "tz", "Europe/Berlin");
  Key(w, "is_admin");
  w.Bool(false);
  Key(w, "is_bot");
  w.Bool(user.is_bot);
  Key(w, "is_app_user");
  w.Bool(false);
  Key(w, "updated");
  w.Int64(1700000000);
  Key(w, "profile");
  w.StartObject();
  Field(w, "real_name", user.real_name);
  Field(w, "real_name_normalized", user.real_name);
  Field(w, "display_name", user.display_name);
  Field(w, "display_name_normalized", user.display_name);
  if (!user.email.empty()) Field(w, "email", user.email);
  if (user.is_bot) Field(w, "bot_id", FakeSlack::kBotId);
  Field(w, "team", "T0001");
  w.EndObject();
  w.EndObject();
  w.EndObject();
  return Reply{200, buffer.GetString()};
}

Reply WebApi::ConversationsReplies(const rapidjson::Value& args) const {
  std::string channel = ArgString(args, "channel");
  std::string ts = ArgString(args, "ts");
  if (channel.empty()) return SlackError("channel_not_found");
  bool with_metadata = ArgBool(args, "include_all_metadata");
  // The thread: its parent when known, then the replies in ts order.
  const PostedMessage* parent = nullptr;
  std::vector<const PostedMessage*> replies;
  for (const auto* list : {&messages, &user_messages}) {
    for (const PostedMessage& m : *list) {
      if (m.channel != channel || m.method == "chat.postEphemeral") continue;
      if (m.ts == ts && m.thread_ts.empty()) parent = &m;
      if (!ts.empty() && m.thread_ts == ts) replies.push_back(&m);
    }
  }
  if (parent == nullptr && replies.empty()) return SlackError("thread_not_found");
  std::stable_sort(replies.begin(), replies.end(),
                   [](const PostedMessage* a, const PostedMessage* b) { return TsKey(a->ts) < TsKey(b->ts); });
  std::vector<const PostedMessage*> thread;
  if (parent != nullptr) thread.push_back(parent);
  thread.insert(thread.end(), replies.begin(), replies.end());

  // Cursors are opaque to clients; like Slack's they encode "next_ts:<ts>".
  size_t start = 0;
  std::string cursor = ArgString(args, "cursor");
  if (!cursor.empty()) {
    std::string decoded = Unbase64(cursor);
    auto at = std::find_if(thread.begin(), thread.end(),
                           [&](const PostedMessage* m) { return decoded == "next_ts:" + m->ts; });
    if (decoded.rfind("next_ts:", 0) != 0 || at == thread.end()) return SlackError("invalid_cursor");
    start = static_cast<size_t>(at - thread.begin());
  }
  int limit = ArgInt(args, "limit", kRepliesDefaultLimit);
  if (limit <= 0) limit = kRepliesDefaultLimit;
  size_t page = static_cast<size_t>(std::min(limit, kRepliesPageCap));
  size_t end = std::min(thread.size(), start + page);

  std::string parent_user =
      parent != nullptr ? (parent->method == "message" ? parent->user : FakeSlack::kBotUserId) : "";
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Key(w, "ok");
  w.Bool(true);
  Key(w, "messages");
  w.StartArray();
  for (size_t i = start; i < end; ++i) {
    const PostedMessage& m = *thread[i];
    bool bot = m.method != "message";
    w.StartObject();
    Field(w, "type", "message");
    Field(w, "user", bot ? FakeSlack::kBotUserId : m.user);
    if (bot) {
      Field(w, "bot_id", FakeSlack::kBotId);
      Field(w, "app_id", "A0001");
    }
    Field(w, "text", m.text);
    Field(w, "ts", m.ts);
    if (&m == parent) {
      if (!replies.empty()) {
        Field(w, "thread_ts", m.ts);
        Key(w, "reply_count");
        w.Int(static_cast<int>(replies.size()));
        Field(w, "latest_reply", replies.back()->ts);
      }
    } else {
      Field(w, "thread_ts", m.thread_ts);
      if (!parent_user.empty()) Field(w, "parent_user_id", parent_user);
    }
    if (bot && m.edit_count > 0) {
      Key(w, "edited");
      w.StartObject();
      Field(w, "user", FakeSlack::kBotUserId);
      Field(w, "ts", m.ts);
      w.EndObject();
    }
    Field(w, "team", "T0001");
    if (!m.blocks_json.empty()) {
      Key(w, "blocks");
      w.RawValue(m.blocks_json.c_str(), m.blocks_json.size(), rapidjson::kArrayType);
    }
    rapidjson::Document metadata;
    metadata.Parse(m.metadata_json.c_str());
    if (with_metadata && !m.metadata_json.empty() && !metadata.HasParseError() && metadata.IsObject()) {
      Key(w, "metadata");
      w.StartObject();
      Field(w, "event_type", ArgString(metadata, "event_type"));
      Key(w, "event_payload");
      if (metadata.HasMember("event_payload") && metadata["event_payload"].IsObject()) {
        metadata["event_payload"].Accept(w);
      } else {
        w.StartObject();
        w.EndObject();
      }
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
  Key(w, "has_more");
  w.Bool(end < thread.size());
  if (end < thread.size()) {
    Key(w, "response_metadata");
    w.StartObject();
    Field(w, "next_cursor", Base64("next_ts:" + thread[end]->ts));
    w.EndObject();
  }
  w.EndObject();
  return Reply{200, buffer.GetString()};
}

Reply WebApi::ViewsOpen(const rapidjson::Value& args, Clock::time_point now) {
  std::string trigger_id = ArgString(args, "trigger_id");
  if (trigger_id.empty()) trigger_id = ArgString(args, "interactivity_pointer");
  if (trigger_id.empty()) return ErrorWithMessage("invalid_arguments", "missing required field: trigger_id");
  rapidjson::Document view;
  size_t size = 0;
  if (!ArgJson(args, "view", &view, &size))
    return ErrorWithMessage("invalid_arguments", "missing required field: view");
  if (size > kMaxViewBytes) return SlackError("view_too_large");
  if (view.IsNull()) return ErrorWithMessage("invalid_arguments", "view: not valid JSON");
  std::string problem = ValidateModalView(view);
  if (!problem.empty()) return ErrorWithMessage("invalid_arguments", problem);
  auto trigger = triggers_.find(trigger_id);
  if (trigger == triggers_.end()) return SlackError("invalid_trigger_id");
  if (trigger->second.used) return SlackError("exchanged_trigger_id");
  if (now - trigger->second.issued > kTriggerLifetime) return SlackError("expired_trigger_id");
  trigger->second.used = true;

  int n = next_view_++;
  OpenedView opened;
  opened.id = fmt::format("VFAKE{:06d}", n);
  opened.user = trigger->second.user;
  opened.trigger_id = trigger_id;
  opened.hash = fmt::format("{}.{:08x}", 1700000000 + n, static_cast<unsigned>(n) * 2654435761u);
  opened.callback_id = ArgString(view, "callback_id");
  opened.private_metadata = ArgString(view, "private_metadata");
  opened.at = now;
  auto& alloc = view.GetAllocator();
  SetString(&view, "id", opened.id);
  SetString(&view, "team_id", "T0001");
  SetString(&view, "private_metadata", opened.private_metadata);
  SetString(&view, "callback_id", opened.callback_id);
  SetString(&view, "external_id", ArgString(view, "external_id"));
  rapidjson::Value state(rapidjson::kObjectType);
  state.AddMember("values", rapidjson::Value(rapidjson::kObjectType), alloc);
  SetMember(&view, "state", std::move(state));
  SetString(&view, "hash", opened.hash);
  Default(&view, "clear_on_close", rapidjson::Value(false));
  Default(&view, "notify_on_close", rapidjson::Value(false));
  Default(&view, "submit", rapidjson::Value(rapidjson::kNullType));
  Default(&view, "close", rapidjson::Value(rapidjson::kNullType));
  SetString(&view, "root_view_id", opened.id);
  SetMember(&view, "previous_view_id", rapidjson::Value(rapidjson::kNullType));
  SetString(&view, "app_id", "A0001");
  SetString(&view, "app_installed_team_id", "T0001");
  SetString(&view, "bot_id", FakeSlack::kBotId);
  opened.view_json = Serialize(view);
  views.push_back(opened);
  return Reply{200, fmt::format(R"({{"ok":true,"view":{}}})", opened.view_json)};
}

}  // namespace fake::detail
