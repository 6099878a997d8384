#include "helpdesk/jira/jira_fields.h"

#include <cstdlib>
#include <set>
#include <utility>

#include "bridge/compose.h"
#include "bridge/text.h"
#include "helpdesk/jira/jira_json_support.h"
#include "helpdesk/jira/wiki.h"
#include "util/strings.h"

namespace helpdesk::jira {
namespace {

using bridge::FieldKind;
namespace wire = json_support;

// Jira's own limits: a summary and a single-line text field hold 255
// characters; longer text is a multi-line field (32,767, more than a Slack
// input's 3,000, which the form keeps).
constexpr size_t kLineMaxChars = 255;
// Bounds on what one answer may make the form carry: Jira's fields and
// options are admin-made, but the answer is read as hostile like any other.
constexpr size_t kMaxFields = 100;
constexpr size_t kMaxOptions = 10000;
constexpr size_t kMaxFieldIdChars = 255;

// The custom field type's last part: "select" of
// "com.atlassian.jira.plugin.system.customfieldtypes:select".
std::string_view CustomKind(std::string_view custom) {
  size_t colon = custom.rfind(':');
  return colon == std::string_view::npos ? custom : custom.substr(colon + 1);
}

struct Schema {
  std::string type;    // "string", "option", "array", "priority", "date", "number", "user"…
  std::string system;  // a system field's id
  std::string custom;  // a custom field's type key
  std::string items;   // an array's item type
};

// What the form asks for and how Jira takes it back, by the field's schema.
std::pair<FieldKind, ValueShape> KindOf(const std::string& field_id, const Schema& schema, bool has_values) {
  std::string_view custom = CustomKind(schema.custom);
  if (field_id == bridge::kSummaryField) return {FieldKind::kText, ValueShape::kString};
  if (field_id == bridge::kDescriptionField) return {FieldKind::kParagraph, ValueShape::kWiki};
  if (schema.type == "string") {
    // A cascading or user field never says "string"; a text field does.
    if (custom == "textarea" || schema.system == "environment") return {FieldKind::kParagraph, ValueShape::kWiki};
    if (custom.empty() || custom == "textfield" || custom == "url") return {FieldKind::kText, ValueShape::kString};
    return {FieldKind::kUnsupported, ValueShape::kString};
  }
  if ((schema.type == "option" || schema.type == "priority") && has_values)
    return {FieldKind::kSelect, ValueShape::kOption};
  if (schema.type == "array") {
    if (schema.items == "string") {
      return {has_values ? FieldKind::kMultiSelect : FieldKind::kWords, ValueShape::kStrings};
    }
    if ((schema.items == "option" || schema.items == "component" || schema.items == "version") && has_values) {
      return {FieldKind::kMultiSelect, ValueShape::kOptions};
    }
    return {FieldKind::kUnsupported, ValueShape::kOptions};
  }
  if (schema.type == "date") return {FieldKind::kDate, ValueShape::kDate};
  if (schema.type == "number") return {FieldKind::kNumber, ValueShape::kNumber};
  return {FieldKind::kUnsupported, ValueShape::kString};
}

// "user picker", "cascading select", "array of user": the type as an admin
// would recognise it in a message.
std::string TypeName(const Schema& schema) {
  std::string_view custom = CustomKind(schema.custom);
  if (!custom.empty()) return std::string(custom);
  if (schema.type == "array" && !schema.items.empty()) return "list of " + schema.items;
  if (!schema.system.empty() && schema.system != schema.type) return schema.type + " (" + schema.system + ")";
  return schema.type.empty() ? "unknown" : schema.type;
}

util::Result<JiraField> FieldFromValue(const rapidjson::Value& value) {
  if (!value.IsObject()) return wire::Lacks("a request type field is not an object");
  JiraField out;
  bridge::FormField& field = out.form;
  field.id = json::GetString(value, "fieldId");
  if (field.id.empty()) return wire::Lacks("a request type field has no fieldId");
  field.name = bridge::CleanLine(json::GetString(value, "name"));
  if (field.name.empty()) field.name = field.id;
  field.required = json::GetBool(value, "required", false);
  Schema schema;
  if (const rapidjson::Value* jira_schema = json::GetObject(value, "jiraSchema")) {
    schema = Schema{json::GetString(*jira_schema, "type"), json::GetString(*jira_schema, "system"),
                    json::GetString(*jira_schema, "custom"), json::GetString(*jira_schema, "items")};
  }
  if (const rapidjson::Value* valid = json::GetArray(value, "validValues")) {
    for (const rapidjson::Value& option : valid->GetArray()) {
      if (field.options.size() >= kMaxOptions) break;
      std::string id = json::GetString(option, "value");
      if (id.empty()) continue;
      std::string label = bridge::CleanLine(json::GetString(option, "label"));
      field.options.push_back(bridge::FieldOption{id, label.empty() ? id : label});
    }
  }
  auto [kind, shape] = KindOf(field.id, schema, !field.options.empty());
  field.kind = kind;
  out.shape = shape;
  field.type_name = TypeName(schema);
  if (kind == FieldKind::kText) field.max_chars = kLineMaxChars;
  if (kind != FieldKind::kSelect && kind != FieldKind::kMultiSelect) field.options.clear();
  return out;
}

void WriteNumber(rapidjson::Writer<rapidjson::StringBuffer>& w, const std::string& text) {
  // ValidateField let only decimals through; strtod reads them exactly as
  // far as a double can.
  w.Double(std::strtod(text.c_str(), nullptr));
}

void WriteIdObject(rapidjson::Writer<rapidjson::StringBuffer>& w, const std::string& id) {
  w.StartObject();
  w.Key("id");
  wire::WriteString(w, id);
  w.EndObject();
}

// How a field Jira no longer lists is sent: as its kind suggests.
ValueShape ShapeFromKind(FieldKind kind) {
  constexpr std::pair<FieldKind, ValueShape> kShapes[] = {
      {FieldKind::kParagraph, ValueShape::kWiki},     {FieldKind::kSelect, ValueShape::kOption},
      {FieldKind::kMultiSelect, ValueShape::kOptions}, {FieldKind::kWords, ValueShape::kStrings},
      {FieldKind::kDate, ValueShape::kDate},           {FieldKind::kNumber, ValueShape::kNumber},
  };
  for (const auto& [each, shape] : kShapes) {
    if (each == kind) return shape;
  }
  return ValueShape::kString;
}

// One value in `shape`: escaped wiki, an option's id, a number, else a
// clean line (text, a date, a label).
void WriteOne(rapidjson::Writer<rapidjson::StringBuffer>& w, ValueShape shape, const std::string& value) {
  if (shape == ValueShape::kWiki) {
    wire::WriteString(w, RenderWiki(bridge::TypedText(bridge::CleanText(value))));
  } else if (shape == ValueShape::kOption || shape == ValueShape::kOptions) {
    WriteIdObject(w, value);
  } else if (shape == ValueShape::kNumber) {
    WriteNumber(w, value);
  } else {
    wire::WriteString(w, bridge::CleanLine(value));
  }
}

}  // namespace

util::Result<std::vector<JiraField>> ParseRequestTypeFields(std::string_view body) {
  return wire::ReadObject(body, "a request type's fields",
                    [](const rapidjson::Value& doc) -> util::Result<std::vector<JiraField>> {
                      const rapidjson::Value* fields = json::GetArray(doc, "requestTypeFields");
                      if (fields == nullptr) return wire::Lacks("the request type's fields have no requestTypeFields array");
                      std::vector<JiraField> out;
                      std::set<std::string> seen;
                      for (const rapidjson::Value& value : fields->GetArray()) {
                        if (out.size() >= kMaxFields) break;
                        if (value.IsObject() && !json::GetBool(value, "visible", true)) continue;
                        auto field = FieldFromValue(value);
                        if (!field) return tl::make_unexpected(field.error());
                        // A field's id names its input in the form (at most 255 characters,
                        // once per form): an answer that repeats one or makes it longer is
                        // not a form Slack can show.
                        if (field->form.id.size() > kMaxFieldIdChars)
                          return wire::Lacks("a request type field has an id over 255 characters");
                        if (!seen.insert(field->form.id).second) return wire::Lacks("the request type lists a field twice");
                        out.push_back(std::move(*field));
                      }
                      return out;
                    });
}

std::optional<bool> CanRaiseOnBehalfOf(std::string_view body) {
  rapidjson::Document doc;
  if (!json::Parse(body, doc).empty() || !doc.IsObject()) return std::nullopt;
  auto it = doc.FindMember("canRaiseOnBehalfOf");
  if (it == doc.MemberEnd() || !it->value.IsBool()) return std::nullopt;
  return it->value.GetBool();
}

void WriteFieldValues(rapidjson::Writer<rapidjson::StringBuffer>& w, const std::vector<bridge::FieldValue>& values,
                      const std::map<std::string, ValueShape>& shapes) {
  for (const bridge::FieldValue& value : values) {
    if (value.values.empty() || value.field_id == bridge::kSummaryField ||
        value.field_id == bridge::kDescriptionField) {
      continue;  // the create writes those two itself
    }
    auto known = shapes.find(value.field_id);
    ValueShape shape = known != shapes.end() ? known->second : ShapeFromKind(value.kind);
    w.Key(value.field_id.c_str(), static_cast<rapidjson::SizeType>(value.field_id.size()));
    if (shape != ValueShape::kOptions && shape != ValueShape::kStrings) {
      WriteOne(w, shape, value.values.front());
      continue;
    }
    w.StartArray();
    for (const std::string& each : value.values) WriteOne(w, shape, each);
    w.EndArray();
  }
}

}  // namespace helpdesk::jira
