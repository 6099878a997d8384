#include "slack/interactions.h"

#include <rapidjson/document.h>

#include "util/json_util.h"

namespace slack {
namespace {

using json::GetObject;
using json::GetString;

// view.state.values[block][action] → the value of a text input or the
// value of a select's selected option.
std::string StateValue(const rapidjson::Value& values, const char* block, const char* action) {
  const rapidjson::Value* block_values = GetObject(values, block);
  if (block_values == nullptr) return {};
  const rapidjson::Value* element = GetObject(*block_values, action);
  if (element == nullptr) return {};
  if (const rapidjson::Value* option = GetObject(*element, "selected_option")) return GetString(*option, "value");
  return GetString(*element, "value");
}

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

}  // namespace

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
      message.files.push_back(SharedFile{GetString(file, "name"), GetString(file, "permalink")});
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
  if (const rapidjson::Value* state = GetObject(*view, "state")) {
    if (const rapidjson::Value* values = GetObject(*state, "values")) {
      form.summary = StateValue(*values, "summary", "value");
      form.description = StateValue(*values, "description", "value");
      form.severity = StateValue(*values, "severity", "value");
    }
  }
  return form;
}

}  // namespace slack
