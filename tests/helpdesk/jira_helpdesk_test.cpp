// JiraHelpdesk against the fake JSM site over real HTTP (CurlHttpClient on
// 127.0.0.1): request shapes, error mapping, retries and the rate-limit
// block, paging, search lag, the comment cursor, `slackdesk check` lines.
// One behaviour per test case.
#include "helpdesk/jira/jira_helpdesk.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "bridge/text.h"
#include "curl_global.h"
#include "fake_jira.h"
#include "fake_site_options.h"
#include "helpdesk/jira/wiki.h"
#include "test_support.h"
#include "util/http/curl_http_client.h"

namespace {

using bridge::PlainText;
using fake::FakeJira;
using helpdesk::StatusCategory;
using helpdesk::jira::CommentIdNewer;
using helpdesk::jira::JiraHelpdesk;
using helpdesk::jira::JiraOptions;
using std::chrono::milliseconds;


JiraOptions Options(const FakeJira& jira) {
  JiraOptions options = testing::FakeSiteOptions(jira);
  options.base_url += "/";  // the trailing '/' is dropped
  options.max_attempts = 3;
  options.timeout = milliseconds(10000);
  return options;
}

// A description that mentions its marker, as the core writes them.
bridge::RichText Description(const std::string& marker) { return PlainText("Details.\n\nslackdesk ref " + marker); }

struct Fixture {
  Fixture() : helpdesk(http, Options(jira)) {}
  FakeJira jira;
  testing::LogCapture log;
  util::http::CurlHttpClient http;
  JiraHelpdesk helpdesk;

  helpdesk::Ticket Create(const std::string& summary, const std::string& marker) {
    auto ticket = helpdesk.CreateTicket(helpdesk::NewTicket{summary, Description(marker), marker, "", {}, {}});
    REQUIRE(ticket);
    return *ticket;
  }
  int Count(const std::string& method, const std::string& prefix) const { return jira.CountRequests(method, prefix); }
  // Creates `count` tickets summarised "<summary><n>" and waits until the
  // search sees them all; returns their keys.
  std::vector<std::string> CreateSearchable(int count, const std::string& summary) {
    std::vector<std::string> keys;
    for (int i = 0; i < count; ++i) {
      keys.push_back(Create(fmt::format("{}{}", summary, i), fmt::format("sdm{}", i)).key);
    }
    for (const auto& key : keys) REQUIRE(jira.WaitForSearchable(key));
    return keys;
  }
  // A second backend on the same site whose options `change` alters (a
  // wrong id, a wrong token, other search limits).
  std::unique_ptr<JiraHelpdesk> Configured(void (*change)(JiraOptions&)) {
    auto options = Options(jira);
    change(options);
    return std::make_unique<JiraHelpdesk>(http, options);
  }
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
  CHECK(helpdesk.Name() == "jira");
  auto me = helpdesk.WhoAmI();
  REQUIRE(me);
  CHECK(me->id == FakeJira::kBotAccountId);
  CHECK(me->display_name == FakeJira::kBotDisplayName);
  CHECK(me->email == FakeJira::kEmail);
  CHECK(me->time_zone == "Europe/Berlin");
  auto requests = jira.Requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "GET");
  CHECK(requests[0].path == "/rest/api/3/myself");
  CHECK(requests[0].authorization == FakeJira::BasicAuthorization());
}

TEST_CASE_METHOD(Fixture, "Check names the account, then the desk, project and request type", "[jira]") {
  auto lines = helpdesk.Check();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].ok);
  CHECK(lines[0].what == "jira /rest/api/3/myself (jira_email, jira_api_token)");
  CHECK(lines[0].detail == "slackdesk bot <bot@example.com>, time zone Europe/Berlin");
  CHECK(lines[1].ok);
  CHECK(lines[1].what == "jira service desk and request type");
  CHECK(lines[1].detail == "service desk SUP (Support), request type 'Get IT help'");
}

TEST_CASE_METHOD(Fixture, "Check names the wrong service desk id", "[jira]") {
  auto lines = Configured([](JiraOptions& options) { options.service_desk_id = "99"; })->Check();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].ok);
  CHECK_FALSE(lines[1].ok);
  CHECK(lines[1].what == "jira service desk and request type");
  CHECK(lines[1].detail.rfind("jira_service_desk_id 99 not found (", 0) == 0);
  CHECK(Count("", "/rest/servicedeskapi/") == 1);  // a 404 is not retried
}

TEST_CASE_METHOD(Fixture, "Check names the wrong request type id and its desk", "[jira]") {
  auto lines = Configured([](JiraOptions& options) { options.request_type_id = "11"; })->Check();
  REQUIRE(lines.size() == 2);
  CHECK_FALSE(lines[1].ok);
  CHECK(lines[1].detail.rfind("jira_request_type_id 11 not found in service desk 3 (", 0) == 0);
}

TEST_CASE_METHOD(Fixture, "Check stops after refused credentials and never shows the token", "[jira]") {
  auto lines = Configured([](JiraOptions& options) { options.api_token = "wrong-token-456"; })->Check();
  REQUIRE(lines.size() == 1);  // the target cannot be checked without credentials
  CHECK_FALSE(lines[0].ok);
  CHECK(lines[0].what == "jira /rest/api/3/myself (jira_email, jira_api_token)");
  CHECK(lines[0].detail.find("(HTTP 401)") != std::string::npos);
  CHECK(lines[0].detail.find("wrong-token-456") == std::string::npos);
  CHECK(Count("", "/rest/servicedeskapi/") == 0);
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
  CHECK(ticket.status.label == "Waiting for support");
  CHECK(ticket.status.category == StatusCategory::kNew);
  // The portal id (7) differs from the desk id (3): the link must be Jira's.
  CHECK(ticket.web_url == jira.base_url() + "/servicedesk/customer/portal/7/" + ticket.key);
  CHECK(ticket.agent_url == jira.base_url() + "/browse/" + ticket.key);
  auto issue = jira.Issue(ticket.key);
  REQUIRE(issue);
  CHECK(issue->summary == "Printer on fire");
  // Rendered as wiki markup; it mentions the marker already, so nothing is added.
  CHECK(issue->description == helpdesk::jira::RenderWiki(Description("sdm1a2b3c")));
  CHECK(issue->description.find("sdm1a2b3c") != std::string::npos);
  CHECK(issue->reporter_account_id == FakeJira::kBotAccountId);
  CHECK(issue->request_type_id == FakeJira::kRequestTypeId);
  auto requests = jira.Requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].body.find("raiseOnBehalfOf") == std::string::npos);
}

TEST_CASE_METHOD(Fixture, "CreateTicket raises on behalf of a known customer", "[jira]") {
  std::string alice = jira.AddCustomer("alice@example.com", "Alice Doe");
  auto ticket = helpdesk.CreateTicket(helpdesk::NewTicket{"VPN down", PlainText("Since 9:00"), "sdm9", alice, {}, {}});
  REQUIRE(ticket);
  auto issue = jira.Issue(ticket->key);
  REQUIRE(issue);
  CHECK(issue->reporter_account_id == alice);
}

TEST_CASE_METHOD(Fixture, "a validation refusal surfaces Jira's message, once", "[jira]") {
  auto ticket = helpdesk.CreateTicket(helpdesk::NewTicket{"two\nlines", PlainText("d"), "sdm1", "", {}, {}});
  REQUIRE_FALSE(ticket);
  CHECK(ticket.error().code == util::ErrorCode::kRemoteRejected);
  CHECK(ticket.error().message ==
        "jira create request: Summary: The summary is invalid because it contains newline characters. (HTTP 400)");
  CHECK(Count("POST", "/rest/servicedeskapi/request") == 1);
}

TEST_CASE_METHOD(Fixture, "refused credentials are an auth error, never retried and never logged", "[jira]") {
  auto wrong = Configured([](JiraOptions& options) { options.api_token = "wrong-token-123"; });
  auto ticket = wrong->CreateTicket(helpdesk::NewTicket{"s", PlainText("d"), "sdm1", "", {}, {}});
  REQUIRE_FALSE(ticket);
  CHECK(ticket.error().code == util::ErrorCode::kAuth);
  CHECK(ticket.error().message.find("(HTTP 401)") != std::string::npos);
  auto me = wrong->WhoAmI();
  REQUIRE_FALSE(me);
  CHECK(me.error().code == util::ErrorCode::kAuth);
  CHECK(Count("", "") == 2);
  CHECK(ticket.error().message.find("wrong-token-123") == std::string::npos);
}

TEST_CASE_METHOD(Fixture, "a 429 on create blocks every call until Retry-After, then the create goes through",
                 "[jira]") {
  jira.FailNext("POST", "/rest/servicedeskapi/request", 429, 1);
  auto creating = std::async(std::launch::async, [&] {
    return helpdesk.CreateTicket(helpdesk::NewTicket{"Rate limited", PlainText("d sdm429"), "sdm429", "", {}, {}});
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
  auto ticket = helpdesk.CreateTicket(helpdesk::NewTicket{"s", PlainText("d"), "sdm1", "", {}, {}});
  REQUIRE_FALSE(ticket);
  CHECK(ticket.error().code == util::ErrorCode::kServerError);
  CHECK(ticket.error().IsTransient());
  CHECK(ticket.error().message == "jira create request: HTTP 500 (Internal server error)");
  CHECK(Count("POST", "/rest/servicedeskapi/request") == 1);
}

TEST_CASE_METHOD(Fixture, "a create whose connection is refused is retried: it never reached Jira", "[jira]") {
  auto options = Options(jira);
  options.base_url = "http://127.0.0.1:1";  // nothing listens there: connection refused
  JiraHelpdesk unreachable(http, options);
  auto ticket = unreachable.CreateTicket(helpdesk::NewTicket{"s", PlainText("d"), "sdm1", "", {}, {}});
  REQUIRE_FALSE(ticket);
  CHECK(ticket.error().code == util::ErrorCode::kNetwork);
  CHECK(ticket.error().not_sent);
  CHECK(log.Has(util::log::Level::kWarn, "retry 2 of 2"));
}

TEST_CASE_METHOD(Fixture, "CreateTicket adds the marker when the description does not mention it", "[jira]") {
  auto ticket = helpdesk.CreateTicket(helpdesk::NewTicket{"No marker yet", PlainText("Help."), "sdm42", "", {}, {}});
  REQUIRE(ticket);
  auto issue = jira.Issue(ticket->key);
  REQUIRE(issue);
  CHECK(issue->description == helpdesk::jira::RenderWiki(PlainText("Help.")) + "\n*slackdesk reference:* sdm42");
}

// --- find after an unknown outcome ----------------------------------------------------

TEST_CASE_METHOD(Fixture, "FindCreatedTicket finds the ticket once search has caught up", "[jira]") {
  jira.SetSearchLag(milliseconds(800));
  auto created = Create("Lost in a crash", "sdm5e6f7");
  Create("Similar marker", "sdm5e6f7x");  // found by the substring search, not ours
  // Asked right after the attempt: search lags the write, so "not yet".
  auto first = helpdesk.FindCreatedTicket("sdm5e6f7", 1000, 1000);
  REQUIRE_FALSE(first);
  CHECK(first.error().code == util::ErrorCode::kTimeout);
  std::optional<helpdesk::Ticket> found;
  auto start = std::chrono::steady_clock::now();
  for (int attempt = 0; attempt < 50 && !found; ++attempt) {
    auto result = helpdesk.FindCreatedTicket("sdm5e6f7", 1000, 1000);
    if (result) {
      REQUIRE(result->has_value());
      found = *result;
    } else {
      REQUIRE(result.error().code == util::ErrorCode::kTimeout);
      std::this_thread::sleep_for(milliseconds(100));
    }
  }
  REQUIRE(found);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK(found->key == created.key);
  CHECK(found->web_url == created.web_url);
  CHECK(found->status.category == StatusCategory::kNew);
  // The project key is read from the service desk once and cached.
  CHECK(Count("GET", "/rest/servicedeskapi/servicedesk/3") == 1);
  auto searches = jira.Requests();
  auto search = std::find_if(searches.begin(), searches.end(),
                             [](const fake::JiraRequest& r) { return r.path == "/rest/api/3/search/jql"; });
  REQUIRE(search != searches.end());
  CHECK(search->body.find(R"(project = \"SUP\" AND text ~ \"sdm5e6f7\")") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "FindCreatedTicket: not found within the search-lag window is a transient wait", "[jira]") {
  auto created = Create("Something", "sdmaaaa");
  REQUIRE(jira.WaitForSearchable(created.key));
  const long long attempted = 1'000'000;
  // Asked again in 2 s, or just as the window ends when that is sooner: a
  // create that was lost is raised then, not a backoff later.
  for (auto [elapsed, retry] : {std::pair{0LL, 2000L}, {1LL, 2000L}, {28'000LL, 2000L}, {28'500LL, 1501L},
                                {29'999LL, 2L}}) {
    INFO(elapsed);
    auto found = helpdesk.FindCreatedTicket("sdmbbbb", attempted, attempted + elapsed);
    REQUIRE_FALSE(found);
    CHECK(found.error().code == util::ErrorCode::kTimeout);
    CHECK(found.error().IsTransient());
    CHECK(found.error().retry_after_ms == retry);
    CHECK(found.error().message == "ticket search has not caught up yet (marker sdmbbbb)");
  }
  // A clock that went backwards is still within the window.
  CHECK_FALSE(helpdesk.FindCreatedTicket("sdmbbbb", attempted, attempted - 5000));
}

TEST_CASE_METHOD(Fixture, "FindCreatedTicket: not found after the window means not created", "[jira]") {
  auto created = Create("Something", "sdmaaaa");
  REQUIRE(jira.WaitForSearchable(created.key));
  const long long attempted = 1'000'000;
  for (long long elapsed : {30'000LL, 30'001LL, 3'600'000LL}) {
    INFO(elapsed);
    auto found = helpdesk.FindCreatedTicket("sdmbbbb", attempted, attempted + elapsed);
    REQUIRE(found);
    CHECK_FALSE(found->has_value());
  }
  // Found is found, whenever it is asked.
  auto mine = helpdesk.FindCreatedTicket("sdmaaaa", attempted, attempted);
  REQUIRE(mine);
  REQUIRE(mine->has_value());
  CHECK((*mine)->key == created.key);
}

TEST_CASE_METHOD(Fixture, "FindCreatedTicket's window is search_lag_window_ms", "[jira]") {
  auto options = Options(jira);
  options.search_lag_window_ms = 5000;
  JiraHelpdesk quick(http, options);
  CHECK_FALSE(quick.FindCreatedTicket("sdmcccc", 0, 4999));
  auto after = quick.FindCreatedTicket("sdmcccc", 0, 5000);
  REQUIRE(after);
  CHECK_FALSE(after->has_value());
}

TEST_CASE_METHOD(Fixture, "FindCreatedTicket returns a failed search as it is, window or not", "[jira]") {
  jira.SetOutage(true);
  auto early = helpdesk.FindCreatedTicket("sdmdddd", 0, 0);
  REQUIRE_FALSE(early);
  CHECK(early.error().code == util::ErrorCode::kServerError);
  auto late = helpdesk.FindCreatedTicket("sdmdddd", 0, 60'000);
  REQUIRE_FALSE(late);
  CHECK(late.error().code == util::ErrorCode::kServerError);
  auto empty = helpdesk.FindCreatedTicket("", 0, 60'000);
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == util::ErrorCode::kInvalidInput);
}

TEST_CASE_METHOD(Fixture, "GetTicket reads the request and its current status", "[jira]") {
  auto created = Create("Status check", "sdm1");
  REQUIRE(jira.SetStatus(created.key, "Resolved", "done"));
  auto ticket = helpdesk.GetTicket(created.key);
  REQUIRE(ticket);
  CHECK(ticket->status.label == "Resolved");
  CHECK(ticket->status.category == StatusCategory::kDone);
  auto missing = helpdesk.GetTicket("SUP-999");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == util::ErrorCode::kRemoteRejected);
  CHECK(missing.error().message.rfind("jira request SUP-999: ", 0) == 0);
  CHECK(missing.error().message.find("(HTTP 404)") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "statuses map from Jira's category key, keeping Jira's name as the label", "[jira]") {
  auto created = Create("Status walk", "sdm1");
  struct Step {
    const char* name;
    const char* category;
    StatusCategory expected;
  };
  for (const Step& step : {Step{"Waiting for support", "new", StatusCategory::kNew},
                           Step{"In progress", "indeterminate", StatusCategory::kInProgress},
                           Step{"Waiting for customer", "indeterminate", StatusCategory::kInProgress},
                           Step{"Closed", "done", StatusCategory::kDone}}) {
    INFO(step.name);
    REQUIRE(jira.SetStatus(created.key, step.name, step.category));
    REQUIRE(jira.WaitForSearchable(created.key));
    auto ticket = helpdesk.GetTicket(created.key);  // servicedeskapi: "NEW", "INDETERMINATE", "DONE"
    REQUIRE(ticket);
    CHECK(ticket->status == helpdesk::TicketStatus{step.expected, step.name});
    auto changes = helpdesk.ChangedSince(0, {created.key});  // platform search: "new", …
    REQUIRE(changes);
    REQUIRE(changes->size() == 1);
    CHECK((*changes)[0].status == helpdesk::TicketStatus{step.expected, step.name});
  }
}

// --- change detection -------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "ChangedSince follows nextPageToken, oldest first", "[jira]") {
  jira.SetSearchMaxResults(2);
  auto keys = CreateSearchable(5, "Ticket ");
  auto changes = helpdesk.ChangedSince(0, keys);
  REQUIRE(changes);
  REQUIRE(changes->size() == 5);
  for (size_t i = 0; i < changes->size(); ++i) {
    auto issue = jira.Issue((*changes)[i].key);
    REQUIRE(issue);
    CHECK((*changes)[i].updated_ms == issue->updated_ms);
    CHECK((*changes)[i].status.label == "Waiting for support");
    CHECK((*changes)[i].status.category == StatusCategory::kNew);
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
  CHECK((*changes)[0].status.category == StatusCategory::kInProgress);
  CHECK((*changes)[0].updated_ms == jira.Issue(busy.key)->updated_ms);
  CHECK((*changes)[0].updated_ms >= since);
}

TEST_CASE_METHOD(Fixture, "ChangedSince splits many keys into several searches", "[jira]") {
  auto chunked = Configured([](JiraOptions& options) { options.keys_per_search = 2; });
  auto keys = CreateSearchable(5, "T");
  auto changes = chunked->ChangedSince(0, keys);
  REQUIRE(changes);
  CHECK(changes->size() == 5);
  CHECK(Count("POST", "/rest/api/3/search/jql") == 3);
}

TEST_CASE_METHOD(Fixture, "ChangedSince over many links searches the project once and keeps the linked", "[jira]") {
  auto wide = Configured([](JiraOptions& options) { options.key_list_limit = 3; });
  auto keys = CreateSearchable(5, "T");
  auto unlinked = Create("Not ours", "sdm9");
  REQUIRE(jira.WaitForSearchable(unlinked.key));
  auto changes = wide->ChangedSince(0, keys);
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

TEST_CASE_METHOD(Fixture, "CommentsAfter pages newest first through every page, returns oldest first", "[jira]") {
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
  auto page = paged.CommentsAfter(ticket.key, ids[1]);
  REQUIRE(page);
  const auto& comments = page->comments;
  REQUIRE(comments.size() == 5);
  for (size_t i = 0; i < 5; ++i) CHECK(comments[i].id == ids[2 + i]);
  CHECK(bridge::ToPlainString(comments[4].body) == "reply 6");
  CHECK(comments[4].body == helpdesk::jira::ParseWiki("reply 6"));
  CHECK(comments[4].author_name == "Ann Agent");
  CHECK_FALSE(comments[4].author_id.empty());
  CHECK(comments[4].is_public);
  CHECK_FALSE(comments[2].is_public);  // reply 4 is an internal note
  CHECK_FALSE(comments[4].written_by_slackdesk);
  CHECK(comments[4].created_ms > 0);
  CHECK(page->next == ids[6]);
  // Every page, for edits and deletions of earlier comments: all of them.
  CHECK(Count("GET", "/rest/api/2/issue/") - before == 3);
  REQUIRE(page->current);
  REQUIRE(page->current->size() == 7);
  CHECK(page->current->front().id == ids[0]);
  CHECK(page->current->back().id == ids[6]);

  auto all = paged.CommentsAfter(ticket.key, "");
  REQUIRE(all);
  CHECK(all->comments.size() == 7);
  CHECK(all->comments.front().id == ids[0]);
  CHECK(all->next == ids[6]);
  auto none = paged.CommentsAfter(ticket.key, ids[6]);
  REQUIRE(none);
  CHECK(none->comments.empty());
  CHECK(none->next == ids[6]);  // nothing new: the cursor stays
}

TEST_CASE_METHOD(Fixture, "CommentsAfter's current comments show an agent's edit (updated) and not a deleted one",
                 "[jira]") {
  auto ticket = Create("Edited", "sdm-edit");
  std::string kept = jira.AddAgentComment(ticket.key, "Ann Agent", "first version", true);
  std::string gone = jira.AddAgentComment(ticket.key, "Ann Agent", "soon deleted", true);
  auto before = helpdesk.CommentsAfter(ticket.key, gone);
  REQUIRE(before);
  REQUIRE(before->current);
  REQUIRE(before->current->size() == 2);
  CHECK(before->current->front().updated_ms == before->current->front().created_ms);
  auto issue_before = jira.Issue(ticket.key);
  REQUIRE(issue_before);

  REQUIRE(jira.EditComment(ticket.key, kept, "Bob Boss", "second version"));
  REQUIRE(jira.DeleteComment(ticket.key, gone));
  auto issue = jira.Issue(ticket.key);
  REQUIRE(issue);
  CHECK(issue->updated_ms > issue_before->updated_ms);  // the change search reports the ticket
  auto after = helpdesk.CommentsAfter(ticket.key, gone);
  REQUIRE(after);
  CHECK(after->comments.empty());  // nothing new
  REQUIRE(after->current);
  REQUIRE(after->current->size() == 1);
  const helpdesk::Comment& edited = after->current->front();
  CHECK(edited.id == kept);
  CHECK(bridge::ToPlainString(edited.body) == "second version");
  CHECK(edited.author_name == "Ann Agent");  // the author stays; updateAuthor is the editor
  CHECK(edited.updated_ms > edited.created_ms);
}

TEST_CASE_METHOD(Fixture, "CommentsAfter compares ids as numbers and survives a vanished cursor", "[jira]") {
  auto ticket = Create("Cursor", "sdm1");
  auto other = Create("Elsewhere", "sdm2");
  std::vector<std::string> ids;
  std::string elsewhere;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(jira.AddAgentComment(ticket.key, "Ann Agent", fmt::format("r{}", i), true));
    // Ids count across the site: this one lies between ids[0] and ids[1].
    if (i == 0) elsewhere = jira.AddAgentComment(other.key, "Ann Agent", "elsewhere", true);
  }
  // A shorter id is smaller even where it sorts after as text ("9" > "10001").
  auto from_small = helpdesk.CommentsAfter(ticket.key, "9");
  REQUIRE(from_small);
  CHECK(from_small->comments.size() == 3);
  CHECK(from_small->next == ids[2]);
  // A cursor whose comment is gone (deleted in Jira): the walk reads it all
  // and keeps only what is newer.
  REQUIRE(CommentIdNewer(elsewhere, ids[0]));
  REQUIRE(CommentIdNewer(ids[1], elsewhere));
  auto after_gone = helpdesk.CommentsAfter(ticket.key, elsewhere);
  REQUIRE(after_gone);
  REQUIRE(after_gone->comments.size() == 2);
  CHECK(after_gone->comments[0].id == ids[1]);
  CHECK(after_gone->next == ids[2]);
  auto beyond = helpdesk.CommentsAfter(ticket.key, std::to_string(std::stoll(ids[2]) + 1000));
  REQUIRE(beyond);
  CHECK(beyond->comments.empty());
  CHECK(beyond->next == std::to_string(std::stoll(ids[2]) + 1000));
  auto empty_key = helpdesk.CommentsAfter("", "");
  REQUIRE_FALSE(empty_key);
  CHECK(empty_key.error().code == util::ErrorCode::kInvalidInput);
}

TEST_CASE_METHOD(Fixture, "CommentUrl is the issue's browse page focused on the comment, with no request",
                 "[jira]") {
  auto ticket = Create("Edited in Slack", "sdm-url");
  auto added = helpdesk.AddPublicComment(ticket.key, PlainText("first version"), "sdc-url");
  REQUIRE(added);
  int requests = jira.CountRequests("GET", "/");
  // Options() gives base_url a trailing '/': it is not doubled.
  CHECK(helpdesk.CommentUrl(ticket.key, added->id) == testing::FakeSiteOptions(jira).base_url + "/browse/" +
                                                          ticket.key + "?focusedCommentId=" + added->id +
                                                          "#comment-" + added->id);
  CHECK(jira.CountRequests("GET", "/") == requests);
}

TEST_CASE_METHOD(Fixture, "AddPublicComment writes a public, marked comment that FindCommentByMarker finds", "[jira]") {
  auto ticket = Create("Reply from Slack", "sdm1");
  jira.AddAgentComment(ticket.key, "Ann Agent", "agent first", true);
  auto added = helpdesk.AddPublicComment(ticket.key, PlainText("Alice (via Slack): thanks"), "sdc-77");
  REQUIRE(added);
  CHECK_FALSE(added->id.empty());
  CHECK(added->is_public);
  CHECK(added->written_by_slackdesk);
  CHECK(added->author_id == FakeJira::kBotAccountId);
  auto issue = jira.Issue(ticket.key);
  REQUIRE(issue);
  REQUIRE(issue->comments.size() == 2);
  CHECK(issue->comments.back().is_public);
  CHECK(issue->comments.back().body == helpdesk::jira::RenderWiki(PlainText("Alice (via Slack): thanks")));
  jira.AddAgentComment(ticket.key, "Ann Agent", "agent later", true);

  auto found = helpdesk.FindCommentByMarker(ticket.key, "sdc-77");
  REQUIRE(found);
  REQUIRE(found->has_value());
  CHECK((*found)->id == added->id);
  CHECK((*found)->written_by_slackdesk);
  auto missing = helpdesk.FindCommentByMarker(ticket.key, "sdc-78");
  REQUIRE(missing);
  CHECK_FALSE(missing->has_value());
  auto comments = helpdesk.CommentsAfter(ticket.key, "");
  REQUIRE(comments);
  REQUIRE(comments->comments.size() == 3);
  CHECK(comments->comments[1].written_by_slackdesk);
  CHECK_FALSE(comments->comments[0].written_by_slackdesk);
  CHECK_FALSE(comments->comments[2].written_by_slackdesk);
}

TEST_CASE_METHOD(Fixture, "a comment over 32,000 characters is cut, saying where the rest is", "[jira]") {
  auto ticket = Create("Long reply", "sdm1");
  // Two-byte characters: the limit counts characters, not bytes.
  std::string long_text;
  for (int i = 0; i < 33'000; ++i) long_text += "\xc3\xa9";  // é
  std::string wiki = helpdesk::jira::RenderWiki(PlainText(long_text));
  REQUIRE(bridge::CharCount(wiki) > 32'000);
  auto added = helpdesk.AddPublicComment(ticket.key, PlainText(long_text), "sdc-long");
  REQUIRE(added);
  auto issue = jira.Issue(ticket.key);
  REQUIRE(issue);
  REQUIRE(issue->comments.size() == 1);
  const std::string& body = issue->comments[0].body;
  CHECK(body == bridge::TruncateChars(wiki, 32'000) + "\n_(shortened: the full message is in the Slack thread)_");
  CHECK(bridge::CharCount(body) ==
        32'000 + bridge::CharCount("\n_(shortened: the full message is in the Slack thread)_"));

  // At the limit exactly nothing is cut.
  std::string exact_text(32'000, 'a');
  std::string exact_wiki = helpdesk::jira::RenderWiki(PlainText(exact_text));
  REQUIRE(bridge::CharCount(exact_wiki) == 32'000);
  REQUIRE(helpdesk.AddPublicComment(ticket.key, PlainText(exact_text), "sdc-exact"));
  CHECK(jira.Issue(ticket.key)->comments.back().body == exact_wiki);
}

TEST_CASE_METHOD(Fixture, "a 500 on add comment is returned once, naming the ticket", "[jira]") {
  auto ticket = Create("s", "sdm1");
  jira.FailNext("POST", "/rest/api/2/issue/", 500);
  auto added = helpdesk.AddPublicComment(ticket.key, PlainText("hello"), "sdc1");
  REQUIRE_FALSE(added);
  CHECK(added.error().code == util::ErrorCode::kServerError);
  CHECK(added.error().message == fmt::format("jira comment {}: HTTP 500 (Internal server error)", ticket.key));
  CHECK(Count("POST", "/rest/api/2/issue/") == 1);
}

// --- failures ---------------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "reads retry a 502 with an HTML body and then succeed", "[jira]") {
  jira.FailNext("GET", "/rest/api/3/myself", 502);
  auto me = helpdesk.WhoAmI();
  REQUIRE(me);
  CHECK(Count("GET", "/rest/api/3/myself") == 2);
  CHECK(log.Has(util::log::Level::kWarn, "jira myself: HTTP 502 (502 Service Unavailable); retry 1 of 2"));
}

TEST_CASE_METHOD(Fixture, "an outage yields a transient error after bounded retries", "[jira]") {
  jira.SetOutage(true);
  auto ticket = helpdesk.GetTicket("SUP-1");
  REQUIRE_FALSE(ticket);
  CHECK(ticket.error().code == util::ErrorCode::kServerError);
  CHECK(ticket.error().IsTransient());
  CHECK(ticket.error().message == "jira request SUP-1: HTTP 500 (Internal server error)");
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
  auto ticket = impatient.GetTicket("SUP-1");
  REQUIRE_FALSE(ticket);
  CHECK(ticket.error().code == util::ErrorCode::kRateLimited);
  CHECK(ticket.error().retry_after_ms > 29000);
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

TEST_CASE("a request raised into a routed service desk is created there and found again by its marker",
          "[jira_helpdesk]") {
  FakeJira jira;
  REQUIRE(jira.AddServiceDesk("5", "BILL", "8"));
  jira.AddRequestType("5", "50", "Billing question",
                      {{"summary", "Summary", true, "string", "summary", "", 0, "", {}},
                       {"description", "Description", false, "string", "description", "", 0, "", {}}});
  util::http::CurlHttpClient http;
  JiraOptions options = Options(jira);
  options.route_desk_ids = {"5"};
  JiraHelpdesk helpdesk(http, options);
  helpdesk::NewTicket ticket{"Charged twice", Description("sdmroute1"), "sdmroute1", "", {"5", "50"}, {}};
  auto created = helpdesk.CreateTicket(ticket);
  REQUIRE(created);
  CHECK(created->key == "BILL-1");
  // After a crash, a fresh client finds it in the routed desk's project.
  JiraHelpdesk restarted(http, options);
  auto found = restarted.FindCreatedTicket("sdmroute1", util::WallMillisNow(), util::WallMillisNow() + 60000);
  REQUIRE(found);
  REQUIRE(*found);
  CHECK((*found)->key == "BILL-1");
  // It asked the routed desk for its project's key to search in.
  CHECK(jira.CountRequests("GET", "/rest/servicedeskapi/servicedesk/5") >= 1);
}
