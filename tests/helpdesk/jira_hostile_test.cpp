// Fault injection for the Jira backend: each call it makes (myself, the
// service desk, customer look-up, create, search, comments, add comment)
// answered by a fake site (or a proxy before it) with wrong shapes, cut
// bodies, HTML with 200, deep nesting, bodies above the response cap
// (plain and gzip-compressed) and a gateway's HTML 502. Each ends in a
// transient error naming the call, never in a crash, a hang or a result
// made up from a wrong shape; the next call works.
#include <functional>
#include <set>
#include <utility>

#include <catch2/catch.hpp>

#include "bridge/text.h"
#include "curl_global.h"
#include "fake_jira.h"
#include "helpdesk/jira/jira_helpdesk.h"
#include "hostile_bodies.h"
#include "test_support.h"
#include "util/http/curl_http_client.h"

namespace {

using fake::FakeJira;
using std::chrono::milliseconds;


helpdesk::jira::JiraOptions HostileOptions(const FakeJira& jira) {
  helpdesk::jira::JiraOptions options;
  options.base_url = jira.base_url();
  options.email = FakeJira::kEmail;
  options.api_token = FakeJira::kApiToken;
  options.service_desk_id = FakeJira::kServiceDeskId;
  options.request_type_id = FakeJira::kRequestTypeId;
  options.max_attempts = 1;  // one hostile answer per call
  options.search_lag_window_ms = 0;
  return options;
}

// One call of the backend: where it goes, and how it came out.
struct Operation {
  const char* name;
  const char* method;
  std::string path_prefix;
  std::function<util::Status(helpdesk::jira::JiraHelpdesk&)> call;
};

template <class T>
util::Status Outcome(const util::Result<T>& result) {
  if (!result) return tl::make_unexpected(result.error());
  return util::Ok();
}

std::vector<Operation> Operations(const std::string& key) {
  using helpdesk::jira::JiraHelpdesk;
  return {
      {"myself", "GET", "/rest/api/3/myself", [](JiraHelpdesk& h) { return Outcome(h.WhoAmI()); }},
      {"customer look-up", "GET", "/rest/servicedeskapi/servicedesk/",
       [](JiraHelpdesk& h) { return Outcome(h.FindCustomer("ada@example.com")); }},
      {"create", "POST", "/rest/servicedeskapi/request",
       [](JiraHelpdesk& h) {
         return Outcome(
             h.CreateTicket(helpdesk::NewTicket{"Printer", bridge::PlainText("on fire"), "sdm1", "", {}, {}}));
       }},
      {"search for a created ticket", "POST", "/rest/api/3/search/jql",
       [](JiraHelpdesk& h) { return Outcome(h.FindCreatedTicket("sdm1", 0, 1)); }},
      {"search for changes", "POST", "/rest/api/3/search/jql",
       [key](JiraHelpdesk& h) { return Outcome(h.ChangedSince(0, {key})); }},
      {"comments", "GET", "/rest/api/2/issue/" + key + "/comment",
       [key](JiraHelpdesk& h) { return Outcome(h.CommentsAfter(key, "")); }},
      {"add comment", "POST", "/rest/api/2/issue/" + key + "/comment",
       [key](JiraHelpdesk& h) { return Outcome(h.AddPublicComment(key, bridge::PlainText("hi"), "sdm2")); }},
      {"ticket", "GET", "/rest/servicedeskapi/request/" + key,
       [key](JiraHelpdesk& h) { return Outcome(h.GetTicket(key)); }},
  };
}

struct Fixture {
  Fixture() : helpdesk(http, HostileOptions(jira)) {
    jira.AddCustomer("ada@example.com", "Ada");
    key = jira.CreateRequest("Existing", "A ticket the calls read");
    REQUIRE(helpdesk.WhoAmI());  // the desk's project key is then known
    REQUIRE(helpdesk.FindCustomer("ada@example.com"));
  }
  FakeJira jira;
  testing::LogCapture log;
  util::http::CurlHttpClient http;
  helpdesk::jira::JiraHelpdesk helpdesk;
  std::string key;
};

}  // namespace

TEST_CASE_METHOD(Fixture, "every call answered with a hostile body ends in a transient error", "[jira][hostile]") {
  // A search whose issues lack fields is still a search result: a change
  // is reported at `since` (safe: read again later), and a ticket found is
  // only believed once its own request, fetched, mentions the marker.
  const std::set<std::pair<std::string, std::string>> harmless = {
      {"search for changes", "fields that are null"},
      {"search for changes", "nested members of the wrong type"},
      {"search for a created ticket", "fields that are null"},
      {"search for a created ticket", "nested members of the wrong type"},
  };
  for (const Operation& operation : Operations(key)) {
    for (const auto& [name, answer] : testing::HostileAnswers()) {
      INFO(operation.name << " answered with " << name);
      jira.AnswerNext(operation.method, operation.path_prefix, answer);
      util::Status status = operation.call(helpdesk);
      if (harmless.count({operation.name, name}) > 0) continue;
      REQUIRE_FALSE(status);
      CHECK(status.error().IsTransient());
    }
    INFO(operation.name << " answered right again");
    CHECK(operation.call(helpdesk));
  }
}

TEST_CASE_METHOD(Fixture, "a wrong shape names the call and what was wrong", "[jira][hostile]") {
  jira.AnswerNext("GET", "/rest/api/2/issue/", fake::RawAnswer{200, "application/json", R"({"comments":[1]})", false});
  auto page = helpdesk.CommentsAfter(key, "");
  REQUIRE_FALSE(page);
  CHECK(page.error().code == util::ErrorCode::kServerError);
  CHECK(page.error().message ==
        "jira comments " + key + ": HTTP 200 but the page has a comment that is not an object");
  jira.AnswerNext("GET", "/rest/api/3/myself", fake::RawAnswer{200, "text/html", "<title>Sign in</title>", false});
  auto me = helpdesk.WhoAmI();
  REQUIRE_FALSE(me);
  CHECK(me.error().message == "jira myself: HTTP 200 but the response is not a user (Sign in)");
  jira.AnswerNext("GET", "/rest/api/3/myself", fake::RawAnswer{200, "application/json", testing::DeepNesting(100000), false});
  me = helpdesk.WhoAmI();
  REQUIRE_FALSE(me);
  CHECK(me.error().message == "jira myself: HTTP 200 but the response is not a user (nested deeper than 64 levels)");
}

TEST_CASE_METHOD(Fixture, "answers above the cap are abandoned, also gzip bombs", "[jira][hostile]") {
  for (const auto& [name, answer] : testing::OversizedAnswers()) {
    INFO(name);
    jira.AnswerNext("GET", "/rest/api/2/issue/", answer);
    auto page = helpdesk.CommentsAfter(key, "");
    REQUIRE_FALSE(page);
    CHECK(page.error().code == util::ErrorCode::kServerError);
    CHECK_THAT(page.error().message, Catch::StartsWith("jira comments " + key + ": GET ") &&
                                         Catch::Contains("the answer is too large"));
  }
  CHECK(helpdesk.CommentsAfter(key, ""));
}

TEST_CASE_METHOD(Fixture, "a proxy's HTML 502 is a transient error naming the gateway's page", "[jira][hostile]") {
  jira.AnswerNext("POST", "/rest/servicedeskapi/request",
                  fake::RawAnswer{502, "text/html", "<html><head><title>502 Bad Gateway</title></head></html>", false});
  auto ticket = helpdesk.CreateTicket(helpdesk::NewTicket{"Printer", bridge::PlainText("on fire"), "sdm3", "", {}, {}});
  REQUIRE_FALSE(ticket);
  CHECK(ticket.error().code == util::ErrorCode::kServerError);
  CHECK(ticket.error().message == "jira create request: HTTP 502 (502 Bad Gateway)");
}
