#include "fake_jira.h"

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <websocketpp/config/asio_no_tls.hpp>
#include <websocketpp/server.hpp>

#include "block_kit.h"
#include "fake_jira_time.h"
#include "http_util.h"
#include "jql.h"

namespace fake {
namespace {

using Server = websocketpp::server<websocketpp::config::asio>;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr const char* kJsonType = "application/json;charset=UTF-8";
constexpr const char* kUnbounded =
    "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.";
constexpr const char* kSearchRemoved =
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration "
    "guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046";
constexpr const char* kExperimental =
    "This API is experimental. Experimental APIs are not guaranteed to be stable within the preview period. You "
    "must set the header 'X-ExperimentalApi: opt-in' to opt into using this API.";
// JSM marks internal notes with this comment property (readable with
// expand=properties, and settable on create through the platform API).
constexpr const char* kInternalProperty = "sd.public.comment";

struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = kJsonType;
  std::vector<std::pair<std::string, std::string>> headers;
};

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
  reply.body = buffer.GetString();
  return reply;
}

std::string Serialize(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

// The platform API's ErrorCollection.
Reply PlatformError(int status, const std::vector<std::string>& messages,
                    const std::vector<std::pair<std::string, std::string>>& errors = {}) {
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

// The servicedeskapi error body.
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

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool StartsWith(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

std::string Base64Decode(const std::string& text) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned int accumulator = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    size_t value = kAlphabet.find(c);
    if (value == std::string::npos) return {};
    accumulator = (accumulator << 6) | static_cast<unsigned int>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((accumulator >> bits) & 0xff);
    }
  }
  return out;
}

std::string Base64Encode(const std::string& text) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned int accumulator = 0;
  int bits = 0;
  for (unsigned char c : text) {
    accumulator = (accumulator << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(accumulator >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(accumulator << (6 - bits)) & 0x3f];
  while (out.size() % 4 != 0) out += '=';
  return out;
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

// An id sent as "3" or as 3: Atlassian accepts both for ids.
std::string IdValue(const rapidjson::Value& object, const char* key) {
  if (!object.HasMember(key)) return {};
  const rapidjson::Value& value = object[key];
  if (value.IsString()) return value.GetString();
  if (value.IsInt64()) return std::to_string(value.GetInt64());
  return {};
}

// Plain text of an Atlassian Document Format node: text nodes concatenated,
// blocks and hard breaks as newlines.
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
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\n': out += "<br/>"; break;
      default: out += c;
    }
  }
  return out;
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
  // splitmix64: page tokens look opaque, as Jira's do.
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

struct FakeJira::Impl {
  struct User {
    std::string account_id;
    std::string email;
    std::string display_name;
    std::string account_type;  // atlassian | customer
    std::string time_zone;
    bool customer = false;
  };

  struct Comment {
    long long id = 0;
    std::string body;
    bool is_public = true;
    std::string author;
    long long created_ms = 0;
    std::vector<JiraCommentProperty> properties;
  };

  // What the search index knows about an issue, from `visible_at` on.
  struct Snapshot {
    SteadyTime visible_at;
    long long updated_ms = 0;
    std::string status;
    std::string category;
    std::string text;  // lower-cased summary, description, fields and comments
  };

  struct Issue {
    int number = 0;
    std::string id;
    std::string key;
    std::string summary;
    std::string description;
    std::vector<std::pair<std::string, std::string>> fields;  // other request fields: id → JSON value
    std::string reporter;
    std::string request_type_id;
    std::string status;
    std::string category;
    long long created_ms = 0;
    long long updated_ms = 0;
    long long status_ms = 0;
    std::vector<Comment> comments;
    std::vector<Snapshot> snapshots;  // oldest first
  };

  struct Fault {
    std::string method;
    std::string path_prefix;
    int status = 500;
    int retry_after_s = -1;
    int remaining = 1;
  };

  struct PageToken {
    std::string jql;
    size_t offset = 0;
  };

  // A request as the handler sees it.
  struct Call {
    std::string method;
    std::string resource;  // path with query
    std::vector<std::string> segments;
    std::string body;
    std::string authorization;
    std::string experimental;  // X-ExperimentalApi
  };

  boost::asio::io_context io;
  Server server;
  std::thread thread;
  int port = 0;
  std::string base;

  mutable std::mutex mutex;  // guards everything below
  mutable std::condition_variable changed;
  unsigned long long version = 0;
  std::string time_zone = "Europe/Berlin";
  Millis search_lag{0};
  long long skew_ms = 0;
  int comment_page_cap = 20;
  int search_cap = 50;
  std::vector<std::pair<std::string, std::string>> request_fields;  // field id → label
  bool outage = false;
  int outage_status = 500;
  std::vector<Fault> faults;
  std::vector<User> users;
  std::map<int, Issue> issues;  // by number
  int next_issue = 1;
  long long next_comment = 10000;
  int next_customer = 1;
  int next_agent = 1;
  std::map<std::string, PageToken> page_tokens;
  unsigned long long next_token = 1;
  std::map<std::string, int> status_ids;
  std::vector<JiraRequest> requests;

  Impl() {
    users.push_back(User{kBotAccountId, kEmail, kBotDisplayName, "atlassian", "", false});
  }

  void Bump() {
    ++version;
    changed.notify_all();
  }

  long long NowMsLocked() const {
    auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    return std::chrono::duration_cast<Millis>(since_epoch).count() + skew_ms;
  }

  const User* FindUser(const std::string& account_id) const {
    for (const User& user : users) {
      if (user.account_id == account_id) return &user;
    }
    return nullptr;
  }

  // The bot's zone follows SetTimeZone; everyone else keeps their own.
  std::string ZoneOf(const User& user) const { return user.account_id == kBotAccountId ? time_zone : user.time_zone; }

  Issue* FindIssue(const std::string& key_or_id) {
    for (auto& [number, issue] : issues) {
      if (issue.key == key_or_id || issue.id == key_or_id) return &issue;
    }
    // Keys are case-insensitive in URLs.
    std::string upper = key_or_id;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (auto& [number, issue] : issues) {
      if (issue.key == upper) return &issue;
    }
    return nullptr;
  }

  Snapshot FreshSnapshot(const Issue& issue) const {
    Snapshot snapshot;
    snapshot.visible_at = std::chrono::steady_clock::now();
    snapshot.updated_ms = issue.updated_ms;
    snapshot.status = issue.status;
    snapshot.category = issue.category;
    snapshot.text = issue.summary + "\n" + issue.description;
    for (const auto& [field, value] : issue.fields) snapshot.text += "\n" + value;
    for (const Comment& comment : issue.comments) snapshot.text += "\n" + comment.body;
    snapshot.text = Lower(snapshot.text);
    return snapshot;
  }

  // Records the issue's current state for the search index, visible after
  // the lag; drops snapshots nobody can see any more.
  void IndexLocked(Issue& issue) {
    Snapshot snapshot = FreshSnapshot(issue);
    snapshot.visible_at += search_lag;
    issue.snapshots.push_back(std::move(snapshot));
    auto now = std::chrono::steady_clock::now();
    size_t last_visible = 0;
    for (size_t i = 0; i < issue.snapshots.size(); ++i) {
      if (issue.snapshots[i].visible_at <= now) last_visible = i;
    }
    issue.snapshots.erase(issue.snapshots.begin(), issue.snapshots.begin() + static_cast<long>(last_visible));
  }

  const Snapshot* VisibleSnapshot(const Issue& issue) const {
    auto now = std::chrono::steady_clock::now();
    const Snapshot* visible = nullptr;
    for (const Snapshot& snapshot : issue.snapshots) {
      if (snapshot.visible_at <= now) visible = &snapshot;
    }
    return visible;
  }

  Issue& CreateIssueLocked(const std::string& summary, const std::string& description, const std::string& reporter,
                           const std::string& request_type_id) {
    int number = next_issue++;
    Issue& issue = issues[number];
    issue.number = number;
    issue.id = std::to_string(10000 + number);
    issue.key = fmt::format("{}-{}", kProjectKey, number);
    issue.summary = summary;
    issue.description = description;
    issue.reporter = reporter;
    issue.request_type_id = request_type_id;
    issue.status = "Waiting for support";
    issue.category = "new";
    issue.created_ms = issue.updated_ms = issue.status_ms = NowMsLocked();
    return issue;
  }

  Comment& AddCommentLocked(Issue& issue, const std::string& author, const std::string& body, bool is_public,
                            std::vector<JiraCommentProperty> properties) {
    Comment comment;
    comment.id = next_comment++;
    comment.body = body;
    comment.is_public = is_public;
    comment.author = author;
    comment.created_ms = NowMsLocked();
    bool has_internal_property = false;
    for (const JiraCommentProperty& property : properties) has_internal_property |= property.key == kInternalProperty;
    if (!is_public && !has_internal_property) properties.push_back({kInternalProperty, R"({"internal":true})"});
    comment.properties = std::move(properties);
    issue.comments.push_back(std::move(comment));
    // Adding a comment, public or internal, bumps the issue's `updated`.
    issue.updated_ms = std::max(issue.updated_ms, issue.comments.back().created_ms);
    IndexLocked(issue);
    Bump();
    return issue.comments.back();
  }

  std::string AgentLocked(const std::string& display_name) {
    for (const User& user : users) {
      if (!user.customer && user.display_name == display_name) return user.account_id;
    }
    std::string account_id = fmt::format("712020:0b7e6a4c-agent-{:04d}", next_agent++);
    std::string email = Lower(display_name);
    std::replace(email.begin(), email.end(), ' ', '.');
    users.push_back(User{account_id, email + "@agents.example.com", display_name, "atlassian", "Europe/London", false});
    return account_id;
  }

  int StatusIdLocked(const std::string& name) {
    auto it = status_ids.find(name);
    if (it != status_ids.end()) return it->second;
    int id = 10001 + static_cast<int>(status_ids.size());
    status_ids[name] = id;
    return id;
  }

  // --- JSON writers -----------------------------------------------------------
  void WriteDate(Writer& w, long long epoch_ms) const {
    w.StartObject();
    KStr(w, "iso8601", FormatIso8601(epoch_ms, time_zone));
    KStr(w, "jira", FormatJiraTime(epoch_ms, time_zone));
    KStr(w, "friendly", FormatFriendly(epoch_ms, time_zone));
    KInt(w, "epochMillis", epoch_ms);
    w.EndObject();
  }

  void WriteAvatars(Writer& w, const User& user) const {
    w.Key("avatarUrls");
    w.StartObject();
    for (const char* size : {"48x48", "24x24", "16x16", "32x32"}) {
      KStr(w, size, fmt::format("https://avatar.example.invalid/{}?s={}", user.account_id, size));
    }
    w.EndObject();
  }

  std::string UserSelf(const User& user) const {
    return fmt::format("{}/rest/api/2/user?accountId={}", base, user.account_id);
  }

  // servicedeskapi UserDTO.
  void WriteServiceDeskUser(Writer& w, const User& user) const {
    w.StartObject();
    KStr(w, "accountId", user.account_id);
    KStr(w, "emailAddress", user.email);
    KStr(w, "displayName", user.display_name);
    KBool(w, "active", true);
    KStr(w, "timeZone", ZoneOf(user));
    w.Key("_links");
    w.StartObject();
    KStr(w, "jiraRest", UserSelf(user));
    WriteAvatars(w, user);
    KStr(w, "self", UserSelf(user));
    w.EndObject();
    w.EndObject();
  }

  // Platform user bean.
  void WritePlatformUser(Writer& w, const User& user) const {
    w.StartObject();
    KStr(w, "self", UserSelf(user));
    KStr(w, "accountId", user.account_id);
    KStr(w, "emailAddress", user.email);
    WriteAvatars(w, user);
    KStr(w, "displayName", user.display_name);
    KBool(w, "active", true);
    KStr(w, "timeZone", ZoneOf(user));
    KStr(w, "accountType", user.account_type);
    w.EndObject();
  }

  const User& UserOrBot(const std::string& account_id) const {
    const User* user = FindUser(account_id);
    return user != nullptr ? *user : users.front();
  }

  static std::string CategoryName(const std::string& category) {
    return category == "done" ? "Done" : category == "indeterminate" ? "In Progress" : "To Do";
  }

  void WritePlatformStatus(Writer& w, const std::string& name, const std::string& category) {
    int id = StatusIdLocked(name);
    int category_id = category == "done" ? 3 : category == "indeterminate" ? 4 : 2;
    w.StartObject();
    KStr(w, "self", fmt::format("{}/rest/api/2/status/{}", base, id));
    KStr(w, "description", "");
    KStr(w, "iconUrl", fmt::format("{}/images/icons/statuses/generic.png", base));
    KStr(w, "name", name);
    KStr(w, "id", std::to_string(id));
    w.Key("statusCategory");
    w.StartObject();
    KStr(w, "self", fmt::format("{}/rest/api/2/statuscategory/{}", base, category_id));
    KInt(w, "id", category_id);
    KStr(w, "key", category);
    KStr(w, "colorName", category == "done" ? "green" : category == "indeterminate" ? "yellow" : "blue-gray");
    KStr(w, "name", CategoryName(category));
    w.EndObject();
    w.EndObject();
  }

  std::string FieldLabel(const std::string& field_id) const {
    if (field_id == "summary") return "Summary";
    if (field_id == "description") return "Description";
    for (const auto& [id, label] : request_fields) {
      if (id == field_id) return label;
    }
    return field_id;
  }

  // servicedeskapi CustomerRequestDTO.
  void WriteRequest(Writer& w, const Issue& issue) const {
    w.StartObject();
    w.Key("_expands");
    w.StartArray();
    for (const char* expand : {"participant", "status", "sla", "requestType", "serviceDesk", "attachment", "action",
                               "comment"}) {
      w.String(expand);
    }
    w.EndArray();
    KStr(w, "issueId", issue.id);
    KStr(w, "issueKey", issue.key);
    KStr(w, "requestTypeId", issue.request_type_id);
    KStr(w, "serviceDeskId", kServiceDeskId);
    w.Key("createdDate");
    WriteDate(w, issue.created_ms);
    w.Key("reporter");
    WriteServiceDeskUser(w, UserOrBot(issue.reporter));
    // An array in responses although create takes a map.
    w.Key("requestFieldValues");
    w.StartArray();
    w.StartObject();
    KStr(w, "fieldId", "summary");
    KStr(w, "label", "Summary");
    KStr(w, "value", issue.summary);
    w.EndObject();
    if (!issue.description.empty()) {
      w.StartObject();
      KStr(w, "fieldId", "description");
      KStr(w, "label", "Description");
      KStr(w, "value", issue.description);
      w.Key("renderedValue");
      w.StartObject();
      KStr(w, "html", "<p>" + HtmlEscape(issue.description) + "</p>");
      w.EndObject();
      w.EndObject();
    }
    for (const auto& [field, value_json] : issue.fields) {
      w.StartObject();
      KStr(w, "fieldId", field);
      KStr(w, "label", FieldLabel(field));
      w.Key("value");
      w.RawValue(value_json.c_str(), value_json.size(), rapidjson::kObjectType);
      w.EndObject();
    }
    w.EndArray();
    w.Key("currentStatus");
    w.StartObject();
    KStr(w, "status", issue.status);
    std::string category = issue.category;
    for (char& c : category) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    KStr(w, "statusCategory", category);
    w.Key("statusDate");
    WriteDate(w, issue.status_ms);
    w.EndObject();
    w.Key("_links");
    w.StartObject();
    KStr(w, "jiraRest", fmt::format("{}/rest/api/2/issue/{}", base, issue.id));
    KStr(w, "web", fmt::format("{}/servicedesk/customer/portal/{}/{}", base, kPortalId, issue.key));
    KStr(w, "agent", fmt::format("{}/browse/{}", base, issue.key));
    KStr(w, "self", fmt::format("{}/rest/servicedeskapi/request/{}", base, issue.id));
    w.EndObject();
    w.EndObject();
  }

  // servicedeskapi CommentDTO.
  void WriteServiceDeskComment(Writer& w, const Issue& issue, const Comment& comment) const {
    w.StartObject();
    KStr(w, "id", std::to_string(comment.id));
    KStr(w, "body", comment.body);
    KBool(w, "public", comment.is_public);
    w.Key("author");
    WriteServiceDeskUser(w, UserOrBot(comment.author));
    w.Key("created");
    WriteDate(w, comment.created_ms);
    w.Key("_links");
    w.StartObject();
    KStr(w, "self", fmt::format("{}/rest/servicedeskapi/request/{}/comment/{}", base, issue.id, comment.id));
    w.EndObject();
    w.EndObject();
  }

  // Platform comment bean; v3 bodies are ADF documents.
  void WritePlatformComment(Writer& w, const Issue& issue, const Comment& comment, bool v3, bool properties,
                            bool rendered) const {
    const User& author = UserOrBot(comment.author);
    w.StartObject();
    KStr(w, "self", fmt::format("{}/rest/api/{}/issue/{}/comment/{}", base, v3 ? 3 : 2, issue.id, comment.id));
    KStr(w, "id", std::to_string(comment.id));
    w.Key("author");
    WritePlatformUser(w, author);
    w.Key("body");
    if (v3) {
      WriteAdf(w, comment.body);
    } else {
      Str(w, comment.body);
    }
    if (rendered) KStr(w, "renderedBody", "<p>" + HtmlEscape(comment.body) + "</p>");
    w.Key("updateAuthor");
    WritePlatformUser(w, author);
    // Platform dates are rendered in UTC here; clients must parse the offset.
    KStr(w, "created", FormatJiraTime(comment.created_ms, "UTC"));
    KStr(w, "updated", FormatJiraTime(comment.created_ms, "UTC"));
    KBool(w, "jsdPublic", comment.is_public);
    KBool(w, "jsdAuthorCanSeeRequest", true);
    if (properties) {
      w.Key("properties");
      w.StartArray();
      for (const JiraCommentProperty& property : comment.properties) {
        w.StartObject();
        KStr(w, "key", property.key);
        w.Key("value");
        w.RawValue(property.value_json.c_str(), property.value_json.size(), rapidjson::kObjectType);
        w.EndObject();
      }
      w.EndArray();
    }
    w.EndObject();
  }

  // --- HTTP (server thread) -----------------------------------------------------
  void OnHttp(websocketpp::connection_hdl hdl) {
    auto con = server.get_con_from_hdl(hdl);
    Call call;
    call.method = con->get_request().get_method();
    call.resource = con->get_resource();
    call.segments = SplitPath(call.resource.substr(0, call.resource.find('?')));
    call.body = con->get_request_body();
    call.authorization = con->get_request_header("Authorization");
    call.experimental = con->get_request_header("X-ExperimentalApi");
    Reply reply = Dispatch(call);
    con->set_status(static_cast<websocketpp::http::status_code::value>(reply.status));
    if (!reply.content_type.empty()) con->append_header("Content-Type", reply.content_type);
    for (const auto& [name, value] : reply.headers) con->append_header(name, value);
    con->set_body(reply.body);
  }

  Reply Dispatch(const Call& call) {
    std::lock_guard<std::mutex> lock(mutex);
    requests.push_back(JiraRequest{call.method, call.resource, call.body, call.authorization,
                                   std::chrono::steady_clock::now()});
    Bump();
    if (outage) return FaultReply(outage_status, -1);
    for (auto it = faults.begin(); it != faults.end(); ++it) {
      if ((it->method.empty() || it->method == call.method) && StartsWith(call.resource, it->path_prefix)) {
        Fault fault = *it;
        if (--it->remaining <= 0) faults.erase(it);
        return FaultReply(fault.status, fault.retry_after_s);
      }
    }
    if (!Authorized(call.authorization)) return Unauthorized(call);
    return Route(call);
  }

  Reply FaultReply(int status, int retry_after_s) {
    Reply reply;
    reply.status = status;
    if (status == 502 || status == 503 || status == 504) {
      // Edge/gateway errors are HTML, not JSON.
      reply.content_type = "text/html";
      reply.body = fmt::format("<html><head><title>{0} Service Unavailable</title></head><body><h1>{0}</h1>"
                               "<p>The server is temporarily unable to service your request.</p></body></html>",
                               status);
      if (retry_after_s >= 0) reply.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
      return reply;
    }
    if (status == 429) {
      reply = PlatformError(429, {"Rate limit exceeded."});
      if (retry_after_s >= 0) reply.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
      // X-RateLimit-Reset is minute-granular ISO 8601 UTC; round up so the
      // reset is never before Retry-After says.
      long long reset = NowMsLocked() + std::max(retry_after_s, 0) * 1000LL + 59999;
      reply.headers.emplace_back("X-RateLimit-Reset", FormatUtcMinute(reset));
      reply.headers.emplace_back("X-RateLimit-Limit", "100");
      reply.headers.emplace_back("X-RateLimit-Remaining", "0");
      // [unverified] name of the burst-limit reason; documented ones are
      // jira-cost-based and jira-quota-based.
      reply.headers.emplace_back("RateLimit-Reason", "jira-burst-based");
      return reply;
    }
    reply = PlatformError(status, {"Internal server error"});
    if (retry_after_s >= 0) reply.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
    return reply;
  }

  static bool Authorized(const std::string& authorization) {
    if (authorization.size() < 6 || Lower(authorization.substr(0, 6)) != "basic ") return false;
    std::string encoded = authorization.substr(6);
    encoded.erase(0, encoded.find_first_not_of(' '));
    return Base64Decode(encoded) == std::string(kEmail) + ":" + kApiToken;
  }

  static bool IsServiceDeskApi(const Call& call) {
    return call.segments.size() >= 2 && call.segments[0] == "rest" && call.segments[1] == "servicedeskapi";
  }

  Reply Unauthorized(const Call& call) {
    Reply reply = IsServiceDeskApi(call)
                      ? ServiceDeskError(401, "You are not authenticated. Authentication required to perform this "
                                              "operation.",
                                         "sd.api.error.unauthenticated")
                      : PlatformError(401, {"You are not authenticated. Authentication required to perform this "
                                            "operation."});
    reply.headers.emplace_back("WWW-Authenticate", "Basic realm=\"protected-area\"");
    return reply;
  }

  static Reply MethodNotAllowed() {
    Reply reply;
    reply.status = 405;
    reply.content_type.clear();
    return reply;
  }

  Reply Route(const Call& call) {
    const std::vector<std::string>& s = call.segments;
    const std::string& m = call.method;
    if (s.size() >= 3 && s[0] == "rest" && s[1] == "api" && (s[2] == "2" || s[2] == "3" || s[2] == "latest")) {
      bool v3 = s[2] != "2";
      std::vector<std::string> r(s.begin() + 3, s.end());
      if (r.size() == 1 && r[0] == "myself") return m == "GET" ? Myself() : MethodNotAllowed();
      // The old search (and search/id) was removed in 2025: 410 Gone.
      if ((r.size() == 1 && r[0] == "search") || (r.size() == 2 && r[0] == "search" && r[1] == "id")) {
        return PlatformError(410, {kSearchRemoved});
      }
      if (r.size() == 2 && r[0] == "search" && r[1] == "jql") {
        return m == "GET" || m == "POST" ? Search(call) : MethodNotAllowed();
      }
      if (r.size() == 1 && r[0] == "user") return m == "GET" ? GetUser(call) : MethodNotAllowed();
      if (r.size() == 2 && r[0] == "issue") return m == "GET" ? GetIssue(r[1], v3) : MethodNotAllowed();
      if (r.size() == 3 && r[0] == "issue" && r[2] == "comment") {
        if (m == "GET") return PlatformComments(call, r[1], v3);
        if (m == "POST") return PlatformAddComment(call, r[1], v3);
        return MethodNotAllowed();
      }
    }
    if (IsServiceDeskApi(call)) {
      std::vector<std::string> r(s.begin() + 2, s.end());
      if (r.size() == 2 && r[0] == "servicedesk") return m == "GET" ? GetServiceDesk(r[1]) : MethodNotAllowed();
      if (r.size() == 4 && r[0] == "servicedesk" && r[2] == "requesttype") {
        return m == "GET" ? GetRequestType(r[1], r[3]) : MethodNotAllowed();
      }
      if (r.size() == 3 && r[0] == "servicedesk" && r[2] == "customer") {
        return m == "GET" ? Customers(call, r[1]) : MethodNotAllowed();
      }
      if (r.size() == 1 && r[0] == "request") return m == "POST" ? CreateRequest(call) : MethodNotAllowed();
      if (r.size() == 2 && r[0] == "request") return m == "GET" ? GetRequest(r[1]) : MethodNotAllowed();
      if (r.size() == 3 && r[0] == "request" && r[2] == "comment") {
        if (m == "GET") return ServiceDeskComments(call, r[1]);
        if (m == "POST") return ServiceDeskAddComment(call, r[1]);
        return MethodNotAllowed();
      }
      return ServiceDeskError(404, "No resource found for " + call.resource.substr(0, call.resource.find('?')),
                              "sd.api.resource.not.found");
    }
    return PlatformError(404, {"null for uri: " + base + call.resource});
  }

  // --- Platform endpoints ---------------------------------------------------------
  Reply Myself() {
    const User& bot = users.front();
    return JsonReply(200, [&](Writer& w) {
      w.StartObject();
      KStr(w, "self", UserSelf(bot));
      KStr(w, "accountId", bot.account_id);
      KStr(w, "accountType", bot.account_type);
      KStr(w, "emailAddress", bot.email);
      WriteAvatars(w, bot);
      KStr(w, "displayName", bot.display_name);
      KBool(w, "active", true);
      KStr(w, "timeZone", time_zone);
      KStr(w, "locale", "en_US");
      w.Key("groups");
      w.StartObject();
      KInt(w, "size", 2);
      w.Key("items");
      w.StartArray();
      w.EndArray();
      w.EndObject();
      w.Key("applicationRoles");
      w.StartObject();
      KInt(w, "size", 1);
      w.Key("items");
      w.StartArray();
      w.EndArray();
      w.EndObject();
      KStr(w, "expand", "groups,applicationRoles");
      w.EndObject();
    });
  }

  Reply GetUser(const Call& call) {
    const User* user = FindUser(QueryParam(call.resource, "accountId"));
    if (user == nullptr) return PlatformError(404, {"Specified user does not exist or you do not have access to it."});
    return JsonReply(200, [&](Writer& w) { WritePlatformUser(w, *user); });
  }

  Reply IssueNotFound() { return PlatformError(404, {"Issue does not exist or you do not have permission to see it."}); }

  Reply GetIssue(const std::string& key, bool v3) {
    Issue* issue = FindIssue(key);
    if (issue == nullptr) return IssueNotFound();
    return JsonReply(200, [&](Writer& w) {
      w.StartObject();
      KStr(w, "expand", "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations");
      KStr(w, "id", issue->id);
      KStr(w, "self", fmt::format("{}/rest/api/{}/issue/{}", base, v3 ? 3 : 2, issue->id));
      KStr(w, "key", issue->key);
      w.Key("fields");
      w.StartObject();
      KStr(w, "summary", issue->summary);
      w.Key("description");
      if (issue->description.empty()) {
        w.Null();
      } else if (v3) {
        WriteAdf(w, issue->description);
      } else {
        Str(w, issue->description);
      }
      w.Key("status");
      WritePlatformStatus(w, issue->status, issue->category);
      w.Key("reporter");
      WritePlatformUser(w, UserOrBot(issue->reporter));
      KStr(w, "created", FormatJiraTime(issue->created_ms, "UTC"));
      KStr(w, "updated", FormatJiraTime(issue->updated_ms, "UTC"));
      w.EndObject();
      w.EndObject();
    });
  }

  Reply PlatformComments(const Call& call, const std::string& key, bool v3) {
    Issue* issue = FindIssue(key);
    if (issue == nullptr) return IssueNotFound();
    long long start_at = 0;
    long long max_results = 5000;
    std::string start_text = QueryParam(call.resource, "startAt");
    std::string max_text = QueryParam(call.resource, "maxResults");
    if (!start_text.empty() && !ParseInt(start_text, &start_at)) {
      return PlatformError(400, {fmt::format("The value '{}' is not valid for startAt.", start_text)});
    }
    if (!max_text.empty() && !ParseInt(max_text, &max_results)) {
      return PlatformError(400, {fmt::format("The value '{}' is not valid for maxResults.", max_text)});
    }
    // Requests above the endpoint's limit are silently reduced (Atlassian KB).
    max_results = std::min<long long>(max_results, 100);
    std::string order = QueryParam(call.resource, "orderBy");
    if (!order.empty() && order != "created" && order != "+created" && order != "-created") {
      return PlatformError(400, {fmt::format("Sorting by '{}' is not supported; use created, +created or -created.",
                                             order)});
    }
    std::set<std::string> expand;
    for (const std::string& item : SplitComma(QueryParam(call.resource, "expand"))) expand.insert(item);
    std::vector<const Comment*> ordered;
    for (const Comment& comment : issue->comments) ordered.push_back(&comment);
    if (order == "-created") std::reverse(ordered.begin(), ordered.end());
    return JsonReply(200, [&](Writer& w) {
      w.StartObject();
      KInt(w, "startAt", start_at);
      KInt(w, "maxResults", max_results);
      KInt(w, "total", static_cast<long long>(ordered.size()));
      w.Key("comments");
      w.StartArray();
      for (long long i = start_at; i < static_cast<long long>(ordered.size()) && i < start_at + max_results; ++i) {
        WritePlatformComment(w, *issue, *ordered[static_cast<size_t>(i)], v3, expand.count("properties") > 0,
                             expand.count("renderedBody") > 0);
      }
      w.EndArray();
      w.EndObject();
    });
  }

  Reply PlatformAddComment(const Call& call, const std::string& key, bool v3) {
    Issue* issue = FindIssue(key);
    if (issue == nullptr) return IssueNotFound();
    rapidjson::Document doc;
    doc.Parse(call.body.c_str());
    if (doc.HasParseError() || !doc.IsObject()) {
      return PlatformError(400, {"Invalid request payload. Refer to the REST API documentation and try again."});
    }
    std::string body;
    if (!doc.HasMember("body")) return PlatformError(400, {}, {{"comment", "Comment body can not be empty!"}});
    if (v3) {
      // v3 takes an ADF document; a plain string is refused.
      if (!IsAdfDoc(doc["body"])) return PlatformError(400, {}, {{"comment", "Comment body is not valid!"}});
      body = AdfText(doc["body"]);
    } else {
      if (!doc["body"].IsString()) return PlatformError(400, {}, {{"comment", "Comment body is not valid!"}});
      body = doc["body"].GetString();
    }
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
      return PlatformError(400, {}, {{"comment", "Comment body can not be empty!"}});
    }
    // Jira's text fields hold at most 32,767 characters.
    if (Utf8Length(body) > 32767) {
      return PlatformError(400, {}, {{"comment", "The entered text is too long. It exceeds the allowed limit of 32,767 characters."}});
    }
    std::vector<JiraCommentProperty> properties;
    bool is_public = true;  // platform comments are public unless marked internal
    if (doc.HasMember("properties")) {
      if (!doc["properties"].IsArray()) return PlatformError(400, {"properties must be an array."});
      for (const rapidjson::Value& property : doc["properties"].GetArray()) {
        if (!property.IsObject() || !property.HasMember("key") || !property["key"].IsString() ||
            property["key"].GetStringLength() == 0 || !property.HasMember("value")) {
          return PlatformError(400, {"Each property needs a non-empty key and a value."});
        }
        JiraCommentProperty stored{property["key"].GetString(), Serialize(property["value"])};
        if (stored.key == kInternalProperty && property["value"].IsObject() &&
            property["value"].HasMember("internal") && property["value"]["internal"].IsBool()) {
          is_public = !property["value"]["internal"].GetBool();
        }
        properties.push_back(std::move(stored));
      }
    }
    // `visibility` (role/group restrictions) is accepted but does not hide
    // the comment from the portal: it stays jsdPublic, as in JSM.
    Comment& comment = AddCommentLocked(*issue, kBotAccountId, body, is_public, std::move(properties));
    std::set<std::string> expand;
    for (const std::string& item : SplitComma(QueryParam(call.resource, "expand"))) expand.insert(item);
    return JsonReply(201, [&](Writer& w) {
      WritePlatformComment(w, *issue, comment, v3, expand.count("properties") > 0, expand.count("renderedBody") > 0);
    });
  }

  Reply Search(const Call& call) {
    std::string jql;
    std::string token;
    long long max_results = 0;
    std::vector<std::string> fields;
    std::vector<std::string> reconcile;
    if (call.method == "POST") {
      rapidjson::Document doc;
      doc.Parse(call.body.c_str());
      if (doc.HasParseError() || !doc.IsObject()) {
        return PlatformError(400, {"Invalid request payload. Refer to the REST API documentation and try again."});
      }
      if (doc.HasMember("jql")) {
        if (!doc["jql"].IsString()) return PlatformError(400, {"Invalid request payload: jql must be a string."});
        jql = doc["jql"].GetString();
      }
      if (doc.HasMember("nextPageToken") && doc["nextPageToken"].IsString()) token = doc["nextPageToken"].GetString();
      if (doc.HasMember("maxResults")) {
        if (!doc["maxResults"].IsInt64()) return PlatformError(400, {"Invalid request payload: maxResults."});
        max_results = doc["maxResults"].GetInt64();
      }
      if (doc.HasMember("fields")) {
        if (!doc["fields"].IsArray()) return PlatformError(400, {"Invalid request payload: fields."});
        for (const rapidjson::Value& field : doc["fields"].GetArray()) {
          if (!field.IsString()) return PlatformError(400, {"Invalid request payload: fields."});
          fields.emplace_back(field.GetString());
        }
      }
      if (doc.HasMember("reconcileIssues")) {
        if (!doc["reconcileIssues"].IsArray()) return PlatformError(400, {"Invalid request payload: reconcileIssues."});
        for (const rapidjson::Value& id : doc["reconcileIssues"].GetArray()) {
          if (!id.IsInt64()) return PlatformError(400, {"Invalid request payload: reconcileIssues."});
          reconcile.push_back(std::to_string(id.GetInt64()));
        }
      }
    } else {
      jql = QueryParam(call.resource, "jql");
      token = QueryParam(call.resource, "nextPageToken");
      std::string max_text = QueryParam(call.resource, "maxResults");
      if (!max_text.empty() && !ParseInt(max_text, &max_results)) {
        return PlatformError(400, {fmt::format("The value '{}' is not valid for maxResults.", max_text)});
      }
      fields = SplitComma(QueryParam(call.resource, "fields"));
      reconcile = SplitComma(QueryParam(call.resource, "reconcileIssues"));
    }
    if (reconcile.size() > 50) return PlatformError(400, {"reconcileIssues accepts at most 50 issue ids."});
    size_t offset = 0;
    if (!token.empty()) {
      auto it = page_tokens.find(token);
      // Tokens belong to one query; reusing one with another JQL is refused.
      if (it == page_tokens.end() || it->second.jql != jql) {
        return PlatformError(400, {"The provided next page token is invalid or expired."});
      }
      offset = it->second.offset;
    }
    JqlParse parse = ParseJql(jql, time_zone, NowMsLocked());
    if (!parse.ok) return PlatformError(400, {parse.error});
    const JqlQuery& query = parse.query;
    if (!query.Bounded()) return PlatformError(400, {kUnbounded});
    for (const std::string& project : query.projects) {
      if (Lower(project) != Lower(kProjectKey) && project != kProjectId) {
        return PlatformError(400, {fmt::format("The value '{}' does not exist for the field 'project'.", project)});
      }
    }
    // Jira refuses keys that do not exist rather than matching nothing.
    for (const std::vector<std::string>& keys : query.key_sets) {
      for (const std::string& key : keys) {
        size_t dash = key.rfind('-');
        long long number = 0;
        if (dash == std::string::npos || dash == 0 || !ParseInt(key.substr(dash + 1), &number)) {
          return PlatformError(400, {fmt::format("The issue key '{}' for field 'key' is invalid.", key)});
        }
        if (FindIssue(key) == nullptr) {
          return PlatformError(400, {fmt::format("An issue with key '{}' does not exist for field 'key'.", key)});
        }
      }
    }
    long long limit = max_results <= 0 ? search_cap : std::min<long long>(max_results, search_cap);

    struct Hit {
      const Issue* issue;
      Snapshot snapshot;
    };
    std::vector<Hit> hits;
    for (const auto& [number, issue] : issues) {
      Snapshot snapshot;
      if (std::find(reconcile.begin(), reconcile.end(), issue.id) != reconcile.end()) {
        snapshot = FreshSnapshot(issue);  // read-after-write for issues the caller names
      } else if (const Snapshot* visible = VisibleSnapshot(issue)) {
        snapshot = *visible;
      } else {
        continue;  // not indexed yet
      }
      if (Matches(query, issue, snapshot)) hits.push_back(Hit{&issue, snapshot});
    }
    std::vector<JqlSort> order = query.order_by;
    if (order.empty()) order.push_back(JqlSort{"key", false});
    std::stable_sort(hits.begin(), hits.end(), [&](const Hit& a, const Hit& b) {
      for (const JqlSort& sort : order) {
        long long x = sort.field == "updated"   ? a.snapshot.updated_ms
                      : sort.field == "created" ? a.issue->created_ms
                                                : a.issue->number;
        long long y = sort.field == "updated"   ? b.snapshot.updated_ms
                      : sort.field == "created" ? b.issue->created_ms
                                                : b.issue->number;
        if (x != y) return sort.ascending ? x < y : x > y;
      }
      return false;  // equal sort values: no guaranteed order in Jira either
    });
    size_t end = std::min(hits.size(), offset + static_cast<size_t>(limit));
    bool is_last = end >= hits.size();
    std::string next_page;
    if (!is_last) {
      next_page = fmt::format("{:016x}", Mix(next_token++));
      page_tokens[next_page] = PageToken{jql, end};
    }
    std::set<std::string> wanted(fields.begin(), fields.end());
    bool all = wanted.count("*all") > 0 || wanted.count("*navigable") > 0;
    auto want = [&](const char* field) { return all || wanted.count(field) > 0; };
    bool only_id = wanted.empty() || (wanted.size() == 1 && wanted.count("id") > 0);
    return JsonReply(200, [&](Writer& w) {
      w.StartObject();
      w.Key("issues");
      w.StartArray();
      for (size_t i = offset; i < end; ++i) {
        const Hit& hit = hits[i];
        w.StartObject();
        KStr(w, "id", hit.issue->id);
        // The default field list is `id` only (unlike GET issue).
        if (!only_id) {
          KStr(w, "expand", "");
          KStr(w, "self", fmt::format("{}/rest/api/3/issue/{}", base, hit.issue->id));
          KStr(w, "key", hit.issue->key);
          w.Key("fields");
          w.StartObject();
          if (want("summary")) KStr(w, "summary", hit.issue->summary);
          if (want("created")) KStr(w, "created", FormatJiraTime(hit.issue->created_ms, "UTC"));
          if (want("updated")) KStr(w, "updated", FormatJiraTime(hit.snapshot.updated_ms, "UTC"));
          if (want("status")) {
            w.Key("status");
            WritePlatformStatus(w, hit.snapshot.status, hit.snapshot.category);
          }
          w.EndObject();
        }
        w.EndObject();
      }
      w.EndArray();
      if (!is_last) KStr(w, "nextPageToken", next_page);
      KBool(w, "isLast", is_last);
      w.EndObject();
    });
  }

  static bool Matches(const JqlQuery& query, const Issue& issue, const Snapshot& snapshot) {
    for (const std::vector<std::string>& keys : query.key_sets) {
      if (std::find(keys.begin(), keys.end(), issue.key) == keys.end()) return false;
    }
    for (const JqlTimeBound& bound : query.time_bounds) {
      long long value = bound.field == "updated" ? snapshot.updated_ms : issue.created_ms;
      bool ok = bound.op == "="    ? value == bound.epoch_ms
                : bound.op == ">"  ? value > bound.epoch_ms
                : bound.op == ">=" ? value >= bound.epoch_ms
                : bound.op == "<"  ? value < bound.epoch_ms
                                   : value <= bound.epoch_ms;
      if (!ok) return false;
    }
    for (const std::string& term : query.text_terms) {
      if (snapshot.text.find(Lower(term)) == std::string::npos) return false;
    }
    return true;
  }

  // --- servicedeskapi endpoints -----------------------------------------------------
  static bool IsOurDesk(const std::string& id) { return id == kServiceDeskId || id == kProjectKey; }

  static Reply DeskNotFound(const std::string& id) {
    return ServiceDeskError(404, fmt::format("The service desk with ID '{}' does not exist or you do not have "
                                             "permission to access it.",
                                             id),
                            "sd.service.desk.not.found");
  }

  Reply GetServiceDesk(const std::string& id) {
    if (!IsOurDesk(id)) return DeskNotFound(id);
    return JsonReply(200, [&](Writer& w) {
      w.StartObject();
      KStr(w, "id", kServiceDeskId);
      KStr(w, "projectId", kProjectId);
      KStr(w, "projectName", "Support");
      KStr(w, "projectKey", kProjectKey);
      w.Key("_links");
      w.StartObject();
      KStr(w, "self", fmt::format("{}/rest/servicedeskapi/servicedesk/{}", base, kServiceDeskId));
      w.EndObject();
      w.EndObject();
    });
  }

  Reply GetRequestType(const std::string& desk, const std::string& id) {
    if (!IsOurDesk(desk)) return DeskNotFound(desk);
    if (id != kRequestTypeId) {
      return ServiceDeskError(404, fmt::format("The request type with ID '{}' does not exist in this service desk.", id),
                              "sd.request.type.not.found");
    }
    return JsonReply(200, [&](Writer& w) {
      w.StartObject();
      KStr(w, "_expands", "field");
      KStr(w, "id", kRequestTypeId);
      w.Key("_links");
      w.StartObject();
      KStr(w, "self", fmt::format("{}/rest/servicedeskapi/servicedesk/{}/requesttype/{}", base, kServiceDeskId,
                                  kRequestTypeId));
      w.EndObject();
      KStr(w, "name", kRequestTypeName);
      KStr(w, "description", "Get assistance for general IT problems and questions.");
      KStr(w, "helpText", "");
      KStr(w, "issueTypeId", "10002");
      KStr(w, "serviceDeskId", kServiceDeskId);
      KStr(w, "portalId", kPortalId);
      w.Key("groupIds");
      w.StartArray();
      w.String("1");
      w.EndArray();
      w.EndObject();
    });
  }

  // Writes servicedeskapi paging fields and links for `values` already chosen.
  void WritePageLinks(Writer& w, const std::string& path, long long start, long long limit, bool is_last,
                      const std::string& extra_query) const {
    w.Key("_links");
    w.StartObject();
    KStr(w, "base", base);
    KStr(w, "context", "");
    if (!is_last) KStr(w, "next", fmt::format("{}{}?{}start={}&limit={}", base, path, extra_query, start + limit, limit));
    if (start > 0) {
      KStr(w, "prev", fmt::format("{}{}?{}start={}&limit={}", base, path, extra_query, std::max(0LL, start - limit),
                                  limit));
    }
    KStr(w, "self", fmt::format("{}{}?{}start={}&limit={}", base, path, extra_query, start, limit));
    w.EndObject();
  }

  // start/limit of a servicedeskapi page; false (and *error set) when invalid.
  static bool PageParams(const Call& call, long long cap, long long* start, long long* limit, Reply* error) {
    *start = 0;
    *limit = 50;
    std::string start_text = QueryParam(call.resource, "start");
    std::string limit_text = QueryParam(call.resource, "limit");
    if ((!start_text.empty() && !ParseInt(start_text, start)) || (!limit_text.empty() && !ParseInt(limit_text, limit)) ||
        *limit == 0) {
      *error = ServiceDeskError(400, "The start and limit parameters must be non-negative numbers (limit > 0).",
                                "sd.api.paging.invalid");
      return false;
    }
    *limit = std::min(*limit, cap);  // the server's cap; `limit` echoes it
    return true;
  }

  Reply Customers(const Call& call, const std::string& desk) {
    // Experimental endpoints refuse callers that did not opt in.
    if (Lower(call.experimental) != "opt-in") return ServiceDeskError(412, kExperimental, "sd.api.experimental.required");
    if (!IsOurDesk(desk)) return DeskNotFound(desk);
    long long start = 0;
    long long limit = 0;
    Reply error;
    if (!PageParams(call, 50, &start, &limit, &error)) return error;
    std::string query = Lower(QueryParam(call.resource, "query"));
    std::vector<const User*> matches;
    for (const User& user : users) {
      if (!user.customer) continue;
      if (query.empty() || Lower(user.email).find(query) != std::string::npos ||
          Lower(user.display_name).find(query) != std::string::npos) {
        matches.push_back(&user);
      }
    }
    long long end = std::min<long long>(static_cast<long long>(matches.size()), start + limit);
    bool is_last = end >= static_cast<long long>(matches.size());
    return JsonReply(200, [&](Writer& w) {
      w.StartObject();
      w.Key("_expands");
      w.StartArray();
      w.EndArray();
      KInt(w, "size", std::max(0LL, end - start));
      KInt(w, "start", start);
      KInt(w, "limit", limit);
      KBool(w, "isLastPage", is_last);
      WritePageLinks(w, fmt::format("/rest/servicedeskapi/servicedesk/{}/customer", kServiceDeskId), start, limit,
                     is_last, "");
      w.Key("values");
      w.StartArray();
      for (long long i = start; i < end; ++i) WriteServiceDeskUser(w, *matches[static_cast<size_t>(i)]);
      w.EndArray();
      w.EndObject();
    });
  }

  Reply CreateRequest(const Call& call) {
    rapidjson::Document doc;
    doc.Parse(call.body.c_str());
    if (doc.HasParseError() || !doc.IsObject()) {
      return ServiceDeskError(400, "The request body could not be parsed as JSON.", "sd.api.request.body.invalid");
    }
    std::string desk = IdValue(doc, "serviceDeskId");
    std::string request_type = IdValue(doc, "requestTypeId");
    if (desk.empty()) return ServiceDeskError(400, "The serviceDeskId is required.", "sd.api.service.desk.id.required");
    if (request_type.empty()) {
      return ServiceDeskError(400, "The requestTypeId is required.", "sd.api.request.type.id.required");
    }
    if (desk != kServiceDeskId) return DeskNotFound(desk);
    if (request_type != kRequestTypeId) {
      return ServiceDeskError(400, fmt::format("The request type with ID '{}' does not exist in this service desk.",
                                               request_type),
                              "sd.request.type.not.found");
    }
    if (!doc.HasMember("requestFieldValues") || !doc["requestFieldValues"].IsObject()) {
      return ServiceDeskError(400, "Summary: You must specify a summary of the issue.",
                              "sd.validation.request.field.required");
    }
    const rapidjson::Value& values = doc["requestFieldValues"];
    std::string summary;
    std::string description;
    std::vector<std::pair<std::string, std::string>> fields;
    for (const auto& member : values.GetObject()) {
      std::string field = member.name.GetString();
      if (field == "summary" || field == "description") {
        if (!member.value.IsString()) {
          return ServiceDeskError(400, fmt::format("{}: The value must be a string.", FieldLabel(field)),
                                  "sd.validation.request.field.invalid");
        }
        (field == "summary" ? summary : description) = member.value.GetString();
        continue;
      }
      bool known = std::any_of(request_fields.begin(), request_fields.end(),
                               [&](const auto& entry) { return entry.first == field; });
      if (!known) {
        return ServiceDeskError(400, fmt::format("The field '{}' is not valid for this request type.", field),
                                "sd.validation.request.field.unknown");
      }
      fields.emplace_back(field, Serialize(member.value));
    }
    if (summary.find_first_not_of(" \t") == std::string::npos) {
      return ServiceDeskError(400, "Summary: You must specify a summary of the issue.",
                              "sd.validation.request.field.required");
    }
    if (Utf8Length(summary) > 255) {
      return ServiceDeskError(400, "Summary: Summary must be less than 255 characters.",
                              "sd.validation.request.field.invalid");
    }
    if (summary.find_first_of("\r\n") != std::string::npos) {
      return ServiceDeskError(400, "Summary: The summary is invalid because it contains newline characters.",
                              "sd.validation.request.field.invalid");
    }
    std::string reporter = kBotAccountId;
    if (doc.HasMember("raiseOnBehalfOf")) {
      const rapidjson::Value& on_behalf = doc["raiseOnBehalfOf"];
      const User* user = on_behalf.IsString() ? FindUser(on_behalf.GetString()) : nullptr;
      // The contract is an accountId of a customer (or the caller itself).
      if (user == nullptr || (!user->customer && user->account_id != kBotAccountId)) {
        std::string shown = on_behalf.IsString() ? on_behalf.GetString() : Serialize(on_behalf);
        return ServiceDeskError(400, fmt::format("The user '{}' does not exist or is not a customer of this service "
                                                 "desk.",
                                                 shown),
                                "sd.customer.request.raise.on.behalf.of.invalid");
      }
      reporter = user->account_id;
    }
    if (doc.HasMember("requestParticipants")) {
      const rapidjson::Value& participants = doc["requestParticipants"];
      if (!participants.IsArray()) {
        return ServiceDeskError(400, "requestParticipants must be a list of accountIds.",
                                "sd.request.participants.invalid");
      }
      for (const rapidjson::Value& id : participants.GetArray()) {
        if (!id.IsString() || FindUser(id.GetString()) == nullptr) {
          return ServiceDeskError(400, "requestParticipants contains an unknown accountId.",
                                  "sd.request.participants.invalid");
        }
      }
    }
    Issue& issue = CreateIssueLocked(summary, description, reporter, request_type);
    issue.fields = std::move(fields);
    IndexLocked(issue);
    Bump();
    return JsonReply(201, [&](Writer& w) { WriteRequest(w, issue); });
  }

  Reply RequestNotFound(const std::string& key) {
    return ServiceDeskError(404, fmt::format("The request '{}' does not exist or you do not have permission to see it.",
                                             key),
                            "sd.customer.request.not.found");
  }

  Reply GetRequest(const std::string& key) {
    Issue* issue = FindIssue(key);
    if (issue == nullptr) return RequestNotFound(key);
    return JsonReply(200, [&](Writer& w) { WriteRequest(w, *issue); });
  }

  Reply ServiceDeskComments(const Call& call, const std::string& key) {
    Issue* issue = FindIssue(key);
    if (issue == nullptr) return RequestNotFound(key);
    long long start = 0;
    long long limit = 0;
    Reply error;
    if (!PageParams(call, comment_page_cap, &start, &limit, &error)) return error;
    std::string public_text = QueryParam(call.resource, "public");
    std::string internal_text = QueryParam(call.resource, "internal");
    bool want_public = public_text != "false";
    bool want_internal = internal_text != "false";
    std::vector<const Comment*> matches;
    for (const Comment& comment : issue->comments) {
      if (comment.is_public ? want_public : want_internal) matches.push_back(&comment);
    }
    long long end = std::min<long long>(static_cast<long long>(matches.size()), start + limit);
    bool is_last = end >= static_cast<long long>(matches.size());
    std::string extra;
    if (!public_text.empty()) extra += "public=" + public_text + "&";
    if (!internal_text.empty()) extra += "internal=" + internal_text + "&";
    return JsonReply(200, [&](Writer& w) {
      w.StartObject();
      w.Key("_expands");
      w.StartArray();
      w.String("attachment");
      w.String("renderedBody");
      w.EndArray();
      KInt(w, "size", std::max(0LL, end - start));
      KInt(w, "start", start);
      KInt(w, "limit", limit);
      KBool(w, "isLastPage", is_last);
      WritePageLinks(w, fmt::format("/rest/servicedeskapi/request/{}/comment", issue->id), start, limit, is_last,
                     extra);
      w.Key("values");
      w.StartArray();
      for (long long i = start; i < end; ++i) WriteServiceDeskComment(w, *issue, *matches[static_cast<size_t>(i)]);
      w.EndArray();
      w.EndObject();
    });
  }

  Reply ServiceDeskAddComment(const Call& call, const std::string& key) {
    Issue* issue = FindIssue(key);
    if (issue == nullptr) return RequestNotFound(key);
    rapidjson::Document doc;
    doc.Parse(call.body.c_str());
    if (doc.HasParseError() || !doc.IsObject()) {
      return ServiceDeskError(400, "The request body could not be parsed as JSON.", "sd.api.request.body.invalid");
    }
    if (!doc.HasMember("body") || !doc["body"].IsString() ||
        std::string(doc["body"].GetString()).find_first_not_of(" \t\r\n") == std::string::npos) {
      return ServiceDeskError(400, "The comment body can not be empty.", "sd.comment.body.required");
    }
    // [unverified] `public` defaults to true when omitted; send it explicitly.
    bool is_public = true;
    if (doc.HasMember("public")) {
      if (!doc["public"].IsBool()) {
        return ServiceDeskError(400, "The value of 'public' must be true or false.", "sd.comment.public.invalid");
      }
      is_public = doc["public"].GetBool();
    }
    Comment& comment = AddCommentLocked(*issue, kBotAccountId, doc["body"].GetString(), is_public, {});
    return JsonReply(201, [&](Writer& w) { WriteServiceDeskComment(w, *issue, comment); });
  }

  // --- Snapshots for tests --------------------------------------------------------
  JiraIssue Export(const Issue& issue) const {
    JiraIssue out;
    out.id = issue.id;
    out.key = issue.key;
    out.summary = issue.summary;
    out.description = issue.description;
    out.reporter_account_id = issue.reporter;
    out.request_type_id = issue.request_type_id;
    out.status = issue.status;
    out.status_category = issue.category;
    out.created_ms = issue.created_ms;
    out.updated_ms = issue.updated_ms;
    for (const Comment& comment : issue.comments) {
      out.comments.push_back(JiraComment{std::to_string(comment.id), comment.body, comment.is_public, comment.author,
                                         UserOrBot(comment.author).display_name, comment.created_ms,
                                         comment.properties});
    }
    return out;
  }
};

FakeJira::FakeJira() : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.server.clear_access_channels(websocketpp::log::alevel::all);
  s.server.clear_error_channels(websocketpp::log::elevel::all);
  s.server.init_asio(&s.io);
  s.server.set_reuse_addr(true);
  s.server.set_http_handler([this](websocketpp::connection_hdl h) { impl_->OnHttp(h); });
  boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"), 0);
  s.server.listen(endpoint);
  s.server.start_accept();
  boost::system::error_code ec;
  s.port = s.server.get_local_endpoint(ec).port();
  s.base = fmt::format("http://127.0.0.1:{}", s.port);
  s.thread = std::thread([this] { impl_->io.run(); });
}

FakeJira::~FakeJira() {
  Impl& s = *impl_;
  boost::asio::post(s.io, [&s] {
    std::error_code ec;
    s.server.stop_listening(ec);
  });
  boost::asio::post(s.io, [&s] { s.io.stop(); });
  s.thread.join();
}

int FakeJira::port() const { return impl_->port; }
std::string FakeJira::base_url() const { return impl_->base; }

std::string FakeJira::BasicAuthorization() { return "Basic " + Base64Encode(std::string(kEmail) + ":" + kApiToken); }

bool FakeJira::SetTimeZone(const std::string& zone) {
  if (!KnownTimeZone(zone)) return false;
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->time_zone = zone;
  impl_->Bump();
  return true;
}

void FakeJira::SetSearchLag(Millis lag) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->search_lag = lag;
}

void FakeJira::SetClockSkew(Millis skew) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->skew_ms = skew.count();
}

void FakeJira::SetCommentPageCap(int cap) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->comment_page_cap = std::max(cap, 1);
}

void FakeJira::SetSearchMaxResults(int cap) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->search_cap = std::max(cap, 1);
}

void FakeJira::AddRequestField(const std::string& field_id, const std::string& label) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->request_fields.emplace_back(field_id, label);
}

void FakeJira::SetOutage(bool down, int status) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->outage = down;
  impl_->outage_status = status;
  impl_->Bump();
}

void FakeJira::FailNext(const std::string& method, const std::string& path_prefix, int status, int retry_after_s,
                        int times) {
  if (times <= 0) return;
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->faults.push_back(Impl::Fault{method, path_prefix, status, retry_after_s, times});
}

std::string FakeJira::AddCustomer(const std::string& email, const std::string& display_name) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  int n = impl_->next_customer++;
  std::string account_id = fmt::format("qm:9f3c2b1a-5d4e-4f60-8a7b-{:012d}:6c1e2d3f-customer-{:04d}", n, n);
  impl_->users.push_back(Impl::User{account_id, email, display_name, "customer", "UTC", true});
  impl_->Bump();
  return account_id;
}

std::string FakeJira::CreateRequest(const std::string& summary, const std::string& description,
                                    const std::string& reporter_account_id) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  std::string reporter = reporter_account_id.empty() ? std::string(kBotAccountId) : reporter_account_id;
  if (impl_->FindUser(reporter) == nullptr) return {};
  Impl::Issue& issue = impl_->CreateIssueLocked(summary, description, reporter, kRequestTypeId);
  impl_->IndexLocked(issue);
  impl_->Bump();
  return issue.key;
}

std::string FakeJira::AddAgentComment(const std::string& key, const std::string& author_display_name,
                                      const std::string& body, bool is_public) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Impl::Issue* issue = impl_->FindIssue(key);
  if (issue == nullptr) return {};
  std::string author = impl_->AgentLocked(author_display_name);
  return std::to_string(impl_->AddCommentLocked(*issue, author, body, is_public, {}).id);
}

std::string FakeJira::AddCustomerComment(const std::string& key, const std::string& account_id,
                                         const std::string& body) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Impl::Issue* issue = impl_->FindIssue(key);
  if (issue == nullptr || impl_->FindUser(account_id) == nullptr) return {};
  return std::to_string(impl_->AddCommentLocked(*issue, account_id, body, true, {}).id);
}

bool FakeJira::SetStatus(const std::string& key, const std::string& name, const std::string& category) {
  if (category != "new" && category != "indeterminate" && category != "done") return false;
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Impl::Issue* issue = impl_->FindIssue(key);
  if (issue == nullptr) return false;
  issue->status = name;
  issue->category = category;
  issue->status_ms = impl_->NowMsLocked();
  issue->updated_ms = std::max(issue->updated_ms, issue->status_ms);
  impl_->IndexLocked(*issue);
  impl_->Bump();
  return true;
}

long long FakeJira::NowMs() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->NowMsLocked();
}

std::vector<JiraRequest> FakeJira::Requests() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->requests;
}

int FakeJira::CountRequests(const std::string& method, const std::string& path_prefix) const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  int count = 0;
  for (const JiraRequest& request : impl_->requests) {
    if ((method.empty() || request.method == method) && StartsWith(request.path, path_prefix)) ++count;
  }
  return count;
}

std::vector<JiraIssue> FakeJira::Issues() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  std::vector<JiraIssue> out;
  for (const auto& [number, issue] : impl_->issues) out.push_back(impl_->Export(issue));
  return out;
}

std::optional<JiraIssue> FakeJira::Issue(const std::string& key) const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  Impl::Issue* issue = impl_->FindIssue(key);
  if (issue == nullptr) return std::nullopt;
  return impl_->Export(*issue);
}

bool FakeJira::WaitFor(const std::function<bool()>& predicate, Millis timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    unsigned long long seen;
    {
      std::lock_guard<std::mutex> lock(impl_->mutex);
      seen = impl_->version;
    }
    if (predicate()) return true;
    std::unique_lock<std::mutex> lock(impl_->mutex);
    if (!impl_->changed.wait_until(lock, deadline, [&] { return impl_->version != seen; })) {
      lock.unlock();
      return predicate();
    }
  }
}

bool FakeJira::WaitForRequests(const std::string& method, const std::string& path_prefix, int count,
                               Millis timeout) const {
  return WaitFor([&] { return CountRequests(method, path_prefix) >= count; }, timeout);
}

bool FakeJira::WaitForSearchable(const std::string& key, Millis timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lock(impl_->mutex);
  while (true) {
    auto now = std::chrono::steady_clock::now();
    Impl::Issue* issue = impl_->FindIssue(key);
    if (issue != nullptr && !issue->snapshots.empty() && issue->snapshots.back().visible_at <= now) return true;
    if (now >= deadline) return false;
    // Wake when the newest change becomes visible, or when the state changes
    // (the issue may not exist yet, or a newer change may move the target).
    auto until = deadline;
    if (issue != nullptr && !issue->snapshots.empty()) until = std::min(until, issue->snapshots.back().visible_at);
    impl_->changed.wait_until(lock, until);
  }
}

bool FakeJira::WaitForClockPast(long long epoch_ms, Millis timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lock(impl_->mutex);
  while (true) {
    long long now = impl_->NowMsLocked();
    if (now > epoch_ms) return true;
    auto steady_now = std::chrono::steady_clock::now();
    if (steady_now >= deadline) return false;
    impl_->changed.wait_until(lock, std::min(deadline, steady_now + Millis(epoch_ms - now + 1)));
  }
}

}  // namespace fake
