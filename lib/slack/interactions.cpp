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

}  // namespace

std::optional<MessageEvent> ParseMessageEvent(std::string_view payload_json) {
  rapidjson::Document doc;
  doc.Parse(payload_json.data(), payload_json.size());
  if (doc.HasParseError()) return std::nullopt;
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
    if (const rapidjson::Value* edited = GetObject(*body, "edited")) message.edited_ts = GetString(*edited, "ts");
    if (const rapidjson::Value* previous = GetObject(*event, "previous_message")) {
      message.previous_text = GetString(*previous, "text");
    }
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
  doc.Parse(payload_json.data(), payload_json.size());
  if (doc.HasParseError() || GetString(doc, "type") != "block_actions") return std::nullopt;
  const rapidjson::Value* actions = json::GetArray(doc, "actions");
  if (actions == nullptr || actions->Empty()) return std::nullopt;
  ButtonClick click;
  if (const rapidjson::Value* user = GetObject(doc, "user")) click.user = GetString(*user, "id");
  if (const rapidjson::Value* channel = GetObject(doc, "channel")) click.channel = GetString(*channel, "id");
  click.trigger_id = GetString(doc, "trigger_id");
  click.action_id = GetString((*actions)[0], "action_id");
  click.value = GetString((*actions)[0], "value");
  return click;
}

std::optional<bridge::FormSubmitted> ParseFormSubmission(std::string_view payload_json) {
  rapidjson::Document doc;
  doc.Parse(payload_json.data(), payload_json.size());
  if (doc.HasParseError() || GetString(doc, "type") != "view_submission") return std::nullopt;
  const rapidjson::Value* view = GetObject(doc, "view");
  if (view == nullptr) return std::nullopt;
  bridge::FormSubmitted form;
  form.view_id = GetString(*view, "id");
  form.callback_id = GetString(*view, "callback_id");
  form.private_metadata = GetString(*view, "private_metadata");
  if (const rapidjson::Value* user = GetObject(doc, "user")) form.user = GetString(*user, "id");
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
