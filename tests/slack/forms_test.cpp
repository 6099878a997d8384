// The request form built from a request type (slack/forms.h) and read back
// from a submission (slack/interactions.h): every kind of field, Block
// Kit's limits whatever the helpdesk says, and the round trip of values.
#include "slack/forms.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "block_kit.h"
#include "slack/interactions.h"
#include "util/json_util.h"

using bridge::FieldKind;
using bridge::FormField;

namespace {

bridge::RequestType EveryKind() {
  bridge::RequestType type{{"3", "10"}, "Get IT help", {}};
  type.fields = {
      {"summary", "What do you need?", FieldKind::kText, true, 255, {}, "string"},
      {"description", "Why?", FieldKind::kParagraph, false, 0, {}, "string"},
      {"priority", "Priority", FieldKind::kSelect, true, 0, {{"1", "Highest"}, {"3", "Medium"}}, "priority"},
      {"components", "Components", FieldKind::kMultiSelect, false, 0, {{"10100", "VPN"}}, "list of component"},
      {"labels", "Labels", FieldKind::kWords, false, 0, {}, "list of string"},
      {"duedate", "Due", FieldKind::kDate, false, 0, {}, "date"},
      {"customfield_6", "Seats", FieldKind::kNumber, false, 0, {}, "float"},
      {"customfield_7", "Manager", FieldKind::kUnsupported, false, 0, {}, "userpicker"},
  };
  return type;
}

rapidjson::Document Parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE(doc.IsObject());
  return doc;
}

const rapidjson::Value* BlockWithId(const rapidjson::Value& view, const std::string& id) {
  for (const auto& block : view["blocks"].GetArray()) {
    if (block.HasMember("block_id") && id == block["block_id"].GetString()) return &block;
  }
  return nullptr;
}

std::string Render(const bridge::RequestType& type) {
  return slack::RequestFormView("trigger", type, bridge::FormPrefill{"VPN down", "It drops every hour."},
                                bridge::FormMetadata{{"C1", "1.2"}, type.target});
}

}  // namespace

TEST_CASE("the form asks for each field of the request type with the element of its kind", "[forms]") {
  rapidjson::Document body = Parse(Render(EveryKind()));
  const rapidjson::Value& view = body["view"];
  CHECK(fake::ValidateModalView(view) == "");
  CHECK(std::string(view["private_metadata"].GetString()) == "C1|1.2|3|10|");
  CHECK(std::string(view["blocks"][0]["elements"][0]["text"].GetString()) == "Request type: *Get IT help*");
  struct Expected {
    const char* block;
    const char* element;
    bool optional;
  };
  for (Expected e : {Expected{"summary", "plain_text_input", false}, Expected{"description", "plain_text_input", true},
                     Expected{"priority", "static_select", false}, Expected{"components", "multi_static_select", true},
                     Expected{"labels", "plain_text_input", true}, Expected{"duedate", "datepicker", true},
                     Expected{"customfield_6", "number_input", true}}) {
    INFO(e.block);
    const rapidjson::Value* block = BlockWithId(view, e.block);
    REQUIRE(block != nullptr);
    CHECK(std::string((*block)["element"]["type"].GetString()) == e.element);
    CHECK((*block)["optional"].GetBool() == e.optional);
  }
  // The field no form can ask for is left out; the rest keep Jira's order.
  CHECK(BlockWithId(view, "customfield_7") == nullptr);
  CHECK(view["blocks"].Size() == 8);
  const rapidjson::Value& summary = *BlockWithId(view, "summary");
  CHECK(std::string(summary["label"]["text"].GetString()) == "What do you need?");
  CHECK(std::string(summary["element"]["initial_value"].GetString()) == "VPN down");
  CHECK(summary["element"]["max_length"].GetInt() == 255);
  CHECK(std::string(BlockWithId(view, "description")->operator[]("element")["initial_value"].GetString()) ==
        "It drops every hour.");
  const rapidjson::Value& priority = (*BlockWithId(view, "priority"))["element"];
  CHECK(std::string(priority["action_id"].GetString()) == "select");
  CHECK(std::string(priority["options"][1]["value"].GetString()) == "3");
  CHECK(std::string(priority["options"][1]["text"]["text"].GetString()) == "Medium");
  CHECK((*BlockWithId(view, "customfield_6"))["element"]["is_decimal_allowed"].GetBool());
}

TEST_CASE("a list of more than 100 options is offered in groups of 100, and every limit holds", "[forms]") {
  bridge::RequestType type{{"3", "10"}, std::string(500, 'T'), {}};
  FormField many{"customfield_1", std::string(3000, 'L'), FieldKind::kSelect, true, 0, {}, "select"};
  for (int i = 0; i < 1234; ++i) many.options.push_back({std::to_string(10000 + i), fmt::format("Site {:04d}", i)});
  many.options.push_back({std::string(76, 'v'), "a value longer than Slack takes back"});
  type.fields.push_back(many);
  FormField multi = many;
  multi.id = "customfield_2";
  multi.kind = FieldKind::kMultiSelect;
  type.fields.push_back(multi);
  for (int i = 0; i < 150; ++i) {
    type.fields.push_back(
        {fmt::format("customfield_{}", 100 + i), "Text", FieldKind::kText, false, 0, {}, "textfield"});
  }
  std::string text = Render(type);
  CHECK(text.size() < 250 * 1000);
  rapidjson::Document body = Parse(text);
  const rapidjson::Value& view = body["view"];
  CHECK(fake::ValidateModalView(view) == "");
  CHECK(view["blocks"].Size() <= 100);
  const rapidjson::Value& select = (*BlockWithId(view, "customfield_1"))["element"];
  REQUIRE(select.HasMember("option_groups"));
  CHECK_FALSE(select.HasMember("options"));
  CHECK(select["option_groups"].Size() == 13);
  CHECK(select["option_groups"][0]["options"].Size() == 100);
  CHECK(select["option_groups"][12]["options"].Size() == 34);  // the too-long value is left out
  CHECK(std::string(select["option_groups"][0]["label"]["text"].GetString()) == "Site 0000 … Site 0099");
}

TEST_CASE("a submission is read back with each field's kind, limit and whether it was required", "[forms]") {
  rapidjson::Document opened = Parse(Render(EveryKind()));
  rapidjson::Value& view = opened["view"];
  view.AddMember("id", "V1", opened.GetAllocator());
  std::string state =
      R"({"summary":{"text":{"type":"plain_text_input","value":"VPN down"}},)"
      R"("description":{"paragraph":{"type":"plain_text_input","value":null}},)"
      R"("priority":{"select":{"type":"static_select","selected_option":{"text":{"type":"plain_text","text":"Medium"},"value":"3"}}},)"
      R"("components":{"multi":{"type":"multi_static_select","selected_options":[{"text":{"type":"plain_text","text":"VPN"},"value":"10100"}]}},)"
      R"("labels":{"words":{"type":"plain_text_input","value":"vpn outage"}},)"
      R"("duedate":{"date":{"type":"datepicker","selected_date":"2026-12-24"}},)"
      R"("customfield_6":{"number":{"type":"number_input","value":"2.5"}}})";
  std::string payload = R"({"type":"view_submission","user":{"id":"U1"},"view":)" + json::Serialize(view) + "}";
  // state goes into the view as Slack adds it
  payload.insert(payload.size() - 2, R"(,"state":{"values":)" + state + "}");
  auto form = slack::ParseFormSubmission(payload);
  REQUIRE(form);
  CHECK(form->summary == "VPN down");
  CHECK(form->description.empty());
  CHECK(form->private_metadata == "C1|1.2|3|10|");
  std::vector<bridge::SubmittedField> expected{
      {{"priority", FieldKind::kSelect, {"3"}}, "Priority", true, 0},
      {{"components", FieldKind::kMultiSelect, {"10100"}}, "Components", false, 0},
      {{"labels", FieldKind::kWords, {"vpn outage"}}, "Labels", false, 3000},
      {{"duedate", FieldKind::kDate, {"2026-12-24"}}, "Due", false, 0},
      {{"customfield_6", FieldKind::kNumber, {"2.5"}}, "Seats", false, 0},
  };
  CHECK(form->fields == expected);
}

TEST_CASE("a form that cannot be offered is a modal that says so, with nothing to submit", "[forms]") {
  rapidjson::Document body = Parse(slack::FormNoticeView("trigger", "Ask <!channel> *now*"));
  const rapidjson::Value& view = body["view"];
  CHECK(fake::ValidateModalView(view) == "");
  CHECK_FALSE(view.HasMember("submit"));
  std::string text = view["blocks"][0]["text"]["text"].GetString();
  CHECK(text.find("<!channel>") == std::string::npos);
}
