// Contract behaviour 10 end to end: the form built from the request type's
// fields in the fake JSM, required values checked in the ack under their
// own inputs, the values arriving in Jira in the shape it takes, a type the
// form cannot offer, and channel routes raising into their own desks.
#include <rapidjson/document.h>

#include "flow_fixture.h"

using namespace e2e;

namespace {

using fake::JiraRequestField;

constexpr const char* kSelect = "com.atlassian.jira.plugin.system.customfieldtypes:select";
constexpr const char* kFloat = "com.atlassian.jira.plugin.system.customfieldtypes:float";
constexpr const char* kUserPicker = "com.atlassian.jira.plugin.system.customfieldtypes:userpicker";

// validValues entries: {value, label} with no children.
std::vector<fake::JiraFieldValue> Values(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::vector<fake::JiraFieldValue> out;
  for (const auto& [value, label] : pairs) out.push_back(fake::JiraFieldValue{value, label, {}});
  return out;
}

// 150 devices: more than the 100 options one Slack list may hold.
std::vector<fake::JiraFieldValue> Devices() {
  std::vector<std::pair<std::string, std::string>> devices{{"10001", "Laptop"}, {"10002", "Phone"}};
  for (int i = 3; i <= 150; ++i) devices.emplace_back(std::to_string(10000 + i), "Device model " + std::to_string(i));
  return Values(devices);
}

JiraRequestField Summary() { return {"summary", "Summary", true, "string", "summary", "", 0, "", {}}; }
JiraRequestField Description() { return {"description", "Description", false, "string", "description", "", 0, "", {}}; }

// "Get IT help" as a real desk has it: a required priority and device,
// components, labels, a due date and a number, and a manager picker the form
// cannot offer (optional, so it is left out).
std::vector<JiraRequestField> ItHelpFields() {
  return {
      Summary(),
      Description(),
      {"priority", "Priority", true, "priority", "priority", "", 0, "", Values({{"1", "Highest"}, {"3", "Medium"}})},
      {"customfield_10010", "Device", true, "option", "", kSelect, 10010, "", Devices()},
      {"components", "Components", false, "array", "components", "", 0, "component",
       Values({{"10100", "VPN"}, {"10101", "Mail"}})},
      {"labels", "Labels", false, "array", "labels", "", 0, "string", {}},
      {"duedate", "Due date", false, "date", "duedate", "", 0, "", {}},
      {"customfield_10011", "Seats", false, "number", "", kFloat, 10011, "", {}},
      {"customfield_10012", "Manager", false, "user", "", kUserPicker, 10012, "", {}},
  };
}

const rapidjson::Value* BlockWithId(const rapidjson::Value& view, const std::string& id) {
  for (const auto& block : view["blocks"].GetArray()) {
    if (block.HasMember("block_id") && id == block["block_id"].GetString()) return &block;
  }
  return nullptr;
}

std::string OpenFormIn(Flow& flow, const std::string& channel, const std::string& ts) {
  size_t before = flow.slack.Views().size();
  flow.slack.ClickButton("", channel, ts, kCustomer, "slackdesk_open_form", channel + "|" + ts);
  INFO(flow.Log());
  REQUIRE(flow.slack.WaitForViews(static_cast<int>(before) + 1, kWait));
  return flow.slack.Views().back().id;
}

}  // namespace

TEST_CASE("a request type with required custom fields is raised from Slack with the right values in Jira",
          "[e2e][forms]") {
  Flow flow;
  flow.jira.AddRequestType(fake::FakeJira::kServiceDeskId, fake::FakeJira::kRequestTypeId, "Get IT help",
                           ItHelpFields());
  std::string ts = flow.StartWithMention("<@UBOT0001> VPN drops every hour");
  std::string view_id = flow.OpenForm(ts);
  rapidjson::Document view;
  view.Parse(flow.slack.Views().back().view_json.c_str());
  REQUIRE(view.IsObject());
  for (const char* id : {"summary", "description", "priority", "customfield_10010", "components", "labels", "duedate",
                         "customfield_10011"}) {
    INFO(id);
    CHECK(BlockWithId(view, id) != nullptr);
  }
  CHECK(BlockWithId(view, "customfield_10012") == nullptr);  // no form can pick a user
  CHECK_FALSE((*BlockWithId(view, "customfield_10010"))["optional"].GetBool());
  // 150 options come in groups of 100 (the fake Slack checked every limit when the form opened).
  const rapidjson::Value& devices = (*BlockWithId(view, "customfield_10010"))["element"];
  REQUIRE(devices.HasMember("option_groups"));
  CHECK(devices["option_groups"].Size() == 2);
  CHECK(devices["option_groups"][1]["options"].Size() == 50);

  // Left empty, the required ones are shown under their inputs and nothing is raised.
  std::string more = fake::StateValues()
                         .Empty("priority", "select", "static_select")
                         .Empty("customfield_10010", "select", "static_select")
                         .Number("customfield_10011", "number", "2.5")
                         .Json();
  more = more.substr(1, more.size() - 2);  // its members, to go next to the summary's
  std::string envelope = flow.slack.SubmitView(view_id, kCustomer, StateValues("VPN drops", "Every hour.", more));
  REQUIRE(flow.slack.WaitForAck(envelope, kWait));
  std::string ack = flow.slack.Acks().back().payload_json;
  CHECK(ack.find(R"("response_action":"errors")") != std::string::npos);
  CHECK(ack.find(R"("priority":"Please fill in Priority.")") != std::string::npos);
  CHECK(ack.find(R"("customfield_10010":"Please fill in Device.")") != std::string::npos);
  CHECK(ack.find(R"("summary")") == std::string::npos);

  more = fake::StateValues()
             .Select("priority", "select", "3", "Medium")
             .Select("customfield_10010", "select", "10140", "Device model 140")
             .MultiSelect("components", "multi", {{"10100", "VPN"}, {"10101", "Mail"}})
             .Text("labels", "words", "  vpn   outage ")
             .Date("duedate", "date", "2026-12-24")
             .Number("customfield_10011", "number", "2.5")
             .Json();
  more = more.substr(1, more.size() - 2);
  envelope = flow.slack.SubmitView(view_id, kCustomer, StateValues("VPN drops", "Every hour.", more));
  REQUIRE(flow.slack.WaitForAck(envelope, kWait));
  CHECK(flow.slack.Acks().back().payload_json.empty());
  REQUIRE(flow.WaitForPost(ts, "SUP-1"));
  std::vector<fake::JiraIssue> issues = flow.jira.Issues();
  REQUIRE(issues.size() == 1);
  const auto& values = issues[0].field_values_json;
  auto value = [&](const std::string& id) {
    auto it = values.find(id);
    return it == values.end() ? std::string("(none)") : it->second;
  };
  CHECK(value("priority") == R"({"id":"3"})");
  CHECK(value("customfield_10010") == R"({"id":"10140"})");
  CHECK(value("components") == R"([{"id":"10100"},{"id":"10101"}])");
  CHECK(value("labels") == R"(["vpn","outage"])");
  CHECK(value("duedate") == R"("2026-12-24")");
  CHECK(value("customfield_10011") == "2.5");
  CHECK(value("customfield_10012") == "(none)");
  CHECK(issues[0].summary == "VPN drops");
  flow.Stop();
}

TEST_CASE("a request type the form cannot offer says so in Slack and fails check, naming the field", "[e2e][forms]") {
  Flow flow;
  std::vector<JiraRequestField> fields{
      Summary(), Description(), {"customfield_10012", "Manager", true, "user", "", kUserPicker, 10012, "", {}}};
  flow.jira.AddRequestType(fake::FakeJira::kServiceDeskId, fake::FakeJira::kRequestTypeId, "Access request", fields);

  fake::DaemonProcess check(SLACKDESK_BINARY, {"check"}, flow.env);
  CHECK(check.Wait(kWait) == 1);
  CHECK(check.WaitForLog("FAIL request form: type 10 in service desk 3 (jira_request_type_id): request type "
                         "'Access request' requires the field 'Manager' (customfield_10012, of type userpicker)",
                         milliseconds(1000)) >= 0);

  std::string ts = flow.StartWithMention("<@UBOT0001> I need access to the finance share");
  flow.OpenForm(ts);
  rapidjson::Document view;
  view.Parse(flow.slack.Views().back().view_json.c_str());
  REQUIRE(view.IsObject());
  INFO(flow.slack.Views().back().view_json);
  CHECK(view["submit"].IsNull());  // nothing to submit, as Slack shows a view without a submit
  std::string text = view["blocks"][0]["text"]["text"].GetString();
  CHECK(text.find("cannot be raised from Slack") != std::string::npos);
  CHECK(text.find("Manager") != std::string::npos);
  CHECK(flow.daemon->WaitForLog("requires the field 'Manager'", kWait) >= 0);
  flow.Stop();
}

TEST_CASE("channel_routes raise each routed channel's requests into its own service desk and type", "[e2e][forms]") {
  Flow flow;
  REQUIRE(flow.jira.AddServiceDesk("5", "BILL", "8"));
  flow.jira.AddRequestType("5", "50", "Billing question",
                           {Summary(),
                            Description(),
                            {"customfield_20001",
                             "Invoice number",
                             true,
                             "string",
                             "",
                             "com.atlassian.jira.plugin.system.customfieldtypes:textfield",
                             20001,
                             "",
                             {}}});
  flow.env["SLACKDESK_CHANNEL_ROUTES"] = "C0BILLING=5/50";
  flow.Start();

  std::string billing = flow.Mention("<@UBOT0001> I was charged twice", "C0BILLING");
  REQUIRE(flow.WaitForPost(billing, "slackdesk_open_form"));
  std::string view_id = OpenFormIn(flow, "C0BILLING", billing);
  CHECK(flow.slack.Views().back().private_metadata == "C0BILLING|" + billing + "|5|50|" + billing);
  std::string more = fake::StateValues().Text("customfield_20001", "text", "INV-2026-0042").Json();
  std::string envelope = flow.slack.SubmitView(
      view_id, kCustomer, StateValues("Charged twice", "Two payments.", more.substr(1, more.size() - 2)));
  REQUIRE(flow.slack.WaitForAck(envelope, kWait));
  REQUIRE(flow.WaitForPost(billing, "BILL-1"));

  // An unlisted channel still raises where the two keys say.
  std::string support = flow.MentionForForm("<@UBOT0001> printer jam");
  flow.Submit(flow.OpenForm(support), "Printer jam");
  REQUIRE(flow.WaitForPost(support, "SUP-1"));

  auto issues = flow.jira.Issues();
  REQUIRE(issues.size() == 2);
  CHECK(issues[0].key == "BILL-1");
  CHECK(issues[0].service_desk_id == "5");
  CHECK(issues[0].request_type_id == "50");
  CHECK(issues[0].field_values_json.at("customfield_20001") == R"("INV-2026-0042")");
  CHECK(issues[1].key == "SUP-1");
  CHECK(issues[1].service_desk_id == fake::FakeJira::kServiceDeskId);
  flow.Stop();
}

TEST_CASE("a channel offered several request types chooses one in the form, which follows, keeping what was typed",
          "[e2e][forms]") {
  Flow flow;
  flow.jira.AddRequestType(fake::FakeJira::kServiceDeskId, "11", "Report a bug",
                           {Summary(),
                            Description(),
                            {"customfield_300",
                             "Steps to reproduce",
                             true,
                             "string",
                             "",
                             "com.atlassian.jira.plugin.system.customfieldtypes:textarea",
                             300,
                             "",
                             {}}});
  // Two types on one channel route.
  flow.env["SLACKDESK_CHANNEL_ROUTES"] = std::string(kChannel) + "=3/10+11";
  std::string ts = flow.StartWithMention("<@UBOT0001> the export button crashes the page");
  std::string view_id = flow.OpenForm(ts);
  rapidjson::Document view;
  view.Parse(flow.slack.Views().back().view_json.c_str());
  REQUIRE(view.IsObject());
  const rapidjson::Value* choice = BlockWithId(view, "slackdesk_request_type");
  REQUIRE(choice != nullptr);
  CHECK((*choice)["dispatch_action"].GetBool());
  REQUIRE((*choice)["element"]["options"].Size() == 2);
  CHECK(std::string((*choice)["element"]["options"][1]["text"]["text"].GetString()) == "Report a bug");
  CHECK(std::string((*choice)["element"]["initial_option"]["value"].GetString()) == "10");
  CHECK(BlockWithId(view, "customfield_300") == nullptr);

  std::string typed = fake::StateValues().Text("summary", "text", "Export crashes").Json();
  std::string envelope = flow.slack.SelectInView(view_id, kCustomer, "slackdesk_request_type", "slackdesk_request_type",
                                                 "11", "Report a bug", typed);
  REQUIRE_FALSE(envelope.empty());
  INFO(flow.Log());
  REQUIRE(flow.slack.WaitForViewUpdates(1, kWait));
  rapidjson::Document updated;
  updated.Parse(flow.slack.ViewUpdates().back().view_json.c_str());
  REQUIRE(updated.IsObject());
  CHECK(std::string(updated["private_metadata"].GetString()) == std::string(kChannel) + "|" + ts + "|3|11|" + ts);
  REQUIRE(BlockWithId(updated, "customfield_300") != nullptr);
  CHECK(std::string((*BlockWithId(updated, "summary"))["element"]["initial_value"].GetString()) == "Export crashes");
  CHECK(std::string(
            (*BlockWithId(updated, "slackdesk_request_type"))["element"]["initial_option"]["value"].GetString()) ==
        "11");

  std::string more = fake::StateValues().Text("customfield_300", "paragraph", "1. Export\n2. Crash").Json();
  envelope = flow.slack.SubmitView(view_id, kCustomer,
                                   StateValues("Export crashes", "The page dies.", more.substr(1, more.size() - 2)));
  REQUIRE(flow.slack.WaitForAck(envelope, kWait));
  REQUIRE(flow.WaitForPost(ts, "SUP-1"));
  std::vector<fake::JiraIssue> issues = flow.jira.Issues();
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].request_type_id == "11");
  CHECK(issues[0].field_values_json.at("customfield_300") == R"("1. Export\n2. Crash")");
  flow.Stop();
}

TEST_CASE("a mention inside a thread brings the conversation before it into the request", "[e2e][forms]") {
  Flow flow;
  flow.slack.AddUser("U0BOB", "Bob Builder", "bob", "bob@example.com");
  flow.Start();
  const std::string root = "1600000000.000100";  // before every ts the fake hands out
  flow.slack.AddThreadParent(kChannel, root, "U0BOB", "Is the VPN down for anyone?");
  flow.slack.PostAsUser(kChannel, "U0BOB", "It drops every hour for me, <@U0CUSTOMER>", root);
  flow.slack.PostAsUser(kChannel, kCustomer, "<@UBOT0001> same here, please raise it", root);
  REQUIRE(flow.WaitForPost(root, "slackdesk_open_form"));
  // Said after the mention: not part of what led to it.
  flow.slack.PostAsUser(kChannel, "U0BOB", "thanks!", root);
  flow.Submit(flow.OpenForm(root), "VPN drops hourly");
  REQUIRE(flow.WaitForPost(root, "SUP-1"));
  std::string description = flow.jira.Issues().at(0).description;
  INFO(description);
  size_t earlier = description.find("*Earlier in the Slack thread:*");
  REQUIRE(earlier != std::string::npos);
  size_t bob = description.find("bq. *Bob Builder:*", earlier);
  size_t question = description.find("bq. Is the VPN down for anyone?", earlier);
  size_t reply = description.find("bq. It drops every hour for me, @Ada Lovelace", earlier);
  CHECK(bob != std::string::npos);
  CHECK(question != std::string::npos);
  CHECK(reply != std::string::npos);
  CHECK(question < reply);
  CHECK(description.find("same here") == std::string::npos);
  CHECK(description.find("thanks!") == std::string::npos);
  CHECK(description.find("Requested by:") > reply);
  flow.Stop();
}
