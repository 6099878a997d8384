// Who a Slack user is (real name, e-mail, workspace, and whether they come
// from another organisation through Slack Connect; from users.info and
// team.info) and where a thread lives (chat.getPermalink), for what the
// bridge writes into the helpdesk. Answers are cached in bounded caches:
// every reply and ticket needs them, people rarely rename, and a storm of
// distinct users must not grow memory. Thread-safe (workers share it);
// calls block.
//
// External users: Slack has no single flag for them ("determining whether
// a user is external must be done implicitly", docs.slack.dev/apis/
// slack-connect). A user is external when users.info says `is_stranger`, or
// their `team_id` is not the bot's workspace (auth.test's team_id) and they
// are not of the bot's Enterprise Grid organisation
// (`enterprise_user.enterprise_id` equal to auth.test's enterprise_id).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bridge/compose.h"
#include "bridge/ticket.h"
#include "slack/web_api/web_api_client.h"
#include "util/clock.h"
#include "util/lru_cache.h"

namespace app {

struct DirectoryOptions {
  util::Duration ttl = util::Millis(15 * 60 * 1000);  // how long a user's answer is trusted
  size_t max_users = 5000;                            // cached users (least recently used go first)
  size_t max_teams = 500;                             // cached workspace names
  // Distinct users one message may cost a users.info: mentions beyond it
  // are shown as their ids.
  size_t max_lookups_per_message = 20;
  // How long one message's look-ups may take in all (a slow users.info):
  // those not started by then are shown as ids too.
  util::Duration lookup_budget = util::Millis(3000);
};

class SlackDirectory {
 public:
  // `slack` must outlive this object.
  explicit SlackDirectory(slack::web_api::WebApiClient& slack, DirectoryOptions options = {});

  // The user's real name (the user id when Slack does not say), e-mail (""
  // when not shared), workspace and whether they are external. Waits out
  // rate limits: an author must be named. A failed look-up is logged and
  // not cached.
  bridge::Requester LookUp(const std::string& user_id);
  // The names of `user_ids` (mentioned people), at most
  // max_lookups_per_message distinct ones that are not cached, started
  // within lookup_budget; never waits out a rate limit and never retries
  // (the others keep their ids).
  std::map<std::string, std::string> NamesOf(const std::vector<std::string>& user_ids);
  // The thread's permalink; "" when Slack cannot give one.
  std::string Permalink(const bridge::ThreadRef& thread);
  // The people's messages in `thread` before `before_ts` (the mention that
  // raised a request), oldest first: the last kMaxEarlierMessages of them,
  // each cut to kMaxEarlierChars and kMaxEarlierTotalChars in all (a Jira
  // description holds 32,767), named by their authors. Bots' messages are
  // left out. None when Slack cannot say: the request goes without.
  static constexpr size_t kMaxEarlierMessages = 20;
  static constexpr size_t kMaxEarlierChars = 1000;
  static constexpr size_t kMaxEarlierTotalChars = 8000;
  std::vector<bridge::ThreadMessage> EarlierInThread(const bridge::ThreadRef& thread, const std::string& before_ts);

 private:
  struct KnownUser {
    bridge::Requester person;
    util::TimePoint fetched;
  };
  // The bot's own workspace (auth.test), asked once.
  struct Home {
    std::string team_id;
    std::string enterprise_id;
    std::string team_name;
  };

  std::optional<bridge::Requester> Cached(const std::string& user_id, util::TimePoint now);
  bridge::Requester Fetch(const std::string& user_id, slack::web_api::Retry retry, util::TimePoint now);
  std::optional<Home> HomeTeam();
  // The workspace's name (team.info), its id when Slack does not say.
  std::string TeamName(const std::string& team_id, slack::web_api::Retry retry);

  slack::web_api::WebApiClient& slack_;
  DirectoryOptions options_;
  std::mutex mutex_;
  util::LruCache<std::string, KnownUser> users_;    // guarded by mutex_
  util::LruCache<std::string, std::string> teams_;  // guarded by mutex_
  std::optional<Home> home_;                        // guarded by mutex_
};

}  // namespace app
