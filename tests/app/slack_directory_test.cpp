// The Slack directory against the recording Slack: who is external (Slack
// Connect), which workspace people are in, and what one message may cost
// in look-ups (bounded, cached in bounded caches).
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "app/slack_directory.h"
#include "recording_slack.h"
#include "slack/web_api/web_api_client.h"

namespace {

slack::web_api::WebApiOptions Options() {
  auto options = slack::web_api::DefaultWebApiOptions(fake::RecordingSlack::kBaseUrl, "xoxb-test");
  options.retry_backoff = {util::Millis(1), util::Millis(5), 2.0};
  options.sleep = [](util::Duration) {};
  return options;
}

struct Directory {
  explicit Directory(app::DirectoryOptions options = {}) : api(slack, Options()), directory(api, options) {}
  fake::RecordingSlack slack;
  slack::web_api::WebApiClient api;
  app::SlackDirectory directory;
};

}  // namespace

TEST_CASE("a member of the bot's workspace is named with it and is not external", "[app][directory]") {
  Directory d;
  d.slack.AddUser("U1", "Ada Lovelace", "ada@example.com");
  bridge::Requester ada = d.directory.LookUp("U1");
  CHECK(ada.name == "Ada Lovelace");
  CHECK(ada.email == "ada@example.com");
  CHECK(ada.workspace == fake::RecordingSlack::kTeamName);
  CHECK_FALSE(ada.external);
}

TEST_CASE("a Slack Connect user is external and named with their workspace, cached", "[app][directory]") {
  Directory d;
  d.slack.AddExternalUser("U9", "Eve Mallory", "ada@example.com", "T0OTHER", "Other Org");
  bridge::Requester eve = d.directory.LookUp("U9");
  CHECK(eve.external);
  CHECK(eve.workspace == "Other Org");
  CHECK(eve.email == "ada@example.com");
  d.directory.LookUp("U9");
  d.slack.AddExternalUser("U8", "Mal Lory", "", "T0OTHER", "Other Org");
  d.directory.LookUp("U8");
  CHECK(d.slack.Calls("users.info").size() == 2);
  CHECK(d.slack.Calls("team.info").size() == 1);  // the workspace's name is cached
  CHECK(d.slack.Calls("auth.test").size() == 1);  // the bot's own workspace is asked once
}

TEST_CASE("while the bot's own workspace is unknown, nobody's e-mail is trusted", "[app][directory]") {
  Directory d;
  d.slack.AddUser("U1", "Ada Lovelace", "ada@example.com");
  d.slack.FailNext("auth.test", 200, "invalid_auth");
  CHECK(d.directory.LookUp("U1").external);
  // Not cached: asked again, and now known.
  CHECK_FALSE(d.directory.LookUp("U1").external);
}

TEST_CASE("one message costs at most max_lookups_per_message look-ups, the rest stay ids", "[app][directory]") {
  Directory d;
  std::vector<std::string> ids;
  for (int i = 0; i < 30; ++i) {
    std::string id = "U" + std::to_string(100 + i);
    d.slack.AddUser(id, "Person " + std::to_string(i), "");
    ids.push_back(id);
    ids.push_back(id);  // mentioned twice: looked up once
  }
  auto names = d.directory.NamesOf(ids);
  CHECK(d.slack.Calls("users.info").size() == 20);
  CHECK(names.size() == 20);
  // Those known are named from the cache in the next message, and 20 more looked up.
  auto again = d.directory.NamesOf(ids);
  CHECK(again.size() == 30);
  CHECK(d.slack.Calls("users.info").size() == 30);
}

TEST_CASE("names of mentioned people never wait out a rate limit", "[app][directory]") {
  Directory d;
  d.slack.AddUser("U1", "Ada Lovelace", "");
  d.slack.FailNext("users.info", 429, "", 3);
  auto names = d.directory.NamesOf({"U1"});
  CHECK(names.count("U1") == 1);
  CHECK(names["U1"] == "U1");                      // shown as the id
  CHECK(d.slack.Calls("users.info").size() == 1);  // one attempt, no retry
  // An author must be named: that look-up retries.
  CHECK(d.directory.LookUp("U1").name == "Ada Lovelace");
}

TEST_CASE("the users cache is bounded: a storm of distinct users evicts the oldest", "[app][directory]") {
  app::DirectoryOptions options;
  options.max_users = 2;
  Directory d(options);
  for (const char* id : {"U1", "U2", "U3"}) d.slack.AddUser(id, id, "");
  d.directory.LookUp("U1");
  d.directory.LookUp("U2");
  d.directory.LookUp("U3");  // U1 goes
  d.directory.LookUp("U3");
  CHECK(d.slack.Calls("users.info").size() == 3);
  d.directory.LookUp("U1");
  CHECK(d.slack.Calls("users.info").size() == 4);
}

TEST_CASE("a message's look-ups stop when its time budget is spent", "[app][directory]") {
  app::DirectoryOptions options;
  options.lookup_budget = util::Millis(0);  // spent before the first one
  Directory d(options);
  d.slack.AddUser("U1", "Ada Lovelace", "");
  CHECK(d.directory.NamesOf({"U1"}).empty());
  CHECK(d.slack.Calls("users.info").empty());
  CHECK(d.directory.LookUp("U1").name == "Ada Lovelace");  // an author is always looked up
  CHECK(d.directory.NamesOf({"U1"}).at("U1") == "Ada Lovelace");  // and then known from the cache
}
