#include "fake_slack_args.h"

#include <string>

#include <fmt/format.h>

#include "util/json_util.h"
#include "util/strings.h"

namespace fake::detail {

std::string ArgString(const rapidjson::Value& args, const char* key) {
  if (!args.HasMember(key) || !args[key].IsString()) return {};
  return args[key].GetString();
}

bool ArgBool(const rapidjson::Value& args, const char* key) {
  if (!args.HasMember(key)) return false;
  const auto& value = args[key];
  if (value.IsBool()) return value.GetBool();
  if (value.IsInt()) return value.GetInt() != 0;
  if (value.IsString()) {
    std::string text = util::Lower(value.GetString());
    return text == "true" || text == "1";
  }
  return false;
}

int ArgInt(const rapidjson::Value& args, const char* key, int fallback) {
  if (!args.HasMember(key)) return fallback;
  const auto& value = args[key];
  if (value.IsInt()) return value.GetInt();
  if (value.IsString()) {
    try {
      return std::stoi(value.GetString());
    } catch (const std::exception&) {
      return fallback;
    }
  }
  return fallback;
}

bool ArgJson(const rapidjson::Value& args, const char* key, rapidjson::Document* out, size_t* raw_size) {
  if (!args.HasMember(key)) return false;
  const rapidjson::Value& value = args[key];
  if (value.IsString()) {
    if (raw_size != nullptr) *raw_size = value.GetStringLength();
    out->Parse(value.GetString());
    if (out->HasParseError()) out->SetNull();
    return true;
  }
  out->CopyFrom(value, out->GetAllocator());
  if (raw_size != nullptr) *raw_size = json::Serialize(*out).size();
  return true;
}

Reply ErrorWithMessage(const std::string& error, const std::string& problem) {
  return Reply{200, fmt::format(R"({{"ok":false,"error":"{}","response_metadata":{{"messages":[{}]}}}})", error,
                                json::Quote("[ERROR] " + problem))};
}

long long TsKey(const std::string& ts) {
  size_t dot = ts.find('.');
  if (dot == 0 || dot == std::string::npos || ts.size() - dot - 1 > 6) return -1;
  for (size_t i = 0; i < ts.size(); ++i) {
    if (i != dot && !std::isdigit(static_cast<unsigned char>(ts[i]))) return -1;
  }
  std::string fraction = ts.substr(dot + 1);
  fraction.append(6 - fraction.size(), '0');
  return std::stoll(ts.substr(0, dot)) * 1000000 + std::stoll(fraction);
}

Button FindButton(const std::string& blocks_json, const std::string& action_id) {
  Button button;
  rapidjson::Document blocks;
  blocks.Parse(blocks_json.c_str());
  if (blocks.HasParseError() || !blocks.IsArray()) return button;
  auto check = [&](const rapidjson::Value& block, const rapidjson::Value& element) {
    if (button.found || !element.IsObject() || ArgString(element, "action_id") != action_id) return;
    button.found = true;
    button.block_id = ArgString(block, "block_id");
    button.value = ArgString(element, "value");
    if (element.HasMember("text") && element["text"].IsObject()) button.text = ArgString(element["text"], "text");
  };
  for (const auto& block : blocks.GetArray()) {
    if (!block.IsObject()) continue;
    if (block.HasMember("elements") && block["elements"].IsArray()) {
      for (const auto& element : block["elements"].GetArray()) check(block, element);
    }
    if (block.HasMember("accessory")) check(block, block["accessory"]);
  }
  return button;
}

void SetMember(rapidjson::Document* doc, const char* key, rapidjson::Value value) {
  doc->RemoveMember(key);
  doc->AddMember(rapidjson::Value(key, doc->GetAllocator()), value, doc->GetAllocator());
}

void SetString(rapidjson::Document* doc, const char* key, const std::string& value) {
  SetMember(doc, key, rapidjson::Value(value.c_str(), doc->GetAllocator()));
}

void Default(rapidjson::Document* doc, const char* key, rapidjson::Value value) {
  if (!doc->HasMember(key)) SetMember(doc, key, std::move(value));
}

}  // namespace fake::detail
