#include "recording_slack.h"

#include <chrono>

#include <rapidjson/document.h>

#include "util/json_util.h"

namespace fake {

using json::GetString;
using json::Quote;

void RecordingSlack::AddUser(const std::string& user_id, const std::string& real_name, const std::string& email) {
  std::lock_guard<std::mutex> lock(mutex_);
  users_[user_id] = User{real_name, email, kTeamId, false};
}

void RecordingSlack::AddExternalUser(const std::string& user_id, const std::string& real_name,
                                     const std::string& email, const std::string& team_id,
                                     const std::string& team_name) {
  std::lock_guard<std::mutex> lock(mutex_);
  users_[user_id] = User{real_name, email, team_id, true};
  teams_[team_id] = team_name;
}

void RecordingSlack::Hold(const std::string& method) {
  std::lock_guard<std::mutex> lock(mutex_);
  held_.insert(method);
}

void RecordingSlack::Release(const std::string& method) {
  std::lock_guard<std::mutex> lock(mutex_);
  held_.erase(method);
  changed_.notify_all();
}

void RecordingSlack::FailNext(const std::string& method, int status, const std::string& error, int times) {
  std::lock_guard<std::mutex> lock(mutex_);
  failures_[method] = Failure{status, error, times};
}

std::vector<SlackCall> RecordingSlack::Calls(const std::string& method) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<SlackCall> out;
  for (const SlackCall& call : calls_) {
    if (method.empty() || call.method == method) out.push_back(call);
  }
  return out;
}

std::vector<PostedMessage> RecordingSlack::Posts() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return posts_;
}

bool RecordingSlack::WaitForCalls(const std::string& method, size_t count, int timeout_ms) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
    size_t seen = 0;
    for (const SlackCall& call : calls_) seen += call.method == method ? 1 : 0;
    return seen >= count;
  });
}

util::Result<util::http::HttpResponse> RecordingSlack::Send(const util::http::HttpRequest& request) {
  std::string method = request.url.substr(request.url.rfind('/') + 1);
  util::http::HttpResponse response;
  std::unique_lock<std::mutex> lock(mutex_);
  calls_.push_back(SlackCall{method, request.body});
  changed_.notify_all();
  changed_.wait(lock, [&] { return held_.count(method) == 0; });
  auto failure = failures_.find(method);
  if (failure != failures_.end() && failure->second.times > 0) {
    --failure->second.times;
    response.status = failure->second.status;
    if (response.status == 429) response.headers["retry-after"] = "0";
    response.body = response.status == 200 ? "{\"ok\":false,\"error\":" + Quote(failure->second.error) + "}" : "error";
    return response;
  }
  response.status = 200;
  response.headers["content-type"] = "application/json; charset=utf-8";
  response.body = Answer(method, request.body);
  return response;
}

// REQUIRES: mutex_ held.
std::string RecordingSlack::Answer(const std::string& method, const std::string& body) {
  rapidjson::Document args;
  args.Parse(body.c_str());
  if (args.HasParseError() || !args.IsObject()) return R"({"ok":false,"error":"invalid_json"})";
  if (method == "auth.test") {
    return std::string(R"({"ok":true,"user":"slackdesk","team":")") + kTeamName + R"(","team_id":")" + kTeamId +
           R"(","user_id":")" + kBotUserId + "\"}";
  }
  if (method == "chat.postMessage") {
    PostedMessage post{GetString(args, "channel"), GetString(args, "thread_ts"), std::to_string(next_ts_++) + ".000100",
                       GetString(args, "text"), "", body};
    if (const rapidjson::Value* metadata = json::GetObject(args, "metadata")) {
      if (const rapidjson::Value* payload = json::GetObject(*metadata, "event_payload")) {
        post.metadata_key = GetString(*payload, "key");
      }
    }
    posts_.push_back(post);
    return "{\"ok\":true,\"channel\":" + Quote(post.channel) + ",\"ts\":" + Quote(post.ts) + "}";
  }
  if (method == "conversations.replies") {
    std::string channel = GetString(args, "channel");
    std::string thread_ts = GetString(args, "ts");
    std::string messages;
    for (const PostedMessage& post : posts_) {
      if (post.channel != channel || post.thread_ts != thread_ts) continue;
      if (!messages.empty()) messages += ",";
      messages += "{\"ts\":" + Quote(post.ts) + ",\"text\":" + Quote(post.text);
      if (!post.metadata_key.empty()) {
        messages += ",\"metadata\":{\"event_type\":\"slackdesk\",\"event_payload\":{\"key\":" + Quote(post.metadata_key) + "}}";
      }
      messages += "}";
    }
    return "{\"ok\":true,\"messages\":[" + messages + "],\"has_more\":false,\"response_metadata\":{\"next_cursor\":\"\"}}";
  }
  if (method == "users.info") {
    std::string id = GetString(args, "user");
    auto user = users_.find(id);
    if (user == users_.end()) return R"({"ok":false,"error":"user_not_found"})";
    const User& u = user->second;
    return "{\"ok\":true,\"user\":{\"id\":" + Quote(id) + ",\"team_id\":" + Quote(u.team_id) +
           ",\"real_name\":" + Quote(u.real_name) + (u.stranger ? ",\"is_stranger\":true" : "") +
           ",\"profile\":{\"email\":" + Quote(u.email) + ",\"team\":" + Quote(u.team_id) + "}}}";
  }
  if (method == "team.info") {
    std::string id = GetString(args, "team");
    if (id.empty() || id == kTeamId) {
      return std::string(R"({"ok":true,"team":{"id":")") + kTeamId + R"(","name":")" + kTeamName + "\"}}";
    }
    auto team = teams_.find(id);
    if (team == teams_.end()) return R"({"ok":false,"error":"team_not_found"})";
    return "{\"ok\":true,\"team\":{\"id\":" + Quote(id) + ",\"name\":" + Quote(team->second) + "}}";
  }
  if (method == "chat.getPermalink") {
    return "{\"ok\":true,\"permalink\":" +
           Quote("https://slack.test/archives/" + GetString(args, "channel") + "/p" + GetString(args, "message_ts")) + "}";
  }
  if (method == "chat.postEphemeral") return "{\"ok\":true,\"message_ts\":\"1.0\"}";
  if (method == "chat.update" || method == "views.open") return "{\"ok\":true}";
  return R"({"ok":false,"error":"unknown_method"})";
}

}  // namespace fake
