// The Jira wire format from literal strings: dates, error bodies, request
// bodies, JQL, statuses, comment ids and response mapping (shapes from
// helpdesk-facts.md A).
#include "helpdesk/jira/jira_json.h"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "helpdesk/jira/jira_encoding.h"
#include "table.h"
#include "util/json_util.h"

using namespace helpdesk::jira;
using helpdesk::StatusCategory;

namespace {

// 2026-11-24T12:34:56.789Z
constexpr long long kInstant = 1795523696789LL;

rapidjson::Document Parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

}  // namespace

TEST_CASE("Jira times with +0000, +0530 and -0800 offsets read as the same instant", "[jira_json]") {
  testing::CheckRows<const char*, std::optional<long long>>({{"2026-11-24T12:34:56.789+0000", kInstant},
                                                             {"2026-11-24T18:04:56.789+0530", kInstant},
                                                             {"2026-11-24T04:34:56.789-0800", kInstant},
                                                             {"2026-11-24T13:34:56.789+0100", kInstant}},
                                                            ParseJiraTime);
}

TEST_CASE("Jira times also come with colon offsets, Z, no or more fraction digits", "[jira_json]") {
  testing::CheckRows<const char*, std::optional<long long>>(
      {{"2026-11-24T18:04:56.789+05:30", kInstant},
       {"2026-11-24T12:34:56.789Z", kInstant},
       {"2026-11-24T12:34:56.789123+0000", kInstant},
       {"2026-11-24T12:34:56.7+0000", kInstant - 89},
       // DateDTO.iso8601 has no milliseconds; the facts sheet's own example.
       {"2015-10-08T14:42:00+0700", 1444290120000LL},
       {"2024-02-29T23:59:59+0000", 1709251199000LL},
       {"1970-01-01T00:00:00.000+0000", 0},
       {"1969-12-31T23:59:59.999+0000", -1}},
      ParseJiraTime);
  // The day changes across the offset.
  CHECK(ParseJiraTime("2026-01-01T00:30:00.000+0100") == ParseJiraTime("2025-12-31T23:30:00.000+0000"));
}

TEST_CASE("malformed or zone-less Jira times are refused", "[jira_json]") {
  for (const char* text :
       {"", "2026-11-24", "2026-11-24T12:34:56.789", "2026-11-24 12:34:56.789+0000", "2026-02-30T00:00:00+0000",
        "2025-02-29T00:00:00+0000", "2026-13-01T00:00:00+0000", "2026-11-24T24:00:00+0000", "2026-11-24T12:34:56.+0000",
        "2026-11-24T12:34:56+01", "2026-11-24T12:34:56+0000x", "24/Nov/26 12:34 PM", "1795523696789"}) {
    INFO(text);
    CHECK_FALSE(ParseJiraTime(text).has_value());
  }
}

TEST_CASE("error messages come from servicedeskapi and platform bodies", "[jira_json]") {
  CHECK(ErrorMessageFromBody(R"({"errorMessage":"Summary: You must specify a summary of the issue.",)"
                             R"("i18nErrorMessage":{"i18nKey":"sd.validation.request.field.required",)"
                             R"("parameters":[]}})") == "Summary: You must specify a summary of the issue.");
  CHECK(ErrorMessageFromBody(
            R"({"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}})") ==
        "Issue does not exist or you do not have permission to see it.");
  CHECK(ErrorMessageFromBody(R"({"errorMessages":[],"errors":{"comment":"Comment body can not be empty!"}})") ==
        "comment: Comment body can not be empty!");
  CHECK(
      ErrorMessageFromBody(R"({"errorMessages":["First.","Second."],"errors":{"summary":"Too long"},"status":400})") ==
      "First.; Second.; summary: Too long");
  CHECK(ErrorMessageFromBody(R"({"errorMessage":"Form invalid","errors":[{"errorMessage":"ignored"}]})") ==
        "Form invalid");
  CHECK(ErrorMessageFromBody(R"({"errors":[{"errorMessage":"Field A is required"}]})") == "Field A is required");
}

TEST_CASE("error messages from HTML gateway pages, plain text and empty bodies", "[jira_json]") {
  CHECK(ErrorMessageFromBody("<html><head><title>503 Service Unavailable</title></head><body><h1>503</h1></body>"
                             "</html>") == "503 Service Unavailable");
  CHECK(ErrorMessageFromBody("<!DOCTYPE html>\n<html><body><h1>Bad   gateway</h1>\n<p>Try later.</p></body></html>") ==
        "Bad gateway Try later.");
  CHECK(ErrorMessageFromBody("upstream connect error") == "upstream connect error");
  CHECK(ErrorMessageFromBody("") == "");
  CHECK(ErrorMessageFromBody("  \n") == "");
  CHECK(ErrorMessageFromBody("[1,2]") == "");
  CHECK(ErrorMessageFromBody(std::string(1000, 'x')).size() < 300);
}

TEST_CASE("a refused search names the keys Jira does not know", "[jira_json]") {
  CHECK(UnknownKeysInSearchError(R"({"errorMessages":["An issue with key 'SUP-9' does not exist for field 'key'.",)"
                                 R"("The issue key 'SUP-x' for field 'key' is invalid."],"errors":{}})") ==
        std::vector<std::string>{"SUP-9", "SUP-x"});
  CHECK(UnknownKeysInSearchError(R"({"errorMessages":["Unbounded JQL queries are not allowed here."]})").empty());
  CHECK(UnknownKeysInSearchError("<html>oops</html>").empty());
}

TEST_CASE("create body carries the desk, type and fields, and raiseOnBehalfOf only when set", "[jira_json]") {
  auto doc = Parse(CreateRequestBody("3", "10", "Printer \"on fire\"", "It smokes.\nmarker sdm123", ""));
  CHECK(json::GetString(doc, "serviceDeskId") == "3");
  CHECK(json::GetString(doc, "requestTypeId") == "10");
  const auto* fields = json::GetObject(doc, "requestFieldValues");
  REQUIRE(fields != nullptr);
  CHECK(json::GetString(*fields, "summary") == "Printer \"on fire\"");
  CHECK(json::GetString(*fields, "description") == "It smokes.\nmarker sdm123");
  CHECK_FALSE(doc.HasMember("raiseOnBehalfOf"));
  auto with_customer = Parse(CreateRequestBody("3", "10", "s", "d", "qm:abc"));
  CHECK(json::GetString(with_customer, "raiseOnBehalfOf") == "qm:abc");
}

TEST_CASE("comment body sets the public flag property and the marker property", "[jira_json]") {
  auto doc = Parse(AddCommentBody("Hello *there*", "sdc42"));
  CHECK(json::GetString(doc, "body") == "Hello *there*");
  const auto* properties = json::GetArray(doc, "properties");
  REQUIRE(properties != nullptr);
  REQUIRE(properties->Size() == 2);
  CHECK(json::GetString((*properties)[0], "key") == "sd.public.comment");
  CHECK(json::GetBool(*json::GetObject((*properties)[0], "value"), "internal", true) == false);
  CHECK(json::GetString((*properties)[1], "key") == "slackdesk");
  CHECK(json::GetString(*json::GetObject((*properties)[1], "value"), "marker") == "sdc42");
}

TEST_CASE("JQL: epoch milliseconds unquoted, strings quoted and escaped", "[jira_json]") {
  CHECK(ChangedSinceJql(1795523696789LL, {"SUP-1", "SUP-22"}) ==
        "key in (SUP-1, SUP-22) AND updated >= 1795523696789 ORDER BY updated ASC, key ASC");
  CHECK(MarkerJql({"SUP"}, "sdm-1a2b") == R"(project = "SUP" AND text ~ "sdm-1a2b")");
  CHECK(MarkerJql({"SUP"}, R"(a"b\c)") == R"(project = "SUP" AND text ~ "a\"b\\c")");
  CHECK(MarkerJql({"SUP", "BILL"}, "m1") == R"(project in ("SUP", "BILL") AND text ~ "m1")");
  CHECK(JqlQuote("line\nbreak") == "\"line break\"");
  auto body = Parse(SearchBody("project = SUP", {"updated", "status"}, 100, ""));
  CHECK(json::GetString(body, "jql") == "project = SUP");
  CHECK(json::GetInt(body, "maxResults", 0) == 100);
  CHECK_FALSE(body.HasMember("nextPageToken"));
  CHECK(json::GetString(Parse(SearchBody("x", {}, 5, "tok")), "nextPageToken") == "tok");
}

TEST_CASE("issue keys, Base64 and URL encoding", "[jira_json]") {
  testing::CheckRows<const char*, bool>({{"SUP-12", true},
                                         {"AB_2-1", true},
                                         {"SUP", false},
                                         {"SUP-", false},
                                         {"-12", false},
                                         {"1SUP-12", false},
                                         {"SUP-12) OR (project = X", false},
                                         {"SUP-1x", false}},
                                        IsIssueKey);
  testing::CheckRows<const char*, std::string>(
      {{"bot@example.com:jira-fake-token", "Ym90QGV4YW1wbGUuY29tOmppcmEtZmFrZS10b2tlbg=="},
       {"", ""},
       {"f", "Zg=="},
       {"fo", "Zm8="},
       {"foo", "Zm9v"}},
      Base64Encode);
  testing::CheckRows<const char*, std::string>(
      {{"alice+x@example.com", "alice%2Bx%40example.com"}, {"a b/c~d", "a%20b%2Fc~d"}}, UrlEncode);
}

TEST_CASE("a customer request maps to a ticket with its status category and both links", "[jira_json]") {
  const char* body = R"({
    "_expands": ["participant","status"],
    "issueId": "107001", "issueKey": "HELPDESK-1", "requestTypeId": "25", "serviceDeskId": "10",
    "createdDate": {"iso8601": "2015-10-08T14:42:00+0700", "epochMillis": 1444290120000},
    "requestFieldValues": [
      {"fieldId": "summary", "label": "What do you need?", "value": "Request JSD help via REST"},
      {"fieldId": "description", "label": "Why?", "value": "I need a new *mouse*. ref sdm77",
       "renderedValue": {"html": "<p>I need a new <b>mouse</b>.</p>"}}],
    "currentStatus": {"status": "Waiting for Support", "statusCategory": "NEW",
                      "statusDate": {"epochMillis": 1444290120000}},
    "_links": {"jiraRest": "https://your-domain.atlassian.net/rest/api/2/issue/107001",
               "web": "https://your-domain.atlassian.net/servicedesk/customer/portal/10/HELPDESK-1",
               "agent": "https://your-domain.atlassian.net/browse/HELPDESK-1",
               "self": "https://your-domain.atlassian.net/rest/servicedeskapi/request/107001"}})";
  auto ticket = ParseRequest(body);
  REQUIRE(ticket);
  CHECK(ticket->id == "107001");
  CHECK(ticket->key == "HELPDESK-1");
  CHECK(ticket->summary == "Request JSD help via REST");
  CHECK(ticket->status.label == "Waiting for Support");
  CHECK(ticket->status.category == StatusCategory::kNew);  // "NEW" there
  CHECK(ticket->web_url == "https://your-domain.atlassian.net/servicedesk/customer/portal/10/HELPDESK-1");
  CHECK(ticket->agent_url == "https://your-domain.atlassian.net/browse/HELPDESK-1");
  CHECK(RequestMentions(body, "sdm77"));
  CHECK_FALSE(RequestMentions(body, "sdm7"));  // a prefix of the marker is another marker
  CHECK_FALSE(RequestMentions(body, "dm77"));
  CHECK_FALSE(RequestMentions(body, "sdm777"));
}

TEST_CASE("a request body that is not JSON is a transient error", "[jira_json]") {
  auto html = ParseRequest("<html><title>Log in</title></html>");
  REQUIRE_FALSE(html);
  CHECK(html.error().code == util::ErrorCode::kServerError);
  CHECK(html.error().message == "the response is not a customer request (Log in)");
  CHECK_FALSE(ParseRequest(R"({"issueId":"1"})"));
  CHECK_FALSE(ParseSearchPage("{}"));
  CHECK_FALSE(ParseCommentPage("null"));
  CHECK_FALSE(ParseIdentity(R"({"displayName":"x"})"));
}

TEST_CASE("platform comments: jsdPublic, the marker property and created time", "[jira_json]") {
  const char* body = R"({"startAt": 0, "maxResults": 2, "total": 5, "comments": [
    {"id": "10010", "author": {"accountId": "a1", "displayName": "Ann Agent"}, "body": "Public reply",
     "created": "2026-11-24T13:34:56.789+0100", "jsdPublic": true,
     "properties": [{"key": "slackdesk", "value": {"marker": "sdc9"}}]},
    {"id": "10009", "author": {"accountId": "a1", "displayName": "Ann Agent"}, "body": "Internal note",
     "created": "2026-11-24T12:00:00.000+0000", "jsdPublic": false,
     "properties": [{"key": "sd.public.comment", "value": {"internal": true}}]}]})";
  auto page = ParseCommentPage(body);
  REQUIRE(page);
  CHECK(page->total == 5);
  REQUIRE(page->comments.size() == 2);
  const auto& first = page->comments[0];
  CHECK(first.id == "10010");
  CHECK(first.author_account_id == "a1");
  CHECK(first.author_name == "Ann Agent");
  CHECK(first.body == "Public reply");
  CHECK(first.is_public);
  CHECK(first.created_ms == kInstant);
  CHECK(first.marker == "sdc9");
  CHECK_FALSE(page->comments[1].is_public);
  CHECK(page->comments[1].marker.empty());
}

TEST_CASE("without jsdPublic the internal property decides, else the comment is public", "[jira_json]") {
  auto internal = ParseComment(R"({"id":"7","body":"x","created":"2026-11-24T12:34:56.789+0000",)"
                               R"("properties":[{"key":"sd.public.comment","value":{"internal":true}}]})");
  REQUIRE(internal);
  CHECK_FALSE(internal->is_public);
  auto plain = ParseComment(R"({"id":"8","body":"x","created":"2026-11-24T12:34:56.789+0000"})");
  REQUIRE(plain);
  CHECK(plain->is_public);
  CHECK_FALSE(ParseComment(R"({"body":"no id"})"));
}

TEST_CASE("search pages: fields, status category, token until isLast", "[jira_json]") {
  auto page = ParseSearchPage(R"({"issues":[{"id":"10001","key":"SUP-1","fields":{
      "updated":"2026-11-24T04:34:56.789-0800",
      "status":{"name":"In Progress","statusCategory":{"id":4,"key":"indeterminate","name":"In Progress"}}}},
      {"id":"10002","key":"SUP-2","fields":{"updated":"garbage"}}],
    "nextPageToken":"abc","isLast":false})");
  REQUIRE(page);
  REQUIRE(page->issues.size() == 2);
  CHECK(page->issues[0].key == "SUP-1");
  CHECK(page->issues[0].updated_ms == kInstant);
  CHECK(page->issues[0].status.label == "In Progress");
  CHECK(page->issues[0].status.category == StatusCategory::kInProgress);
  CHECK_FALSE(page->issues[1].updated_ms.has_value());
  CHECK(page->issues[1].status == helpdesk::TicketStatus{});  // no status field: unknown, no label
  CHECK(page->next_page_token == "abc");
  auto last = ParseSearchPage(R"({"issues":[],"nextPageToken":"stale","isLast":true})");
  REQUIRE(last);
  CHECK(last->next_page_token.empty());
}

TEST_CASE("identity, service desk, request type and customers", "[jira_json]") {
  auto me = ParseIdentity(
      R"({"accountId":"5b10","displayName":"Bot","emailAddress":"bot@example.com","timeZone":"Europe/Berlin"})");
  REQUIRE(me);
  CHECK(me->id == "5b10");
  CHECK(me->display_name == "Bot");
  CHECK(me->email == "bot@example.com");
  CHECK(me->time_zone == "Europe/Berlin");
  auto desk = ParseServiceDesk(R"({"id":"3","projectId":"10000","projectName":"Support","projectKey":"SUP"})");
  REQUIRE(desk);
  CHECK(desk->project_key == "SUP");
  CHECK(desk->project_name == "Support");
  CHECK(ParseRequestTypeName(R"({"id":"10","name":"Get IT help"})") == std::string("Get IT help"));
  auto customers =
      ParseCustomerPage(R"({"size":2,"start":0,"limit":50,"isLastPage":false,)"
                        R"("values":[{"accountId":"qm:1","emailAddress":"a@x.com"},{"accountId":"qm:2"}]})");
  REQUIRE(customers);
  CHECK_FALSE(customers->is_last_page);
  REQUIRE(customers->customers.size() == 2);
  CHECK(customers->customers[0].email == "a@x.com");
  CHECK(customers->customers[1].email.empty());
}

TEST_CASE("status category keys map to the neutral categories, in any case", "[jira_json]") {
  testing::CheckRows<const char*, StatusCategory>({{"new", StatusCategory::kNew},
                                                   {"NEW", StatusCategory::kNew},
                                                   {"indeterminate", StatusCategory::kInProgress},
                                                   {"INDETERMINATE", StatusCategory::kInProgress},
                                                   {"done", StatusCategory::kDone},
                                                   {"Done", StatusCategory::kDone},
                                                   {"undefined", StatusCategory::kUnknown},
                                                   {"", StatusCategory::kUnknown},
                                                   {"in progress", StatusCategory::kUnknown}},  // a name, not a key
                                                  CategoryFromKey);
  auto status = StatusFromJira("Resolved", "done");
  CHECK(status.category == StatusCategory::kDone);
  CHECK(status.label == "Resolved");
}

TEST_CASE("comment ids compare as numbers of any length", "[jira_json]") {
  CHECK(CommentIdNewer("10010", "10009"));
  CHECK_FALSE(CommentIdNewer("10009", "10010"));
  CHECK(CommentIdNewer("10", "9"));  // longer is larger, not "1" < "9"
  CHECK_FALSE(CommentIdNewer("9", "10"));
  CHECK(CommentIdNewer("1", ""));  // anything is newer than the start
  CHECK_FALSE(CommentIdNewer("", ""));
  CHECK_FALSE(CommentIdNewer("10010", "10010"));
}

TEST_CASE("a marker is mentioned only as a whole word", "[jira_json]") {
  CHECK(MentionsMarker("ref sdm77.", "sdm77"));
  CHECK(MentionsMarker("sdm77", "sdm77"));
  CHECK(MentionsMarker("*slackdesk reference:* sdm77", "sdm77"));
  CHECK_FALSE(MentionsMarker("ref sdm777", "sdm77"));
  CHECK_FALSE(MentionsMarker("ref xsdm77", "sdm77"));
  CHECK_FALSE(MentionsMarker("ref sdm77-2", "sdm77"));
  CHECK_FALSE(MentionsMarker("anything", ""));
}
