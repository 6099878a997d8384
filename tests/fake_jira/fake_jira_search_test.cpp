// The fake Jira's /search/jql over real HTTP: JQL bounds, epoch and
// wall-clock dates in the account's time zone, ordering and paging with
// nextPageToken, text search, search lag; and the JQL subset's parser.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "fake_jira.h"
#include "fake_jira_time.h"
#include "jira_http.h"
#include "jql.h"

namespace {

using fake::FakeJira;
using fake::Millis;
using fake_jira_test::CreateRequest;
using fake_jira_test::Get;
using fake_jira_test::IsPlatformError;
using fake_jira_test::Keys;
using fake_jira_test::Response;
using fake_jira_test::Search;
using fake_jira_test::String;

// "yyyy/MM/dd HH:mm" of `epoch_ms` as a wall clock `offset_minutes` from UTC.
std::string WallClock(long long epoch_ms, int offset_minutes, char separator = '/') {
  fake::CivilTime t = fake::ToCivil(epoch_ms, offset_minutes);
  return fmt::format("{:04d}{}{:02d}{}{:02d} {:02d}:{:02d}", t.year, separator, t.month, separator, t.day, t.hour,
                     t.minute);
}

}  // namespace

TEST_CASE("search/jql refuses unbounded and unsupported JQL with 400", "[fake_jira]") {
  FakeJira jira;
  jira.CreateRequest("One", "");
  Response unbounded = Search(jira, "updated >= -5d ORDER BY updated ASC");
  CHECK(unbounded.status == 400);
  REQUIRE(IsPlatformError(unbounded));
  CHECK(std::string(unbounded.json["errorMessages"][0].GetString()).find("Unbounded") != std::string::npos);
  CHECK(Search(jira, "").status == 400);
  CHECK(Search(jira, "ORDER BY key ASC").status == 400);
  CHECK(Search(jira, "project = SUP OR project = OPS").status == 400);
  CHECK(Search(jira, "project = SUP AND assignee = currentUser()").status == 400);
  CHECK(Search(jira, "project = SUP AND updated >= \"yesterday\"").status == 400);
  CHECK(Search(jira, "project = NOPE").status == 400);
  CHECK(Search(jira, "key in (SUP-1, SUP-99)").status == 400);
  CHECK(Search(jira, "project = SUP AND text ~ \"unterminated").status == 400);
  Response ok = Search(jira, "project = SUP");
  REQUIRE(ok.status == 200);
  CHECK(Keys(ok) == std::vector<std::string>{"SUP-1"});
  CHECK(ok.json["isLast"].GetBool());
  CHECK_FALSE(ok.json.HasMember("nextPageToken"));
  // The default field list is id only.
  Response ids = Search(jira, "project = SUP", R"("maxResults":10)");
  REQUIRE(ids.status == 200);
  CHECK(ids.json["issues"][0].HasMember("id"));
  CHECK_FALSE(ids.json["issues"][0].HasMember("fields"));
}

TEST_CASE("search/jql compares unquoted epoch milliseconds exactly", "[fake_jira]") {
  FakeJira jira;
  std::string key = jira.CreateRequest("Epoch", "");
  long long updated = jira.Issue(key)->updated_ms;
  Response at = Search(jira, fmt::format("project = SUP AND updated >= {}", updated));
  REQUIRE(at.status == 200);
  CHECK(Keys(at) == std::vector<std::string>{key});
  Response after = Search(jira, fmt::format("project = SUP AND updated >= {}", updated + 1));
  REQUIRE(after.status == 200);
  CHECK(after.json["issues"].Size() == 0);
  Response fields = Search(jira, fmt::format("project = SUP AND updated > {}", updated - 1));
  REQUIRE(Keys(fields).size() == 1);
  const auto& issue = fields.json["issues"][0];
  CHECK(String(issue["fields"], "updated") == fake::FormatJiraTime(updated, "UTC"));
  CHECK(String(issue["fields"]["status"], "name") == "Waiting for support");
  CHECK(String(issue["fields"]["status"]["statusCategory"], "key") == "new");
}

TEST_CASE("search/jql orders by updated and pages with nextPageToken", "[fake_jira]") {
  FakeJira jira;
  for (int i = 0; i < 5; ++i) jira.CreateRequest(fmt::format("Issue {}", i), "");
  // Comments bump `updated`: SUP-2 then SUP-4 become the most recent.
  REQUIRE(jira.WaitForClockPast(jira.Issue("SUP-5")->updated_ms));
  jira.AddAgentComment("SUP-2", "Ada Agent", "first bump", true);
  REQUIRE(jira.WaitForClockPast(jira.Issue("SUP-2")->updated_ms));
  jira.AddAgentComment("SUP-4", "Ada Agent", "second bump", true);
  std::string jql = "project = SUP ORDER BY updated ASC, key ASC";
  std::vector<std::string> keys;
  std::string token;
  int pages = 0;
  while (true) {
    std::string extra = R"("fields":["updated"],"maxResults":2)";
    if (!token.empty()) extra += fmt::format(R"(,"nextPageToken":"{}")", token);
    Response page = Search(jira, jql, extra);
    REQUIRE(page.status == 200);
    ++pages;
    for (const std::string& key : Keys(page)) keys.push_back(key);
    if (page.json["isLast"].GetBool()) break;
    token = String(page.json, "nextPageToken");
    REQUIRE(pages < 10);
  }
  CHECK(pages == 3);
  CHECK(keys == std::vector<std::string>{"SUP-1", "SUP-3", "SUP-5", "SUP-2", "SUP-4"});
  // A token belongs to its query.
  Response mixed = Search(jira, "project = SUP", fmt::format(R"("nextPageToken":"{}")", token.empty() ? "x" : token));
  CHECK(mixed.status == 400);
  Response capped = Search(jira, "project = SUP ORDER BY key DESC", R"("fields":["updated"],"maxResults":1000)");
  CHECK(capped.json["issues"].Size() == 5);
  jira.SetSearchMaxResults(2);
  Response small = Search(jira, "project = SUP ORDER BY key DESC", R"("fields":["updated"],"maxResults":1000)");
  CHECK(Keys(small) == std::vector<std::string>{"SUP-5", "SUP-4"});
  CHECK_FALSE(small.json["isLast"].GetBool());
}

TEST_CASE("search/jql text search finds a marker in the description and in comments", "[fake_jira]") {
  FakeJira jira;
  jira.CreateRequest("Unrelated", "nothing here");
  std::string key = jira.CreateRequest("Printer", "reported in Slack [slackdesk:C0123-1700000000.000100]");
  std::string other = jira.CreateRequest("Other", "");
  jira.AddAgentComment(other, "Ada Agent", "Linked to INC-77", false);
  Response found = Search(jira, "project = SUP AND text ~ \"slackdesk:C0123-1700000000.000100\"");
  REQUIRE(found.status == 200);
  CHECK(Keys(found) == std::vector<std::string>{key});
  CHECK(Keys(Search(jira, "project = SUP AND text ~ \"inc-77\"")) == std::vector<std::string>{other});
  CHECK(Search(jira, "project = SUP AND text ~ \"no such marker\"").json["issues"].Size() == 0);
}

TEST_CASE("quoted JQL dates are wall-clock minutes in the account's time zone", "[fake_jira]") {
  FakeJira jira;
  REQUIRE(jira.SetTimeZone("America/New_York"));
  std::string key = jira.CreateRequest("Zone trap", "");
  long long updated = jira.Issue(key)->updated_ms;
  long long window_start = updated - 10 * 60 * 1000;  // "anything in the last ten minutes"

  // A daemon that formats its window in UTC: Jira reads the literal as New
  // York time, hours in the future, and the update is silently missed.
  std::string utc_literal = WallClock(window_start, 0);
  Response utc = Search(jira, fmt::format("project = SUP AND updated >= \"{}\"", utc_literal));
  REQUIRE(utc.status == 200);
  CHECK(utc.json["issues"].Size() == 0);
  // The same instant in the account's zone, or as epoch ms, finds it.
  std::string local_literal = WallClock(window_start, fake::UtcOffsetMinutes("America/New_York", window_start), '-');
  CHECK(Keys(Search(jira, fmt::format("project = SUP AND updated >= \"{}\"", local_literal))).size() == 1);
  CHECK(Keys(Search(jira, fmt::format("project = SUP AND updated >= {}", window_start))).size() == 1);

  // Literals have minute granularity: the minute of the update matches, the
  // next one does not.
  REQUIRE(jira.SetTimeZone("Europe/Berlin"));
  int berlin = fake::UtcOffsetMinutes("Europe/Berlin", updated);
  CHECK(Keys(Search(jira, fmt::format("project = SUP AND updated >= \"{}\"", WallClock(updated, berlin)))).size() == 1);
  CHECK(Search(jira, fmt::format("project = SUP AND updated >= \"{}\"", WallClock(updated + 60000, berlin)))
            .json["issues"]
            .Size() == 0);
  // In Berlin a UTC literal lands an hour or two early: as an upper bound it
  // misses the update too.
  CHECK(Search(jira, fmt::format("project = SUP AND updated <= \"{}\"", WallClock(updated + 60000, 0)))
            .json["issues"]
            .Size() == 0);
}

TEST_CASE("search lag hides a fresh change from /search/jql until the lag has passed", "[fake_jira]") {
  FakeJira jira;
  jira.SetSearchLag(Millis(500));
  Response created = CreateRequest(jira, "Lagging", "");
  REQUIRE(created.status == 201);
  std::string key = String(created.json, "issueKey");
  std::string id = String(created.json, "issueId");
  // Direct reads are fresh at once; the index is not.
  CHECK(Get(jira, "/rest/servicedeskapi/request/" + key).status == 200);
  CHECK(Search(jira, "project = SUP").json["issues"].Size() == 0);
  // reconcileIssues asks for read-after-write consistency.
  CHECK(Keys(Search(jira, "project = SUP", fmt::format(R"("fields":["updated"],"reconcileIssues":[{}])", id))).size() ==
        1);
  REQUIRE(jira.WaitForSearchable(key, Millis(5000)));
  CHECK(Keys(Search(jira, "project = SUP")).size() == 1);

  long long before = jira.Issue(key)->updated_ms;
  REQUIRE(jira.WaitForClockPast(before));
  jira.AddAgentComment(key, "Ada Agent", "done?", true);
  long long bumped = jira.Issue(key)->updated_ms;
  REQUIRE(bumped > before);
  std::string since = fmt::format("project = SUP AND updated >= {}", before + 1);
  Response stale = Search(jira, since);
  CHECK(stale.json["issues"].Size() == 0);
  // The index still shows the old `updated` for the issue.
  Response old = Search(jira, "project = SUP");
  REQUIRE(Keys(old).size() == 1);
  CHECK(String(old.json["issues"][0]["fields"], "updated") == fake::FormatJiraTime(before, "UTC"));
  // Waits out the lag on the clock.
  REQUIRE(jira.WaitForSearchable(key, Millis(5000)));
  CHECK(Keys(Search(jira, since)).size() == 1);
}

TEST_CASE("a status change shows in the request and in search and bumps updated", "[fake_jira]") {
  FakeJira jira;
  std::string key = jira.CreateRequest("Status", "");
  long long before = jira.Issue(key)->updated_ms;
  REQUIRE(jira.WaitForClockPast(before));
  REQUIRE(jira.SetStatus(key, "Resolved", "done"));
  CHECK_FALSE(jira.SetStatus(key, "Odd", "purple"));
  CHECK(jira.Issue(key)->updated_ms > before);
  Response request = Get(jira, "/rest/servicedeskapi/request/" + key);
  CHECK(String(request.json["currentStatus"], "status") == "Resolved");
  CHECK(String(request.json["currentStatus"], "statusCategory") == "DONE");
  Response found = Search(jira, fmt::format("project = SUP AND updated > {}", before));
  REQUIRE(Keys(found).size() == 1);
  CHECK(String(found.json["issues"][0]["fields"]["status"]["statusCategory"], "key") == "done");
}

TEST_CASE("the JQL parser reads the subset and rejects the rest", "[fake_jira]") {
  long long now = 1767225600000;  // 2026-01-01T00:00Z
  fake::JqlParse full = fake::ParseJql(
      "project = SUP AND key in (sup-1, \"SUP-2\") AND updated >= 1767225600000 AND text ~ 'x y' "
      "ORDER BY updated ASC, key DESC",
      "Europe/Berlin", now);
  REQUIRE(full.ok);
  CHECK(full.query.project_sets == std::vector<std::vector<std::string>>{{"SUP"}});
  CHECK(fake::ParseJql("project in (SUP, \"BILL\") AND text ~ x", "Europe/Berlin", now).query.project_sets ==
        std::vector<std::vector<std::string>>{{"SUP", "BILL"}});
  CHECK(full.query.key_sets.at(0) == std::vector<std::string>{"SUP-1", "SUP-2"});
  CHECK(full.query.time_bounds.at(0).epoch_ms == now);
  CHECK(full.query.text_terms.at(0) == "x y");
  REQUIRE(full.query.order_by.size() == 2);
  CHECK_FALSE(full.query.order_by[1].ascending);
  // Winter in Berlin is UTC+1, summer UTC+2.
  CHECK(fake::ParseJql("project = SUP AND updated >= \"2026/01/01 01:00\"", "Europe/Berlin", now)
            .query.time_bounds.at(0)
            .epoch_ms == now);
  CHECK(fake::ParseJql("project = SUP AND updated >= \"2026-07-01 02:00\"", "Europe/Berlin", now)
            .query.time_bounds.at(0)
            .epoch_ms == fake::DaysFromCivil(2026, 7, 1) * 86400000LL);
  CHECK(fake::ParseJql("project = SUP AND updated >= -5m", "UTC", now + 30000).query.time_bounds.at(0).epoch_ms ==
        now - 5 * 60000);
  CHECK_FALSE(fake::ParseJql("project = SUP AND (updated >= 1)", "UTC", now).ok);
  CHECK_FALSE(fake::ParseJql("project = SUP AND NOT key = SUP-1", "UTC", now).ok);
  CHECK_FALSE(fake::ParseJql("project = SUP AND updated >= \"2026/01/01 10:00:00\"", "UTC", now).ok);
  CHECK_FALSE(fake::ParseJql("project = SUP AND updated >= \"2026/02/30\"", "UTC", now).ok);
  CHECK_FALSE(fake::ParseJql("project = SUP AND updated ~ 1", "UTC", now).ok);
  CHECK_FALSE(fake::ParseJql("project = SUP ORDER BY priority", "UTC", now).ok);
  CHECK_FALSE(fake::ParseJql("project = SUP AND key in (SUP-1", "UTC", now).ok);
  CHECK(fake::ParseJql("project = SUP AND summary ~ x", "UTC", now).error.find("summary") != std::string::npos);
}
