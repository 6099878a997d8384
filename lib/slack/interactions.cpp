#include "slack/interactions.h"

#include <rapidjson/document.h>

#include "bridge/form.h"
#include "bridge/request_type.h"
#include "util/json_util.h"

namespace slack {
namespace {

using json::GetObject;
using json::GetString;

// Parses `payload` into `doc`: false when it is not JSON or, when `type` is
// given, when its "type" is another.
bool Parse(std::string_view payload, rapidjson::Document& doc, const char* type = nullptr) {
  return json::Parse(payload, doc).empty() && (type == nullptr || GetString(doc, "type") == type);
}

// object[outer][inner] as a string; "" when either is missing.
std::string Inner(const rapidjson::Value& object, const char* outer, const char* inner) {
  const rapidjson::Value* value = GetObject(object, outer);
  return value == nullptr ? std::string() : GetString(*value, inner);
}

// Slack's own bounds on a form: 100 blocks, 100 options chosen at most
// from one list (a hostile payload gets no further).
constexpr size_t kMaxFields = 100;
constexpr size_t kMaxChosen = 100;

// What one element of view.state.values holds, as text: a text input's or
// a number's value, a date, the chosen option's value, or each chosen
// option's value (slack-facts.md §2.4).
std::vector<std::string> ElementValues(const rapidjson::Value& element) {
  if (const rapidjson::Value* option = GetObject(element, "selected_option")) return {GetString(*option, "value")};
  if (const rapidjson::Value* options = json::GetArray(element, "selected_options")) {
    std::vector<std::string> chosen;
    for (const rapidjson::Value& option : options->GetArray()) {
      if (chosen.size() >= kMaxChosen) break;
      chosen.push_back(GetString(option, "value"));
    }
    return chosen;
  }
  if (element.IsObject() && element.HasMember("selected_date")) return {GetString(element, "selected_date")};
  return {GetString(element, "value")};
}

// The values of `block`'s element: the one named `action`, or, when
// `action` is empty, its first (forms opened before an upgrade named the
// summary's element "value").
std::vector<std::string> BlockValues(const rapidjson::Value& values, const std::string& block,
                                     const std::string& action) {
  const rapidjson::Value* block_values = GetObject(values, block.c_str());
  if (block_values == nullptr || block_values->MemberCount() == 0) return {};
  const rapidjson::Value* element = nullptr;
  if (action.empty()) {
    element = &block_values->MemberBegin()->value;
  } else {
    element = GetObject(*block_values, action.c_str());
  }
  if (element == nullptr || !element->IsObject()) return {};
  return ElementValues(*element);
}

std::string FirstValue(const rapidjson::Value& values, const char* block) {
  std::vector<std::string> found = BlockValues(values, block, "");
  return found.empty() ? std::string() : found.front();
}

// The request type's fields as the submitted view showed them: every input
// block but the summary and description, its kind from its action_id
// (forms.h), required unless `optional`, its text limit from max_length.
// An input of no kind this version knows (an older form's) is left out.
std::vector<bridge::SubmittedField> SubmittedFields(const rapidjson::Value& view, const rapidjson::Value& values) {
  std::vector<bridge::SubmittedField> fields;
  const rapidjson::Value* blocks = json::GetArray(view, "blocks");
  if (blocks == nullptr) return fields;
  for (const rapidjson::Value& block : blocks->GetArray()) {
    if (fields.size() >= kMaxFields) break;
    if (GetString(block, "type") != "input") continue;
    std::string block_id = GetString(block, "block_id");
    if (block_id.empty() || block_id == bridge::kSummaryField || block_id == bridge::kDescriptionField) continue;
    const rapidjson::Value* element = GetObject(block, "element");
    if (element == nullptr) continue;
    std::string action_id = GetString(*element, "action_id");
    std::optional<bridge::FieldKind> kind = bridge::KindNamed(action_id);
    if (!kind || *kind == bridge::FieldKind::kUnsupported) continue;
    bridge::SubmittedField field;
    field.value = bridge::FieldValue{block_id, *kind, BlockValues(values, block_id, action_id)};
    field.name = Inner(block, "label", "text");
    field.required = !json::GetBool(block, "optional", false);
    long long max_length = json::GetInt(*element, "max_length", 0);
    field.max_chars = max_length > 0 ? static_cast<size_t>(max_length) : 0;
    fields.push_back(std::move(field));
  }
  return fields;
}

// What a request form holds as `view` says: its summary, description and
// the request type's other fields (view.state.values).
void ReadTyped(const rapidjson::Value& view, std::string* summary, std::string* description,
               std::vector<bridge::SubmittedField>* fields) {
  const rapidjson::Value* state = GetObject(view, "state");
  const rapidjson::Value* values = state == nullptr ? nullptr : GetObject(*state, "values");
  if (values == nullptr) return;
  *summary = FirstValue(*values, bridge::kSummaryField);
  *description = FirstValue(*values, bridge::kDescriptionField);
  *fields = SubmittedFields(view, *values);
}

}  // namespace

bridge::SharedFile ReadSharedFile(const rapidjson::Value& file) {
  bridge::SharedFile out;
  out.id = GetString(file, "id");
  out.name = GetString(file, "name");
  if (out.name.empty()) out.name = GetString(file, "title");
  if (out.name.empty()) out.name = out.id;
  out.permalink = GetString(file, "permalink");
  out.mimetype = GetString(file, "mimetype");
  out.size = json::GetInt(file, "size", 0);
  std::string mode = GetString(file, "mode");
  bool stub = mode == "file_access" || mode == "tombstone" || mode == "hidden_by_limit" || mode == "external" ||
              GetString(file, "file_access") == "check_file_info";
  if (!stub) {
    out.url = GetString(file, "url_private_download");
    if (out.url.empty()) out.url = GetString(file, "url_private");
  }
  return out;
}

std::optional<MessageEvent> ParseMessageEvent(std::string_view payload_json) {
  rapidjson::Document doc;
  if (!Parse(payload_json, doc)) return std::nullopt;
  const rapidjson::Value* event = GetObject(doc, "event");
  if (event == nullptr) return std::nullopt;
  MessageEvent message;
  message.type = GetString(*event, "type");
  message.subtype = GetString(*event, "subtype");
  message.channel = GetString(*event, "channel");
  if (message.type != "app_mention" && message.type != "message") return std::nullopt;
  // An edit carries the message as it is now under `message`, and as it was
  // under `previous_message`.
  const rapidjson::Value* body = event;
  if (message.subtype == "message_changed") {
    body = GetObject(*event, "message");
    if (body == nullptr) return std::nullopt;
    message.edited_ts = Inner(*body, "edited", "ts");
    message.previous_text = Inner(*event, "previous_message", "text");
  }
  message.user = GetString(*body, "user");
  message.bot_id = GetString(*body, "bot_id");
  message.text = GetString(*body, "text");
  message.ts = GetString(*body, "ts");
  message.thread_ts = GetString(*body, "thread_ts");
  if (const rapidjson::Value* files = json::GetArray(*body, "files")) {
    for (const auto& file : files->GetArray()) {
      if (file.IsObject()) message.files.push_back(ReadSharedFile(file));
    }
  }
  return message;
}

std::optional<ButtonClick> ParseButtonClick(std::string_view payload_json) {
  rapidjson::Document doc;
  if (!Parse(payload_json, doc, "block_actions")) return std::nullopt;
  const rapidjson::Value* actions = json::GetArray(doc, "actions");
  if (actions == nullptr || actions->Empty()) return std::nullopt;
  ButtonClick click;
  click.user = Inner(doc, "user", "id");
  click.channel = Inner(doc, "channel", "id");
  click.trigger_id = GetString(doc, "trigger_id");
  click.action_id = GetString((*actions)[0], "action_id");
  click.value = GetString((*actions)[0], "value");
  return click;
}

std::optional<bridge::FormTypeChosen> ParseTypeChoice(std::string_view payload_json) {
  rapidjson::Document doc;
  if (!Parse(payload_json, doc, "block_actions")) return std::nullopt;
  const rapidjson::Value* actions = json::GetArray(doc, "actions");
  const rapidjson::Value* view = GetObject(doc, "view");
  if (actions == nullptr || actions->Empty() || view == nullptr) return std::nullopt;
  const rapidjson::Value& action = (*actions)[0];
  if (GetString(action, "action_id") != bridge::kTypeChoiceAction) return std::nullopt;
  // envelope_id is the caller's; what was typed is read below.
  bridge::FormTypeChosen chosen{"",
                                Inner(doc, "user", "id"),
                                GetString(*view, "id"),
                                GetString(*view, "hash"),
                                GetString(*view, "private_metadata"),
                                Inner(action, "selected_option", "value"),
                                "",
                                "",
                                {}};
  ReadTyped(*view, &chosen.summary, &chosen.description, &chosen.fields);
  return chosen;
}

std::optional<bridge::FormSubmitted> ParseFormSubmission(std::string_view payload_json) {
  rapidjson::Document doc;
  if (!Parse(payload_json, doc, "view_submission")) return std::nullopt;
  const rapidjson::Value* view = GetObject(doc, "view");
  if (view == nullptr) return std::nullopt;
  bridge::FormSubmitted form;
  form.view_id = GetString(*view, "id");
  form.callback_id = GetString(*view, "callback_id");
  form.private_metadata = GetString(*view, "private_metadata");
  form.user = Inner(doc, "user", "id");
  ReadTyped(*view, &form.summary, &form.description, &form.fields);
  return form;
}

}  // namespace slack
