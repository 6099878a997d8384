// The fake Jira in its Data Center mode against behind-the-firewall.md
// (sections 0-6), over real HTTP: what Data Center answers differently
// from Cloud, and what it refuses. One behaviour per test case.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "fake_jira.h"
#include "jira_http.h"
#include "util/json_util.h"

namespace {

using fake::FakeJira;
using fake::JiraDeployment;
using fake_jira_test::Get;
using fake_jira_test::IsPlatformError;
using fake_jira_test::Response;
using fake_jira_test::Send;
using fake_jira_test::SendBearer;
using fake_jira_test::String;

struct DataCenter {
  FakeJira jira{JiraDeployment::kDataCenter};
};

std::string SearchBody(const std::string& jql, const std::string& extra = "") {
  return fmt::format(R"({{"jql":{},"fields":["updated","status"]{}}})", json::Quote(jql), extra);
}

}  // namespace

TEST_CASE("serverInfo names the deployment: Server with its version on Data Center, Cloud on Cloud", "[fake_jira]") {
  DataCenter dc;
  Response info = SendBearer(dc.jira, "GET", "/rest/api/2/serverInfo");
  REQUIRE(info.status == 200);
  CHECK(String(info.json, "deploymentType") == "Server");
  CHECK(String(info.json, "version") == "10.3.13");
  CHECK(info.json["versionNumbers"].Size() == 3);
  CHECK(String(info.json, "baseUrl") == dc.jira.base_url());
  // "2026-09-04T16:07:42.487-0700": the server's offset, no colon.
  std::string time = String(info.json, "serverTime");
  REQUIRE(time.size() == 28);
  CHECK((time.substr(23) == "-0700" || time.substr(23) == "-0800"));
  // Anyone may read it; a wrong token is still refused.
  CHECK(Send(dc.jira, "GET", "/rest/api/2/serverInfo", {}, {}, false).status == 200);
  CHECK(Send(dc.jira, "GET", "/rest/api/2/serverInfo", {}, {{"Authorization", "Bearer nope"}}, false).status == 401);
  FakeJira cloud;
  CHECK(Send(cloud, "GET", "/rest/api/2/serverInfo", {}, {}, false).status == 200);
  Response cloud_info = Get(cloud, "/rest/api/2/serverInfo");
  REQUIRE(cloud_info.status == 200);
  CHECK(String(cloud_info.json, "deploymentType") == "Cloud");
  CHECK(String(cloud_info.json, "version") == "1001.0.0-SNAPSHOT");
}

TEST_CASE_METHOD(DataCenter, "Data Center takes the personal access token as Bearer and refuses Basic with 403",
                 "[fake_jira]") {
  CHECK(SendBearer(jira, "GET", "/rest/api/2/myself").status == 200);
  Response basic = Get(jira, "/rest/api/2/myself");  // the Cloud credentials, as Basic
  CHECK(basic.status == 403);
  CHECK(basic.body == R"({"message":"Basic Authentication has been disabled on this instance."})");
  Response wrong =
      Send(jira, "GET", "/rest/servicedeskapi/servicedesk/3", {}, {{"Authorization", "Bearer nope"}}, false);
  CHECK(wrong.status == 401);
  CHECK(wrong.body == R"({"message":"Client must be authenticated to access this resource.","status-code":401})");
  CHECK(Send(jira, "GET", "/rest/api/2/myself", {}, {}, false).status == 401);
}

TEST_CASE_METHOD(DataCenter, "Data Center has no /rest/api/3 and no /search/jql", "[fake_jira]") {
  CHECK(SendBearer(jira, "GET", "/rest/api/3/myself").status == 404);
  CHECK(SendBearer(jira, "POST", "/rest/api/3/search/jql", SearchBody("project = SUP")).status == 404);
  Response jql = SendBearer(jira, "POST", "/rest/api/2/search/jql", SearchBody("project = SUP"));
  CHECK(jql.status == 404);
  CHECK(String(jql.json, "message").rfind("null for uri: ", 0) == 0);
  // Cloud's customer search is not relied on there.
  CHECK(SendBearer(jira, "GET", "/rest/servicedeskapi/servicedesk/3/customer?query=a").status == 404);
}

TEST_CASE_METHOD(DataCenter, "myself and users carry a name and a key, never an accountId", "[fake_jira]") {
  Response me = SendBearer(jira, "GET", "/rest/api/2/myself");
  REQUIRE(me.status == 200);
  CHECK(String(me.json, "name") == FakeJira::kBotUsername);
  CHECK(String(me.json, "key") == FakeJira::kBotUserKey);
  CHECK(String(me.json, "emailAddress") == FakeJira::kEmail);
  CHECK_FALSE(me.json.HasMember("accountId"));
  CHECK(jira.BotId() == FakeJira::kBotUsername);
  // A customer's username is their e-mail.
  CHECK(jira.AddCustomer("ada@example.com", "Ada Lovelace") == "ada@example.com");
  Response user = SendBearer(jira, "GET", "/rest/api/2/user?username=ada%40example.com");
  REQUIRE(user.status == 200);
  CHECK(String(user.json, "name") == "ada@example.com");
  CHECK(String(user.json, "key").rfind("JIRAUSER", 0) == 0);
  CHECK_FALSE(user.json.HasMember("accountId"));
}

TEST_CASE_METHOD(DataCenter, "user search finds users by username, name or e-mail fragment", "[fake_jira]") {
  jira.AddCustomer("ada@example.com", "Ada Lovelace");
  jira.AddCustomer("ada@example.com.evil.org", "Not Ada");
  Response found = SendBearer(jira, "GET", "/rest/api/2/user/search?username=ada%40example.com");
  REQUIRE(found.status == 200);
  REQUIRE(found.json.IsArray());
  CHECK(found.json.Size() == 2);  // a fragment matches: callers filter exactly
  CHECK(String(found.json[0], "name") == "ada@example.com");
  Response paged = SendBearer(jira, "GET", "/rest/api/2/user/search?username=ada&startAt=1&maxResults=1");
  REQUIRE(paged.json.IsArray());
  REQUIRE(paged.json.Size() == 1);
  CHECK(String(paged.json[0], "name") == "ada@example.com.evil.org");
  CHECK(SendBearer(jira, "GET", "/rest/api/2/user/search").status == 400);
}

TEST_CASE_METHOD(DataCenter, "requests are raised on behalf of a customer by username", "[fake_jira]") {
  jira.AddCustomer("ada@example.com", "Ada Lovelace");
  Response by_name = SendBearer(jira, "POST", "/rest/servicedeskapi/request",
                                fmt::format(R"({{"serviceDeskId":"3","requestTypeId":"10","requestFieldValues":)"
                                            R"({{"summary":"VPN","description":"x"}},"raiseOnBehalfOf":"{}"}})",
                                            "ada@example.com"));
  REQUIRE(by_name.status == 201);
  CHECK(String(by_name.json["reporter"], "name") == "ada@example.com");
  CHECK_FALSE(by_name.json["reporter"].HasMember("accountId"));
  CHECK(jira.Issues().back().reporter_account_id == "ada@example.com");
  Response unknown = SendBearer(jira, "POST", "/rest/servicedeskapi/request",
                                R"({"serviceDeskId":"3","requestTypeId":"10","requestFieldValues":{"summary":"x"},)"
                                R"("raiseOnBehalfOf":"qm:9f3c2b1a-not-a-username"})");
  CHECK(unknown.status == 400);
}

TEST_CASE_METHOD(DataCenter, "comments have no jsdPublic: the sd.public.comment property marks internal notes",
                 "[fake_jira]") {
  std::string key = jira.CreateRequest("Printer", "jams");
  jira.AddAgentComment(key, "Grace Hopper", "internal note", false);
  jira.AddAgentComment(key, "Grace Hopper", "public reply", true);
  Response page = SendBearer(jira, "GET", "/rest/api/2/issue/" + key + "/comment?expand=properties");
  REQUIRE(page.status == 200);
  REQUIRE(page.json["comments"].Size() == 2);
  const auto& internal = page.json["comments"][0];
  const auto& reply = page.json["comments"][1];
  CHECK_FALSE(internal.HasMember("jsdPublic"));
  CHECK_FALSE(reply.HasMember("jsdPublic"));
  REQUIRE(internal["properties"].Size() == 1);
  CHECK(String(internal["properties"][0], "key") == "sd.public.comment");
  CHECK(internal["properties"][0]["value"]["internal"].GetBool());
  CHECK(reply["properties"].Size() == 0);  // no property: public ([U] on real sites)
  CHECK(String(reply["author"], "name") == "grace.hopper");
  CHECK(String(reply["author"], "key").rfind("JIRAUSER", 0) == 0);
  CHECK_FALSE(reply["author"].HasMember("accountId"));
  std::string created = String(reply, "created");
  CHECK((created.substr(23) == "-0700" || created.substr(23) == "-0800"));
  // The platform API takes properties on create, the slackdesk marker too.
  Response added =
      SendBearer(jira, "POST", "/rest/api/2/issue/" + key + "/comment?expand=properties",
                 R"({"body":"from slack","properties":[{"key":"sd.public.comment","value":{"internal":false}},)"
                 R"({"key":"slackdesk","value":{"marker":"comment:C1:1.2"}}]})");
  REQUIRE(added.status == 201);
  CHECK(added.json["properties"].Size() == 2);
  CHECK(jira.Issue(key)->comments.back().author_account_id == FakeJira::kBotUsername);
}

TEST_CASE_METHOD(DataCenter, "search is /rest/api/2/search paged by startAt with the true total", "[fake_jira]") {
  for (int i = 0; i < 5; ++i) jira.CreateRequest(fmt::format("issue {}", i), "");
  Response first = SendBearer(jira, "POST", "/rest/api/2/search",
                              SearchBody("project = SUP ORDER BY key ASC", R"(,"startAt":0,"maxResults":2)"));
  REQUIRE(first.status == 200);
  CHECK(first.json["total"].GetInt64() == 5);
  CHECK(first.json["startAt"].GetInt64() == 0);
  REQUIRE(first.json["issues"].Size() == 2);
  CHECK(String(first.json["issues"][0], "key") == "SUP-1");
  Response last = SendBearer(jira, "POST", "/rest/api/2/search",
                             SearchBody("project = SUP ORDER BY key ASC", R"(,"startAt":4,"maxResults":2)"));
  REQUIRE(last.json["issues"].Size() == 1);
  CHECK(String(last.json["issues"][0], "key") == "SUP-5");
  std::string updated = String(last.json["issues"][0]["fields"], "updated");
  CHECK((updated.substr(23) == "-0700" || updated.substr(23) == "-0800"));
  // GET works too; maxResults defaults to 50 and is clamped at 1000;
  // unbounded JQL is allowed.
  Response get = SendBearer(jira, "GET", "/rest/api/2/search?jql=order%20by%20key&maxResults=5000");
  REQUIRE(get.status == 200);
  CHECK(get.json["maxResults"].GetInt64() == 1000);
  CHECK(get.json["issues"].Size() == 5);
  CHECK(SendBearer(jira, "GET", "/rest/api/2/search?jql=order%20by%20key").json["maxResults"].GetInt64() == 50);
  Response missing = SendBearer(jira, "POST", "/rest/api/2/search", SearchBody("key in (SUP-9) AND updated >= 0"));
  CHECK(missing.status == 400);
  CHECK(IsPlatformError(missing));
}

TEST_CASE_METHOD(DataCenter, "a 429 carries Data Center's rate-limit headers", "[fake_jira]") {
  jira.FailNext("GET", "/rest/api/2/myself", 429, 2);
  Response limited = SendBearer(jira, "GET", "/rest/api/2/myself");
  CHECK(limited.status == 429);
  CHECK(limited.raw.Header("retry-after") == "2");
  CHECK(limited.raw.Header("x-ratelimit-fillrate") == "5");
  CHECK(limited.raw.Header("x-ratelimit-interval-seconds") == "1");
  CHECK(limited.raw.Header("x-ratelimit-reset").empty());
}
