#include "app/files_json.h"

#include "util/json_util.h"

namespace app {
namespace {

// A string member, "" when absent; false when present with another type.
bool ReadString(const rapidjson::Value& object, const char* key, std::string* out) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return true;
  if (!it->value.IsString()) return false;
  out->assign(it->value.GetString(), it->value.GetStringLength());
  return true;
}

}  // namespace

std::string FilesToJson(const std::vector<bridge::SharedFile>& files) {
  std::string out = "[";
  for (const bridge::SharedFile& file : files) {
    if (out.size() > 1) out += ',';
    out += "{\"name\":" + json::Quote(file.name) + ",\"permalink\":" + json::Quote(file.permalink) +
           ",\"id\":" + json::Quote(file.id) + ",\"url\":" + json::Quote(file.url) +
           ",\"mimetype\":" + json::Quote(file.mimetype) + ",\"size\":" + std::to_string(file.size) + "}";
  }
  return out + "]";
}

std::optional<std::vector<bridge::SharedFile>> FilesFromJson(const rapidjson::Value& array) {
  if (!array.IsArray()) return std::nullopt;
  std::vector<bridge::SharedFile> files;
  for (const rapidjson::Value& item : array.GetArray()) {
    if (!item.IsObject() || !item.HasMember("name") || !item.HasMember("permalink")) return std::nullopt;
    bridge::SharedFile file;
    if (!ReadString(item, "name", &file.name) || !ReadString(item, "permalink", &file.permalink) ||
        !ReadString(item, "id", &file.id) || !ReadString(item, "url", &file.url) ||
        !ReadString(item, "mimetype", &file.mimetype)) {
      return std::nullopt;
    }
    if (auto size = item.FindMember("size"); size != item.MemberEnd()) {
      if (!size->value.IsInt64()) return std::nullopt;
      file.size = size->value.GetInt64();
    }
    files.push_back(std::move(file));
  }
  return files;
}

std::optional<std::vector<bridge::SharedFile>> FilesFromJsonText(const std::string& text) {
  if (text.empty()) return std::vector<bridge::SharedFile>{};
  rapidjson::Document doc;
  if (!json::Parse(text, doc).empty()) return std::nullopt;
  return FilesFromJson(doc);
}

}  // namespace app
