// JiraHelpdesk against the fake JSM in its Data Center mode over real HTTP:
// a personal access token as Bearer, the deployment read once from
// serverInfo, /rest/api/2 everywhere, usernames where Cloud takes
// accountIds, comment visibility from the sd.public.comment property,
// search paged by startAt; and the clear errors for the other deployment's
// credentials. The wire readers' Data Center shapes from literal strings.
// One behaviour per test case.
#include <algorithm>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "bridge/text.h"
#include "curl_global.h"
#include "fake_jira.h"
#include "fake_site_options.h"
#include "helpdesk/jira/jira_deployment.h"
#include "helpdesk/jira/jira_helpdesk.h"
#include "hostile_bodies.h"
#include "test_support.h"
#include "util/http/curl_http_client.h"

namespace {

using bridge::PlainText;
using fake::FakeJira;
using fake::JiraDeployment;
using helpdesk::jira::Deployment;
using helpdesk::jira::JiraHelpdesk;
using helpdesk::jira::JiraOptions;
using std::chrono::milliseconds;

JiraOptions CloudSignIn(const FakeJira& jira) { return testing::FakeSiteOptions(jira); }

JiraOptions TokenSignIn(const FakeJira& jira) {
  JiraOptions options = CloudSignIn(jira);
  options.email.clear();
  options.api_token.clear();
  options.personal_access_token = FakeJira::kPersonalAccessToken;
  return options;
}

// The check line for Cloud credentials on the Data Center fake.
std::string CloudSignInOnDataCenter(const FakeJira& jira) {
  return "Data Center 10.3.13 at " + jira.base_url() +
         " (e-mail and API token), which Data Center does not take: set jira_personal_access_token (a personal "
         "access token of the bot's Jira user) instead of jira_email and jira_api_token";
}

struct Fixture {
  FakeJira jira{JiraDeployment::kDataCenter};
  testing::LogCapture log;
  util::http::CurlHttpClient http;
  JiraHelpdesk helpdesk{http, TokenSignIn(jira)};

  int Count(const std::string& method, const std::string& prefix) const { return jira.CountRequests(method, prefix); }
  helpdesk::Ticket Create(const std::string& summary, const std::string& marker, const std::string& on_behalf = "") {
    auto ticket = helpdesk.CreateTicket(
        helpdesk::NewTicket{summary, PlainText("Details.\n\nslackdesk ref " + marker), marker, on_behalf, {}, {}});
    REQUIRE(ticket);
    return *ticket;
  }
};

}  // namespace

// --- sign-in and the deployment -------------------------------------------------

TEST_CASE_METHOD(Fixture, "with a personal access token the deployment is read once, then myself on /rest/api/2",
                 "[jira][datacenter]") {
  auto me = helpdesk.WhoAmI();
  REQUIRE(me);
  CHECK(me->id == FakeJira::kBotUserKey);  // the key: usernames can change
  CHECK(me->display_name == FakeJira::kBotDisplayName);
  CHECK(me->email == FakeJira::kEmail);
  REQUIRE(helpdesk.WhoAmI());
  auto requests = jira.Requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].path == "/rest/api/2/serverInfo");
  CHECK(requests[1].path == "/rest/api/2/myself");
  CHECK(requests[2].path == "/rest/api/2/myself");
  for (const auto& request : requests) CHECK(request.authorization == FakeJira::BearerAuthorization());
  CHECK(log.WaitFor("jira: Data Center 10.3.13 at " + jira.base_url(), milliseconds(1000)));
}

TEST_CASE_METHOD(Fixture, "check names Data Center, its version and the token, then the Data Center myself",
                 "[jira][datacenter]") {
  auto deployment = helpdesk.CheckDeployment();
  REQUIRE(deployment);
  CHECK(deployment->ok);
  CHECK(deployment->what == "jira");
  CHECK(deployment->detail == "Data Center 10.3.13 at " + jira.base_url() + " (personal access token)");
  auto lines = helpdesk.Check();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].ok);
  CHECK(lines[0].what == "jira /rest/api/2/myself (jira_personal_access_token)");
  CHECK(lines[0].detail == "slackdesk bot <bot@example.com>, time zone Europe/Berlin");
  CHECK(lines[1].ok);
  CHECK(lines[1].detail == "service desk SUP (Support), request type 'Get IT help'");
  CHECK(Count("", "/rest/api/3") == 0);
}

TEST_CASE("check names Cloud for an e-mail and API token on a Cloud site", "[jira][datacenter]") {
  FakeJira jira;
  util::http::CurlHttpClient http;
  JiraHelpdesk helpdesk(http, CloudSignIn(jira));
  auto deployment = helpdesk.CheckDeployment();
  REQUIRE(deployment);
  CHECK(deployment->ok);
  CHECK(deployment->detail == "Cloud at " + jira.base_url() + " (e-mail and API token)");
}

TEST_CASE("a personal access token given to a Cloud site is a clear error", "[jira][datacenter]") {
  FakeJira jira;
  util::http::CurlHttpClient http;
  JiraHelpdesk helpdesk(http, TokenSignIn(jira));
  auto me = helpdesk.WhoAmI();
  REQUIRE_FALSE(me);
  CHECK(me.error().code == util::ErrorCode::kAuth);
  CHECK(me.error().message == "jira: " + jira.base_url() +
                                  " is Jira Cloud (serverInfo), which does not take a personal access token: set "
                                  "jira_email and jira_api_token instead of jira_personal_access_token");
  CHECK(jira.CountRequests("", "/rest/api/2/myself") == 0);
  auto deployment = helpdesk.CheckDeployment();
  REQUIRE(deployment);
  CHECK_FALSE(deployment->ok);
  CHECK(deployment->detail.find("Cloud at " + jira.base_url() +
                                " (personal access token), which Cloud does not "
                                "take: set jira_email and jira_api_token") == 0);
}

TEST_CASE("Cloud credentials on a Data Center site without Basic auth say to set the token", "[jira][datacenter]") {
  FakeJira jira(JiraDeployment::kDataCenter);
  util::http::CurlHttpClient http;
  JiraHelpdesk helpdesk(http, CloudSignIn(jira));
  auto me = helpdesk.WhoAmI();
  REQUIRE_FALSE(me);
  CHECK(me.error().code == util::ErrorCode::kAuth);
  CHECK(me.error().message ==
        "jira myself: Jira refuses Basic authentication (\"Basic Authentication has been disabled on this "
        "instance.\"): this looks like Data Center; set jira_personal_access_token");
  // serverInfo, refused with Basic, is read anonymously to say which it is.
  auto deployment = helpdesk.CheckDeployment();
  REQUIRE(deployment);
  CHECK_FALSE(deployment->ok);
  CHECK(deployment->detail == CloudSignInOnDataCenter(jira));
  CHECK(jira.CountRequests("", "/rest/api/2/myself") == 0);
}

TEST_CASE("Cloud credentials on a Data Center site with Basic on: no /rest/api/3 there, named with the fix",
          "[jira][datacenter]") {
  FakeJira jira(JiraDeployment::kDataCenter);
  jira.AllowBasicAuth(true);
  util::http::CurlHttpClient http;
  JiraHelpdesk helpdesk(http, CloudSignIn(jira));
  auto me = helpdesk.WhoAmI();
  REQUIRE_FALSE(me);
  CHECK(me.error().code == util::ErrorCode::kAuth);
  CHECK(me.error().message == "jira myself: " + jira.base_url() +
                                  " is Jira Data Center 10.3.13 (serverInfo), which has no /rest/api/3 and does not "
                                  "take jira_email and jira_api_token: set jira_personal_access_token");
  auto deployment = helpdesk.CheckDeployment();
  REQUIRE(deployment);
  CHECK_FALSE(deployment->ok);
  CHECK(deployment->detail == CloudSignInOnDataCenter(jira));
}

TEST_CASE_METHOD(Fixture, "a wrong personal access token is refused with Data Center's message", "[jira][datacenter]") {
  auto options = TokenSignIn(jira);
  options.personal_access_token = "wrong-pat-789";
  JiraHelpdesk wrong(http, options);
  auto lines = wrong.Check();
  REQUIRE(lines.size() == 1);
  CHECK_FALSE(lines[0].ok);
  CHECK(lines[0].what == "jira /rest/api/2/myself (jira_personal_access_token)");
  CHECK(lines[0].detail == "jira myself: Client must be authenticated to access this resource. (HTTP 401)");
  CHECK(lines[0].detail.find("wrong-pat-789") == std::string::npos);
}

TEST_CASE_METHOD(Fixture, "check says whether a request type can be raised on behalf of customers",
                 "[jira][datacenter]") {
  bridge::RequestTarget target{FakeJira::kServiceDeskId, FakeJira::kRequestTypeId};
  auto allowed = helpdesk.CheckRequestType(target);
  REQUIRE(allowed.size() == 1);
  CHECK(allowed[0].ok);
  CHECK(allowed[0].what == "raising on behalf of customers: type 10 in service desk 3");
  CHECK(allowed[0].detail == "allowed");
  jira.SetCanRaiseOnBehalfOf(false);
  auto refused = helpdesk.CheckRequestType(target);
  REQUIRE(refused.size() == 1);
  CHECK_FALSE(refused[0].ok);
  CHECK(refused[0].detail ==
        "not allowed for slackdesk's helpdesk account (canRaiseOnBehalfOf is false): make the bot's Jira user an "
        "agent of service desk 3");
  auto missing = helpdesk.CheckRequestType({FakeJira::kServiceDeskId, "99"});
  REQUIRE(missing.size() == 1);
  CHECK_FALSE(missing[0].ok);
}

// --- customers and requests -------------------------------------------------------

TEST_CASE_METHOD(Fixture, "FindCustomer searches users by username and returns the username of the exact e-mail",
                 "[jira][datacenter]") {
  jira.AddCustomer("malice@example.com", "Malice");
  jira.AddCustomer("alice@example.com.evil.org", "Not Alice");
  std::string alice = jira.AddCustomer("alice@example.com", "Alice Doe");
  auto found = helpdesk.FindCustomer("ALICE@Example.com");
  REQUIRE(found);
  REQUIRE(*found);
  CHECK(**found == "alice@example.com");
  CHECK(**found == alice);
  auto none = helpdesk.FindCustomer("bob@example.com");
  REQUIRE(none);
  CHECK_FALSE(*none);
  CHECK(Count("GET", "/rest/api/2/user/search?username=") == 2);
  CHECK(Count("", "/rest/servicedeskapi/servicedesk/3/customer") == 0);
}

TEST_CASE_METHOD(Fixture, "a request is raised on behalf of a customer named by username", "[jira][datacenter]") {
  std::string ada = jira.AddCustomer("ada@example.com", "Ada Lovelace");
  auto customer = helpdesk.FindCustomer("ada@example.com");
  REQUIRE(customer);
  REQUIRE(*customer);
  helpdesk::Ticket ticket = Create("VPN drops", "sdm1", **customer);
  CHECK(ticket.key == "SUP-1");
  auto issue = jira.Issue("SUP-1");
  REQUIRE(issue);
  CHECK(issue->reporter_account_id == ada);
  CHECK(issue->description.find("sdm1") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "a created ticket is found again by its marker through /rest/api/2/search",
                 "[jira][datacenter]") {
  Create("Printer jams", "sdmark42");
  REQUIRE(jira.WaitForSearchable("SUP-1"));
  auto found = helpdesk.FindCreatedTicket("sdmark42", 0, 1);
  REQUIRE(found);
  REQUIRE(*found);
  CHECK((*found)->key == "SUP-1");
  auto absent = helpdesk.FindCreatedTicket("sdnothere", 0, 100000);
  REQUIRE(absent);
  CHECK_FALSE(*absent);
  CHECK(Count("POST", "/rest/api/2/search") == 2);
  CHECK(Count("", "/rest/api/3") == 0);
}

// --- sync ----------------------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "ChangedSince pages /rest/api/2/search by startAt", "[jira][datacenter]") {
  auto options = TokenSignIn(jira);
  options.search_page_size = 2;
  JiraHelpdesk paged(http, options);
  std::vector<std::string> keys;
  for (int i = 0; i < 5; ++i) keys.push_back(Create(fmt::format("ticket {}", i), fmt::format("sdm{}", i)).key);
  for (const auto& key : keys) REQUIRE(jira.WaitForSearchable(key));
  std::sort(keys.begin(), keys.end());
  auto changes = paged.ChangedSince(0, keys);
  REQUIRE(changes);
  REQUIRE(changes->size() == 5);
  for (const auto& change : *changes) CHECK(change.updated_ms > 0);
  std::vector<std::string> starts;
  for (const auto& request : jira.Requests()) {
    if (request.path != "/rest/api/2/search") continue;
    auto at = request.body.find("\"startAt\":");
    REQUIRE(at != std::string::npos);
    starts.push_back(request.body.substr(at + 10, request.body.find(',', at) - at - 10));
  }
  CHECK(starts == std::vector<std::string>{"0", "2", "4"});
}

TEST_CASE_METHOD(Fixture, "comments: visibility from the sd.public.comment property, authors by key",
                 "[jira][datacenter]") {
  Create("Laptop", "sdm7");
  jira.AddAgentComment("SUP-1", "Grace Hopper", "internal note", false);
  jira.AddAgentComment("SUP-1", "Grace Hopper", "public *reply*", true);
  auto page = helpdesk.CommentsAfter("SUP-1", "");
  REQUIRE(page);
  REQUIRE(page->comments.size() == 2);
  CHECK_FALSE(page->comments[0].is_public);
  CHECK(page->comments[1].is_public);  // no property: public
  CHECK(page->comments[1].author_id.rfind("JIRAUSER", 0) == 0);
  CHECK(page->comments[1].author_name == "Grace Hopper");
  CHECK(page->comments[1].created_ms > 0);  // "…-0700" read
  CHECK_FALSE(page->comments[1].written_by_slackdesk);
}

TEST_CASE_METHOD(Fixture, "a public comment carries the marker property and is found by it, as our own",
                 "[jira][datacenter]") {
  Create("Laptop", "sdm8");
  auto me = helpdesk.WhoAmI();
  REQUIRE(me);
  auto added = helpdesk.AddPublicComment("SUP-1", PlainText("from Slack"), "comment:C1:1700.1");
  REQUIRE(added);
  CHECK(added->is_public);
  CHECK(added->written_by_slackdesk);
  CHECK(added->author_id == me->id);
  auto found = helpdesk.FindCommentByMarker("SUP-1", "comment:C1:1700.1");
  REQUIRE(found);
  REQUIRE(*found);
  CHECK((*found)->id == added->id);
  auto issue = jira.Issue("SUP-1");
  REQUIRE(issue);
  REQUIRE(issue->comments.size() == 1);
  CHECK(issue->comments[0].is_public);
  CHECK(issue->comments[0].author_account_id == FakeJira::kBotUsername);
}

// --- the wire readers ----------------------------------------------------------------

TEST_CASE("serverInfo: only Cloud is Cloud; the version is kept", "[jira][datacenter]") {
  using helpdesk::jira::ParseServerInfo;
  auto server = ParseServerInfo(R"({"version":"10.3.19","versionNumbers":[10,3,19],"deploymentType":"Server"})");
  REQUIRE(server);
  CHECK_FALSE(server->cloud);
  CHECK(server->version == "10.3.19");
  auto data_center = ParseServerInfo(R"({"version":"9.12.2","deploymentType":"DataCenter"})");
  REQUIRE(data_center);
  CHECK_FALSE(data_center->cloud);
  auto cloud = ParseServerInfo(R"({"version":"1001.0.0-SNAPSHOT","deploymentType":"Cloud"})");
  REQUIRE(cloud);
  CHECK(cloud->cloud);
  CHECK_FALSE(ParseServerInfo(R"({"version":"10.3.19"})"));
  CHECK_FALSE(ParseServerInfo("<html>login</html>"));
  CHECK(Deployment::DataCenter("10.3.19").Describe() == "Data Center 10.3.19");
  CHECK(Deployment::Cloud().Describe() == "Cloud");
}

TEST_CASE("Data Center search pages end at the true total", "[jira][datacenter]") {
  Deployment dc = Deployment::DataCenter("10.3.13");
  auto middle =
      dc.ParseSearch(R"({"startAt":2,"maxResults":2,"total":5,"issues":[{"id":"1","key":"SUP-3","fields":{"updated":)"
                     R"("2026-09-04T16:07:42.487-0700"}},{"id":"2","key":"SUP-4"}]})");
  REQUIRE(middle);
  CHECK(middle->next_page_token == "4");
  REQUIRE(middle->issues.size() == 2);
  CHECK(middle->issues[0].updated_ms == 1788563262487LL);
  auto last = dc.ParseSearch(R"({"startAt":4,"maxResults":2,"total":5,"issues":[{"id":"3","key":"SUP-5"}]})");
  REQUIRE(last);
  CHECK(last->next_page_token.empty());
  auto empty = dc.ParseSearch(R"({"startAt":6,"maxResults":2,"total":9,"issues":[]})");
  REQUIRE(empty);
  CHECK(empty->next_page_token.empty());            // an empty page ends the walk
  CHECK_FALSE(dc.ParseSearch(R"({"issues":[]})"));  // no total: the end is unknown
  auto call = dc.SearchCall("op", "project = SUP", {"updated"}, 100, "4");
  CHECK(call.method == "POST");
  CHECK(call.path == "/rest/api/2/search");
  CHECK(call.body == R"({"jql":"project = SUP","startAt":4,"maxResults":100,"fields":["updated"]})");
}

TEST_CASE("Data Center user search reads usernames; myself and comment authors by key", "[jira][datacenter]") {
  Deployment dc = Deployment::DataCenter("10.3.13");
  auto page = dc.ParseCustomerSearch(
      R"([{"name":"ada@example.com","key":"JIRAUSER10101","emailAddress":"ada@example.com"}])", 0);
  REQUIRE(page);
  REQUIRE(page->customers.size() == 1);
  CHECK(page->customers[0].account_id == "ada@example.com");
  CHECK(page->is_last_page);
  CHECK_FALSE(dc.ParseCustomerSearch(R"({"values":[]})", 0));
  CHECK_FALSE(dc.ParseCustomerSearch(R"([{"key":"JIRAUSER1"}])", 0));
  auto me =
      helpdesk::jira::ParseIdentity(R"({"key":"JIRAUSER21902","name":"bot","displayName":"Bot"})", dc.UserIdMember());
  REQUIRE(me);
  CHECK(me->id == "JIRAUSER21902");
  CHECK_FALSE(helpdesk::jira::ParseIdentity(R"({"name":"bot"})", dc.UserIdMember()));
  auto comment = helpdesk::jira::ParseComment(
      R"({"id":"10","body":"x","created":"2026-09-04T16:07:42.487-0700","author":{"key":"JIRAUSER5","name":"g"}})",
      dc.UserIdMember());
  REQUIRE(comment);
  CHECK(comment->author_account_id == "JIRAUSER5");
  CHECK(comment->is_public);
}

TEST_CASE_METHOD(Fixture, "Data Center's own answers, hostile, end in transient errors",
                 "[jira][datacenter][hostile]") {
  jira.AddCustomer("ada@example.com", "Ada");
  std::string key = jira.CreateRequest("Existing", "A ticket the calls read");
  REQUIRE(jira.WaitForSearchable(key));
  for (const auto& [name, answer] : testing::HostileAnswers()) {
    INFO("answered with " << name);
    // A fresh backend each time: the deployment is read once.
    // One attempt: a cut body is not tried again.
    auto options = TokenSignIn(jira);
    options.max_attempts = 1;
    JiraHelpdesk fresh(http, options);
    jira.AnswerNext("GET", "/rest/api/2/serverInfo", answer);
    auto me = fresh.WhoAmI();
    REQUIRE_FALSE(me);
    CHECK(me.error().IsTransient());
    REQUIRE(fresh.WhoAmI());
    jira.AnswerNext("POST", "/rest/api/2/search", answer);
    auto changes = fresh.ChangedSince(0, {key});
    REQUIRE_FALSE(changes);
    CHECK(changes.error().IsTransient());
    jira.AnswerNext("GET", "/rest/api/2/user/search", answer);
    auto customer = fresh.FindCustomer("ada@example.com");
    if (name == "an empty array") {
      CHECK(customer);  // a valid answer: nobody has that e-mail
    } else {
      REQUIRE_FALSE(customer);
      CHECK(customer.error().IsTransient());
    }
  }
}
