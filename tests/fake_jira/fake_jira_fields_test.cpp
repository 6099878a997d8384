// The fake Jira's request types over real HTTP: the field metadata JSM
// Cloud serves (GET .../requesttype/{id}/field), the checks create applies
// to requestFieldValues, and further service desks with their own keys.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "fake_jira.h"
#include "jira_http.h"
#include "util/json_util.h"

namespace {

using fake::FakeJira;
using fake::JiraFieldValue;
using fake::JiraRequestField;
using fake_jira_test::Get;
using fake_jira_test::IsServiceDeskError;
using fake_jira_test::Post;
using fake_jira_test::Response;
using fake_jira_test::Send;
using fake_jira_test::String;

constexpr const char* kHardware = "20";
const std::string kCustom = "com.atlassian.jira.plugin.system.customfieldtypes:";

JiraFieldValue Value(const std::string& value, const std::string& label, std::vector<JiraFieldValue> children = {}) {
  JiraFieldValue out;
  out.value = value;
  out.label = label;
  out.children = std::move(children);
  return out;
}

JiraRequestField System(const std::string& id, const std::string& name, bool required, const std::string& type,
                        const std::string& items = "", std::vector<JiraFieldValue> valid = {}) {
  JiraRequestField field;
  field.field_id = id;
  field.name = name;
  field.required = required;
  field.schema_type = type;
  field.schema_system = id;
  field.schema_items = items;
  field.valid_values = std::move(valid);
  return field;
}

JiraRequestField Custom(long long number, const std::string& name, bool required, const std::string& type,
                        const std::string& custom, const std::string& items = "",
                        std::vector<JiraFieldValue> valid = {}) {
  JiraRequestField field;
  field.field_id = fmt::format("customfield_{}", number);
  field.name = name;
  field.required = required;
  field.schema_type = type;
  field.schema_custom = kCustom + custom;
  field.custom_id = number;
  field.schema_items = items;
  field.valid_values = std::move(valid);
  return field;
}

// One field of every kind create checks.
std::vector<JiraRequestField> EveryKind() {
  return {
      System("summary", "What is wrong?", true, "string"),
      System("description", "Details", false, "string"),
      System("priority", "Priority", false, "priority", "", {Value("1", "Highest"), Value("3", "Medium")}),
      System("components", "Component", false, "array", "component", {Value("10100", "VPN"), Value("10101", "Mail")}),
      System("labels", "Labels", false, "array", "string"),
      System("duedate", "Due date", false, "date"),
      Custom(10010, "Office", true, "option", "select", "", {Value("10020", "Berlin"), Value("10021", "Paris")}),
      Custom(10011, "Systems", false, "array", "multiselect", "option",
             {Value("10030", "Laptop"), Value("10031", "Phone")}),
      Custom(10012, "Urgency", false, "option", "radiobuttons", "", {Value("10040", "Low"), Value("10041", "High")}),
      Custom(10013, "Affected", false, "array", "multicheckboxes", "option",
             {Value("10050", "Me"), Value("10051", "Team")}),
      Custom(10014, "Asset tag", false, "string", "textfield"),
      Custom(10015, "Steps", false, "string", "textarea"),
      Custom(10016, "Cost", false, "number", "float"),
      Custom(10017, "Started at", false, "datetime", "datetime"),
      Custom(10018, "Start day", false, "date", "datepicker"),
      Custom(10019, "Manager", false, "user", "userpicker"),
      Custom(10020, "Location", false, "option-with-child", "cascadingselect", "",
             {Value("10060", "EU", {Value("10061", "Berlin"), Value("10062", "Paris")})}),
  };
}

// Every field of EveryKind() in a shape JSM takes, as compact JSON.
std::vector<std::pair<std::string, std::string>> GoodValues() {
  return {
      {"summary", R"("VPN drops every hour")"},
      {"description", R"("Since *Monday*.")"},
      {"priority", R"({"id":"3"})"},
      {"components", R"([{"id":"10100"},{"name":"Mail"}])"},
      {"labels", R"(["vpn","from-slack"])"},
      {"duedate", R"("2028-02-29")"},
      {"customfield_10010", R"({"id":"10020"})"},
      {"customfield_10011", R"([{"id":"10030"},{"value":"Phone"}])"},
      {"customfield_10012", R"({"value":"High"})"},
      {"customfield_10013", R"([{"id":"10051"}])"},
      {"customfield_10014", R"("LAP-0042")"},
      {"customfield_10015", R"("1. connect\n2. wait")"},
      {"customfield_10016", "12.5"},
      {"customfield_10017", R"("2026-12-01T09:30:00.000+0100")"},
      {"customfield_10018", R"("2026-12-01")"},
      {"customfield_10019", R"({"accountId":"5b10a2844c20165700ede21g"})"},
      {"customfield_10020", R"({"id":"10060","child":{"id":"10062"}})"},
  };
}

std::string Body(const std::string& desk, const std::string& type,
                 const std::vector<std::pair<std::string, std::string>>& values) {
  std::string fields;
  for (const auto& [id, value] : values)
    fields += fmt::format("{}{}:{}", fields.empty() ? "" : ",", json::Quote(id), value);
  return fmt::format(R"({{"serviceDeskId":"{}","requestTypeId":"{}","requestFieldValues":{{{}}}}})", desk, type,
                     fields);
}

// GoodValues() with `field` set to `value` ("" drops it).
Response CreateWith(const FakeJira& jira, const std::string& field, const std::string& value) {
  std::vector<std::pair<std::string, std::string>> values;
  for (auto& [id, good] : GoodValues()) {
    if (id != field) values.emplace_back(id, good);
  }
  if (!value.empty()) values.emplace_back(field, value);
  return Post(jira, "/rest/servicedeskapi/request", Body(FakeJira::kServiceDeskId, kHardware, values));
}

const rapidjson::Value& FieldNamed(const rapidjson::Value& meta, const std::string& id) {
  for (const rapidjson::Value& field : meta["requestTypeFields"].GetArray()) {
    if (String(field, "fieldId") == id) return field;
  }
  FAIL("no field " << id);
  return meta;
}

}  // namespace

TEST_CASE("request type fields come in the Cloud shape with jiraSchema and validValues", "[fake_jira]") {
  FakeJira jira;
  jira.AddRequestType(FakeJira::kServiceDeskId, kHardware, "Broken hardware", EveryKind());
  Response meta = Get(jira, fmt::format("/rest/servicedeskapi/servicedesk/3/requesttype/{}/field", kHardware));
  REQUIRE(meta.status == 200);
  CHECK(meta.json["canRaiseOnBehalfOf"].GetBool());
  CHECK(meta.json["canAddRequestParticipants"].GetBool());
  REQUIRE(meta.json["requestTypeFields"].Size() == EveryKind().size());
  for (const JiraRequestField& expected : EveryKind()) {
    INFO(expected.field_id);
    const rapidjson::Value& field = FieldNamed(meta.json, expected.field_id);
    CHECK(String(field, "name") == expected.name);
    CHECK(field["required"].GetBool() == expected.required);
    CHECK(field["visible"].GetBool());
    CHECK(String(field, "description").empty());
    CHECK(field["defaultValues"].IsArray());
    CHECK(field["presetValues"].IsArray());
    const rapidjson::Value& schema = field["jiraSchema"];
    CHECK(String(schema, "type") == expected.schema_type);
    CHECK(schema.HasMember("items") == !expected.schema_items.empty());
    if (expected.schema_custom.empty()) {
      CHECK(String(schema, "system") == expected.field_id);
      CHECK_FALSE(schema.HasMember("custom"));
    } else {
      CHECK(String(schema, "custom") == expected.schema_custom);
      CHECK(schema["customId"].GetInt64() == expected.custom_id);
      CHECK_FALSE(schema.HasMember("system"));
    }
    REQUIRE(field["validValues"].Size() == expected.valid_values.size());
  }
  CHECK(json::Serialize(FieldNamed(meta.json, "customfield_10020")["validValues"]) ==
        R"([{"value":"10060","label":"EU","children":[{"value":"10061","label":"Berlin","children":[]},)"
        R"({"value":"10062","label":"Paris","children":[]}]}])");
  CHECK(String(FieldNamed(meta.json, "components")["jiraSchema"], "items") == "component");
}

TEST_CASE("the default request type has summary, description and AddRequestField's fields", "[fake_jira]") {
  FakeJira jira;
  jira.AddRequestField("customfield_10100", "Slack thread");
  Response meta = Get(jira, "/rest/servicedeskapi/servicedesk/3/requesttype/10/field");
  REQUIRE(meta.status == 200);
  REQUIRE(meta.json["requestTypeFields"].Size() == 3);
  CHECK(json::Serialize(meta.json["requestTypeFields"][0]) ==
        R"({"fieldId":"summary","name":"Summary","description":"","required":true,"defaultValues":[],)"
        R"("validValues":[],"presetValues":[],"jiraSchema":{"type":"string","system":"summary"},"visible":true})");
  const rapidjson::Value& description = meta.json["requestTypeFields"][1];
  CHECK(String(description, "fieldId") == "description");
  CHECK_FALSE(description["required"].GetBool());
  const rapidjson::Value& added = meta.json["requestTypeFields"][2];
  CHECK(String(added, "name") == "Slack thread");
  CHECK_FALSE(added["required"].GetBool());
  CHECK(json::Serialize(added["jiraSchema"]) ==
        R"({"type":"string","custom":"com.atlassian.jira.plugin.system.customfieldtypes:textfield","customId":10100})");
  // The added field takes a string and nothing else.
  std::string base = R"({"serviceDeskId":"3","requestTypeId":"10","requestFieldValues":{"summary":"s",)";
  CHECK(Post(jira, "/rest/servicedeskapi/request", base + R"("customfield_10100":{"ts":"1"}}})").status == 400);
  REQUIRE(Post(jira, "/rest/servicedeskapi/request", base + R"("customfield_10100":"C1/1.2"}})").status == 201);
  CHECK(jira.Issues().at(0).field_values_json.at("customfield_10100") == R"("C1/1.2")");
}

TEST_CASE("the field endpoint answers 404 for an unknown type or desk and honours auth and faults", "[fake_jira]") {
  FakeJira jira;
  Response no_type = Get(jira, "/rest/servicedeskapi/servicedesk/3/requesttype/99/field");
  CHECK(no_type.status == 404);
  CHECK(IsServiceDeskError(no_type));
  CHECK(String(no_type.json["i18nErrorMessage"], "i18nKey") == "sd.request.type.not.found");
  Response no_desk = Get(jira, "/rest/servicedeskapi/servicedesk/42/requesttype/10/field");
  CHECK(no_desk.status == 404);
  CHECK(String(no_desk.json["i18nErrorMessage"], "i18nKey") == "sd.service.desk.not.found");
  // A type of another desk is not found in this one.
  jira.AddRequestType("5", "30", "Onboarding", {System("summary", "Summary", true, "string")});
  CHECK(Get(jira, "/rest/servicedeskapi/servicedesk/3/requesttype/30/field").status == 404);
  CHECK(Get(jira, "/rest/servicedeskapi/servicedesk/5/requesttype/30/field").status == 200);
  Response anonymous = Send(jira, "GET", "/rest/servicedeskapi/servicedesk/3/requesttype/10/field", {}, {}, false);
  CHECK(anonymous.status == 401);
  CHECK(IsServiceDeskError(anonymous));
  jira.FailNext("GET", "/rest/servicedeskapi/servicedesk/3/requesttype/10/field", 429, 2);
  Response limited = Get(jira, "/rest/servicedeskapi/servicedesk/3/requesttype/10/field");
  CHECK(limited.status == 429);
  CHECK(limited.raw.Header("retry-after") == "2");
  CHECK(Get(jira, "/rest/servicedeskapi/servicedesk/3/requesttype/10/field").status == 200);
  jira.SetOutage(true, 503);
  CHECK(Get(jira, "/rest/servicedeskapi/servicedesk/3/requesttype/10/field").status == 503);
  jira.SetOutage(false);
  CHECK(Send(jira, "POST", "/rest/servicedeskapi/servicedesk/3/requesttype/10/field", "{}").status == 405);
}

TEST_CASE("create takes every kind of field in its JSM shape and keeps what it received", "[fake_jira]") {
  FakeJira jira;
  jira.AddRequestType(FakeJira::kServiceDeskId, kHardware, "Broken hardware", EveryKind());
  Response created = Post(jira, "/rest/servicedeskapi/request", Body("3", kHardware, GoodValues()));
  REQUIRE(created.status == 201);
  CHECK(String(created.json, "requestTypeId") == kHardware);
  CHECK(String(created.json, "serviceDeskId") == "3");
  std::optional<fake::JiraIssue> issue = jira.Issue(String(created.json, "issueKey"));
  REQUIRE(issue);
  CHECK(issue->key == "SUP-1");
  CHECK(issue->summary == "VPN drops every hour");
  CHECK(issue->description == "Since *Monday*.");
  CHECK(issue->request_type_id == kHardware);
  CHECK(issue->service_desk_id == "3");
  REQUIRE(issue->field_values_json.size() == GoodValues().size());
  for (const auto& [id, value] : GoodValues()) CHECK(issue->field_values_json.at(id) == value);
  // The response labels each value with its portal name.
  bool labelled = false;
  for (const rapidjson::Value& value : created.json["requestFieldValues"].GetArray()) {
    if (String(value, "fieldId") == "customfield_10012") labelled = String(value, "label") == "Urgency";
  }
  CHECK(labelled);
  // Optional fields may be left out or cleared with null.
  std::vector<std::pair<std::string, std::string>> minimal = {
      {"summary", R"("s")"}, {"customfield_10010", R"({"value":"Paris"})"}, {"customfield_10016", "null"}};
  CHECK(Post(jira, "/rest/servicedeskapi/request", Body("3", kHardware, minimal)).status == 201);
}

TEST_CASE("create refuses missing required fields, wrong shapes and unknown options with 400", "[fake_jira]") {
  FakeJira jira;
  jira.AddRequestType(FakeJira::kServiceDeskId, kHardware, "Broken hardware", EveryKind());
  struct Case {
    std::string field;
    std::string value;  // "" leaves the field out
    std::string message;
  };
  const std::vector<Case> cases = {
      {"summary", "", "What is wrong?: You must specify a summary of the issue."},
      {"summary", R"("  ")", "What is wrong?: You must specify a summary of the issue."},
      {"customfield_10010", "", "Office: Office is required."},
      {"customfield_10010", "null", "Office: Office is required."},
      {"customfield_10010", "{}", "Office: Could not find valid 'id' or 'value' in the Parent Option object."},
      {"customfield_10010", R"("Berlin")", "Office: Could not find valid 'id' or 'value' in the Parent Option object."},
      {"customfield_10010", R"({"id":"10099"})", "Office: Option id '10099' is not valid"},
      {"customfield_10010", R"({"value":"Rome"})", "Office: Option value 'Rome' is not valid"},
      {"customfield_10012", R"({"id":"10020"})", "Urgency: Option id '10020' is not valid"},
      {"priority", R"({"id":"9"})", "Priority: Specify a valid 'id' or 'name' for Priority"},
      {"priority", R"("3")", "Priority: Specify a valid 'id' or 'name' for Priority"},
      {"customfield_10011", R"({"id":"10030"})", "Systems: data was not an array"},
      {"customfield_10011", R"([{"id":"10030"},{"id":"10099"}])", "Systems: Option id '10099' is not valid"},
      {"customfield_10013", R"(["Team"])",
       "Affected: Could not find valid 'id' or 'value' in the Parent Option object."},
      {"components", R"({"id":"10100"})", "Component: data was not an array"},
      {"components", R"([{"id":"1"}])", "Component: Specify a valid 'id' or 'name' for Component"},
      {"labels", R"(["two words"])", "Labels: The label 'two words' contains spaces which is invalid."},
      {"labels", R"("vpn")", "Labels: data was not an array"},
      {"duedate", R"("2026-02-29")", "Due date: The date '2026-02-29' is not valid: use the format yyyy-MM-dd."},
      {"duedate", R"("01/12/2026")", "Due date: The date '01/12/2026' is not valid: use the format yyyy-MM-dd."},
      {"customfield_10018", R"("2026-12-01T10:00")", "Start day: The date '2026-12-01T10:00' is not valid"},
      {"customfield_10017", R"("2026-12-01 10:00")", "Started at: The date-time '2026-12-01 10:00' is not valid"},
      {"customfield_10017", "1764579600000", "Started at: The date-time '1764579600000' is not valid"},
      {"customfield_10016", R"("12.5")", "Cost: Operation value must be a number"},
      {"customfield_10014", "42", "Asset tag: Operation value must be a string"},
      {"customfield_10015", R"(["step"])", "Steps: Operation value must be a string"},
      {"description", R"({"type":"doc"})", "Details: Operation value must be a string"},
      {"customfield_10019", R"("5b10a2844c20165700ede21g")", "Manager: Specify a valid value for Manager"},
      {"customfield_10020", R"({"id":"10060","child":{"id":"10099"}})", "Location: Option id '10099' is not valid"},
      {"customfield_99999", R"("x")", "The field 'customfield_99999' is not valid for this request type."},
  };
  for (const Case& c : cases) {
    INFO(c.field << " = " << c.value);
    Response refused = CreateWith(jira, c.field, c.value);
    CHECK(refused.status == 400);
    REQUIRE(IsServiceDeskError(refused));
    CHECK(String(refused.json, "errorMessage").rfind(c.message, 0) == 0);
  }
  CHECK(jira.Issues().empty());
  // The good values themselves pass: each refusal above is the field's doing.
  CHECK(CreateWith(jira, "summary", R"("fine")").status == 201);
}

TEST_CASE("a second service desk has its own project, keys and portal", "[fake_jira]") {
  FakeJira jira;
  REQUIRE(jira.AddServiceDesk("5", "HR", "9"));
  CHECK_FALSE(jira.AddServiceDesk("5", "PEOPLE", "9"));
  CHECK_FALSE(jira.AddServiceDesk("6", "SUP", "9"));
  jira.AddRequestType("5", "30", "Onboarding", {System("summary", "Summary", true, "string")});
  Response desk = Get(jira, "/rest/servicedeskapi/servicedesk/HR");
  REQUIRE(desk.status == 200);
  CHECK(String(desk.json, "id") == "5");
  CHECK(String(desk.json, "projectKey") == "HR");
  Response first = Post(jira, "/rest/servicedeskapi/request", Body("5", "30", {{"summary", R"("laptop for Ann")"}}));
  REQUIRE(first.status == 201);
  CHECK(String(first.json, "issueKey") == "HR-1");
  CHECK(String(first.json, "serviceDeskId") == "5");
  CHECK(String(first.json["_links"], "web") == jira.base_url() + "/servicedesk/customer/portal/9/HR-1");
  std::string sup = jira.CreateRequest("printer", "");
  CHECK(sup == "SUP-1");
  Response second = Post(jira, "/rest/servicedeskapi/request", Body("5", "30", {{"summary", R"("badge for Bo")"}}));
  CHECK(String(second.json, "issueKey") == "HR-2");
  CHECK(jira.Issue("HR-2")->service_desk_id == "5");
  CHECK(jira.Issue("SUP-1")->service_desk_id == "3");
  // Types belong to their desk.
  CHECK(Post(jira, "/rest/servicedeskapi/request", Body("3", "30", {{"summary", R"("x")"}})).status == 400);
  CHECK(Post(jira, "/rest/servicedeskapi/request", Body("5", "10", {{"summary", R"("x")"}})).status == 400);
  // JQL `project = HR` finds that project's requests only.
  REQUIRE(jira.WaitForSearchable("HR-2"));
  Response search =
      Post(jira, "/rest/api/3/search/jql", R"({"jql":"project = HR ORDER BY key ASC","fields":["status"]})");
  REQUIRE(search.status == 200);
  REQUIRE(search.json["issues"].Size() == 2);
  CHECK(String(search.json["issues"][0], "key") == "HR-1");
  // A type added to a desk nobody added creates that desk on the fly.
  jira.AddRequestType("8", "40", "Facilities", {System("summary", "Summary", true, "string")});
  Response facilities = Post(jira, "/rest/servicedeskapi/request", Body("8", "40", {{"summary", R"("door")"}}));
  CHECK(String(facilities.json, "issueKey") == "SD8-1");
}
