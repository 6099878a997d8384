// A JSM request type's fields from literal answers (the Cloud shape of
// behind-the-firewall.md section 3), and the values written back in the
// shape Jira takes for each (helpdesk-facts.md A1).
#include "helpdesk/jira/jira_fields.h"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "helpdesk/jira/jira_json.h"
#include "hostile_strings.h"
#include "inert_markup.h"
#include "util/json_util.h"

using namespace helpdesk::jira;
using bridge::FieldKind;

namespace {

// One requestTypeFields entry.
std::string Field(const std::string& id, const std::string& name, bool required, const std::string& schema,
                  const std::string& valid_values = "[]") {
  return R"({"fieldId":")" + id + R"(","name":")" + name + R"(","description":"","required":)" +
         (required ? "true" : "false") + R"(,"defaultValues":[],"validValues":)" + valid_values +
         R"(,"presetValues":[],"jiraSchema":)" + schema + R"(,"visible":true})";
}

std::string Answer(const std::vector<std::string>& fields) {
  std::string out = R"({"canRaiseOnBehalfOf":true,"canAddRequestParticipants":true,"requestTypeFields":[)";
  for (size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + fields[i];
  return out + "]}";
}

const bridge::FormField& Form(const std::vector<JiraField>& fields, const std::string& id) {
  for (const JiraField& field : fields) {
    if (field.form.id == id) return field.form;
  }
  FAIL("no field " << id);
  return fields.front().form;
}

const char* kOptions =
    R"([{"value":"10001","label":"Laptop","children":[]},{"value":"10002","label":"Phone","children":[]}])";

}  // namespace

TEST_CASE("every kind of JSM field becomes the input a form asks with, and how Jira takes it back", "[jira_fields]") {
  auto fields = ParseRequestTypeFields(Answer({
      Field("summary", "What do you need?", true, R"({"type":"string","system":"summary"})"),
      Field("description", "Why?", false, R"({"type":"string","system":"description"})"),
      Field("priority", "Priority", true, R"({"type":"priority","system":"priority"})",
            R"([{"value":"1","label":"Highest"},{"value":"3","label":"Medium"}])"),
      Field("components", "Components", false, R"({"type":"array","items":"component","system":"components"})",
            R"([{"value":"10100","label":"VPN"}])"),
      Field("labels", "Labels", false, R"({"type":"array","items":"string","system":"labels"})"),
      Field("duedate", "Due", false, R"({"type":"date","system":"duedate"})"),
      Field("customfield_1", "Device", true,
            R"({"type":"option","custom":"com.atlassian.jira.plugin.system.customfieldtypes:select","customId":1})",
            kOptions),
      Field(
          "customfield_2", "Devices", false,
          R"({"type":"array","items":"option","custom":"com.atlassian.jira.plugin.system.customfieldtypes:multiselect","customId":2})",
          kOptions),
      Field(
          "customfield_3", "Where", false,
          R"({"type":"option","custom":"com.atlassian.jira.plugin.system.customfieldtypes:radiobuttons","customId":3})",
          kOptions),
      Field("customfield_4", "Asset tag", false,
            R"({"type":"string","custom":"com.atlassian.jira.plugin.system.customfieldtypes:textfield","customId":4})"),
      Field("customfield_5", "Steps", false,
            R"({"type":"string","custom":"com.atlassian.jira.plugin.system.customfieldtypes:textarea","customId":5})"),
      Field("customfield_6", "Seats", false,
            R"({"type":"number","custom":"com.atlassian.jira.plugin.system.customfieldtypes:float","customId":6})"),
      Field("customfield_7", "Manager", false,
            R"({"type":"user","custom":"com.atlassian.jira.plugin.system.customfieldtypes:userpicker","customId":7})"),
      Field(
          "customfield_8", "Site", false,
          R"({"type":"option-with-child","custom":"com.atlassian.jira.plugin.system.customfieldtypes:cascadingselect","customId":8})",
          kOptions),
  }));
  REQUIRE(fields);
  REQUIRE(fields->size() == 14);
  // Each field as "id:kind:shape", in Jira's order.
  std::string seen;
  for (const JiraField& field : *fields) {
    seen += field.form.id + ":" + std::string(bridge::KindName(field.form.kind)) + ":" +
            std::to_string(static_cast<int>(field.shape)) + " ";
  }
  // Shapes: 0 string, 1 wiki, 2 option, 3 options, 4 strings, 5 date, 6 number.
  CHECK(seen ==
        "summary:text:0 description:paragraph:1 priority:select:2 components:multi:3 labels:words:4 duedate:date:5 "
        "customfield_1:select:2 customfield_2:multi:3 customfield_3:select:2 customfield_4:text:0 "
        "customfield_5:paragraph:1 customfield_6:number:6 customfield_7:unsupported:0 customfield_8:unsupported:0 ");
  CHECK(Form(*fields, "summary").max_chars == 255);
  CHECK(Form(*fields, "summary").name == "What do you need?");
  CHECK(Form(*fields, "priority").required);
  CHECK(Form(*fields, "priority").options == std::vector<bridge::FieldOption>{{"1", "Highest"}, {"3", "Medium"}});
  // Named as an admin knows them, for `check` and the customer's notice.
  CHECK(Form(*fields, "customfield_7").type_name == "userpicker");
  CHECK(Form(*fields, "customfield_8").type_name == "cascadingselect");
}

TEST_CASE("a request type's fields that cannot make a form are refused, hidden ones left out", "[jira_fields]") {
  CHECK_FALSE(ParseRequestTypeFields("<html>Bad gateway</html>"));
  CHECK_FALSE(ParseRequestTypeFields(R"({"requestTypeFields":{}})"));
  CHECK_FALSE(ParseRequestTypeFields(Answer({R"({"name":"no id"})"})));
  std::string twice = Field("customfield_1", "A", false, R"({"type":"number"})");
  CHECK_FALSE(ParseRequestTypeFields(Answer({twice, twice})));
  CHECK_FALSE(ParseRequestTypeFields(Answer({Field(std::string(300, 'x'), "Long", false, R"({"type":"number"})")})));
  auto hidden = ParseRequestTypeFields(Answer(
      {R"({"fieldId":"customfield_9","name":"Internal","required":true,"visible":false,"jiraSchema":{"type":"string"}})"}));
  REQUIRE(hidden);
  CHECK(hidden->empty());
  // A select with no values to choose from cannot be asked.
  auto empty_select = ParseRequestTypeFields(Answer({Field("customfield_1", "A", true, R"({"type":"option"})")}));
  REQUIRE(empty_select);
  CHECK(empty_select->front().form.kind == FieldKind::kUnsupported);
}

TEST_CASE("the values go into requestFieldValues in the shape Jira takes for each field", "[jira_fields]") {
  std::map<std::string, ValueShape> shapes{{"priority", ValueShape::kOption},      {"components", ValueShape::kOptions},
                                           {"labels", ValueShape::kStrings},       {"duedate", ValueShape::kDate},
                                           {"customfield_4", ValueShape::kString}, {"customfield_5", ValueShape::kWiki},
                                           {"customfield_6", ValueShape::kNumber}};
  std::vector<bridge::FieldValue> values{
      {"priority", FieldKind::kSelect, {"3"}},
      {"components", FieldKind::kMultiSelect, {"10100", "10101"}},
      {"labels", FieldKind::kWords, {"vpn", "outage"}},
      {"duedate", FieldKind::kDate, {"2026-12-24"}},
      {"customfield_4", FieldKind::kText, {"AT-42"}},
      {"customfield_5", FieldKind::kParagraph, {"1. *reboot*\n2. cry"}},
      {"customfield_6", FieldKind::kNumber, {"2.5"}},
      // Not in `shapes` (the type changed since the form was opened): as its kind says.
      {"customfield_9", FieldKind::kMultiSelect, {"7"}},
      // Written by the create itself, never twice.
      {"summary", FieldKind::kText, {"again"}},
  };
  rapidjson::Document body;
  body.Parse(CreateRequestBody("3", "10", "VPN down", "wiki", "", values, shapes).c_str());
  REQUIRE(body.IsObject());
  const rapidjson::Value& fields = body["requestFieldValues"];
  CHECK(
      json::Serialize(fields) ==
      R"({"summary":"VPN down","description":"wiki","priority":{"id":"3"},"components":[{"id":"10100"},{"id":"10101"}],)"
      R"("labels":["vpn","outage"],"duedate":"2026-12-24","customfield_4":"AT-42","customfield_5":"1. \\*reboot\\*\n2. cry",)"
      R"("customfield_6":2.5,"customfield_9":[{"id":"7"}]})");
}

TEST_CASE("text typed into a form's fields reaches Jira inert", "[jira_fields][escaping]") {
  std::map<std::string, ValueShape> shapes{{"customfield_4", ValueShape::kString},
                                           {"customfield_5", ValueShape::kWiki}};
  for (const std::string& hostile : testing::HostileStrings()) {
    INFO("typed: " << hostile.substr(0, 200));
    rapidjson::Document body;
    body.Parse(CreateRequestBody("3", "10", "s", "d", "",
                                 {{"customfield_4", FieldKind::kText, {hostile}},
                                  {"customfield_5", FieldKind::kParagraph, {hostile}}},
                                 shapes)
                   .c_str());
    REQUIRE(body.IsObject());
    std::string line = body["requestFieldValues"]["customfield_4"].GetString();
    std::string wiki = body["requestFieldValues"]["customfield_5"].GetString();
    // A one-line field holds one clean line; a multi-line one, wiki that
    // Jira shows as typed.
    CHECK(line.find('\n') == std::string::npos);
    CHECK(testing::LiveWikiMarkup(wiki) == "");
    CHECK(testing::LiveWikiStructure(wiki) == "");
  }
}
