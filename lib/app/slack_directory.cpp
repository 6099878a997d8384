#include "app/slack_directory.h"

#include <algorithm>
#include <set>

#include "bridge/text.h"
#include "slack/mrkdwn.h"
#include "util/json_util.h"
#include "util/log.h"

namespace app {

using json::GetString;
using slack::web_api::Retry;

SlackDirectory::SlackDirectory(slack::web_api::WebApiClient& slack, DirectoryOptions options)
    : slack_(slack), options_(options), users_(options.max_users), teams_(options.max_teams) {}

std::optional<bridge::Requester> SlackDirectory::Cached(const std::string& user_id, util::TimePoint now) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto known = users_.Get(user_id);
  if (known && now - known->fetched < options_.ttl) return known->person;
  return std::nullopt;
}

bridge::Requester SlackDirectory::LookUp(const std::string& user_id) {
  util::TimePoint now = util::SteadyClock::now();
  if (auto cached = Cached(user_id, now)) return *cached;
  return Fetch(user_id, Retry::kSafe, now);
}

std::optional<SlackDirectory::Home> SlackDirectory::HomeTeam() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (home_) return home_;
  }
  auto me = slack_.Call("auth.test", "{}");
  if (!me) return std::nullopt;
  Home home{GetString(*me, "team_id"), GetString(*me, "enterprise_id"), GetString(*me, "team")};
  std::lock_guard<std::mutex> lock(mutex_);
  home_ = home;
  return home;
}

std::string SlackDirectory::TeamName(const std::string& team_id, Retry retry) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto name = teams_.Get(team_id)) return *name;
  }
  auto info = slack_.Call("team.info", "{\"team\":" + json::Quote(team_id) + "}", retry);
  const rapidjson::Value* team = info ? json::GetObject(*info, "team") : nullptr;
  if (team == nullptr) {
    // Not cached: the next use asks again (the id names it meanwhile).
    if (!info) util::log::Debug("slack team.info team={}: {}", team_id, info.error().message);
    return team_id;
  }
  std::string name = GetString(*team, "name");
  if (name.empty()) name = GetString(*team, "domain");
  if (name.empty()) name = team_id;
  std::lock_guard<std::mutex> lock(mutex_);
  teams_.Put(team_id, name);
  return name;
}

bridge::Requester SlackDirectory::Fetch(const std::string& user_id, Retry retry, util::TimePoint now) {
  auto info = slack_.Call("users.info", "{\"user\":" + json::Quote(user_id) + "}", retry);
  if (!info) {
    // Not cached: the next use asks again.
    if (retry == Retry::kNoWait) {
      util::log::Debug("slack users.info user={}: {}; shown as the user id", user_id, info.error().message);
    } else {
      util::log::Warn("slack users.info user={}: {}; using the user id as the name", user_id, info.error().message);
    }
    return bridge::Requester{user_id, "", "", false};
  }
  const rapidjson::Value* user = json::GetObject(*info, "user");
  if (user == nullptr) return bridge::Requester{user_id, "", "", false};
  bridge::Requester person{GetString(*user, "real_name"), "", "", false};
  std::string team_id = GetString(*user, "team_id");
  if (const rapidjson::Value* profile = json::GetObject(*user, "profile")) {
    if (person.name.empty()) person.name = GetString(*profile, "real_name");
    if (person.name.empty()) person.name = GetString(*profile, "display_name");
    person.email = GetString(*profile, "email");
    if (team_id.empty()) team_id = GetString(*profile, "team");
  }
  if (person.name.empty()) person.name = user_id;
  std::string enterprise_id;
  if (const rapidjson::Value* enterprise = json::GetObject(*user, "enterprise_user")) {
    enterprise_id = GetString(*enterprise, "enterprise_id");
  }
  std::optional<Home> home = HomeTeam();
  if (json::GetBool(*user, "is_stranger", false)) {
    person.external = true;
  } else if (!home) {
    // Our own workspace is unknown for now: not trusted, and not cached.
    person.external = true;
  } else if (!team_id.empty() && team_id != home->team_id) {
    // Another workspace of our own Grid organisation is not external.
    person.external = home->enterprise_id.empty() || enterprise_id != home->enterprise_id;
  }
  if (home && team_id == home->team_id && !home->team_name.empty()) {
    person.workspace = home->team_name;
  } else if (!team_id.empty()) {
    person.workspace = TeamName(team_id, retry);
  }
  if (!home) return person;
  std::lock_guard<std::mutex> lock(mutex_);
  users_.Put(user_id, KnownUser{person, now});
  return person;
}

std::map<std::string, std::string> SlackDirectory::NamesOf(const std::vector<std::string>& user_ids) {
  std::map<std::string, std::string> names;
  util::TimePoint now = util::SteadyClock::now();
  size_t lookups = 0;
  std::set<std::string> distinct(user_ids.begin(), user_ids.end());
  for (const std::string& id : distinct) {
    if (auto cached = Cached(id, now)) {
      names[id] = cached->name;
      continue;
    }
    // A message with hundreds of mentions costs at most this many calls,
    // and a slow Slack at most about this long.
    if (lookups == options_.max_lookups_per_message) continue;
    if (util::SteadyClock::now() - now >= options_.lookup_budget) continue;
    ++lookups;
    names[id] = Fetch(id, Retry::kNoWait, now).name;
  }
  if (names.size() < distinct.size()) {
    util::log::Info("slack: {} people mentioned in one message; {} looked up, the rest shown as ids", distinct.size(),
                    lookups);
  }
  return names;
}

namespace {

// Slack's ts, "1700004001.000100", as two numbers: compared as text, "9.1"
// would follow "10.1".
std::pair<long long, long long> TsParts(const std::string& ts) {
  size_t dot = ts.find('.');
  auto number = [](const std::string& digits) {
    long long value = 0;
    for (char c : digits.substr(0, 18)) {
      if (c < '0' || c > '9') return -1LL;
      value = value * 10 + (c - '0');
    }
    return value;
  };
  return {number(ts.substr(0, dot)), dot == std::string::npos ? 0 : number(ts.substr(dot + 1))};
}

}  // namespace

std::vector<bridge::ThreadMessage> SlackDirectory::EarlierInThread(const bridge::ThreadRef& thread,
                                                                   const std::string& before_ts) {
  std::vector<bridge::ThreadMessage> earlier;
  auto replies =
      slack_.Call("conversations.replies",
                  "{\"channel\":" + json::Quote(thread.channel) + ",\"ts\":" + json::Quote(thread.thread_ts) +
                      ",\"latest\":" + json::Quote(before_ts) + ",\"inclusive\":false,\"limit\":200}");
  if (!replies) {
    util::log::Warn(
        "slack conversations.replies channel={} thread={}: {}; the request goes without the thread's "
        "earlier messages",
        thread.channel, thread.thread_ts, replies.error().message);
    return earlier;
  }
  const rapidjson::Value* messages = json::GetArray(*replies, "messages");
  if (messages == nullptr) return earlier;
  std::vector<std::pair<std::string, std::string>> said;  // user id, text
  for (const rapidjson::Value& message : messages->GetArray()) {
    std::string user = GetString(message, "user");
    std::string subtype = GetString(message, "subtype");
    bool person =
        !user.empty() && GetString(message, "bot_id").empty() && (subtype.empty() || subtype == "thread_broadcast");
    if (!person || TsParts(GetString(message, "ts")) >= TsParts(before_ts)) continue;
    said.emplace_back(user, GetString(message, "text"));
  }
  if (said.size() > kMaxEarlierMessages) said.erase(said.begin(), said.end() - kMaxEarlierMessages);
  // The latest count most: the budget is spent from the mention backwards.
  size_t budget = kMaxEarlierTotalChars;
  for (auto it = said.rbegin(); it != said.rend() && budget > 0; ++it) {
    bridge::RichText rich = slack::ParseMrkdwn(it->second);
    bridge::NameMentions(rich, NamesOf(bridge::MentionedUserIds(rich)));
    std::string text = bridge::TruncateChars(bridge::ToPlainString(rich), std::min(kMaxEarlierChars, budget));
    budget -= std::min(budget, bridge::CharCount(text));
    earlier.push_back(bridge::ThreadMessage{LookUp(it->first).name, std::move(text)});
  }
  std::reverse(earlier.begin(), earlier.end());
  return earlier;
}

std::string SlackDirectory::Permalink(const bridge::ThreadRef& thread) {
  auto link = slack_.Call("chat.getPermalink", "{\"channel\":" + json::Quote(thread.channel) +
                                                   ",\"message_ts\":" + json::Quote(thread.thread_ts) + "}");
  return link ? GetString(*link, "permalink") : std::string();
}

}  // namespace app
