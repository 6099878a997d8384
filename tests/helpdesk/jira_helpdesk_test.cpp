// JiraHelpdesk against the fake JSM site over real HTTP (CurlHttpClient on
// 127.0.0.1): request shapes, error mapping, retries and the rate-limit
// block, paging, search lag. One behaviour per test case.
#include "helpdesk/jira/jira_helpdesk.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <thread>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "fake_jira.h"
#include "test_support.h"
#include "util/http/curl_http_client.h"

namespace {

using fake::FakeJira;
using helpdesk::jira::JiraHelpdesk;
using helpdesk::jira::JiraOptions;
using std::chrono::milliseconds;

// libcurl must be initialised once, before any thread exists.
struct CurlGlobal {
  CurlGlobal() { util::http::GlobalInit(); }
};
const CurlGlobal curl_global;

JiraOptions Options(const FakeJira& jira) {
  JiraOptions options;
  options.base_url = jira.base_url() + "/";  // the trailing '/' is dropped
  options.email = FakeJira::kEmail;
  options.api_token = FakeJira::kApiToken;
  options.service_desk_id = FakeJira::kServiceDeskId;
  options.request_type_id = FakeJira::kRequestTypeId;
  options.max_attempts = 3;
  options.backoff = util::BackoffPolicy{milliseconds(10), milliseconds(50), 2.0};
  options.timeout = milliseconds(10000);
  return options;
}

struct Fixture {
  Fixture() : helpdesk(http, Options(jira)) {}
  FakeJira jira;
  testing::LogCapture log;
  util::http::CurlHttpClient http;
  JiraHelpdesk helpdesk;

  helpdesk::Ticket Create(const std::string& summary, const std::string& marker) {
    auto ticket =
        helpdesk.CreateTicket(helpdesk::NewTicket{summary, "Details.\n\nslackdesk ref " + marker, marker, ""});
    REQUIRE(ticket);
    return *ticket;
  }
  int Count(const std::string& method, const std::string& prefix) const { return jira.CountRequests(method, prefix); }
};

long long GapMs(const fake::JiraRequest& a, const fake::JiraRequest& b) {
  return std::chrono::duration_cast<milliseconds>(b.at - a.at).count();
}

// Polls `predicate` every 5 ms for at most `timeout` (for state the fake
// cannot signal, such as a log line).
template <class Predicate>
bool Eventually(Predicate predicate, milliseconds timeout = milliseconds(5000)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return predicate();
}

}  // namespace

// --- identity and target -------------------------------------------------------

TEST_CASE_METHOD(Fixture, "WhoAmI reads myself with Basic auth and JSON headers", "[jira]") {
  auto me = helpdesk.WhoAmI();
  REQUIRE(me);
  CHECK(me->account_id == FakeJira::kBotAccountId);
  CHECK(me->display_name == FakeJira::kBotDisplayName);
  CHECK(me->email == FakeJira::kEmail);
  CHECK(me->time_zone == "Europe/Berlin");
  auto requests = jira.Requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "GET");
  CHECK(requests[0].path == "/rest/api/3/myself");
  CHECK(requests[0].authorization == FakeJira::BasicAuthorization());
}

TEST_CASE_METHOD(Fixture, "DescribeTarget names the desk, project and request type", "[jira]") {
  auto target = helpdesk.DescribeTarget();
  REQUIRE(target);
  CHECK(*target == "service desk SUP (Support), request type 'Get IT help'");
}

TEST_CASE_METHOD(Fixture, "DescribeTarget names the wrong service desk id", "[jira]") {
  auto options = Options(jira);
  options.service_desk_id = "99";
  JiraHelpdesk wrong(http, options);
  auto target = wrong.DescribeTarget();
  REQUIRE_FALSE(target);
  CHECK(target.error().code == util::ErrorCode::kRemoteRejected);
  CHECK(target.error().message.rfind("jira_service_desk_id 99 not found (", 0) == 0);
  CHECK(Count("", "") == 1);  // a 404 is not retried
}

TEST_CASE_METHOD(Fixture, "DescribeTarget names the wrong request type id and its desk", "[jira]") {
  auto options = Options(jira);
  options.request_type_id = "11";
  JiraHelpdesk wrong(http, options);
  auto target = wrong.DescribeTarget();
  REQUIRE_FALSE(target);
  CHECK(target.error().code == util::ErrorCode::kRemoteRejected);
  CHECK(target.error().message.rfind("jira_request_type_id 11 not found in service desk 3 (", 0) == 0);
}

// --- customers -----------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "FindCustomer matches the e-mail exactly, ignoring case", "[jira]") {
  std::string alice = jira.AddCustomer("alice@example.com", "Alice Doe");
  jira.AddCustomer("malice@example.com", "Malice");
  jira.AddCustomer("alice@example.com.evil.org", "Not Alice");
  auto found = helpdesk.FindCustomer("ALICE@Example.com");
  REQUIRE(found);
  REQUIRE(found->has_value());
  CHECK(**found == alice);
  // The experimental API answers 412 without the opt-in header, so success
  // shows it was sent; the e-mail is URL-encoded.
  auto requests = jira.Requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].path.find("/rest/servicedeskapi/servicedesk/3/customer?query=ALICE%40Example.com") == 0);
}

TEST_CASE_METHOD(Fixture, "FindCustomer returns nothing for an unknown or partial e-mail", "[jira]") {
  jira.AddCustomer("alice@example.com", "Alice Doe");
  auto none = helpdesk.FindCustomer("bob@example.com");
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
  auto partial = helpdesk.FindCustomer("alice@example");
  REQUIRE(partial);
  CHECK_FALSE(partial->has_value());
}

// --- create --------------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "CreateTicket raises the request and keeps Jira's portal link", "[jira]") {
  auto ticket = Create("Printer on fire", "sdm1a2b3c");
  CHECK(ticket.key.rfind("SUP-", 0) == 0);
  CHECK_FALSE(ticket.id.empty());
  CHECK(ticket.summary == "Printer on fire");
  CHECK(ticket.status == "Waiting for support");
  CHECK(ticket.status_category == "new");
  // The portal id (7) differs from the desk id (3): the link must be Jira's.
  CHECK(ticket.web_url == jira.base_url() + "/servicedesk/customer/portal/7/" + ticket.key);
  CHECK(ticket.agent_url == jira.base_url() + "/browse/" + ticket.key);
  auto issue = jira.Issue(ticket.key);
  REQUIRE(issue);
  CHECK(issue->summary == "Printer on fire");
  CHECK(issue->description == "Details.\n\nslackdesk ref sdm1a2b3c");
  CHECK(issue->reporter_account_id == FakeJira::kBotAccountId);
  CHECK(issue->request_type_id == FakeJira::kRequestTypeId);
  auto requests = jira.Requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].body.find("raiseOnBehalfOf") == std::string::npos);
}

TEST_CASE_METHOD(Fixture, "CreateTicket raises on behalf of a known customer", "[jira]") {
  std::string alice = jira.AddCustomer("alice@example.com", "Alice Doe");
  auto ticket = helpdesk.CreateTicket(helpdesk::NewTicket{"VPN down", "Since 9:00", "sdm9", alice});
  REQUIRE(ticket);
  auto issue = jira.Issue(ticket->key);
  REQUIRE(issue);
  CHECK(issue->reporter_account_id == alice);
}

TEST_CASE_METHOD(Fixture, "a validation refusal surfaces Jira's message, once", "[jira]") {
  auto ticket = helpdesk.CreateTicket(helpdesk::NewTicket{"two\nlines", "d", "sdm1", ""});
  REQUIRE_FALSE(ticket);
  CHECK(ticket.error().code == util::ErrorCode::kRemoteRejected);
  CHECK(ticket.error().message ==
        "jira create request: Summary: The summary is invalid because it contains newline characters. (HTTP 400)");
  CHECK(Count("POST", "/rest/servicedeskapi/request") == 1);
}

TEST_CASE_METHOD(Fixture, "refused credentials are an auth error, never retried and never logged", "[jira]") {
  auto options = Options(jira);
  options.api_token = "wrong-token-123";
  JiraHelpdesk wrong(http, options);
  auto ticket = wrong.CreateTicket(helpdesk::NewTicket{"s", "d", "sdm1", ""});
  REQUIRE_FALSE(ticket);
  CHECK(ticket.error().code == util::ErrorCode::kAuth);
  CHECK(ticket.error().message.find("(HTTP 401)") != std::string::npos);
  auto me = wrong.WhoAmI();
  REQUIRE_FALSE(me);
  CHECK(me.error().code == util::ErrorCode::kAuth);
  CHECK(Count("", "") == 2);
  CHECK(ticket.error().message.find("wrong-token-123") == std::string::npos);
}

TEST_CASE_METHOD(Fixture, "a 429 on create blocks every call until Retry-After, then the create goes through",
                 "[jira]") {
  jira.FailNext("POST", "/rest/servicedeskapi/request", 429, 1);
  auto creating = std::async(std::launch::async, [&] {
    return helpdesk.CreateTicket(helpdesk::NewTicket{"Rate limited", "d sdm429", "sdm429", ""});
  });
  // Once the client has seen the 429 (it logs before waiting), a call from
  // another thread must wait for the same block.
  REQUIRE(Eventually([&] { return log.Has(util::log::Level::kWarn, "HTTP 429"); }));
  auto me = helpdesk.WhoAmI();
  REQUIRE(me);
  auto ticket = creating.get();
  REQUIRE(ticket);
  auto requests = jira.Requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].method == "POST");
  // Nothing reached Jira for the Retry-After second, from either thread.
  CHECK(GapMs(requests[0], requests[1]) >= 1000);
  CHECK(GapMs(requests[0], requests[2]) >= 1000);
  CHECK(Count("POST", "/rest/servicedeskapi/request") == 2);
  CHECK(jira.Issues().size() == 1);
}

TEST_CASE_METHOD(Fixture, "a 500 on create is returned, not retried, for the caller to reconcile", "[jira]") {
  jira.FailNext("POST", "/rest/servicedeskapi/request", 500);
  auto ticket = helpdesk.CreateTicket(helpdesk::NewTicket{"s", "d", "sdm1", ""});
  REQUIRE_FALSE(ticket);
  CHECK(ticket.error().code == util::ErrorCode::kServerError);
  CHECK(ticket.error().IsTransient());
  CHECK(ticket.error().message == "jira create request: HTTP 500");
  CHECK(Count("POST", "/rest/servicedeskapi/request") == 1);
}

TEST_CASE_METHOD(Fixture, "a create whose connection is refused is retried: it never reached Jira", "[jira]") {
  auto options = Options(jira);
  options.base_url = "http://127.0.0.1:1";  // nothing listens there: connection refused
  JiraHelpdesk unreachable(http, options);
  auto ticket = unreachable.CreateTicket(helpdesk::NewTicket{"s", "d", "sdm1", ""});
  REQUIRE_FALSE(ticket);
  CHECK(ticket.error().code == util::ErrorCode::kNetwork);
  CHECK(ticket.error().not_sent);
  CHECK(log.Has(util::log::Level::kWarn, "retry 2 of 2"));
}

// --- find by marker -------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "FindTicketByMarker finds the ticket once search has caught up", "[jira]") {
  jira.SetSearchLag(milliseconds(800));
  auto created = Create("Lost in a crash", "sdm5e6f7");
  Create("Similar marker", "sdm5e6f7x");  // found by the substring search, not ours
  auto first = helpdesk.FindTicketByMarker("sdm5e6f7");
  REQUIRE(first);
  CHECK_FALSE(first->has_value());  // search lags the write
  std::optional<helpdesk::Ticket> found;
  auto start = std::chrono::steady_clock::now();
  for (int attempt = 0; attempt < 50 && !found; ++attempt) {
    auto result = helpdesk.FindTicketByMarker("sdm5e6f7");
    REQUIRE(result);
    found = *result;
    if (!found) std::this_thread::sleep_for(milliseconds(100));
  }
  REQUIRE(found);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK(found->key == created.key);
  CHECK(found->web_url == created.web_url);
  CHECK(found->status_category == "new");
  // The project key is read from the service desk once and cached.
  CHECK(Count("GET", "/rest/servicedeskapi/servicedesk/3") == 1);
  auto searches = jira.Requests();
  auto search = std::find_if(searches.begin(), searches.end(),
                             [](const fake::JiraRequest& r) { return r.path == "/rest/api/3/search/jql"; });
  REQUIRE(search != searches.end());
  CHECK(search->body.find(R"(project = \"SUP\" AND text ~ \"sdm5e6f7\")") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "FindTicketByMarker returns nothing for an unknown marker", "[jira]") {
  auto created = Create("Something", "sdmaaaa");
  REQUIRE(jira.WaitForSearchable(created.key));
  auto found = helpdesk.FindTicketByMarker("sdmbbbb");
  REQUIRE(found);
  CHECK_FALSE(found->has_value());
}

TEST_CASE_METHOD(Fixture, "GetTicket reads the request and its current status", "[jira]") {
  auto created = Create("Status check", "sdm1");
  REQUIRE(jira.SetStatus(created.key, "Resolved", "done"));
  auto ticket = helpdesk.GetTicket(created.key);
  REQUIRE(ticket);
  CHECK(ticket->status == "Resolved");
  CHECK(ticket->status_category == "done");
  auto missing = helpdesk.GetTicket("SUP-999");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == util::ErrorCode::kRemoteRejected);
  CHECK(missing.error().message.rfind("jira request SUP-999: ", 0) == 0);
  CHECK(missing.error().message.find("(HTTP 404)") != std::string::npos);
}

// --- change detection -------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "ChangedSince follows nextPageToken, oldest first", "[jira]") {
  jira.SetSearchMaxResults(2);
  std::vector<std::string> keys;
  for (int i = 0; i < 5; ++i) keys.push_back(Create(fmt::format("Ticket {}", i), fmt::format("sdm{}", i)).key);
  for (const auto& key : keys) REQUIRE(jira.WaitForSearchable(key));
  auto changes = helpdesk.ChangedSince(0, keys);
  REQUIRE(changes);
  REQUIRE(changes->size() == 5);
  for (size_t i = 0; i < changes->size(); ++i) {
    auto issue = jira.Issue((*changes)[i].key);
    REQUIRE(issue);
    CHECK((*changes)[i].updated_ms == issue->updated_ms);
    CHECK((*changes)[i].status == "Waiting for support");
    CHECK((*changes)[i].status_category == "new");
    if (i > 0) CHECK((*changes)[i - 1].updated_ms <= (*changes)[i].updated_ms);
  }
  CHECK(Count("POST", "/rest/api/3/search/jql") == 3);
  for (const auto& request : jira.Requests()) {
    if (request.path != "/rest/api/3/search/jql") continue;
    CHECK(request.body.find("updated >= 0 ORDER BY updated ASC, key ASC") != std::string::npos);
  }
}

TEST_CASE_METHOD(Fixture, "ChangedSince with no keys makes no request", "[jira]") {
  auto changes = helpdesk.ChangedSince(0, {});
  REQUIRE(changes);
  CHECK(changes->empty());
  CHECK(Count("", "") == 0);
}

TEST_CASE_METHOD(Fixture, "ChangedSince reports only tickets updated at or after since", "[jira]") {
  auto old_ticket = Create("Old", "sdm1");
  auto busy = Create("Busy", "sdm2");
  REQUIRE(jira.WaitForSearchable(busy.key));
  long long since = jira.NowMs() + 1;
  // A status change in a non-UTC profile zone: the epoch bound is absolute.
  REQUIRE(jira.SetTimeZone("Asia/Kolkata"));
  std::this_thread::sleep_for(milliseconds(5));
  REQUIRE(jira.SetStatus(busy.key, "In progress", "indeterminate"));
  REQUIRE(jira.WaitForSearchable(busy.key));
  auto changes = helpdesk.ChangedSince(since, {old_ticket.key, busy.key});
  REQUIRE(changes);
  REQUIRE(changes->size() == 1);
  CHECK((*changes)[0].key == busy.key);
  CHECK((*changes)[0].status_category == "indeterminate");
  CHECK((*changes)[0].updated_ms == jira.Issue(busy.key)->updated_ms);
  CHECK((*changes)[0].updated_ms >= since);
}

TEST_CASE_METHOD(Fixture, "ChangedSince splits many keys into several searches", "[jira]") {
  auto options = Options(jira);
  options.keys_per_search = 2;
  JiraHelpdesk chunked(http, options);
  std::vector<std::string> keys;
  for (int i = 0; i < 5; ++i) keys.push_back(Create(fmt::format("T{}", i), fmt::format("sdm{}", i)).key);
  for (const auto& key : keys) REQUIRE(jira.WaitForSearchable(key));
  auto changes = chunked.ChangedSince(0, keys);
  REQUIRE(changes);
  CHECK(changes->size() == 5);
  CHECK(Count("POST", "/rest/api/3/search/jql") == 3);
}

TEST_CASE_METHOD(Fixture, "ChangedSince over many links searches the project once and keeps the linked", "[jira]") {
  auto options = Options(jira);
  options.key_list_limit = 3;
  JiraHelpdesk wide(http, options);
  std::vector<std::string> keys;
  for (int i = 0; i < 5; ++i) keys.push_back(Create(fmt::format("T{}", i), fmt::format("sdm{}", i)).key);
  auto unlinked = Create("Not ours", "sdm9");
  for (const auto& key : keys) REQUIRE(jira.WaitForSearchable(key));
  REQUIRE(jira.WaitForSearchable(unlinked.key));
  auto changes = wide.ChangedSince(0, keys);
  REQUIRE(changes);
  CHECK(changes->size() == 5);
  for (const auto& change : *changes) CHECK(change.key != unlinked.key);
  CHECK(Count("POST", "/rest/api/3/search/jql") == 1);
  for (const auto& request : jira.Requests()) {
    if (request.path != "/rest/api/3/search/jql") continue;
    CHECK(request.body.find("project = \\\"SUP\\\" AND updated >= 0") != std::string::npos);
  }
}

TEST_CASE_METHOD(Fixture, "ChangedSince leaves out keys Jira no longer knows", "[jira]") {
  auto ticket = Create("Still here", "sdm1");
  REQUIRE(jira.WaitForSearchable(ticket.key));
  auto changes = helpdesk.ChangedSince(0, {"SUP-404", ticket.key, "not a key"});
  REQUIRE(changes);
  REQUIRE(changes->size() == 1);
  CHECK((*changes)[0].key == ticket.key);
  CHECK(log.Has(util::log::Level::kWarn, "SUP-404"));
  CHECK(Count("POST", "/rest/api/3/search/jql") == 2);
}

// --- comments ---------------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "CommentsNewerThan pages newest first and stops at the known id", "[jira]") {
  auto options = Options(jira);
  options.comment_page_size = 3;
  JiraHelpdesk paged(http, options);
  auto ticket = Create("Chatty", "sdm1");
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) {
    ids.push_back(jira.AddAgentComment(ticket.key, "Ann Agent", fmt::format("reply {}", i), i != 4));
    REQUIRE_FALSE(ids.back().empty());
  }
  int before = Count("GET", "/rest/api/2/issue/");
  auto comments = paged.CommentsNewerThan(ticket.key, ids[1]);
  REQUIRE(comments);
  REQUIRE(comments->size() == 5);
  for (size_t i = 0; i < 5; ++i) CHECK((*comments)[i].id == ids[6 - i]);
  CHECK((*comments)[0].body == "reply 6");
  CHECK((*comments)[0].author_name == "Ann Agent");
  CHECK((*comments)[0].is_public);
  CHECK_FALSE((*comments)[2].is_public);  // reply 4 is an internal note
  CHECK((*comments)[0].created_ms > 0);
  CHECK(Count("GET", "/rest/api/2/issue/") - before == 2);  // stopped in the second page

  auto all = paged.CommentsNewerThan(ticket.key, "");
  REQUIRE(all);
  CHECK(all->size() == 7);
  auto none = paged.CommentsNewerThan(ticket.key, ids[6]);
  REQUIRE(none);
  CHECK(none->empty());
}

TEST_CASE_METHOD(Fixture, "AddPublicComment writes a public, marked comment that FindCommentByMarker finds", "[jira]") {
  auto ticket = Create("Reply from Slack", "sdm1");
  jira.AddAgentComment(ticket.key, "Ann Agent", "agent first", true);
  auto added = helpdesk.AddPublicComment(ticket.key, "Alice (via Slack): thanks", "sdc-77");
  REQUIRE(added);
  CHECK_FALSE(added->id.empty());
  CHECK(added->is_public);
  CHECK(added->marker == "sdc-77");
  CHECK(added->author_account_id == FakeJira::kBotAccountId);
  auto issue = jira.Issue(ticket.key);
  REQUIRE(issue);
  REQUIRE(issue->comments.size() == 2);
  CHECK(issue->comments.back().is_public);
  CHECK(issue->comments.back().body == "Alice (via Slack): thanks");
  jira.AddAgentComment(ticket.key, "Ann Agent", "agent later", true);

  auto found = helpdesk.FindCommentByMarker(ticket.key, "sdc-77");
  REQUIRE(found);
  REQUIRE(found->has_value());
  CHECK((*found)->id == added->id);
  auto missing = helpdesk.FindCommentByMarker(ticket.key, "sdc-78");
  REQUIRE(missing);
  CHECK_FALSE(missing->has_value());
  auto comments = helpdesk.CommentsNewerThan(ticket.key, "");
  REQUIRE(comments);
  REQUIRE(comments->size() == 3);
  CHECK((*comments)[1].marker == "sdc-77");
}

TEST_CASE_METHOD(Fixture, "a 500 on add comment is returned once, naming the ticket", "[jira]") {
  auto ticket = Create("s", "sdm1");
  jira.FailNext("POST", "/rest/api/2/issue/", 500);
  auto added = helpdesk.AddPublicComment(ticket.key, "hello", "sdc1");
  REQUIRE_FALSE(added);
  CHECK(added.error().code == util::ErrorCode::kServerError);
  CHECK(added.error().message == fmt::format("jira comment {}: HTTP 500", ticket.key));
  CHECK(Count("POST", "/rest/api/2/issue/") == 1);
}

// --- failures ---------------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "reads retry a 502 with an HTML body and then succeed", "[jira]") {
  jira.FailNext("GET", "/rest/api/3/myself", 502);
  auto me = helpdesk.WhoAmI();
  REQUIRE(me);
  CHECK(Count("GET", "/rest/api/3/myself") == 2);
  CHECK(log.Has(util::log::Level::kWarn, "jira myself: HTTP 502; retry 1 of 2"));
}

TEST_CASE_METHOD(Fixture, "an outage yields a transient error after bounded retries", "[jira]") {
  jira.SetOutage(true);
  auto ticket = helpdesk.GetTicket("SUP-1");
  REQUIRE_FALSE(ticket);
  CHECK(ticket.error().code == util::ErrorCode::kServerError);
  CHECK(ticket.error().IsTransient());
  CHECK(ticket.error().message == "jira request SUP-1: HTTP 500");
  CHECK(Count("", "") == 3);  // max_attempts
  jira.SetOutage(false);
  jira.SetOutage(true, 503);
  auto changes = helpdesk.ChangedSince(0, {"SUP-1"});
  REQUIRE_FALSE(changes);
  CHECK(changes.error().code == util::ErrorCode::kServerError);
  CHECK(Count("", "") == 6);
  for (const auto& line : log.All()) {
    CHECK(line.find(FakeJira::kApiToken) == std::string::npos);
    CHECK(line.find("Basic ") == std::string::npos);
  }
}

TEST_CASE_METHOD(Fixture, "a 503 with Retry-After holds calls back like a 429", "[jira]") {
  jira.FailNext("GET", "/rest/api/3/myself", 503, 1);
  auto me = helpdesk.WhoAmI();
  REQUIRE(me);
  auto requests = jira.Requests();
  REQUIRE(requests.size() == 2);
  CHECK(GapMs(requests[0], requests[1]) >= 1000);
}

TEST_CASE_METHOD(Fixture, "a Retry-After beyond the wait limit fails fast and keeps later calls back", "[jira]") {
  auto options = Options(jira);
  options.max_rate_limit_wait = milliseconds(500);
  JiraHelpdesk impatient(http, options);
  jira.FailNext("", "/rest/api/3/myself", 429, 30);
  auto me = impatient.WhoAmI();
  REQUIRE_FALSE(me);
  CHECK(me.error().code == util::ErrorCode::kRateLimited);
  CHECK(me.error().retry_after_ms == 30000);
  auto target = impatient.DescribeTarget();
  REQUIRE_FALSE(target);
  CHECK(target.error().code == util::ErrorCode::kRateLimited);
  CHECK(target.error().retry_after_ms > 29000);
  CHECK(Count("", "") == 1);  // the second call never went out
}

TEST_CASE_METHOD(Fixture, "a 429 without Retry-After waits the default pause", "[jira]") {
  auto options = Options(jira);
  options.default_retry_after = milliseconds(300);
  JiraHelpdesk client(http, options);
  jira.FailNext("GET", "/rest/api/3/myself", 429);
  auto me = client.WhoAmI();
  REQUIRE(me);
  auto requests = jira.Requests();
  REQUIRE(requests.size() == 2);
  CHECK(GapMs(requests[0], requests[1]) >= 300);
}
