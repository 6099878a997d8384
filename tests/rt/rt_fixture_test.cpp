// The RT fixture against the facts the RT backend relies on
// (helpdesk-facts.md C and C2): a real RT 5 answers the bot's token as
// described, finds a ticket again by its marker, shows the agent's replies
// and comments as transactions, refuses a wrong token and mails to mbox.
#include <cstdlib>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "curl_global.h"
#include "helpdesk/jira/jira_encoding.h"  // UrlEncode: the RT backend's own is not written yet
#include "rt_server.h"
#include "util/json_util.h"

namespace {

using testing::RtServer;
using testing::RtTransaction;

// An item of a REST2 collection: its id, Type and Creator.
struct Row {
  long long id;
  std::string type;
  std::string creator;
};

// The collection's items; fails the test unless the answer is one.
std::vector<Row> Items(const util::http::HttpResponse& response) {
  rapidjson::Document doc;
  INFO(response.status << " " << response.body);
  REQUIRE(response.status == 200);
  REQUIRE(json::Parse(response.body, doc).empty());
  const auto* items = json::GetArray(doc, "items");
  REQUIRE(items != nullptr);
  std::vector<Row> rows;
  for (const auto& item : items->GetArray()) {
    long long id = item["id"].IsString() ? std::atoll(item["id"].GetString()) : item["id"].GetInt64();
    const auto* creator = json::GetObject(item, "Creator");
    rows.push_back({id, json::GetString(item, "Type"), creator != nullptr ? json::GetString(*creator, "id") : ""});
  }
  return rows;
}

// The queue's ticket transactions after `after`, as the bot polls them.
std::vector<Row> BotTransactionsAfter(RtServer& rt, long long after) {
  std::string query = "ObjectType='RT::Ticket' AND TicketQueue='" + rt.Queue() + "' AND id > " + std::to_string(after);
  return Items(rt.Rest("GET",
                       "/transactions?query=" + helpdesk::jira::UrlEncode(query) +
                           "&orderby=id&order=ASC&per_page=100&fields=Type,Creator",
                       "", rt.BotToken()));
}

const Row* Find(const std::vector<Row>& rows, long long id) {
  for (const Row& row : rows) {
    if (row.id == id) return &row;
  }
  return nullptr;
}

long long CreateTicket(RtServer& rt, const std::string& marker) {
  std::string body = R"({"Queue":)" + json::Quote(rt.Queue()) +
                     R"(,"Subject":"Printer on fire","Requestor":"Dave Customer <dave@example.com>",)"
                     R"("Content":"It smokes.","ContentType":"text/plain","CustomFields":{"slackdesk":)" +
                     json::Quote(marker) + "}}";
  auto response = rt.Rest("POST", "/ticket", body, rt.BotToken());
  INFO(response.body);
  REQUIRE(response.status == 201);
  rapidjson::Document doc;
  REQUIRE(json::Parse(response.body, doc).empty());
  REQUIRE(json::GetString(doc, "type") == "ticket");
  long long id = std::atoll(json::GetString(doc, "id").c_str());
  REQUIRE(id > 0);
  REQUIRE(response.Header("location") == "/REST/2.0/ticket/" + std::to_string(id));
  return id;
}

}  // namespace

TEST_CASE("A private RT takes the bot's ticket, finds it by its marker and shows the agent's replies and comments") {
  RtServer rt;
  INFO(rt.Error());
  REQUIRE(rt.Ready());
  WARN("RT fixture start: " << rt.StartReport());

  long long id = CreateTicket(rt, "marker-1");

  // The unknown requestor was created, with the name given.
  auto ticket = rt.GetTicket(id);
  REQUIRE(ticket);
  CHECK(ticket->subject == "Printer on fire");
  CHECK(ticket->status == "new");
  CHECK(ticket->requestors == std::vector<std::string>{"dave@example.com"});
  CHECK(ticket->custom_fields["slackdesk"] == "marker-1");
  auto dave = rt.Rest("GET", "/user/dave@example.com", "", rt.AgentToken());
  CHECK(dave.status == 200);
  CHECK(dave.body.find("\"Dave Customer\"") != std::string::npos);

  // The marker finds the ticket again (TicketSQL on the custom field), and
  // only that one.
  auto search = [&](const std::string& marker) {
    return Items(rt.Rest("GET", "/tickets?query=" + helpdesk::jira::UrlEncode("CF.{slackdesk}='" + marker + "'"), "",
                         rt.BotToken()));
  };
  auto found = search("marker-1");
  REQUIRE(found.size() == 1);
  CHECK(found[0].id == id);
  CHECK(search("marker-2").empty());

  // The create is the first transaction; the poll's cursor starts there.
  auto history = rt.Transactions(id);
  REQUIRE(history);
  REQUIRE(!history->empty());
  const RtTransaction create = history->front();  // a copy: history is read again below
  CHECK(create.type == "Create");
  CHECK(create.creator == "slackdesk-bot");
  CHECK(create.content == "It smokes.");

  auto reply = rt.AddCorrespondence(id, "We are on it.");
  REQUIRE(reply);
  auto note = rt.AddComment(id, "Internal: the toner again.");
  REQUIRE(note);
  CHECK(*note > *reply);

  auto seen = BotTransactionsAfter(rt, create.id);
  const Row* correspond = Find(seen, *reply);
  REQUIRE(correspond != nullptr);
  CHECK(correspond->type == "Correspond");
  CHECK(correspond->creator == "agent");
  const Row* comment = Find(seen, *note);
  REQUIRE(comment != nullptr);
  CHECK(comment->type == "Comment");
  CHECK(comment->creator == "agent");
  for (const Row& row : seen) CHECK(row.id > create.id);
  // Nothing after the last one.
  CHECK(BotTransactionsAfter(rt, seen.back().id).empty());

  history = rt.Transactions(id);
  REQUIRE(history);
  bool reply_read = false;
  bool note_read = false;
  for (const RtTransaction& transaction : *history) {
    if (transaction.id == *reply)
      reply_read = transaction.content == "We are on it." && transaction.type == "Correspond";
    if (transaction.id == *note)
      note_read = transaction.content == "Internal: the toner again." && transaction.type == "Comment";
  }
  CHECK(reply_read);
  CHECK(note_read);

  // The bot's own reply shows as its Correspond.
  auto bot_reply = rt.Rest("POST", "/ticket/" + std::to_string(id) + "/correspond",
                           R"({"Content":"Dave (via Slack): thanks","ContentType":"text/plain"})", rt.BotToken());
  REQUIRE(bot_reply.status == 201);
  auto after_note = BotTransactionsAfter(rt, *note);
  bool own = false;
  for (const Row& row : after_note) own = own || (row.type == "Correspond" && row.creator == "slackdesk-bot");
  CHECK(own);

  // The status moves; one RT does not know is refused (RT says so in a 200).
  REQUIRE(rt.SetStatus(id, "resolved"));
  CHECK(rt.GetTicket(id)->status == "resolved");
  CHECK(!rt.SetStatus(id, "bogus"));
  CHECK(rt.GetTicket(id)->status == "resolved");

  // RT mailed the requestor (its autoreply) into the mbox files.
  CHECK(rt.Mail().find("dave@example.com") != std::string::npos);
}

TEST_CASE("A private RT refuses a wrong token with 401 Unauthorized") {
  RtServer rt;
  INFO(rt.Error());
  REQUIRE(rt.Ready());
  for (const std::string& token : {std::string("1-2-0123456789abcdef0123456789abcdef"), rt.BotToken() + "x"}) {
    auto response = rt.Rest("GET", "/queue/" + rt.Queue(), "", token);
    CHECK(response.status == 401);
    CHECK(response.body == R"({"message":"Unauthorized"})");
  }
  CHECK(rt.Rest("GET", "/queue/" + rt.Queue(), "", rt.BotToken()).status == 200);
}

TEST_CASE("Private RTs share one template but not their tickets") {
  long long first_id = 0;
  {
    RtServer first;
    INFO(first.Error());
    REQUIRE(first.Ready());
    first_id = CreateTicket(first, "only-in-the-first");
  }
  RtServer second;
  INFO(second.Error());
  REQUIRE(second.Ready());
  WARN("RT fixture start from the template: " << second.StartReport());
  CHECK(second.StartReport().find("template: reused") != std::string::npos);
  CHECK(second.Rest("GET", "/ticket/" + std::to_string(first_id), "", second.AgentToken()).status == 404);
  CHECK(second.Mail().empty());
}
