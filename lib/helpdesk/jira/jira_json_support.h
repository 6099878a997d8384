// What the JSON readers and writers of the Jira wire share (jira_json.cpp,
// jira_fields.cpp): writing a body, reading one as an object with errors
// that say what was expected. Internal to lib/helpdesk/jira.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "helpdesk/jira/jira_encoding.h"
#include "util/error.h"
#include "util/json_util.h"

namespace helpdesk::jira::json_support {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

inline void WriteString(Writer& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

// The JSON `write` writes, as a string.
template <class Write>
inline std::string WriteJson(Write write) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  write(w);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// Parses `body` as a JSON object and returns what `read` makes of it; the
// error names what was expected and, when the body says, why not.
template <class Read>
inline auto ReadObject(std::string_view body, const char* what, Read read) -> decltype(read(rapidjson::Document())) {
  rapidjson::Document doc;
  std::string invalid = json::Parse(body, doc);
  if (invalid.empty() && !doc.IsObject()) invalid = "not a JSON object";
  if (!invalid.empty()) {
    // A page or a text says more than the parser; broken JSON does not.
    size_t first = body.find_first_not_of(" \t\r\n");
    bool json_like = first != std::string_view::npos && (body[first] == '{' || body[first] == '[');
    std::string detail = json_like ? std::string() : ErrorMessageFromBody(body);
    return util::MakeError(util::ErrorCode::kServerError,
                           fmt::format("the response is not {} ({})", what, detail.empty() ? invalid : detail));
  }
  return read(doc);
}

// A response without something it must have.
inline tl::unexpected<util::Error> Lacks(const char* what) {
  return util::MakeError(util::ErrorCode::kServerError, what);
}

// The member as a string whether Jira sent a string or a number (ids are
// documented as strings but some endpoints answer numbers).
inline std::string GetId(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return {};
  if (it->value.IsString()) return std::string(it->value.GetString(), it->value.GetStringLength());
  if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
  return {};
}

}  // namespace helpdesk::jira::json_support
