// Who a Slack user is (real name and e-mail, from users.info) and where a
// thread lives (chat.getPermalink), for what the bridge writes into the
// helpdesk. Names are cached: every reply and ticket needs them, people
// rarely rename. Thread-safe (workers share it); calls block.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "bridge/compose.h"
#include "bridge/ticket.h"
#include "slack/web_api/web_api_client.h"
#include "util/clock.h"

namespace app {

class SlackDirectory {
 public:
  // `slack` must outlive this object.
  SlackDirectory(slack::web_api::WebApiClient& slack, util::Duration ttl = util::Millis(15 * 60 * 1000));

  // The user's real name (the user id when Slack does not say) and e-mail
  // ("" when not shared). A failed look-up is logged and not cached.
  bridge::Requester LookUp(const std::string& user_id);
  // The names of `user_ids`, for naming mentions.
  std::map<std::string, std::string> NamesOf(const std::vector<std::string>& user_ids);
  // The thread's permalink; "" when Slack cannot give one.
  std::string Permalink(const bridge::ThreadRef& thread);

 private:
  struct KnownUser {
    bridge::Requester person;
    util::TimePoint fetched;
  };

  slack::web_api::WebApiClient& slack_;
  util::Duration ttl_;
  std::mutex mutex_;
  std::map<std::string, KnownUser> users_;  // guarded by mutex_
};

}  // namespace app
