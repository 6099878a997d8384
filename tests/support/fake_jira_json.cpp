#include "fake_jira_json.h"

#include "http_util.h"

namespace fake::jira {

void Str(Writer& w, const std::string& text) { w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size())); }
void KStr(Writer& w, const char* key, const std::string& text) {
  w.Key(key);
  Str(w, text);
}
void KInt(Writer& w, const char* key, long long value) {
  w.Key(key);
  w.Int64(value);
}
void KBool(Writer& w, const char* key, bool value) {
  w.Key(key);
  w.Bool(value);
}

Reply JsonReply(int status, const std::function<void(Writer&)>& fill) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  fill(writer);
  Reply reply;
  reply.status = status;
  reply.content_type = kJsonType;
  reply.body = buffer.GetString();
  return reply;
}

Reply PlatformError(int status, const std::vector<std::string>& messages,
                    const std::vector<std::pair<std::string, std::string>>& errors) {
  return JsonReply(status, [&](Writer& w) {
    w.StartObject();
    w.Key("errorMessages");
    w.StartArray();
    for (const std::string& message : messages) Str(w, message);
    w.EndArray();
    w.Key("errors");
    w.StartObject();
    for (const auto& [field, message] : errors) KStr(w, field.c_str(), message);
    w.EndObject();
    w.EndObject();
  });
}

Reply ServiceDeskError(int status, const std::string& message, const std::string& i18n_key) {
  return JsonReply(status, [&](Writer& w) {
    w.StartObject();
    KStr(w, "errorMessage", message);
    w.Key("i18nErrorMessage");
    w.StartObject();
    KStr(w, "i18nKey", i18n_key);
    w.Key("parameters");
    w.StartArray();
    w.EndArray();
    w.EndObject();
    w.EndObject();
  });
}

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) segments.push_back(UrlDecode(path.substr(start, end - start)));
    start = end + 1;
  }
  return segments;
}

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) items.push_back(item);
    start = end + 1;
  }
  return items;
}

std::string IdValue(const rapidjson::Value& object, const char* key) {
  if (!object.HasMember(key)) return {};
  const rapidjson::Value& value = object[key];
  if (value.IsString()) return value.GetString();
  if (value.IsInt64()) return std::to_string(value.GetInt64());
  return {};
}

std::string AdfText(const rapidjson::Value& node) {
  if (!node.IsObject()) return {};
  if (node.HasMember("text") && node["text"].IsString()) return node["text"].GetString();
  std::string type = node.HasMember("type") && node["type"].IsString() ? node["type"].GetString() : "";
  if (type == "hardBreak") return "\n";
  if (!node.HasMember("content") || !node["content"].IsArray()) return {};
  bool blocks = type == "doc" || type == "bulletList" || type == "orderedList" || type == "blockquote" ||
                type == "listItem" || type == "panel";
  std::string text;
  bool first = true;
  for (const rapidjson::Value& child : node["content"].GetArray()) {
    if (blocks && !first) text += '\n';
    text += AdfText(child);
    first = false;
  }
  return text;
}

bool IsAdfDoc(const rapidjson::Value& value) {
  return value.IsObject() && value.HasMember("type") && value["type"].IsString() &&
         std::string(value["type"].GetString()) == "doc" && value.HasMember("content") && value["content"].IsArray();
}

void WriteAdf(Writer& w, const std::string& text) {
  w.StartObject();
  KStr(w, "type", "doc");
  KInt(w, "version", 1);
  w.Key("content");
  w.StartArray();
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    w.StartObject();
    KStr(w, "type", "paragraph");
    w.Key("content");
    w.StartArray();
    if (!line.empty()) {
      w.StartObject();
      KStr(w, "type", "text");
      KStr(w, "text", line);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    start = end + 1;
  }
  w.EndArray();
  w.EndObject();
}

std::string HtmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\n':
        out += "<br/>";
        break;
      default:
        out += c;
    }
  }
  return out;
}

bool ReadSearchBody(const std::string& body, rapidjson::Document* doc, std::string* jql,
                    std::vector<std::string>* fields, Reply* error) {
  auto refuse = [error](const char* message) {
    *error = PlatformError(400, {message});
    return false;
  };
  doc->Parse(body.c_str());
  if (doc->HasParseError() || !doc->IsObject()) {
    return refuse("Invalid request payload. Refer to the REST API documentation and try again.");
  }
  if (doc->HasMember("jql")) {
    if (!(*doc)["jql"].IsString()) return refuse("Invalid request payload: jql must be a string.");
    *jql = (*doc)["jql"].GetString();
  }
  if (doc->HasMember("fields")) {
    if (!(*doc)["fields"].IsArray()) return refuse("Invalid request payload: fields.");
    for (const rapidjson::Value& field : (*doc)["fields"].GetArray()) {
      if (!field.IsString()) return refuse("Invalid request payload: fields.");
      fields->emplace_back(field.GetString());
    }
  }
  return true;
}

bool ParseInt(const std::string& text, long long* value) {
  if (text.empty() || text.size() > 12) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  *value = std::stoll(text);
  return true;
}

unsigned long long Mix(unsigned long long x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace fake::jira
