// Small, forgiving accessors over RapidJSON values: Slack and Jira payloads
// are untrusted input, so a missing or ill-typed field reads as a default
// rather than asserting.
#pragma once

#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace json {

// The member `key` of `object` as a string; "" when absent or not a string.
std::string GetString(const rapidjson::Value& object, const char* key);
// The member as an integer; `fallback` when absent or not an integer.
long long GetInt(const rapidjson::Value& object, const char* key, long long fallback);
// The member as a bool; `fallback` when absent or not a bool.
bool GetBool(const rapidjson::Value& object, const char* key, bool fallback);
// The member if it is an object, else nullptr.
const rapidjson::Value* GetObject(const rapidjson::Value& object, const char* key);
// The member if it is an array, else nullptr.
const rapidjson::Value* GetArray(const rapidjson::Value& object, const char* key);

std::string Serialize(const rapidjson::Value& value);
// Escapes `text` as a JSON string literal, quotes included.
std::string Quote(std::string_view text);

}  // namespace json
