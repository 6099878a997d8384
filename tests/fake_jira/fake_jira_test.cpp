// The fake Jira against helpdesk-facts.md section A, over real HTTP with
// CurlHttpClient: shapes, errors, paging and injected faults (search and JQL
// in fake_jira_search_test.cpp). One behaviour per test case.
#include <thread>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "fake_jira.h"
#include "jira_http.h"
#include "util/http/curl_http_client.h"
#include "util/json_util.h"
#include "util/strings.h"

namespace {

using fake::FakeJira;
using fake::Millis;
using fake_jira_test::CreateRequest;
using fake_jira_test::Get;
using fake_jira_test::Headers;
using fake_jira_test::IsPlatformError;
using fake_jira_test::IsServiceDeskError;
using fake_jira_test::Post;
using fake_jira_test::Response;
using fake_jira_test::Search;
using fake_jira_test::Send;
using fake_jira_test::String;

}  // namespace

TEST_CASE("requests without the bot's Basic credentials get 401 with a JSON body", "[fake_jira]") {
  FakeJira jira;
  Response anonymous = Send(jira, "GET", "/rest/api/3/myself", {}, {}, false);
  CHECK(anonymous.status == 401);
  CHECK(IsPlatformError(anonymous));
  Response wrong = Send(jira, "GET", "/rest/api/3/myself", {}, {{"Authorization", "Basic Ym90QGV4YW1wbGUuY29tOm5v"}},
                        false);
  CHECK(wrong.status == 401);
  Response bearer = Send(jira, "GET", "/rest/servicedeskapi/servicedesk/3", {},
                         {{"Authorization", std::string("Bearer ") + FakeJira::kApiToken}}, false);
  CHECK(bearer.status == 401);
  CHECK(IsServiceDeskError(bearer));
  CHECK(Get(jira, "/rest/api/3/myself").status == 200);
}

TEST_CASE("myself describes the bot account with its non-UTC profile time zone", "[fake_jira]") {
  FakeJira jira;
  Response me = Get(jira, "/rest/api/3/myself");
  REQUIRE(me.status == 200);
  CHECK(String(me.json, "accountId") == FakeJira::kBotAccountId);
  CHECK(String(me.json, "emailAddress") == FakeJira::kEmail);
  CHECK(String(me.json, "displayName") == "slackdesk bot");
  CHECK(String(me.json, "timeZone") == "Europe/Berlin");
  CHECK(String(me.json, "accountType") == "atlassian");
  CHECK(me.json["active"].GetBool());
  REQUIRE(jira.SetTimeZone("America/New_York"));
  CHECK_FALSE(jira.SetTimeZone("Mars/Olympus_Mons"));
  CHECK(String(Get(jira, "/rest/api/3/myself").json, "timeZone") == "America/New_York");
}

TEST_CASE("service desk and request type are found and unknown ids get servicedeskapi 404 bodies", "[fake_jira]") {
  FakeJira jira;
  Response desk = Get(jira, "/rest/servicedeskapi/servicedesk/3");
  REQUIRE(desk.status == 200);
  CHECK(String(desk.json, "id") == "3");
  CHECK(String(desk.json, "projectKey") == "SUP");
  CHECK(String(desk.json, "projectId") == FakeJira::kProjectId);
  CHECK(desk.json.HasMember("projectName"));
  CHECK(desk.json["_links"].HasMember("self"));
  Response type = Get(jira, "/rest/servicedeskapi/servicedesk/3/requesttype/10");
  REQUIRE(type.status == 200);
  CHECK(String(type.json, "name") == "Get IT help");
  CHECK(String(type.json, "serviceDeskId") == "3");
  CHECK(type.json.HasMember("description"));

  Response no_desk = Get(jira, "/rest/servicedeskapi/servicedesk/99");
  CHECK(no_desk.status == 404);
  CHECK(IsServiceDeskError(no_desk));
  Response no_type = Get(jira, "/rest/servicedeskapi/servicedesk/3/requesttype/77");
  CHECK(no_type.status == 404);
  CHECK(IsServiceDeskError(no_type));
  CHECK(no_type.json["i18nErrorMessage"]["parameters"].IsArray());
}

TEST_CASE("creating a request answers 201 with the CustomerRequestDTO shape", "[fake_jira]") {
  FakeJira jira;
  long long before = jira.NowMs();
  Response created = CreateRequest(jira, "Printer on fire", "Smoke from tray 2");
  long long after = jira.NowMs();
  REQUIRE(created.status == 201);
  const rapidjson::Value& dto = created.json;
  CHECK(String(dto, "issueKey") == "SUP-1");
  CHECK(!String(dto, "issueId").empty());
  CHECK(String(dto, "serviceDeskId") == "3");
  CHECK(String(dto, "requestTypeId") == "10");
  long long epoch = dto["createdDate"]["epochMillis"].GetInt64();
  CHECK(epoch >= before);
  CHECK(epoch <= after);
  CHECK(String(dto["createdDate"], "jira").find(".") != std::string::npos);
  CHECK(dto["createdDate"].HasMember("iso8601"));
  CHECK(dto["createdDate"].HasMember("friendly"));
  CHECK(String(dto["reporter"], "accountId") == FakeJira::kBotAccountId);
  // An array in the response although create takes a map.
  REQUIRE(dto["requestFieldValues"].IsArray());
  const rapidjson::Value& first = dto["requestFieldValues"][0];
  CHECK(String(first, "fieldId") == "summary");
  CHECK(String(first, "label") == "Summary");
  CHECK(String(first, "value") == "Printer on fire");
  CHECK(String(dto["currentStatus"], "status") == "Waiting for support");
  CHECK(String(dto["currentStatus"], "statusCategory") == "NEW");
  CHECK(dto["currentStatus"]["statusDate"].HasMember("epochMillis"));
  const rapidjson::Value& links = dto["_links"];
  CHECK(String(links, "web") == jira.base_url() + "/servicedesk/customer/portal/7/SUP-1");
  CHECK(String(links, "agent") == jira.base_url() + "/browse/SUP-1");
  CHECK(links.HasMember("jiraRest"));
  CHECK(links.HasMember("self"));

  Response again = Get(jira, "/rest/servicedeskapi/request/SUP-1");
  REQUIRE(again.status == 200);
  CHECK(String(again.json, "issueKey") == "SUP-1");
  CHECK(Get(jira, "/rest/servicedeskapi/request/SUP-9").status == 404);
  REQUIRE(jira.Issue("SUP-1"));
  CHECK(jira.Issue("SUP-1")->description == "Smoke from tray 2");
}

TEST_CASE("create refuses an empty summary and one over 255 characters", "[fake_jira]") {
  FakeJira jira;
  Response empty = CreateRequest(jira, "");
  CHECK(empty.status == 400);
  CHECK(IsServiceDeskError(empty));
  CHECK(String(empty.json, "errorMessage").find("summary") != std::string::npos);
  Response missing = Post(jira, "/rest/servicedeskapi/request",
                          R"({"serviceDeskId":"3","requestTypeId":"10","requestFieldValues":{"description":"x"}})");
  CHECK(missing.status == 400);
  Response too_long = CreateRequest(jira, std::string(256, 'x'));
  CHECK(too_long.status == 400);
  CHECK(IsServiceDeskError(too_long));
  CHECK(String(too_long.json, "errorMessage").find("255") != std::string::npos);
  Response newline = CreateRequest(jira, "two\nlines");
  CHECK(newline.status == 400);
  Response unknown_field = CreateRequest(jira, "ok", "", R"(,"requestFieldValues2":1)");
  CHECK(unknown_field.status == 201);  // unknown top-level keys are ignored
  CHECK(CreateRequest(jira, std::string(255, 'y')).status == 201);
  Response bad_desk = Post(jira, "/rest/servicedeskapi/request",
                           R"({"serviceDeskId":"99","requestTypeId":"10","requestFieldValues":{"summary":"x"}})");
  CHECK(bad_desk.status == 404);
  CHECK(IsServiceDeskError(bad_desk));
  Response bad_type = Post(jira, "/rest/servicedeskapi/request",
                           R"({"serviceDeskId":3,"requestTypeId":"11","requestFieldValues":{"summary":"x"}})");
  CHECK(bad_type.status == 400);
  CHECK(IsServiceDeskError(bad_type));
  CHECK(jira.Issues().size() == 2);
}

TEST_CASE("raiseOnBehalfOf makes a known customer the reporter and refuses an unknown accountId", "[fake_jira]") {
  FakeJira jira;
  std::string customer = jira.AddCustomer("ana@example.org", "Ana Lima");
  CHECK(util::StartsWith(customer, "qm:"));
  Response on_behalf = CreateRequest(jira, "VPN down", "", fmt::format(R"(,"raiseOnBehalfOf":"{}")", customer));
  REQUIRE(on_behalf.status == 201);
  CHECK(String(on_behalf.json["reporter"], "accountId") == customer);
  CHECK(String(on_behalf.json["reporter"], "emailAddress") == "ana@example.org");
  CHECK(jira.Issue("SUP-1")->reporter_account_id == customer);

  Response unknown = CreateRequest(jira, "VPN down", "", R"(,"raiseOnBehalfOf":"qm:nobody")");
  CHECK(unknown.status == 400);
  CHECK(IsServiceDeskError(unknown));
  // The contract is an accountId, not an e-mail address.
  CHECK(CreateRequest(jira, "VPN down", "", R"(,"raiseOnBehalfOf":"ana@example.org")").status == 400);
  CHECK(jira.Issues().size() == 1);
}

TEST_CASE("customer search needs the X-ExperimentalApi opt-in header", "[fake_jira]") {
  FakeJira jira;
  std::string ana = jira.AddCustomer("ana@example.org", "Ana Lima");
  jira.AddCustomer("bo@example.org", "Bo Berg");
  Response refused = Get(jira, "/rest/servicedeskapi/servicedesk/3/customer?query=ana%40example.org");
  CHECK(refused.status == 412);
  CHECK(IsServiceDeskError(refused));
  CHECK(String(refused.json, "errorMessage").find("X-ExperimentalApi") != std::string::npos);
  Response found =
      Get(jira, "/rest/servicedeskapi/servicedesk/3/customer?query=ana%40example.org", {{"X-ExperimentalApi", "opt-in"}});
  REQUIRE(found.status == 200);
  CHECK(found.json["size"].GetInt() == 1);
  CHECK(found.json["isLastPage"].GetBool());
  CHECK(String(found.json["values"][0], "accountId") == ana);
  Response paged = Get(jira, "/rest/servicedeskapi/servicedesk/3/customer?start=0&limit=1", {{"X-ExperimentalApi", "opt-in"}});
  REQUIRE(paged.status == 200);
  CHECK(paged.json["size"].GetInt() == 1);
  CHECK_FALSE(paged.json["isLastPage"].GetBool());
  CHECK(paged.json["_links"].HasMember("next"));
}

TEST_CASE("servicedeskapi comments hide internal notes with public=true&internal=false", "[fake_jira]") {
  FakeJira jira;
  std::string key = jira.CreateRequest("Laptop", "");
  Response mine = Post(jira, "/rest/servicedeskapi/request/" + key + "/comment", R"({"body":"From Slack","public":true})");
  REQUIRE(mine.status == 201);
  CHECK(String(mine.json["author"], "accountId") == FakeJira::kBotAccountId);
  CHECK(mine.json["public"].GetBool());
  CHECK(mine.json["created"].HasMember("epochMillis"));
  std::string internal_id = jira.AddAgentComment(key, "Ada Agent", "customer seems confused", false);
  std::string public_id = jira.AddAgentComment(key, "Ada Agent", "Try rebooting", true);
  REQUIRE(!internal_id.empty());

  Response all = Get(jira, "/rest/servicedeskapi/request/" + key + "/comment");
  REQUIRE(all.status == 200);
  CHECK(all.json["size"].GetInt() == 3);
  Response visible = Get(jira, "/rest/servicedeskapi/request/" + key + "/comment?public=true&internal=false");
  REQUIRE(visible.status == 200);
  REQUIRE(visible.json["size"].GetInt() == 2);
  CHECK(String(visible.json["values"][1], "id") == public_id);
  CHECK(String(visible.json["values"][1]["author"], "displayName") == "Ada Agent");
  for (const auto& comment : visible.json["values"].GetArray()) CHECK(comment["public"].GetBool());
  Response internal_only = Get(jira, "/rest/servicedeskapi/request/" + key + "/comment?public=false");
  REQUIRE(internal_only.json["size"].GetInt() == 1);
  CHECK(String(internal_only.json["values"][0], "id") == internal_id);
  CHECK_FALSE(internal_only.json["values"][0]["public"].GetBool());

  Response internal_post =
      Post(jira, "/rest/servicedeskapi/request/" + key + "/comment", R"({"body":"note to self","public":false})");
  REQUIRE(internal_post.status == 201);
  CHECK_FALSE(jira.Issue(key)->comments.back().is_public);
  CHECK(Post(jira, "/rest/servicedeskapi/request/" + key + "/comment", R"({"body":"  "})").status == 400);
}

TEST_CASE("platform comments show jsdPublic and keep properties with ids increasing across issues", "[fake_jira]") {
  FakeJira jira;
  std::string first = jira.CreateRequest("One", "");
  std::string second = jira.CreateRequest("Two", "");
  Response v2 = Post(jira, "/rest/api/2/issue/" + first + "/comment?expand=properties",
                     R"({"body":"*bold* from Slack","properties":[{"key":"slackdesk","value":{"ts":"1700.01"}}]})");
  REQUIRE(v2.status == 201);
  CHECK(String(v2.json, "body") == "*bold* from Slack");
  CHECK(v2.json["jsdPublic"].GetBool());
  CHECK(String(v2.json["properties"][0], "key") == "slackdesk");
  Response v3 = Post(jira, "/rest/api/3/issue/" + second + "/comment",
                     R"({"body":{"type":"doc","version":1,"content":[{"type":"paragraph","content":[)"
                     R"({"type":"text","text":"hello "},{"type":"text","text":"there"}]}]}})");
  REQUIRE(v3.status == 201);
  CHECK(jira.Issue(second)->comments.at(0).body == "hello there");
  CHECK(std::stoll(String(v3.json, "id")) > std::stoll(String(v2.json, "id")));
  // v3 takes ADF only; v2 takes a string only.
  Response v3_string = Post(jira, "/rest/api/3/issue/" + second + "/comment", R"({"body":"plain"})");
  CHECK(v3_string.status == 400);
  CHECK(String(v3_string.json["errors"], "comment") == "Comment body is not valid!");
  CHECK(Post(jira, "/rest/api/2/issue/" + second + "/comment", R"({"body":{"type":"doc"}})").status == 400);
  // The sd.public.comment property makes a platform comment internal.
  Response internal = Post(jira, "/rest/api/2/issue/" + first + "/comment",
                           R"({"body":"agents only","properties":[{"key":"sd.public.comment","value":{"internal":true}}]})");
  REQUIRE(internal.status == 201);
  CHECK_FALSE(internal.json["jsdPublic"].GetBool());
  jira.AddAgentComment(first, "Ada Agent", "internal by agent", false);

  Response listed = Get(jira, "/rest/api/2/issue/" + first + "/comment?expand=properties");
  REQUIRE(listed.status == 200);
  REQUIRE(listed.json["total"].GetInt() == 3);
  const auto& comments = listed.json["comments"];
  CHECK(String(comments[0], "body") == "*bold* from Slack");
  CHECK(String(comments[0]["properties"][0], "key") == "slackdesk");
  CHECK(String(comments[0]["properties"][0]["value"], "ts") == "1700.01");
  CHECK(String(comments[0]["author"], "accountId") == FakeJira::kBotAccountId);
  CHECK(String(comments[0], "created").size() == std::string("2026-11-24T12:34:00.000+0000").size());
  CHECK_FALSE(comments[1]["jsdPublic"].GetBool());
  CHECK_FALSE(comments[2]["jsdPublic"].GetBool());
  CHECK(String(comments[2]["properties"][0], "key") == "sd.public.comment");
  CHECK(comments[2]["properties"][0]["value"]["internal"].GetBool());
  Response v3_listed = Get(jira, "/rest/api/3/issue/" + second + "/comment");
  CHECK(String(v3_listed.json["comments"][0]["body"], "type") == "doc");
  CHECK_FALSE(v3_listed.json["comments"][0].HasMember("properties"));
  CHECK(jira.Issue(first)->comments.at(0).properties.at(0).value_json == R"({"ts":"1700.01"})");
}

TEST_CASE("servicedeskapi comment pages are capped by the server and linked", "[fake_jira]") {
  FakeJira jira;
  jira.SetCommentPageCap(3);
  std::string key = jira.CreateRequest("Chatty", "");
  for (int i = 0; i < 7; ++i) jira.AddAgentComment(key, "Ada Agent", fmt::format("reply {}", i), true);
  std::vector<std::string> bodies;
  long long start = 0;
  int pages = 0;
  while (true) {
    Response page = Get(jira, fmt::format("/rest/servicedeskapi/request/{}/comment?start={}&limit=50", key, start));
    REQUIRE(page.status == 200);
    ++pages;
    CHECK(page.json["limit"].GetInt() == 3);  // echoes the effective limit
    CHECK(page.json["start"].GetInt64() == start);
    for (const auto& comment : page.json["values"].GetArray()) bodies.emplace_back(comment["body"].GetString());
    if (page.json["isLastPage"].GetBool()) {
      CHECK_FALSE(page.json["_links"].HasMember("next"));
      break;
    }
    CHECK(page.json["_links"].HasMember("next"));
    start += page.json["size"].GetInt();
    REQUIRE(pages < 10);
  }
  CHECK(pages == 3);
  REQUIRE(bodies.size() == 7);
  CHECK(bodies.front() == "reply 0");
  CHECK(bodies.back() == "reply 6");
}

TEST_CASE("platform comments page with startAt and order newest first with -created", "[fake_jira]") {
  FakeJira jira;
  std::string key = jira.CreateRequest("Ordered", "");
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(jira.AddAgentComment(key, "Ada Agent", fmt::format("c{}", i), true));
  Response newest = Get(jira, "/rest/api/2/issue/" + key + "/comment?orderBy=-created&maxResults=2");
  REQUIRE(newest.status == 200);
  CHECK(newest.json["total"].GetInt() == 5);
  CHECK(newest.json["maxResults"].GetInt() == 2);
  REQUIRE(newest.json["comments"].Size() == 2);
  CHECK(String(newest.json["comments"][0], "id") == ids[4]);
  CHECK(String(newest.json["comments"][1], "id") == ids[3]);
  Response rest = Get(jira, "/rest/api/2/issue/" + key + "/comment?orderBy=-created&startAt=2&maxResults=10");
  REQUIRE(rest.json["comments"].Size() == 3);
  CHECK(String(rest.json["comments"][2], "id") == ids[0]);
  Response oldest = Get(jira, "/rest/api/2/issue/" + key + "/comment");
  CHECK(String(oldest.json["comments"][0], "id") == ids[0]);
  CHECK(Get(jira, "/rest/api/2/issue/" + key + "/comment?orderBy=author").status == 400);
  CHECK(Get(jira, "/rest/api/2/issue/SUP-42/comment").status == 404);
}

TEST_CASE("the removed /rest/api/3/search and /rest/api/2/search answer 410 Gone", "[fake_jira]") {
  FakeJira jira;
  Response v3 = Post(jira, "/rest/api/3/search", R"({"jql":"project = SUP"})");
  CHECK(v3.status == 410);
  REQUIRE(IsPlatformError(v3));
  CHECK(std::string(v3.json["errorMessages"][0].GetString()).find("/rest/api/3/search/jql") != std::string::npos);
  CHECK(Get(jira, "/rest/api/2/search?jql=project%3DSUP").status == 410);
}

TEST_CASE("FailNext answers 429 with Retry-After and then the endpoint recovers", "[fake_jira]") {
  FakeJira jira;
  jira.FailNext("POST", "/rest/api/3/search/jql", 429, 7, 2);
  Response first = Search(jira, "project = SUP");
  CHECK(first.status == 429);
  CHECK(first.raw.Header("retry-after") == "7");
  CHECK(first.raw.Header("x-ratelimit-reset").size() == std::string("2026-11-24T12:34Z").size());
  CHECK(Get(jira, "/rest/api/3/myself").status == 200);  // other paths are unaffected
  CHECK(Search(jira, "project = SUP").status == 429);
  CHECK(Search(jira, "project = SUP").status == 200);
  jira.FailNext("", "/rest/servicedeskapi/", 503, 2);
  Response gateway = Get(jira, "/rest/servicedeskapi/servicedesk/3");
  CHECK(gateway.status == 503);
  CHECK(util::StartsWith(gateway.raw.Header("content-type"), "text/html"));
  CHECK(gateway.json.HasParseError());
  CHECK(gateway.raw.Header("retry-after") == "2");
  jira.FailNext("GET", "", 500);
  Response failed = Get(jira, "/rest/api/3/myself");
  CHECK(failed.status == 500);
  CHECK(IsPlatformError(failed));
}

TEST_CASE("the outage switch fails every request until healed", "[fake_jira]") {
  FakeJira jira;
  jira.SetOutage(true);
  CHECK(Get(jira, "/rest/api/3/myself").status == 500);
  CHECK(CreateRequest(jira, "during outage").status == 500);
  CHECK(jira.Issues().empty());
  jira.SetOutage(false);
  CHECK(Get(jira, "/rest/api/3/myself").status == 200);
  jira.SetOutage(true, 502);
  CHECK(util::StartsWith(Get(jira, "/rest/api/3/myself").raw.Header("content-type"), "text/html"));
}

TEST_CASE("CountRequests and WaitForRequests observe the traffic", "[fake_jira]") {
  FakeJira jira;
  // No Catch assertions on the client thread: Catch2 is not thread-safe.
  std::thread client([&] {
    util::http::CurlHttpClient http;
    util::http::HttpRequest request;
    request.headers.emplace_back("Authorization", FakeJira::BasicAuthorization());
    request.url = jira.base_url() + "/rest/api/3/myself";
    for (int i = 0; i < 3; ++i) (void)http.Send(request);
    request.method = "POST";
    request.url = jira.base_url() + "/rest/api/3/search/jql";
    request.body = R"({"jql":"project = SUP"})";
    (void)http.Send(request);
  });
  CHECK(jira.WaitForRequests("POST", "/rest/api/3/search/jql", 1, Millis(10000)));
  client.join();
  CHECK(jira.CountRequests("GET", "/rest/api/3/myself") == 3);
  CHECK(jira.CountRequests("", "/rest/api/3/") == 4);
  CHECK(jira.CountRequests("POST", "/rest/servicedeskapi") == 0);
  std::vector<fake::JiraRequest> requests = jira.Requests();
  REQUIRE(requests.size() == 4);
  CHECK(requests.back().method == "POST");
  CHECK(requests.back().body.find("project = SUP") != std::string::npos);
  CHECK(requests.front().authorization == FakeJira::BasicAuthorization());
  CHECK_FALSE(jira.WaitForRequests("GET", "/rest/api/2/", 1, Millis(50)));
}

TEST_CASE("clock skew shifts the fake's timestamps", "[fake_jira]") {
  FakeJira jira;
  long long real_now = jira.NowMs();
  jira.SetClockSkew(Millis(-3600 * 1000));
  std::string key = jira.CreateRequest("Skewed", "");
  long long created = jira.Issue(key)->created_ms;
  CHECK(created < real_now - 3500 * 1000);
  Response request = Get(jira, "/rest/servicedeskapi/request/" + key);
  CHECK(request.json["createdDate"]["epochMillis"].GetInt64() == created);
}
