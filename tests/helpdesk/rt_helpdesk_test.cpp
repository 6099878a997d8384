// RtHelpdesk's logic over a scripted HTTP client: what it asks RT and how
// it reads the answers (create verified by reading back, pages walked to
// the empty one, the Location header, the marker line). The wire format is
// in rt_wire_test.cpp; the whole backend against a real RT 5 is the rt
// fixture's (label rt).
#include "helpdesk/rt/rt_helpdesk.h"

#include <mutex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "test_support.h"

namespace helpdesk::rt {
namespace {

using Catch::Matchers::Contains;

constexpr char kBase[] = "http://rt.test";
constexpr char kToken[] = "1-14-S3CR3T";

// Answers each request with the first rule whose method matches and whose
// text is in the URL; records every request.
class ScriptedRt : public util::http::HttpClient {
 public:
  struct Rule {
    std::string method;
    std::string url_part;
    int status;
    std::string body;
    std::string location;
  };

  void On(std::string method, std::string url_part, int status, std::string body, std::string location = "") {
    rules_.push_back(Rule{std::move(method), std::move(url_part), status, std::move(body), std::move(location)});
  }

  util::Result<util::http::HttpResponse> Send(const util::http::HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(mutex_);
    requests.push_back(request);
    for (const Rule& rule : rules_) {
      if (rule.method != request.method || request.url.find(rule.url_part) == std::string::npos) continue;
      if (rule.body.size() > request.max_response_bytes) {
        // As the curl client: a body past the caller's bound is not read.
        util::Error error{util::ErrorCode::kServerError, "the answer is too large"};
        error.too_large = true;
        return tl::make_unexpected(std::move(error));
      }
      util::http::HttpResponse response;
      response.status = rule.status;
      response.body = rule.body;
      if (!rule.location.empty()) response.headers["location"] = rule.location;
      return response;
    }
    util::http::HttpResponse missing;
    missing.status = 404;
    missing.body = R"({"message":"Not Found"})";
    return missing;
  }

  // How many requests had `part` in their URL.
  size_t Count(const std::string& part) const {
    size_t n = 0;
    for (const auto& request : requests) n += request.url.find(part) != std::string::npos;
    return n;
  }

  std::vector<util::http::HttpRequest> requests;

 private:
  std::mutex mutex_;
  std::vector<Rule> rules_;
};

RtHelpdesk Make(ScriptedRt& http) {
  RtOptions options;
  options.base_url = std::string(kBase) + "/";
  options.token = kToken;
  options.queue = "General";
  options.sleep = [](util::Duration) {};
  return RtHelpdesk(http, std::move(options));
}

const char kTicket20[] = R"({"id":20,"Subject":"Printer","Status":"new",
  "Requestor":[{"type":"user","id":"dave@example.com"}],
  "CustomFields":[{"type":"customfield","id":"3","name":"slackdesk","values":["sd42"]}]})";

NewTicket Request() {
  NewTicket ticket;
  ticket.summary = "Printer";
  ticket.description = bridge::PlainText("It is on fire");
  ticket.marker = "sd42";
  ticket.on_behalf_of = "dave@example.com";
  return ticket;
}

TEST_CASE("rt create: token auth, the queue, the requestor and the marker, verified by reading the ticket back",
          "[rt]") {
  ScriptedRt http;
  http.On("POST", "/REST/2.0/ticket", 201, R"({"_url":"x","type":"ticket","id":"20"})");
  http.On("GET", "/REST/2.0/ticket/20", 200, kTicket20);
  RtHelpdesk rt = Make(http);
  auto ticket = rt.CreateTicket(Request());
  INFO((ticket ? std::string() : ticket.error().message));
  REQUIRE(ticket);
  CHECK(ticket->id == "20");
  CHECK(ticket->key == "#20");
  CHECK(ticket->status.category == StatusCategory::kNew);
  CHECK(ticket->web_url == "http://rt.test/Ticket/Display.html?id=20");
  const util::http::HttpRequest& create = http.requests.front();
  CHECK(create.url == "http://rt.test/REST/2.0/ticket");
  bool token = false;
  for (const auto& [name, value] : create.headers)
    token = token || (name == "Authorization" && value == "token 1-14-S3CR3T");
  CHECK(token);
  CHECK_THAT(create.body, Contains(R"("Requestor":"dave@example.com")") &&
                              Contains(R"("CustomFields":{"slackdesk":"sd42"})") &&
                              Contains(R"("Content":"It is on fire")"));
}

TEST_CASE("rt create: a 201 that silently dropped the marker or the requestor keeps the ticket and logs which",
          "[rt]") {
  testing::LogCapture log;
  ScriptedRt http;
  http.On("POST", "/ticket", 201, R"({"id":"21"})");
  http.On("GET", "/ticket/21", 200, R"({"id":"21","Status":"new","Requestor":[{"id":"dave@example.com"}],
    "CustomFields":[]})");
  RtHelpdesk rt = Make(http);
  NewTicket request = Request();
  auto dropped = rt.CreateTicket(request);
  REQUIRE(dropped);
  CHECK(dropped->key == "#21");
  CHECK(log.Has(util::log::Level::kError, "RT created ticket #21 but did not keep slackdesk's marker in custom "
                                          "field 'slackdesk'"));

  ScriptedRt other;
  other.On("POST", "/ticket", 201, R"({"id":"22"})");
  other.On("GET", "/ticket/22", 200, R"({"id":"22","Status":"new","Requestor":[{"id":"dave"}],
    "CustomFields":[{"name":"slackdesk","values":["sd42"]}]})");
  other.On("GET", "/user/dave", 200, R"({"id":5,"Name":"dave","EmailAddress":"someone.else@example.com"})");
  RtHelpdesk rt2 = Make(other);
  auto no_requestor = rt2.CreateTicket(request);
  REQUIRE(no_requestor);
  CHECK(no_requestor->key == "#22");
  CHECK(log.Has(util::log::Level::kWarn, "RT created ticket #22 without the requestor dave@example.com"));
  CHECK_FALSE(log.Has(util::log::Level::kError, "#22"));
}

TEST_CASE("rt create: a known requestor is matched by the address of their user record", "[rt]") {
  ScriptedRt http;
  http.On("POST", "/ticket", 201, R"({"id":"23"})");
  http.On("GET", "/ticket/23", 200, R"({"id":"23","Status":"new","Requestor":[{"id":"dave"}],
    "CustomFields":[{"name":"slackdesk","values":["sd42"]}]})");
  http.On("GET", "/user/dave", 200, R"({"id":5,"Name":"dave","EmailAddress":"Dave@Example.com"})");
  RtHelpdesk rt = Make(http);
  CHECK(rt.CreateTicket(Request()));
}

TEST_CASE("rt create: an answer that is not a created ticket is transient, so the caller reconciles", "[rt]") {
  ScriptedRt http;
  http.On("POST", "/ticket", 201, "<html><title>Login</title></html>");
  RtHelpdesk rt = Make(http);
  auto ticket = rt.CreateTicket(Request());
  REQUIRE_FALSE(ticket);
  CHECK(ticket.error().IsTransient());
  CHECK(http.Count("/ticket") == 1);  // a write is not repeated
}

TEST_CASE("rt find created ticket by its marker custom field, with the query in the URL", "[rt]") {
  ScriptedRt http;
  http.On("GET", "/tickets?query=", 200, R"({"items":[{"id":"20","Subject":"Printer","Status":"open"}]})");
  RtHelpdesk rt = Make(http);
  auto found = rt.FindCreatedTicket("sd42", 0, 0);
  REQUIRE(found);
  REQUIRE(found->has_value());
  CHECK((*found)->key == "#20");
  CHECK_THAT(http.requests.front().url,
             Contains("Queue%20%3D%20%27General%27%20AND%20CF.%7Bslackdesk%7D%20%3D%20%27sd42%27"));
  CHECK_FALSE(rt.FindCreatedTicket("x' OR 1", 0, 0));
}

TEST_CASE("rt comments: pages walked to the empty one, correspondence read, comments hidden, own marked", "[rt]") {
  ScriptedRt http;
  // Short pages with nulls (a user who may not see everything), no totals.
  http.On("GET",
          "/transactions?query=ObjectType%20%3D%20%27RT%3A%3ATicket%27%20AND%20ObjectId%20%3D%2020%20AND%20id%20%3E%"
          "20100&orderby=id&order=ASC&per_page=100&page=1",
          200, R"({"total":null,"items":[
            {"id":"101","Type":"Correspond","Created":"2026-12-02T01:02:03Z","Creator":{"id":"agent","Name":"agent","RealName":"Agnes"}},
            null,
            {"id":"102","Type":"Comment","Creator":{"id":"agent","Name":"agent"}}]})");
  http.On("GET", "&page=2", 200, R"({"items":[
            {"id":"103","Type":"Status","Field":"Status","NewValue":"resolved","Creator":{"id":"agent"}},
            {"id":"104","Type":"Correspond","Creator":{"id":"slackdesk","Name":"slackdesk"}}]})");
  http.On("GET", "&page=3", 200, R"({"items":[]})");
  // A message's parts with their content, in one request; when a file
  // among them makes that too large to read, the parts without content,
  // then the text part alone (base64-encoded).
  http.On("GET", "/transaction/101/attachments?fields=ContentType,Filename,ContentLength,TransactionId,Content", 200,
          R"({"items":[{"id":"8","TransactionId":"101","Filename":"big.log","Content":")" +
              std::string(5 * 1024 * 1024, 'x') + R"("}]})");
  http.On("GET", "/transaction/101/attachments", 200, R"({"items":[
            {"id":"7","TransactionId":"101","ContentType":"multipart/mixed","Filename":"","ContentLength":"0"},
            {"id":"9","TransactionId":"101","ContentType":"text/plain","Filename":"","ContentLength":"30"},
            {"id":"8","TransactionId":"101","ContentType":"text/plain","Filename":"big.log","ContentLength":"5242880",
             "Created":"2026-12-02T01:02:03Z","Creator":{"id":"agent","Name":"agent","RealName":"Agnes"}}]})");
  http.On("GET", "/attachment/9", 200, R"({"id":9,"Content":"SGF2ZSB5b3UgdHJpZWQgdHVybmluZyBpdCBvZmY/\n"})");
  http.On("GET", "/transaction/104/attachments", 200, R"({"items":[
            {"id":"12","TransactionId":"104","ContentType":"text/plain","ContentLength":"35",
             "Content":"Dave: yes\n\nslackdesk reference: sd7"}]})");
  RtHelpdesk rt = Make(http);
  auto page = rt.CommentsAfter("#20", "100");
  INFO((page ? std::string() : page.error().message));
  REQUIRE(page);
  REQUIRE(page->comments.size() == 3);
  CHECK(page->comments[0].id == "101");
  CHECK(page->comments[0].is_public);
  CHECK(page->comments[0].author_id == "agent");
  CHECK(page->comments[0].author_name == "Agnes");
  CHECK(bridge::ToPlainString(page->comments[0].body) == "Have you tried turning it off?");
  CHECK_FALSE(page->comments[1].is_public);
  CHECK(page->comments[1].body.empty());
  CHECK(http.Count("/transaction/102/") == 0);  // an internal note's text is never read
  CHECK(http.Count("/attachment/8") == 0);       // nor a file
  CHECK(http.Count("/transaction/101/attachments") == 2);
  CHECK(http.Count("/transaction/104/attachments") == 1);
  CHECK(http.Count("/attachment/12") == 0);
  // The public message's file comes with the page.
  REQUIRE(page->attachments);
  REQUIRE(page->attachments->size() == 1);
  CHECK((*page->attachments)[0].id == "8");
  CHECK((*page->attachments)[0].name == "big.log");
  CHECK((*page->attachments)[0].size == 5242880);
  CHECK((*page->attachments)[0].author_name == "Agnes");
  CHECK((*page->attachments)[0].is_public);
  CHECK(page->comments[2].written_by_slackdesk);
  CHECK(bridge::ToPlainString(page->comments[2].body) == "Dave: yes");
  CHECK(page->next == "104");
  CHECK(http.Count("&page=3") == 1);
  CHECK_FALSE(rt.CommentsAfter("20", "abc"));
  CHECK_FALSE(rt.CommentsAfter("20 OR 1", ""));
  CHECK_FALSE(rt.CommentsAfter("##20", ""));
}

TEST_CASE("rt comments: nothing new keeps the cursor", "[rt]") {
  ScriptedRt http;
  http.On("GET", "/transactions", 200, R"({"items":[]})");
  RtHelpdesk rt = Make(http);
  auto page = rt.CommentsAfter("20", "104");
  REQUIRE(page);
  CHECK(page->comments.empty());
  CHECK(page->next == "104");
}

TEST_CASE("rt correspond: text/plain with the marker line, the id from Location", "[rt]") {
  ScriptedRt http;
  http.On("POST", "/ticket/20/correspond", 201, R"(["Correspondence added"])", "/REST/2.0/transaction/345");
  RtHelpdesk rt = Make(http);
  auto comment = rt.AddPublicComment("20", bridge::PlainText("Dave (Slack): thanks"), "sd9");
  REQUIRE(comment);
  CHECK(comment->id == "345");
  CHECK(comment->written_by_slackdesk);
  CHECK_THAT(http.requests.front().body, Contains(R"(thanks\n\nslackdesk reference: sd9")"));

  ScriptedRt no_location;
  no_location.On("POST", "/correspond", 201, R"(["Correspondence added"])");
  RtHelpdesk rt2 = Make(no_location);
  auto unknown = rt2.AddPublicComment("20", bridge::PlainText("x"), "sd9");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().IsTransient());
  CHECK(no_location.Count("/correspond") == 1);
}

TEST_CASE("rt comment link: the ticket's display page at the transaction's anchor", "[rt]") {
  ScriptedRt http;
  RtHelpdesk rt = Make(http);
  CHECK(rt.CommentUrl("#20", "345") == std::string(kBase) + "/Ticket/Display.html?id=20#txn-345");
  CHECK(rt.CommentUrl("not-a-key", "345").empty());
}

TEST_CASE("rt who am I: the token's user from its own history, then its record", "[rt]") {
  ScriptedRt http;
  http.On("GET", "/transactions?query=ObjectType%20%3D%20%27RT%3A%3AUser%27", 200,
          R"({"items":[{"type":"transaction","id":"9","ObjectId":"14"}]})");
  http.On("GET", "/user/14", 200, R"({"id":14,"Name":"slackdesk","EmailAddress":"bot@example.com","RealName":"Bot"})");
  RtHelpdesk rt = Make(http);
  auto me = rt.WhoAmI();
  REQUIRE(me);
  CHECK(me->id == "slackdesk");
  CHECK(me->display_name == "Bot");
  REQUIRE(rt.WhoAmI());
  CHECK(http.Count("/user/14") == 1);  // read once

  ScriptedRt refused;
  refused.On("GET", "/transactions", 401, R"({"message":"Unauthorized"})");
  RtHelpdesk rt2 = Make(refused);
  auto error = rt2.WhoAmI();
  REQUIRE_FALSE(error);
  CHECK(error.error().code == util::ErrorCode::kAuth);
  CHECK_THAT(error.error().message, Contains("Unauthorized") && Contains("rt_token") && !Contains("S3CR3T"));
  CHECK(refused.Count("/transactions") == 1);  // not retried
}

TEST_CASE("rt check: user, queue, then the marker field, failing with how to create it", "[rt]") {
  ScriptedRt http;
  http.On("GET", "/transactions", 200, R"({"items":[{"id":"9","ObjectId":"14"}]})");
  http.On("GET", "/user/14", 200, R"({"id":14,"Name":"slackdesk","EmailAddress":"bot@example.com"})");
  // A queue custom field of that name is not a ticket custom field.
  http.On("GET", "/queue/General", 200,
          R"({"id":1,"Name":"General","Disabled":0,"CustomFields":[{"id":"4","name":"slackdesk"}],
              "TicketCustomFields":[{"id":"5","name":"Severity"}]})");
  RtHelpdesk rt = Make(http);
  auto lines = rt.Check();
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].ok);
  CHECK(lines[1].ok);
  CHECK(lines[1].detail == "queue 'General' (id 1)");
  CHECK_FALSE(lines[2].ok);
  CHECK(lines[2].what == "rt marker field (rt_marker_field)");
  CHECK_THAT(lines[2].detail, Contains("create it") && Contains("applies to Tickets"));

  ScriptedRt good;
  good.On("GET", "/transactions", 200, R"({"items":[{"id":"9","ObjectId":"14"}]})");
  good.On("GET", "/user/14", 200, R"({"id":14,"Name":"slackdesk","EmailAddress":"bot@example.com"})");
  good.On("GET", "/queue/General", 200,
          R"({"id":1,"Name":"General","Disabled":"0","TicketCustomFields":[{"id":"2","name":"SlackDesk"}]})");
  auto ok = Make(good).Check();
  REQUIRE(ok.size() == 3);
  CHECK(ok[2].ok);  // RT compares custom field names ignoring case
}

TEST_CASE("rt changes: the queue's tickets since a day before, kept when tracked and new enough", "[rt]") {
  ScriptedRt http;
  http.On("GET", "&page=1", 200, R"({"items":[
      {"id":"5","Status":"open","LastUpdated":"2026-12-02T01:00:00Z"},
      {"id":"6","Status":"resolved","LastUpdated":"2026-12-02T01:05:00Z"},
      {"id":"7","Status":"open","LastUpdated":"2026-12-02T01:06:00Z"}]})");
  http.On("GET", "&page=2", 200, R"({"items":[]})");
  RtHelpdesk rt = Make(http);
  constexpr long long kSince = 1796173323000LL;  // 01:02:03
  auto changes = rt.ChangedSince(kSince, {"#20", "#5", "#6"});
  REQUIRE(changes);
  REQUIRE(changes->size() == 1);  // 5 is too old, 7 is not ours
  CHECK((*changes)[0].key == "#6");
  CHECK((*changes)[0].status.category == StatusCategory::kDone);
  CHECK_THAT(http.requests.front().url, Contains("LastUpdated%20%3E%3D%20%272026-12-01%2001%3A02%3A03%27"));
  ScriptedRt idle;
  CHECK(Make(idle).ChangedSince(kSince, {})->empty());
  CHECK(idle.requests.empty());
}

TEST_CASE("rt form: summary and description only, whatever the target", "[rt]") {
  ScriptedRt http;
  RtHelpdesk rt = Make(http);
  auto form = rt.RequestTypeForm({"General", "ticket"});
  REQUIRE(form);
  REQUIRE(form->fields.size() == 2);
  CHECK(form->fields[0].id == bridge::kSummaryField);
  CHECK(form->fields[0].max_chars == 200);
  CHECK(form->fields[1].id == bridge::kDescriptionField);
  CHECK(http.requests.empty());
  CHECK(rt.FindCustomer("dave@example.com")->value() == "dave@example.com");
  CHECK_FALSE(rt.FindCustomer("Dave <dave@example.com>")->has_value());
}

}  // namespace
}  // namespace helpdesk::rt
