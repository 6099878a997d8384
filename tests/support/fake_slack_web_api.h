// The fake Slack's Web API methods for the bot token and the state they work
// on: messages, threads, users, trigger ids and modals. Private to
// fake_slack*.cpp. Not thread-safe by itself: FakeSlack's mutex guards every
// call, and nothing here touches websocketpp.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "fake_slack.h"

namespace fake::detail {

struct Reply {
  int status = 200;
  std::string body;
  int retry_after_s = -1;
  bool html = false;
};

// {"ok":false,"error":"<error>"} with HTTP 200.
Reply SlackError(const std::string& error);

class WebApi {
 public:
  using Clock = std::chrono::steady_clock;

  WebApi();  // registers the bot user

  // Handles `method` (the token was already checked); unknown methods get
  // unknown_method.
  Reply Handle(const std::string& method, const rapidjson::Value& args, Clock::time_point now);

  void AddUser(const std::string& id, const std::string& real_name, const std::string& display_name,
               const std::string& email, bool is_bot = false);
  // A member of another organisation's workspace `team_id` (Slack Connect).
  void AddExternalUser(const std::string& id, const std::string& real_name, const std::string& email,
                       const std::string& team_id, const std::string& team_name, const std::string& team_domain);
  // Stores a human message; `ts` is generated when empty. Returns it.
  const PostedMessage& AddUserMessage(const std::string& channel, const std::string& ts, const std::string& user,
                                      const std::string& text, const std::string& thread_ts);
  // A fresh message ts (a file share's).
  std::string NewTs() { return NextTs(); }
  std::string IssueTrigger(const std::string& user, Clock::time_point now);
  // The events_api payload announcing `message` (a human message).
  std::string MessageEventPayload(const PostedMessage& message) const;
  // The block_actions payload of a click (see FakeSlack::ClickButton).
  std::string ClickPayload(const std::string& message_ts, const std::string& channel, const std::string& thread_ts,
                           const std::string& user, const std::string& action_id, const std::string& value,
                           Clock::time_point now);
  // The view_submission payload, or "" for an unknown view or bad values.
  std::string SubmitPayload(const std::string& view_id, const std::string& user, const std::string& state_values_json,
                            Clock::time_point now);
  // The block_actions payload of a select changed in a modal (see
  // FakeSlack::SelectInView), or "".
  std::string SelectPayload(const std::string& view_id, const std::string& user, const std::string& block_id,
                            const std::string& action_id, const std::string& value, const std::string& label,
                            const std::string& state_values_json, Clock::time_point now);
  // The block_suggestion payload of text typed in an external select (see
  // FakeSlack::SuggestInView), or "".
  std::string SuggestPayload(const std::string& view_id, const std::string& user, const std::string& block_id,
                             const std::string& action_id, const std::string& query) const;

  std::vector<PostedMessage> messages;       // bot messages
  std::vector<PostedMessage> user_messages;  // human messages
  std::vector<OpenedView> views;
  std::vector<ViewUpdate> view_updates;
  bool post_rate_limit = false;
  std::map<std::string, ChannelSpec> channels;  // conversations.info, by id
  // The scopes of the bot token (x-oauth-scopes); nullopt: no header.
  std::optional<std::vector<std::string>> granted_scopes;
  // The x-oauth-scopes header's value, or nullopt when none is sent.
  std::optional<std::string> ScopesHeader() const;

 private:
  struct User {
    std::string real_name;
    std::string display_name;
    std::string email;
    bool is_bot = false;
    std::string team_id = "T0001";  // the bot's workspace unless external
    bool stranger = false;          // another organisation's (Slack Connect)
  };
  struct Trigger {
    std::string user;
    Clock::time_point issued;
    bool used = false;
  };

  Reply PostMessage(const std::string& method, const rapidjson::Value& args, Clock::time_point now);
  Reply ChatUpdate(const rapidjson::Value& args);
  Reply GetPermalink(const rapidjson::Value& args) const;
  Reply UsersInfo(const rapidjson::Value& args) const;
  Reply TeamInfo(const rapidjson::Value& args) const;
  Reply ConversationsReplies(const rapidjson::Value& args) const;
  Reply ConversationsInfo(const rapidjson::Value& args) const;
  Reply ViewsOpen(const rapidjson::Value& args, Clock::time_point now);
  Reply ViewsUpdate(const rapidjson::Value& args, Clock::time_point now);
  // The `view` argument checked as views.open and views.update do; on
  // success `view` holds it and the reply is empty.
  std::optional<Reply> ReadView(const rapidjson::Value& args, rapidjson::Document* view) const;
  // Completes `view` with what Slack adds (id, hash, state, app ids…) from
  // `stored`, serializes it into stored->view_json and returns the reply.
  Reply StoreView(rapidjson::Document* view, OpenedView* stored);
  std::string NextHash();

  std::string NextTs();
  std::string UserName(const std::string& id) const;
  // The author of the top-level message (channel, ts), or "".
  std::string ParentUser(const std::string& channel, const std::string& ts) const;

  std::map<std::string, User> users_;
  std::map<std::string, std::pair<std::string, std::string>> teams_;  // team.info: id → name, domain
  std::map<std::string, Trigger> triggers_;
  std::map<std::string, std::deque<Clock::time_point>> post_times_;  // channel → accepted posts
  long long next_ts_micros_ = 100;
  int next_trigger_ = 1;
  int next_view_ = 1;
  int next_hash_ = 1;
};

}  // namespace fake::detail
