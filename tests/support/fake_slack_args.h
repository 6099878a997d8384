// Reading the arguments of the fake Slack's Web API methods (JSON bodies
// and form bodies alike) and editing RapidJSON documents. Private to
// fake_slack*.cpp. Pure, any thread.
#pragma once

#include <string>

#include <rapidjson/document.h>

#include "fake_slack_web_api.h"

namespace fake::detail {

// The string argument `key`; "" when absent or not a string.
std::string ArgString(const rapidjson::Value& args, const char* key);
// JSON bodies carry booleans and numbers as such, form bodies as strings.
bool ArgBool(const rapidjson::Value& args, const char* key);
int ArgInt(const rapidjson::Value& args, const char* key, int fallback);
// A JSON-typed argument may arrive as JSON (JSON bodies) or as a string
// holding JSON (form bodies); both are accepted, as Slack does. `raw_size`
// gets the size of the argument as sent. False when absent; *out is null
// when the string does not parse.
bool ArgJson(const rapidjson::Value& args, const char* key, rapidjson::Document* out, size_t* raw_size = nullptr);

// ok:false with `error` and response_metadata.messages ["[ERROR] <problem>"].
Reply ErrorWithMessage(const std::string& error, const std::string& problem);

// "1700000000.000200" → 1700000000000200; -1 when not a Slack ts.
long long TsKey(const std::string& ts);

// The button with `action_id` in message blocks: its block_id, text, value.
struct Button {
  bool found = false;
  std::string block_id;
  std::string text;
  std::string value;
};
Button FindButton(const std::string& blocks_json, const std::string& action_id);

// Sets (replacing) or defaults (when absent) a member of the object `doc`.
void SetMember(rapidjson::Document* doc, const char* key, rapidjson::Value value);
void SetString(rapidjson::Document* doc, const char* key, const std::string& value);
void Default(rapidjson::Document* doc, const char* key, rapidjson::Value value);

}  // namespace fake::detail
