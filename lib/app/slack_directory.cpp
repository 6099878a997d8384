#include "app/slack_directory.h"

#include "util/json_util.h"
#include "util/log.h"

namespace app {

using json::GetString;

SlackDirectory::SlackDirectory(slack::web_api::WebApiClient& slack, util::Duration ttl) : slack_(slack), ttl_(ttl) {}

bridge::Requester SlackDirectory::LookUp(const std::string& user_id) {
  util::TimePoint now = util::SteadyClock::now();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto known = users_.find(user_id);
    if (known != users_.end() && now - known->second.fetched < ttl_) return known->second.person;
  }
  auto info = slack_.Call("users.info", "{\"user\":" + json::Quote(user_id) + "}");
  if (!info) {
    // Not cached: the next use asks again.
    util::log::Warn("slack users.info user={}: {}; using the user id as the name", user_id, info.error().message);
    return bridge::Requester{user_id, ""};
  }
  const rapidjson::Value* user = json::GetObject(*info, "user");
  if (user == nullptr) return bridge::Requester{user_id, ""};
  bridge::Requester person{GetString(*user, "real_name"), ""};
  if (const rapidjson::Value* profile = json::GetObject(*user, "profile")) {
    if (person.name.empty()) person.name = GetString(*profile, "real_name");
    if (person.name.empty()) person.name = GetString(*profile, "display_name");
    person.email = GetString(*profile, "email");
  }
  if (person.name.empty()) person.name = user_id;
  std::lock_guard<std::mutex> lock(mutex_);
  users_[user_id] = KnownUser{person, now};
  return person;
}

std::map<std::string, std::string> SlackDirectory::NamesOf(const std::vector<std::string>& user_ids) {
  std::map<std::string, std::string> names;
  for (const std::string& id : user_ids) names[id] = LookUp(id).name;
  return names;
}

std::string SlackDirectory::Permalink(const bridge::ThreadRef& thread) {
  auto link = slack_.Call("chat.getPermalink", "{\"channel\":" + json::Quote(thread.channel) +
                                                   ",\"message_ts\":" + json::Quote(thread.thread_ts) + "}");
  return link ? GetString(*link, "permalink") : std::string();
}

}  // namespace app
