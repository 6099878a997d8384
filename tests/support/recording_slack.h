// An in-process Slack Web API for fast tests of the app: a util::http
// HttpClient that answers the methods slackdesk calls (auth.test,
// chat.postMessage with metadata, conversations.replies, users.info,
// chat.getPermalink, chat.postEphemeral, chat.update, views.open) the way
// the fake Slack server does, with no socket, and records every call.
// Failures are scripted per method (an HTTP status, or ok:false with an
// error). Thread-safe.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "util/http/http_client.h"

namespace fake {

struct SlackCall {
  std::string method;  // "chat.postMessage"
  std::string body;    // the JSON body as sent
};

// A message the bot posted.
struct PostedMessage {
  std::string channel;
  std::string thread_ts;
  std::string ts;
  std::string text;          // the `text` fallback
  std::string metadata_key;  // metadata.event_payload.key, "" when none
  std::string body;          // the whole chat.postMessage body
};

class RecordingSlack : public util::http::HttpClient {
 public:
  static constexpr const char* kBaseUrl = "https://slack.test/api";
  static constexpr const char* kBotUserId = "UBOT";

  util::Result<util::http::HttpResponse> Send(const util::http::HttpRequest& request) override;

  static constexpr const char* kTeamId = "T0TEST";
  static constexpr const char* kTeamName = "Test";

  // users.info answers for `user_id` with this name and e-mail, a member of
  // the bot's workspace (kTeamId).
  void AddUser(const std::string& user_id, const std::string& real_name, const std::string& email);
  // A Slack Connect user: users.info answers with their own team_id and
  // is_stranger, as Slack does for another organisation's member; team.info
  // answers `team_name` for `team_id`.
  void AddExternalUser(const std::string& user_id, const std::string& real_name, const std::string& email,
                       const std::string& team_id, const std::string& team_name);
  // Calls of `method` wait (recorded, unanswered) until Release(method): a
  // slow server, deterministically.
  void Hold(const std::string& method);
  void Release(const std::string& method);
  // The next `times` calls of `method` answer HTTP `status` (500, 429 with
  // Retry-After: 0) or, with status 200, ok:false and `error`.
  void FailNext(const std::string& method, int status, const std::string& error = "", int times = 1);

  std::vector<SlackCall> Calls(const std::string& method = "") const;
  std::vector<PostedMessage> Posts() const;
  // Waits (bounded) until `method` was called `count` times in all.
  bool WaitForCalls(const std::string& method, size_t count, int timeout_ms = 5000) const;

 private:
  struct Failure {
    int status;
    std::string error;
    int times;
  };
  std::string Answer(const std::string& method, const std::string& body);

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<SlackCall> calls_;
  std::vector<PostedMessage> posts_;
  struct User {
    std::string real_name;
    std::string email;
    std::string team_id;
    bool stranger = false;
  };
  std::map<std::string, User> users_;
  std::map<std::string, std::string> teams_;  // team.info: id -> name
  std::set<std::string> held_;
  std::map<std::string, Failure> failures_;
  long long next_ts_ = 1700000100;
};

}  // namespace fake
