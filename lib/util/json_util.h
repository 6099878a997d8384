// Small, forgiving accessors over RapidJSON values: Slack and Jira payloads
// are untrusted input, so a missing or ill-typed field reads as a default
// rather than asserting.
#pragma once

#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace json {

// The deepest nesting of arrays and objects Parse accepts. Slack envelopes
// and Jira answers nest about a dozen levels; the bound keeps a hostile
// body from exhausting the stack (rapidjson's serializer recurses).
inline constexpr int kMaxDepth = 64;

// Parses `text` into `doc` without recursion, refusing nesting deeper than
// `max_depth`. Returns "" on success, else why not ("not valid JSON (…) at
// offset N", "nested deeper than 64 levels"); `doc` is then null. The one
// way this project parses JSON that came from outside.
std::string Parse(std::string_view text, rapidjson::Document& doc, int max_depth = kMaxDepth);

// Reads the string member `key` of the JSON object `text` without building
// a document, stopping as soon as it has it: for a body this project wrote
// itself and sends on, where a whole parse would only repeat the work of
// the writer. `value` is "" when the object has no such string member.
// False when `text` is not an object, or breaks or nests past kMaxDepth
// before the member; what follows the member is not read.
bool FindTopLevelString(std::string_view text, std::string_view key, std::string* value);

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
