// The RT REST2 wire format from literal strings (helpdesk-facts.md C, C2):
// queries, request bodies, and every answer parsed, hostile ones included.
#include "helpdesk/rt/rt_wire.h"

#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "helpdesk/jira/jira_encoding.h"

namespace helpdesk::rt {
namespace {

using Catch::Matchers::Contains;

TEST_CASE("rt queries are TicketSQL in UTC 'YYYY-MM-DD HH:MM:SS', widened by a day for the user's zone", "[rt]") {
  // 2026-12-02 01:02:03.456 UTC
  constexpr long long kMs = 1796173323456LL;
  CHECK(SqlDate(kMs) == "2026-12-02 01:02:03");
  CHECK(ChangedSinceQuery("IT Support", kMs) == "Queue = 'IT Support' AND LastUpdated >= '2026-12-01 01:02:03'");
  CHECK(ChangedSinceQuery("General", 1000) == "Queue = 'General' AND LastUpdated >= '1970-01-01 00:00:00'");
  CHECK(MarkerQuery("General", "slackdesk", "sd1a2b") == "Queue = 'General' AND CF.{slackdesk} = 'sd1a2b'");
  CHECK(TicketTransactionsQuery("12", 345) == "ObjectType = 'RT::Ticket' AND ObjectId = 12 AND id > 345");
  CHECK(OwnCorrespondenceQuery("12", "slackdesk-bot") ==
        "ObjectType = 'RT::Ticket' AND ObjectId = 12 AND Type = 'Correspond' AND Creator = 'slackdesk-bot'");
  // A name that would end the quote is left out of the query.
  CHECK(OwnCorrespondenceQuery("12", "o'brien") ==
        "ObjectType = 'RT::Ticket' AND ObjectId = 12 AND Type = 'Correspond'");
}

TEST_CASE("rt markers and ticket ids are checked before they reach a query", "[rt]") {
  CHECK(IsSafeMarker("sd-1a2B"));
  CHECK_FALSE(IsSafeMarker(""));
  CHECK_FALSE(IsSafeMarker("x' OR 1=1"));
  CHECK_FALSE(IsSafeMarker(std::string(65, 'a')));
  CHECK(IsTicketId("12"));
  CHECK_FALSE(IsTicketId("012"));
  CHECK_FALSE(IsTicketId("12 OR 1"));
  CHECK_FALSE(IsTicketId(""));
  CHECK_FALSE(IsTicketId(std::string(19, '9')));
  CHECK(KeyOf("12") == "#12");
  CHECK(IdOfKey("#12") == std::optional<std::string>("12"));
  CHECK(IdOfKey("12") == std::optional<std::string>("12"));
  CHECK_FALSE(IdOfKey("#"));
  CHECK_FALSE(IdOfKey("SUP-12"));
}

TEST_CASE("rt create and correspond bodies are JSON with text/plain content", "[rt]") {
  std::string body =
      CreateTicketBody("General", "dave@example.com", "Printer \"on fire\"", "line 1\nline 2", "slackdesk", "sd42");
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  REQUIRE(doc.IsObject());
  CHECK(std::string(doc["Queue"].GetString()) == "General");
  CHECK(std::string(doc["Requestor"].GetString()) == "dave@example.com");
  CHECK(std::string(doc["Subject"].GetString()) == "Printer \"on fire\"");
  CHECK(std::string(doc["Content"].GetString()) == "line 1\nline 2");
  CHECK(std::string(doc["ContentType"].GetString()) == "text/plain");
  CHECK(std::string(doc["CustomFields"]["slackdesk"].GetString()) == "sd42");
  // Raised by the bot itself: no Requestor at all.
  rapidjson::Document own;
  own.Parse(CreateTicketBody("General", "", "s", "", "slackdesk", "sd42").c_str());
  CHECK_FALSE(own.HasMember("Requestor"));
  CHECK(CorrespondBody("hi <b>") == R"({"Content":"hi <b>","ContentType":"text/plain"})");
}

TEST_CASE("rt answers to a create: the id from the body or the Location header", "[rt]") {
  auto id = ParseCreatedId(R"({"_url":"http://rt/REST/2.0/ticket/20","type":"ticket","id":"20"})");
  REQUIRE(id);
  CHECK(*id == "20");
  CHECK(ParseCreatedId(R"({"id":20})").value() == "20");
  CHECK_FALSE(ParseCreatedId(R"({"id":"x"})"));
  CHECK_FALSE(ParseCreatedId(R"(["Ticket 20 created"])"));
  CHECK(IdFromLocation("/REST/2.0/transaction/345", "transaction") == std::optional<std::string>("345"));
  CHECK(IdFromLocation("http://rt.example.com/REST/2.0/ticket/20/", "ticket") == std::optional<std::string>("20"));
  CHECK_FALSE(IdFromLocation("", "transaction"));
  CHECK_FALSE(IdFromLocation("/REST/2.0/ticket/20", "transaction"));
  CHECK_FALSE(IdFromLocation("/REST/2.0/transaction/34x", "transaction"));
}

TEST_CASE("rt ticket: requestors, the marker custom field (any case), status, LastUpdated in UTC", "[rt]") {
  auto ticket = ParseTicket(R"({
    "id": 20, "Subject": "Printer", "Status": "open", "LastUpdated": "2026-12-02T01:02:03Z",
    "Requestor": [{"type":"user","id":"dave@example.com","_url":"x"}, {"type":"user","id":"carol"}],
    "CustomFields": [
      {"type":"customfield","id":"3","name":"Other","values":["no"]},
      {"type":"customfield","id":"4","name":"SlackDesk","values":["sd42", 7, null]}
    ]})",
                            "slackdesk");
  REQUIRE(ticket);
  CHECK(ticket->id == "20");
  CHECK(ticket->subject == "Printer");
  CHECK(ticket->status == "open");
  CHECK(ticket->last_updated_ms == 1796173323000LL);
  CHECK(ticket->requestors == std::vector<std::string>{"dave@example.com", "carol"});
  CHECK(ticket->marker_values == std::vector<std::string>{"sd42"});
  // RT silently dropped the custom field: no values.
  auto dropped = ParseTicket(R"({"id":"21","Subject":"x","Status":"new","CustomFields":[]})", "slackdesk");
  REQUIRE(dropped);
  CHECK(dropped->marker_values.empty());
}

TEST_CASE("rt ticket pages keep paging material: nulls for hidden items, no totals", "[rt]") {
  Page page;
  auto tickets = ParseTicketPage(R"({"count":2,"page":1,"per_page":100,"total":null,"pages":null,"items":[
      {"type":"ticket","id":"7","Status":"resolved","LastUpdated":"2026-12-02T00:00:00Z"},
      null,
      {"type":"ticket","id":"9","Status":"stalled","LastUpdated":"1970-01-01T00:00:00Z"}]})",
                                 &page);
  REQUIRE(tickets);
  CHECK(page.items == 3);
  REQUIRE(tickets->size() == 2);
  CHECK((*tickets)[0].id == "7");
  CHECK((*tickets)[1].last_updated_ms == 0);
  auto empty = ParseTicketPage(R"({"count":0,"page":3,"items":[]})", &page);
  REQUIRE(empty);
  CHECK(page.items == 0);
}

TEST_CASE("rt transaction pages: type, creator expanded, created, object", "[rt]") {
  Page page;
  auto transactions = ParseTransactionPage(R"({"items":[
      {"type":"transaction","id":"101","Type":"Correspond","Created":"2026-12-02T01:02:03Z","ObjectId":"12",
       "Creator":{"type":"user","id":"agent","Name":"agent","RealName":"Agnes Agent"}},
      {"type":"transaction","id":102,"Type":"Status","Field":"Status","NewValue":"resolved",
       "Creator":{"type":"user","id":"RT_System"}},
      {"type":"transaction","id":"x","Type":"Comment"},
      null, 7, "text"]})",
                                           &page);
  REQUIRE(transactions);
  CHECK(page.items == 6);
  REQUIRE(transactions->size() == 2);
  const WireTransaction& reply = (*transactions)[0];
  CHECK(reply.id == 101);
  CHECK(reply.type == "Correspond");
  CHECK(reply.creator_name == "agent");
  CHECK(reply.creator_real_name == "Agnes Agent");
  CHECK(reply.created_ms == 1796173323000LL);
  CHECK(reply.object_id == "12");
  const WireTransaction& status = (*transactions)[1];
  CHECK(status.id == 102);
  CHECK(status.field == "Status");
  CHECK(status.new_value == "resolved");
  CHECK(status.creator_name == "RT_System");  // no Name asked: the id is the name
}

TEST_CASE("rt message text: the first text/plain part that is not a file and has content, read alone", "[rt]") {
  auto part = [](std::string id, std::string type, std::string filename, long long size) {
    WireAttachment a;
    a.id = std::move(id);
    a.content_type = std::move(type);
    a.filename = std::move(filename);
    a.size = size;
    return a;
  };
  auto text = MessageTextPart({part("1", "multipart/mixed", "", 0), part("2", "text/html", "", 9),
                               part("3", "text/plain", "notes.txt", 40), part("4", "text/plain; charset=utf-8", "", 0),
                               part("5", "TEXT/PLAIN", "", 11)});
  REQUIRE(text);
  CHECK(text->id == "5");
  CHECK_FALSE(MessageTextPart({part("2", "text/html", "", 9), part("3", "text/plain", "a.txt", 4)}));
  // Listed with their content: a blank part is passed over, whatever its length.
  auto blank = part("6", "text/plain", "", 2);
  blank.content = " \n";
  auto filled = part("7", "text/plain", "", 0);
  filled.content = "Hi";
  auto with_content = MessageTextPart({blank, filled});
  REQUIRE(with_content);
  CHECK(with_content->id == "7");
  // REST2 writes one attachment's Content in base64, RT's lines of 76.
  auto content = ParseAttachmentContent(R"({"id":5,"Content":"SGVsbG8K\nV29ybGQ=\n","ContentType":"text/plain"})");
  REQUIRE(content);
  CHECK(*content == "Hello\nWorld");
  auto refused = ParseAttachmentContent(R"({"message":"Unauthorized"})");
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error().message, Contains("not an attachment") && Contains("Unauthorized"));
}

TEST_CASE("rt statuses map to the neutral categories, keeping RT's name", "[rt]") {
  CHECK(StatusFromRt("new").category == StatusCategory::kNew);
  CHECK(StatusFromRt("open").category == StatusCategory::kInProgress);
  CHECK(StatusFromRt("stalled").category == StatusCategory::kInProgress);
  CHECK(StatusFromRt("resolved").category == StatusCategory::kDone);
  CHECK(StatusFromRt("rejected").category == StatusCategory::kDone);
  CHECK(StatusFromRt("Deleted").category == StatusCategory::kDone);
  CHECK(StatusFromRt("Deleted").label == "Deleted");
  CHECK(StatusFromRt("waiting for parts").category == StatusCategory::kUnknown);
}

TEST_CASE("rt users, queues and custom field lists", "[rt]") {
  auto user = ParseUser(
      R"({"id":14,"Name":"slackdesk","EmailAddress":"bot@example.com","RealName":"Slackdesk Bot","Timezone":""})");
  REQUIRE(user);
  CHECK(user->id == "14");
  CHECK(user->name == "slackdesk");
  CHECK(user->email == "bot@example.com");
  CHECK(user->real_name == "Slackdesk Bot");
  // As RT 5.0.3 answers GET /queue/3 (trimmed): the ticket custom fields
  // are listed by name, the queue's own under CustomFields.
  auto queue = ParseQueue(R"({"id":3,"Name":"Support","Disabled":"0","CustomFields":[{"id":"4","name":"QueueOwner"}],
      "TicketCustomFields":[{"type":"customfield","ref":"customfield","id":"2","name":"slackdesk"},null,7,{"id":"5"}],
      "TicketTransactionCustomFields":[]})");
  REQUIRE(queue);
  CHECK_FALSE(queue->disabled);
  CHECK(queue->ticket_custom_fields == std::vector<std::string>{"slackdesk"});
  CHECK(ParseQueue(R"({"id":1,"Name":"General","Disabled":1})")->disabled);
  CHECK(ParseQueue(R"({"id":1,"Name":"General","TicketCustomFields":"x"})")->ticket_custom_fields.empty());
}

TEST_CASE("rt error bodies: the message object, RT's message array, a gateway page", "[rt]") {
  CHECK(ErrorMessage(R"({"message":"Unauthorized"})") == "Unauthorized");
  CHECK(ErrorMessage(R"(["Invalid value for status", "", 3])") == "Invalid value for status");
  CHECK_THAT(ErrorMessage("<html><head><title>502 Bad Gateway</title></head></html>"), Contains("502 Bad Gateway"));
  CHECK(ErrorMessage("").empty());
}

TEST_CASE("rt hostile and wrong-shaped answers are errors naming what was expected, never crashes", "[rt]") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::string nested_items = R"({"items":)" + std::string(5000, '[') + std::string(5000, ']') + "}";
  for (const std::string& body :
       {std::string(), std::string("null"), std::string("[]"), std::string("42"), std::string("{\"items\":{}}"),
        std::string("{\"items\":\"x\"}"), std::string("{not json"), std::string("\xff\xfe"), deep, nested_items,
        std::string("<html><title>Login</title></html>")}) {
    INFO(body.substr(0, 40));
    Page page;
    CHECK_FALSE(ParseTransactionPage(body, &page));
    CHECK_FALSE(ParseTicketPage(body, &page));
    CHECK_FALSE(ParseAttachmentContent(body));
    CHECK_FALSE(ParseCreatedId(body));
    CHECK_FALSE(ParseUser(body));
    CHECK_FALSE(ParseQueue(body));
    CHECK_FALSE(ParseTicket(body, "slackdesk"));
  }
  auto error = ParseTransactionPage("<html><title>Login</title></html>", nullptr);
  REQUIRE_FALSE(error);
  CHECK(error.error().code == util::ErrorCode::kServerError);
  CHECK_THAT(error.error().message, Contains("not a page of transactions") && Contains("Login"));
  // Wrong types inside an object read as absent.
  auto odd =
      ParseTicket(R"({"id":"5","Subject":7,"Status":["x"],"Requestor":"dave","CustomFields":{"a":1}})", "slackdesk");
  REQUIRE(odd);
  CHECK(odd->subject.empty());
  CHECK(odd->requestors.empty());
  CHECK(odd->marker_values.empty());
}

TEST_CASE("an attachment page lists the message parts, files by their name, with creator and size") {
  // As RT 5.0.3 answers /transaction/46/attachments?fields=Filename,ContentType,
  // ContentLength,TransactionId,Created,Creator&fields[Creator]=Name,RealName.
  const char* body = R"({"pages":null,"total":null,"page":1,"count":3,"items":[
    {"ContentLength":"10","type":"attachment","ContentType":"image/png","id":"16","TransactionId":"46",
     "Created":"2026-12-02T12:03:54Z","Filename":"a.png",
     "Creator":{"Name":"agent","RealName":"Alice Agent","id":"agent","type":"user"}},
    {"ContentLength":"0","id":"15","Filename":"","Created":"2026-12-02T12:03:54Z","TransactionId":"46",
     "ContentType":"multipart/mixed","Creator":"agent"},
    null,
    {"id":"x","TransactionId":"46"}]})";
  Page page;
  auto parts = ParseAttachmentPage(body, &page);
  REQUIRE(parts);
  CHECK(page.items == 4);
  REQUIRE(parts->size() == 2);
  CHECK((*parts)[0].id == "16");
  CHECK((*parts)[0].transaction_id == 46);
  CHECK((*parts)[0].filename == "a.png");
  CHECK((*parts)[0].content_type == "image/png");
  CHECK((*parts)[0].size == 10);
  CHECK((*parts)[0].created_ms == 1796213034000LL);
  CHECK((*parts)[0].creator_name == "agent");
  CHECK((*parts)[0].creator_real_name == "Alice Agent");
  CHECK((*parts)[1].filename.empty());
  CHECK((*parts)[1].creator_name == "agent");
  CHECK_FALSE(ParseAttachmentPage("<html>Login</html>", &page));
}

// Feeds `body` to a decoder `chunk` bytes at a time.
std::pair<bool, std::string> DecodeInChunks(const std::string& body, size_t chunk, ContentDecoder& decoder) {
  std::string out;
  for (size_t at = 0; at < body.size(); at += chunk) {
    if (!decoder.Feed(std::string_view(body).substr(at, chunk), out)) return {false, out};
  }
  return {decoder.Done(), out};
}

TEST_CASE("an attachment's base64 Content is decoded as it arrives, in any chunks, whatever is around it") {
  // As REST2 writes it: pretty JSON in any key order, "ContentType" and a
  // "Headers" string that mention Content first, RT's "\n" after every 76
  // base64 characters.
  std::string bytes;
  for (int i = 0; i < 300; ++i) bytes += static_cast<char>(i * 7 % 256);
  std::string base64 = jira::Base64Encode(bytes);
  std::string wrapped;
  for (size_t at = 0; at < base64.size(); at += 76) wrapped += base64.substr(at, 76) + "\\n";
  std::string body = "{\n   \"ContentType\" : \"image/png\",\n   \"Headers\" : \"Content-Type: image/png\\n\\\"Content\\\": x\",\n"
                     "   \"Creator\" : {\"Content\" : \"nested, not it\"},\n   \"Subject\" : \"Content\",\n"
                     "   \"Content\" : \"" + wrapped + "\",\n   \"id\" : \"16\"\n}\n";
  for (size_t chunk : {1, 2, 3, 7, 64, 100000}) {
    INFO("chunk " << chunk);
    ContentDecoder decoder;
    auto [done, out] = DecodeInChunks(body, chunk, decoder);
    CHECK(done);
    CHECK(out == bytes);
  }
  // An escaped slash is a slash.
  ContentDecoder slash;
  auto [slash_done, slash_out] = DecodeInChunks(R"({"Content":"P\/8="})", 4, slash);
  CHECK(slash_done);
  CHECK(slash_out == std::string("\x3f\xff", 2));
}

TEST_CASE("an answer that is not an attachment is refused by the decoder, saying why") {
  for (const auto& [body, why] : std::vector<std::pair<std::string, std::string>>{
           {R"({"id":"16","Filename":"a.png"})", "it has no Content"},
           {R"({"Content":null})", "its Content is not a string"},
           {R"({"Content":"QUJD*"})", "a byte 0x2a in the base64 Content"},
           {R"({"Content":"QQ==QQ"})", "in the base64 Content"},
           {R"({"Content":"\u0041"})", "an escape \\u in the base64 Content"},
           {R"(["Unauthorized"])", "it has no Content"},
           {std::string(100, '[') , "nested deeper than an attachment"}}) {
    INFO(body);
    ContentDecoder decoder;
    auto [done, out] = DecodeInChunks(body, 5, decoder);
    CHECK_FALSE(done);
    CHECK_THAT(decoder.Error(), Contains(why));
  }
  // A body that ends before the Content does is not done, and no error.
  ContentDecoder cut;
  auto [done, out] = DecodeInChunks(R"({"Content":"QUJD)", 3, cut);
  CHECK_FALSE(done);
  CHECK(out == "ABC");
  CHECK(cut.Error().empty());
}

}  // namespace
}  // namespace helpdesk::rt
