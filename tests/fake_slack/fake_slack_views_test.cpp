// The fake Slack's modal methods beyond views.open, over real HTTP and
// WebSockets on 127.0.0.1: views.update (slack-facts.md §3.4), a select
// changed inside a modal (§2.3), a submission after an update (§2.4), and
// the state values builder (§2.4 shapes). The form checks themselves are in
// block_kit_test.cpp; here they are seen through the Web API's answers.
#include <string>

#include "block_kit.h"
#include "fake_slack_fixture.h"
#include "slack_payloads.h"

using namespace fake_slack_testing;  // the fixture and its helpers

namespace {

// A first modal asking for the request type, the second one's form after
// the choice, as the daemon's "choose a request type" flow sends them.
const char* const kTypeChoice =
    R"({"type":"modal","callback_id":"ticket_form","external_id":"form-C1-1",)"
    R"("title":{"type":"plain_text","text":"New request"},"submit":{"type":"plain_text","text":"Create"},"blocks":[)"
    R"({"type":"input","block_id":"type","dispatch_action":true,"label":{"type":"plain_text","text":"Request type"},)"
    R"("element":{"type":"static_select","action_id":"type_select","options":[)"
    R"({"text":{"type":"plain_text","text":"Get IT help"},"value":"10"},)"
    R"({"text":{"type":"plain_text","text":"Request access"},"value":"11"}]}},)"
    R"({"type":"input","block_id":"summary","label":{"type":"plain_text","text":"Summary"},)"
    R"("element":{"type":"plain_text_input","action_id":"summary_input"}}]})";

std::string AccessForm(const std::string& extra_block = "") {
  return std::string(
             R"({"type":"modal","callback_id":"ticket_form","private_metadata":"type=11","external_id":"form-C1-1",)"
             R"("title":{"type":"plain_text","text":"Request access"},"submit":{"type":"plain_text","text":"Create"},"blocks":[)"
             R"({"type":"input","block_id":"summary","label":{"type":"plain_text","text":"Summary"},)"
             R"("element":{"type":"plain_text_input","action_id":"summary_input","initial_value":"Printer"}},)"
             R"({"type":"input","block_id":"due","optional":true,"label":{"type":"plain_text","text":"Needed by"},)"
             R"("element":{"type":"datepicker","action_id":"due_date","initial_date":"2026-12-24"}},)"
             R"({"type":"input","block_id":"count","label":{"type":"plain_text","text":"Seats"},)"
             R"("element":{"type":"number_input","action_id":"seats","is_decimal_allowed":false,"min_value":"1"}})") +
         extra_block + "]}";
}

std::string UpdateBody(const std::string& target, const std::string& hash, const std::string& view) {
  std::string hash_arg = hash.empty() ? "" : fmt::format(R"(,"hash":"{}")", hash);
  return fmt::format(R"({{{}{},"view":{}}})", target, hash_arg, view);
}

std::string ById(const std::string& id) { return fmt::format(R"("view_id":"{}")", id); }

std::string OpenTypeChoice(Fixture& fixture) {
  std::string trigger = fixture.slack.IssueTriggerId("U0CUSTOMER");
  auto reply = fixture.Ok("views.open", fmt::format(R"({{"trigger_id":"{}","view":{}}})", trigger, kTypeChoice));
  return Str(Member(reply, "view"), "id");
}

}  // namespace

TEST_CASE_METHOD(Fixture, "views.update replaces the modal in place: same id, a new hash, recorded", "[fake_slack]") {
  std::string id = OpenTypeChoice(*this);
  std::string first_hash = slack.Views().at(0).hash;

  auto reply = Ok("views.update", UpdateBody(ById(id), first_hash, AccessForm()));
  const auto& view = Member(reply, "view");
  CHECK(Str(view, "id") == id);
  CHECK(Str(view, "root_view_id") == id);
  std::string second_hash = Str(view, "hash");
  CHECK_FALSE(second_hash.empty());
  CHECK(second_hash != first_hash);
  CHECK(Str(Member(view, "title"), "text") == "Request access");
  CHECK(Str(view, "private_metadata") == "type=11");
  CHECK(Count(Member(view, "blocks")) == 3);
  CHECK(Member(Member(view, "state"), "values").IsObject());

  REQUIRE(slack.WaitForViewUpdates(1));
  auto updates = slack.ViewUpdates();
  REQUIRE(updates.size() == 1);
  CHECK(updates[0].view_id == id);
  CHECK(updates[0].previous_hash == first_hash);
  CHECK(updates[0].hash == second_hash);
  CHECK(Str(Parse(updates[0].view_json), "hash") == second_hash);
  auto views = slack.Views();
  REQUIRE(views.size() == 1);
  CHECK(views[0].update_count == 1);
  CHECK(views[0].hash == second_hash);
  CHECK(views[0].private_metadata == "type=11");
  CHECK(Count(Member(Parse(views[0].view_json), "blocks")) == 3);

  // By external_id, and without a hash (no optimistic lock asked for).
  std::string with_note =
      AccessForm(R"(,{"type":"section","block_id":"note","text":{"type":"mrkdwn","text":"Thanks"}})");
  auto by_external = Ok("views.update", UpdateBody(R"("external_id":"form-C1-1")", "", with_note));
  CHECK(Str(Member(by_external, "view"), "id") == id);
  CHECK(Str(Member(by_external, "view"), "external_id") == "form-C1-1");
  REQUIRE(slack.WaitForViewUpdates(2));
  CHECK(slack.ViewUpdates().at(1).previous_hash == second_hash);
  CHECK(slack.Views().at(0).update_count == 2);
  CHECK(Count(Member(Parse(slack.Views().at(0).view_json), "blocks")) == 4);
}

TEST_CASE_METHOD(Fixture, "views.update refuses a stale hash, an unknown view, a view over 250 kB, a bad form",
                 "[fake_slack]") {
  std::string id = OpenTypeChoice(*this);
  std::string first_hash = slack.Views().at(0).hash;
  Ok("views.update", UpdateBody(ById(id), first_hash, AccessForm()));
  // The view changed since first_hash: Slack's optimistic lock.
  CHECK(Fails("views.update", UpdateBody(ById(id), first_hash, kTypeChoice)) == "views.update: hash_conflict");
  CHECK(Fails("views.update", UpdateBody(ById(id), "1700000000.deadbeef", kTypeChoice)) ==
        "views.update: hash_conflict");
  CHECK(Fails("views.update", UpdateBody(ById("VUNKNOWN1"), "", kTypeChoice)) == "views.update: not_found");
  CHECK(Fails("views.update", UpdateBody(R"("external_id":"nobody")", "", kTypeChoice)) == "views.update: not_found");
  CHECK(Fails("views.update", fmt::format(R"({{"view":{}}})", kTypeChoice)).find("invalid_arguments") !=
        std::string::npos);

  std::string options;
  for (int i = 0; i < 100; ++i) {
    options += fmt::format(R"({}{{"text":{{"type":"plain_text","text":"{}"}},"value":"{}"}})", i == 0 ? "" : ",",
                           std::string(75, 't'), std::string(75, 'v'));
  }
  std::string blocks;
  for (int i = 0; i < 15; ++i) {
    blocks += fmt::format(R"({}{{"type":"input","block_id":"b{}","label":{{"type":"plain_text","text":"L"}},)"
                          R"("element":{{"type":"static_select","action_id":"s","options":[{}]}}}})",
                          i == 0 ? "" : ",", i, options);
  }
  std::string huge = R"({"type":"modal","title":{"type":"plain_text","text":"Big"},)"
                     R"("submit":{"type":"plain_text","text":"Go"},"blocks":[)" +
                     blocks + "]}";
  REQUIRE(huge.size() > fake::kMaxViewBytes);
  CHECK(Fails("views.update", UpdateBody(ById(id), "", huge)) == "views.update: view_too_large");

  std::string unknown_element =
      R"({"type":"modal","title":{"type":"plain_text","text":"Form"},)"
      R"("submit":{"type":"plain_text","text":"Go"},"blocks":[{"type":"input","block_id":"x",)"
      R"("label":{"type":"plain_text","text":"X"},"element":{"type":"fancy_widget"}}]})";
  auto raw = Raw("views.update", UpdateBody(ById(id), "", unknown_element));
  auto reply = Parse(raw.body);
  CHECK(Str(reply, "error") == "invalid_arguments");
  const auto& messages = Member(Member(reply, "response_metadata"), "messages");
  REQUIRE(Count(messages) == 1);
  CHECK(std::string(messages[0].GetString()) ==
        "[ERROR] blocks[0].element.type: 'fancy_widget' is not an input element");

  // Nothing refused changed the modal.
  CHECK(slack.ViewUpdates().size() == 1);
  CHECK(slack.Views().at(0).update_count == 1);
  CHECK(slack.Views().at(0).hash == slack.ViewUpdates().at(0).hash);
}

TEST_CASE_METHOD(Fixture, "views.open checks form elements and external ids; chat.postMessage its action ids",
                 "[fake_slack]") {
  std::string bad_date = R"({"type":"modal","title":{"type":"plain_text","text":"Form"},)"
                         R"("submit":{"type":"plain_text","text":"Go"},"blocks":[{"type":"input","block_id":"d",)"
                         R"("label":{"type":"plain_text","text":"Due"},)"
                         R"("element":{"type":"datepicker","action_id":"due","initial_date":"2026-02-30"}}]})";
  std::string trigger = slack.IssueTriggerId("U0CUSTOMER");
  CHECK(Fails("views.open", fmt::format(R"({{"trigger_id":"{}","view":{}}})", trigger, bad_date))
            .find("blocks[0].element.initial_date") != std::string::npos);
  // The refused view did not use the trigger; a duplicate external_id is refused.
  Ok("views.open", fmt::format(R"({{"trigger_id":"{}","view":{}}})", trigger, kTypeChoice));
  CHECK(Fails("views.open", fmt::format(R"({{"trigger_id":"{}","view":{}}})", slack.IssueTriggerId("U0CUSTOMER"),
                                        kTypeChoice)) == "views.open: duplicate_external_id");

  std::string twice = R"([{"type":"actions","elements":[)"
                      R"({"type":"button","action_id":"go","text":{"type":"plain_text","text":"A"}},)"
                      R"({"type":"button","action_id":"go","text":{"type":"plain_text","text":"B"}}]}])";
  auto raw = Raw("chat.postMessage", fmt::format(R"({{"channel":"C1","text":"t","blocks":{}}})", twice));
  auto reply = Parse(raw.body);
  CHECK(Str(reply, "error") == "invalid_blocks");
  REQUIRE(Count(Member(Member(reply, "response_metadata"), "messages")) == 1);
  CHECK(std::string(Member(Member(reply, "response_metadata"), "messages")[0].GetString()) ==
        "[ERROR] blocks[0].elements[1].action_id: duplicate 'go' in its block");
  CHECK(slack.Messages().empty());
}

TEST_CASE_METHOD(Fixture, "SelectInView sends a block_actions envelope from the modal with the choice in its state",
                 "[fake_slack]") {
  SocketReader reader(slack);
  std::string id = OpenTypeChoice(*this);
  std::string hash = slack.Views().at(0).hash;
  std::string typed = fake::StateValues().Text("summary", "summary_input", "Printer jam").Json();
  std::string envelope = slack.SelectInView(id, "U0CUSTOMER", "type", "type_select", "11", "", typed);
  REQUIRE_FALSE(envelope.empty());
  auto frame = ParseFrame(reader.WaitForEnvelope(envelope));
  CHECK(frame.type == "interactive");
  auto payload = Parse(frame.payload_json);
  CHECK(Str(payload, "type") == "block_actions");
  CHECK(Str(Member(payload, "user"), "id") == "U0CUSTOMER");
  CHECK(Str(Member(payload, "container"), "type") == "view");
  CHECK(Str(Member(payload, "container"), "view_id") == id);
  CHECK_FALSE(payload.HasMember("channel"));
  CHECK_FALSE(payload.HasMember("message"));
  CHECK_FALSE(payload.HasMember("response_url"));
  const auto& view = Member(payload, "view");
  CHECK(Str(view, "id") == id);
  CHECK(Str(view, "hash") == hash);
  CHECK(Str(view, "callback_id") == "ticket_form");
  const auto& values = Member(Member(view, "state"), "values");
  CHECK(Str(Member(Member(values, "summary"), "summary_input"), "value") == "Printer jam");
  const auto& chosen = Member(Member(values, "type"), "type_select");
  CHECK(Str(chosen, "type") == "static_select");
  CHECK(Str(Member(chosen, "selected_option"), "value") == "11");
  REQUIRE(Count(Member(payload, "actions")) == 1);
  const auto& action = Member(payload, "actions")[0];
  CHECK(Str(action, "type") == "static_select");
  CHECK(Str(action, "block_id") == "type");
  CHECK(Str(action, "action_id") == "type_select");
  CHECK(Str(Member(action, "selected_option"), "value") == "11");
  CHECK(Str(Member(Member(action, "selected_option"), "text"), "text") == "Request access");  // from the view
  CHECK_FALSE(Str(action, "action_ts").empty());
  // Its trigger_id is real: it may open another modal.
  Ok("views.open", fmt::format(R"({{"trigger_id":"{}","view":{}}})", Str(payload, "trigger_id"), kModal));

  // Slack offers only a static select's own options, and only the view's elements.
  CHECK(slack.SelectInView(id, "U0CUSTOMER", "type", "type_select", "99").empty());
  CHECK(slack.SelectInView(id, "U0CUSTOMER", "type", "other_action", "10").empty());
  CHECK(slack.SelectInView("VUNKNOWN", "U0CUSTOMER", "type", "type_select", "10").empty());
  // Without dispatch_action an input block's select sends nothing.
  std::string quiet = kTypeChoice;
  quiet.replace(quiet.find(R"("dispatch_action":true,)"), std::string(R"("dispatch_action":true,)").size(), "");
  quiet.replace(quiet.find("form-C1-1"), 9, "form-C1-2");
  std::string quiet_id = Str(Member(Ok("views.open", fmt::format(R"({{"trigger_id":"{}","view":{}}})",
                                                                 slack.IssueTriggerId("U0CUSTOMER"), quiet)),
                                    "view"),
                             "id");
  CHECK(slack.SelectInView(quiet_id, "U0CUSTOMER", "type", "type_select", "10").empty());
  // The answer to the choice: views.update with the hash the action carried.
  Ok("views.update", UpdateBody(ById(id), Str(view, "hash"), AccessForm()));
  CHECK(slack.SelectInView(id, "U0CUSTOMER", "type", "type_select", "11").empty());  // the block is gone
}

TEST_CASE("StateValues builds each element's state value in Slack's shape", "[fake_slack]") {
  std::string json = fake::StateValues()
                         .Text("summary", "summary_input", "Printer \"jam\"")
                         .Select("priority", "priority_select", "3", "Medium")
                         .Select("type", "type_select", "11", "Request access", "external_select")
                         .MultiSelect("components", "components_select", {{"100", "VPN"}, {"101", "Mail"}})
                         .Date("due", "due_date", "2026-12-24")
                         .DateTime("when", "when_dt", 1628633820)
                         .Time("at", "at_time", "09:30")
                         .Number("count", "seats", "12")
                         .Empty("empty", "select", "static_select")
                         .Empty("empty", "multi", "multi_static_select")
                         .Empty("empty", "text", "plain_text_input")
                         .Empty("empty", "date", "datepicker")
                         .Json();
  const char* option_3 = R"({"text":{"type":"plain_text","text":"Medium","emoji":true},"value":"3"})";
  const char* option_11 = R"({"text":{"type":"plain_text","text":"Request access","emoji":true},"value":"11"})";
  const char* vpn = R"({"text":{"type":"plain_text","text":"VPN","emoji":true},"value":"100"})";
  const char* mail = R"({"text":{"type":"plain_text","text":"Mail","emoji":true},"value":"101"})";
  std::string expected =
      fmt::format(R"({{"at":{{"at_time":{{"type":"timepicker","selected_time":"09:30"}}}},)"
                  R"("components":{{"components_select":{{"type":"multi_static_select","selected_options":[{},{}]}}}},)"
                  R"("count":{{"seats":{{"type":"number_input","value":"12"}}}},)"
                  R"("due":{{"due_date":{{"type":"datepicker","selected_date":"2026-12-24"}}}},)"
                  R"("empty":{{"date":{{"type":"datepicker","selected_date":null}},)"
                  R"("multi":{{"type":"multi_static_select","selected_options":[]}},)"
                  R"("select":{{"type":"static_select","selected_option":null}},)"
                  R"("text":{{"type":"plain_text_input","value":null}}}},)"
                  R"("priority":{{"priority_select":{{"type":"static_select","selected_option":{}}}}},)"
                  R"("summary":{{"summary_input":{{"type":"plain_text_input","value":"Printer \"jam\""}}}},)"
                  R"("type":{{"type_select":{{"type":"external_select","selected_option":{}}}}},)"
                  R"("when":{{"when_dt":{{"type":"datetimepicker","selected_date_time":1628633820}}}}}})",
                  vpn, mail, option_3, option_11);
  CHECK(json == expected);
  CHECK_FALSE(Parse(json).HasParseError());
  CHECK(fake::StateValues().Json() == "{}");
}

TEST_CASE_METHOD(Fixture, "SubmitView after views.update carries the updated view and the built state",
                 "[fake_slack]") {
  SocketReader reader(slack);
  std::string id = OpenTypeChoice(*this);
  auto updated = Ok("views.update", UpdateBody(ById(id), slack.Views().at(0).hash, AccessForm()));
  std::string state = fake::StateValues()
                          .Text("summary", "summary_input", "Printer")
                          .Date("due", "due_date", "2026-12-24")
                          .Number("count", "seats", "3")
                          .Json();
  std::string envelope = slack.SubmitView(id, "U0CUSTOMER", state);
  REQUIRE_FALSE(envelope.empty());
  auto payload = Parse(ParseFrame(reader.WaitForEnvelope(envelope)).payload_json);
  CHECK(Str(payload, "type") == "view_submission");
  const auto& view = Member(payload, "view");
  CHECK(Str(view, "id") == id);
  CHECK(Str(view, "hash") == Str(Member(updated, "view"), "hash"));
  CHECK(Str(view, "private_metadata") == "type=11");
  CHECK(Count(Member(view, "blocks")) == 3);
  const auto& values = Member(Member(view, "state"), "values");
  CHECK(Str(Member(Member(values, "due"), "due_date"), "selected_date") == "2026-12-24");
  CHECK(Str(Member(Member(values, "count"), "seats"), "value") == "3");
}

TEST_CASE_METHOD(Fixture, "SuggestInView sends a block_suggestion once the query is long enough", "[fake_slack]") {
  SocketReader reader(slack);
  std::string trigger = slack.IssueTriggerId("U0CUSTOMER");
  std::string form = R"({"type":"modal","title":{"type":"plain_text","text":"Form"},)"
                     R"("submit":{"type":"plain_text","text":"Go"},"blocks":[{"type":"input","block_id":"product",)"
                     R"("label":{"type":"plain_text","text":"Product"},)"
                     R"("element":{"type":"external_select","action_id":"product_select","min_query_length":2}},)"
                     R"({"type":"input","block_id":"summary","label":{"type":"plain_text","text":"Summary"},)"
                     R"("element":{"type":"plain_text_input","action_id":"summary_input"}}]})";
  std::string id =
      Str(Member(Ok("views.open", fmt::format(R"({{"trigger_id":"{}","view":{}}})", trigger, form)), "view"), "id");
  CHECK(slack.SuggestInView(id, "U0CUSTOMER", "product", "product_select", "p").empty());   // below 2 characters
  CHECK(slack.SuggestInView(id, "U0CUSTOMER", "summary", "summary_input", "pri").empty());  // not an external select
  CHECK(slack.SuggestInView("VUNKNOWN", "U0CUSTOMER", "product", "product_select", "pri").empty());
  std::string envelope = slack.SuggestInView(id, "U0CUSTOMER", "product", "product_select", "pri");
  REQUIRE_FALSE(envelope.empty());
  auto payload = Parse(ParseFrame(reader.WaitForEnvelope(envelope)).payload_json);
  CHECK(Str(payload, "type") == "block_suggestion");
  CHECK(Str(Member(payload, "container"), "type") == "view");
  CHECK(Str(Member(payload, "container"), "view_id") == id);
  CHECK(Str(payload, "block_id") == "product");
  CHECK(Str(payload, "action_id") == "product_select");
  CHECK(Str(payload, "value") == "pri");
  CHECK(Str(Member(payload, "view"), "id") == id);
}

TEST_CASE("ValidateSuggestionOptions accepts what Slack shows in an external select", "[fake_slack]") {
  auto check = [](const std::string& json) { return fake::ValidateSuggestionOptions(Parse(json)); };
  std::string printer = R"({"text":{"type":"plain_text","text":"Printer"},"value":"10001"})";
  CHECK(check(R"({"options":[)" + printer + "]}") == "");
  CHECK(check(R"({"options":[]})") == "");  // nothing matched
  CHECK(check(R"({"option_groups":[{"label":{"type":"plain_text","text":"Hardware"},"options":[)" + printer + "]}]}") ==
        "");
  std::string many;
  for (int i = 0; i < 101; ++i) many += (i == 0 ? "" : ",") + printer;
  CHECK(check(R"({"options":[)" + many + "]}").find("101 options (allowed 1 to 100)") != std::string::npos);
  CHECK(check(R"({"options":[{"text":{"type":"plain_text","text":"Printer"}}]})").find("options[0].value: missing") !=
        std::string::npos);
  CHECK(check(R"({"options":[)" + printer + R"(],"option_groups":[]})").find("exactly one of") != std::string::npos);
  CHECK(check("{}").find("exactly one of") != std::string::npos);
}
