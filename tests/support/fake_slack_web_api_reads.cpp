// The fake Slack's read-only Web API methods: chat.getPermalink, users.info,
// team.info and conversations.replies. A Slack Connect user (another
// organisation's) is answered as Slack does: their own team_id (in the user
// and its profile) and is_stranger; team.info names any connected team.
#include <algorithm>

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "fake_slack_args.h"
#include "fake_slack_web_api.h"
#include "http_util.h"
#include "util/json_util.h"
#include "util/strings.h"

namespace fake::detail {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr int kRepliesDefaultLimit = 1000;
constexpr int kRepliesPageCap = 200;

void Key(Writer& w, const char* key) { w.Key(key); }
void Field(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace

Reply WebApi::GetPermalink(const rapidjson::Value& args) const {
  std::string channel = ArgString(args, "channel");
  std::string ts = ArgString(args, "message_ts");
  if (channel.empty()) return SlackError("channel_not_found");
  if (ts.empty()) return SlackError("message_not_found");
  std::string digits = ts;
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  return Reply{200, fmt::format(R"({{"ok":true,"channel":{},"permalink":{}}})", json::Quote(channel),
                                json::Quote(fmt::format("https://fake.slack.test/archives/{}/p{}", channel, digits)))};
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
  Field(w, "team_id", user.team_id);
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
  if (user.stranger) {
    Key(w, "is_stranger");
    w.Bool(true);
  }
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
  Field(w, "team", user.team_id);
  w.EndObject();
  w.EndObject();
  w.EndObject();
  return Reply{200, buffer.GetString()};
}

Reply WebApi::TeamInfo(const rapidjson::Value& args) const {
  std::string id = ArgString(args, "team");
  std::pair<std::string, std::string> team{"Fake Workspace", "fake"};
  if (!id.empty() && id != "T0001") {
    auto found = teams_.find(id);
    if (found == teams_.end()) return SlackError("team_not_found");
    team = found->second;
  }
  return Reply{200, fmt::format(R"({{"ok":true,"team":{{"id":{},"name":{},"domain":{},"email_domain":""}}}})",
                                json::Quote(id.empty() ? "T0001" : id), json::Quote(team.first),
                                json::Quote(team.second))};
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
    std::string decoded = Base64Decode(cursor);
    auto at = std::find_if(thread.begin(), thread.end(),
                           [&](const PostedMessage* m) { return decoded == "next_ts:" + m->ts; });
    if (!util::StartsWith(decoded, "next_ts:") || at == thread.end()) return SlackError("invalid_cursor");
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
    Field(w, "next_cursor", Base64Encode("next_ts:" + thread[end]->ts));
    w.EndObject();
  }
  w.EndObject();
  return Reply{200, buffer.GetString()};
}

}  // namespace fake::detail
