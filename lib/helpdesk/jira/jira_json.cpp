#include "helpdesk/jira/jira_json.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "util/json_util.h"

namespace helpdesk::jira {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteString(Writer& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `count` digits at `*pos`; false when they are not there.
bool ReadDigits(std::string_view text, size_t* pos, size_t count, int* value) {
  if (*pos + count > text.size()) return false;
  int result = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = text[*pos + i];
    if (!IsDigit(c)) return false;
    result = result * 10 + (c - '0');
  }
  *pos += count;
  *value = result;
  return true;
}

bool Expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil).
long long DaysFromCivil(int year, int month, int day) {
  long long y = month <= 2 ? year - 1 : year;
  long long era = (y >= 0 ? y : y - 399) / 400;
  long long yoe = y - era * 400;
  long long doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int DaysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Parses `body` as a JSON object into `doc`; the error names what was
// expected.
util::Status ParseObject(std::string_view body, rapidjson::Document* doc, const char* what) {
  doc->Parse(body.data(), body.size());
  if (doc->HasParseError() || !doc->IsObject()) {
    std::string detail = ErrorMessageFromBody(body);
    return util::MakeError(util::ErrorCode::kServerError,
                           detail.empty() ? fmt::format("the response is not {}", what)
                                          : fmt::format("the response is not {} ({})", what, detail));
  }
  return util::Ok();
}

// The member as a string whether Jira sent a string or a number (ids are
// documented as strings but some endpoints answer numbers).
std::string GetId(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return {};
  if (it->value.IsString()) return std::string(it->value.GetString(), it->value.GetStringLength());
  if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
  return {};
}

// Collapses runs of white space to one space and trims; caps the length so
// an error page cannot flood a log line.
std::string Tidy(std::string_view text, size_t max_length) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  if (out.size() > max_length) out = out.substr(0, max_length) + "…";
  return out;
}

std::string HtmlText(std::string_view html) {
  std::string lower = Lower(std::string(html));
  size_t title = lower.find("<title>");
  if (title != std::string::npos) {
    size_t end = lower.find("</title>", title);
    if (end != std::string::npos) {
      std::string text = Tidy(html.substr(title + 7, end - title - 7), 200);
      if (!text.empty()) return text;
    }
  }
  std::string text;
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') {
      in_tag = true;
      text += ' ';
    } else if (c == '>') {
      in_tag = false;
    } else if (!in_tag) {
      text += c;
    }
  }
  return Tidy(text, 200);
}

Comment CommentFromValue(const rapidjson::Value& value) {
  Comment comment;
  comment.id = GetId(value, "id");
  if (const auto* author = json::GetObject(value, "author")) {
    comment.author_account_id = json::GetString(*author, "accountId");
    comment.author_name = json::GetString(*author, "displayName");
  }
  comment.body = json::GetString(value, "body");
  comment.created_ms = ParseJiraTime(json::GetString(value, "created")).value_or(0);
  std::optional<bool> internal;
  if (const auto* properties = json::GetArray(value, "properties")) {
    for (const auto& property : properties->GetArray()) {
      std::string key = json::GetString(property, "key");
      const rapidjson::Value* property_value = json::GetObject(property, "value");
      if (property_value == nullptr) continue;
      if (key == kMarkerProperty) {
        comment.marker = json::GetString(*property_value, "marker");
      } else if (key == kInternalProperty) {
        auto it = property_value->FindMember("internal");
        if (it != property_value->MemberEnd() && it->value.IsBool()) internal = it->value.GetBool();
      }
    }
  }
  auto it = value.FindMember("jsdPublic");
  if (it != value.MemberEnd() && it->value.IsBool()) {
    comment.is_public = it->value.GetBool();
  } else {
    comment.is_public = !internal.value_or(false);
  }
  return comment;
}

bool IsMarkerChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

// Whether `text` contains `marker` as a whole word: "sd-1a2b" must not be
// confirmed by a ticket that carries "sd-1a2b3" (the search finds both).
bool ContainsWord(std::string_view text, const std::string& marker) {
  for (size_t at = text.find(marker); at != std::string_view::npos; at = text.find(marker, at + 1)) {
    bool starts = at == 0 || !IsMarkerChar(text[at - 1]);
    size_t end = at + marker.size();
    bool ends = end == text.size() || !IsMarkerChar(text[end]);
    if (starts && ends) return true;
  }
  return false;
}

// Whether a requestFieldValues value (a string, or any JSON for custom
// fields) carries `marker`.
bool ValueMentions(const rapidjson::Value& value, const std::string& marker) {
  if (value.IsString()) return ContainsWord(std::string_view(value.GetString(), value.GetStringLength()), marker);
  if (value.IsNull()) return false;
  return ContainsWord(json::Serialize(value), marker);
}

}  // namespace

std::string Base64Encode(std::string_view data) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    unsigned int n = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
                     static_cast<unsigned char>(data[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == data.size()) {
    unsigned int n = static_cast<unsigned char>(data[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    unsigned int n = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string UrlEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

std::string JqlQuote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    // A raw line break would end the JQL string in Jira's parser.
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    out += c;
  }
  out += '"';
  return out;
}

bool IsIssueKey(std::string_view text) {
  size_t dash = text.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == text.size()) return false;
  if (!std::isalpha(static_cast<unsigned char>(text[0]))) return false;
  for (size_t i = 1; i < dash; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (!std::isalnum(c) && c != '_') return false;
  }
  for (size_t i = dash + 1; i < text.size(); ++i) {
    if (!IsDigit(text[i])) return false;
  }
  return true;
}

std::optional<long long> ParseJiraTime(std::string_view text) {
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, &pos, 4, &year) || !Expect(text, &pos, '-') || !ReadDigits(text, &pos, 2, &month) ||
      !Expect(text, &pos, '-') || !ReadDigits(text, &pos, 2, &day) || !Expect(text, &pos, 'T') ||
      !ReadDigits(text, &pos, 2, &hour) || !Expect(text, &pos, ':') || !ReadDigits(text, &pos, 2, &minute) ||
      !Expect(text, &pos, ':') || !ReadDigits(text, &pos, 2, &second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  int millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && IsDigit(text[pos])) {
      // Only milliseconds matter; finer digits are read and dropped.
      if (digits < 3) millis = millis * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 3; ++digits) millis *= 10;
  }
  int offset_minutes = 0;
  if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int offset_hours = 0, offset_mins = 0;
    if (!ReadDigits(text, &pos, 2, &offset_hours)) return std::nullopt;
    if (pos < text.size() && text[pos] == ':') ++pos;
    if (!ReadDigits(text, &pos, 2, &offset_mins) || offset_hours > 18 || offset_mins > 59) return std::nullopt;
    offset_minutes = sign * (offset_hours * 60 + offset_mins);
  } else {
    return std::nullopt;  // a time without a zone is ambiguous
  }
  if (pos != text.size()) return std::nullopt;
  long long days = DaysFromCivil(year, month, day);
  long long seconds = days * 86400 + hour * 3600LL + minute * 60LL + second - offset_minutes * 60LL;
  return seconds * 1000 + millis;
}

std::string ErrorMessageFromBody(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError()) {
    size_t first = body.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    if (body[first] == '<') return HtmlText(body);
    return Tidy(body, 200);
  }
  if (!doc.IsObject()) return {};
  std::string message = json::GetString(doc, "errorMessage");
  if (!message.empty()) return message;
  std::vector<std::string> parts;
  if (const auto* messages = json::GetArray(doc, "errorMessages")) {
    for (const auto& item : messages->GetArray()) {
      if (item.IsString() && item.GetStringLength() > 0) parts.emplace_back(item.GetString(), item.GetStringLength());
    }
  }
  if (const auto* errors = json::GetObject(doc, "errors")) {
    for (const auto& member : errors->GetObject()) {
      if (member.value.IsString()) {
        parts.push_back(fmt::format("{}: {}", member.name.GetString(), member.value.GetString()));
      }
    }
  }
  // servicedeskapi form validation answers errors as an array of objects.
  if (const auto* errors = json::GetArray(doc, "errors")) {
    for (const auto& item : errors->GetArray()) {
      std::string text = json::GetString(item, "errorMessage");
      if (!text.empty()) parts.push_back(text);
    }
  }
  std::string joined;
  for (const std::string& part : parts) {
    if (!joined.empty()) joined += "; ";
    joined += part;
  }
  if (joined.empty()) joined = json::GetString(doc, "message");  // gateway JSON
  return joined;
}

std::vector<std::string> UnknownKeysInSearchError(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  std::vector<std::string> keys;
  if (doc.HasParseError() || !doc.IsObject()) return keys;
  const auto* messages = json::GetArray(doc, "errorMessages");
  if (messages == nullptr) return keys;
  // Jira names each bad key in its own message, quoted:
  //   "An issue with key 'SUP-9' does not exist for field 'key'."
  //   "The issue key 'SUP-x' for field 'key' is invalid."
  static const std::string_view kPrefixes[] = {"An issue with key '", "The issue key '"};
  for (const auto& item : messages->GetArray()) {
    if (!item.IsString()) continue;
    std::string_view message(item.GetString(), item.GetStringLength());
    for (std::string_view prefix : kPrefixes) {
      if (message.substr(0, prefix.size()) != prefix) continue;
      size_t end = message.find('\'', prefix.size());
      if (end != std::string_view::npos) keys.emplace_back(message.substr(prefix.size(), end - prefix.size()));
    }
  }
  return keys;
}

std::string CreateRequestBody(const std::string& service_desk_id, const std::string& request_type_id,
                              const NewTicket& ticket) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("serviceDeskId");
  WriteString(w, service_desk_id);
  w.Key("requestTypeId");
  WriteString(w, request_type_id);
  w.Key("requestFieldValues");
  w.StartObject();
  w.Key("summary");
  WriteString(w, ticket.summary);
  w.Key("description");
  WriteString(w, ticket.description);
  w.EndObject();
  if (!ticket.on_behalf_of.empty()) {
    w.Key("raiseOnBehalfOf");
    WriteString(w, ticket.on_behalf_of);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string AddCommentBody(const std::string& body, const std::string& marker) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("body");
  WriteString(w, body);
  w.Key("properties");
  w.StartArray();
  w.StartObject();
  w.Key("key");
  w.String(kInternalProperty);
  w.Key("value");
  w.StartObject();
  w.Key("internal");
  w.Bool(false);
  w.EndObject();
  w.EndObject();
  w.StartObject();
  w.Key("key");
  w.String(kMarkerProperty);
  w.Key("value");
  w.StartObject();
  w.Key("marker");
  WriteString(w, marker);
  w.EndObject();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string SearchBody(const std::string& jql, const std::vector<std::string>& fields, int max_results,
                       const std::string& next_page_token) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("jql");
  WriteString(w, jql);
  w.Key("fields");
  w.StartArray();
  for (const std::string& field : fields) WriteString(w, field);
  w.EndArray();
  w.Key("maxResults");
  w.Int(max_results);
  if (!next_page_token.empty()) {
    w.Key("nextPageToken");
    WriteString(w, next_page_token);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string MarkerJql(const std::string& project_key, const std::string& marker) {
  return fmt::format("project = {} AND text ~ {}", JqlQuote(project_key), JqlQuote(marker));
}

std::string ProjectChangedSinceJql(const std::string& project_key, long long since_ms) {
  return fmt::format("project = {} AND updated >= {} ORDER BY updated ASC, key ASC", JqlQuote(project_key), since_ms);
}

std::string ChangedSinceJql(long long since_ms, const std::vector<std::string>& keys) {
  std::string list;
  for (const std::string& key : keys) {
    if (!list.empty()) list += ", ";
    list += key;
  }
  // Unquoted epoch milliseconds are absolute; a quoted date would be read
  // in the account's profile time zone with minute granularity
  // (helpdesk-facts.md A3, "JQL time semantics").
  return fmt::format("key in ({}) AND updated >= {} ORDER BY updated ASC, key ASC", list, since_ms);
}

util::Result<Identity> ParseIdentity(std::string_view body) {
  rapidjson::Document doc;
  if (auto ok = ParseObject(body, &doc, "a user"); !ok) return tl::make_unexpected(ok.error());
  Identity identity;
  identity.account_id = json::GetString(doc, "accountId");
  identity.display_name = json::GetString(doc, "displayName");
  identity.email = json::GetString(doc, "emailAddress");
  identity.time_zone = json::GetString(doc, "timeZone");
  if (identity.account_id.empty()) {
    return util::MakeError(util::ErrorCode::kServerError, "the user has no accountId");
  }
  return identity;
}

util::Result<ServiceDesk> ParseServiceDesk(std::string_view body) {
  rapidjson::Document doc;
  if (auto ok = ParseObject(body, &doc, "a service desk"); !ok) return tl::make_unexpected(ok.error());
  ServiceDesk desk;
  desk.id = GetId(doc, "id");
  desk.project_key = json::GetString(doc, "projectKey");
  desk.project_name = json::GetString(doc, "projectName");
  if (desk.project_key.empty()) {
    return util::MakeError(util::ErrorCode::kServerError, "the service desk has no projectKey");
  }
  return desk;
}

util::Result<std::string> ParseRequestTypeName(std::string_view body) {
  rapidjson::Document doc;
  if (auto ok = ParseObject(body, &doc, "a request type"); !ok) return tl::make_unexpected(ok.error());
  return json::GetString(doc, "name");
}

util::Result<CustomerPage> ParseCustomerPage(std::string_view body) {
  rapidjson::Document doc;
  if (auto ok = ParseObject(body, &doc, "a page of customers"); !ok) return tl::make_unexpected(ok.error());
  CustomerPage page;
  page.is_last_page = json::GetBool(doc, "isLastPage", true);
  page.start = json::GetInt(doc, "start", 0);
  if (const auto* values = json::GetArray(doc, "values")) {
    for (const auto& value : values->GetArray()) {
      page.customers.push_back({json::GetString(value, "accountId"), json::GetString(value, "emailAddress")});
    }
  }
  page.size = json::GetInt(doc, "size", static_cast<long long>(page.customers.size()));
  return page;
}

util::Result<Ticket> ParseRequest(std::string_view body) {
  rapidjson::Document doc;
  if (auto ok = ParseObject(body, &doc, "a customer request"); !ok) return tl::make_unexpected(ok.error());
  Ticket ticket;
  ticket.id = GetId(doc, "issueId");
  ticket.key = json::GetString(doc, "issueKey");
  if (ticket.key.empty()) return util::MakeError(util::ErrorCode::kServerError, "the request has no issueKey");
  if (const auto* values = json::GetArray(doc, "requestFieldValues")) {
    for (const auto& value : values->GetArray()) {
      if (json::GetString(value, "fieldId") == "summary") ticket.summary = json::GetString(value, "value");
    }
  }
  if (ticket.summary.empty()) ticket.summary = json::GetString(doc, "summary");
  if (const auto* status = json::GetObject(doc, "currentStatus")) {
    ticket.status = json::GetString(*status, "status");
    ticket.status_category = Lower(json::GetString(*status, "statusCategory"));
  }
  if (const auto* links = json::GetObject(doc, "_links")) {
    ticket.web_url = json::GetString(*links, "web");
    ticket.agent_url = json::GetString(*links, "agent");
  }
  return ticket;
}

bool RequestMentions(std::string_view body, const std::string& marker) {
  if (marker.empty()) return false;
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return false;
  if (ContainsWord(json::GetString(doc, "summary"), marker)) return true;
  if (const auto* values = json::GetArray(doc, "requestFieldValues")) {
    for (const auto& value : values->GetArray()) {
      auto it = value.IsObject() ? value.FindMember("value") : value.MemberEnd();
      if (value.IsObject() && it != value.MemberEnd() && ValueMentions(it->value, marker)) return true;
    }
  }
  return false;
}

util::Result<SearchPage> ParseSearchPage(std::string_view body) {
  rapidjson::Document doc;
  if (auto ok = ParseObject(body, &doc, "a search result"); !ok) return tl::make_unexpected(ok.error());
  const auto* issues = json::GetArray(doc, "issues");
  if (issues == nullptr) return util::MakeError(util::ErrorCode::kServerError, "the search result has no issues");
  SearchPage page;
  for (const auto& value : issues->GetArray()) {
    SearchPage::Issue issue;
    issue.id = GetId(value, "id");
    issue.key = json::GetString(value, "key");
    if (const auto* fields = json::GetObject(value, "fields")) {
      issue.updated_ms = ParseJiraTime(json::GetString(*fields, "updated"));
      if (const auto* status = json::GetObject(*fields, "status")) {
        issue.status = json::GetString(*status, "name");
        if (const auto* category = json::GetObject(*status, "statusCategory")) {
          issue.status_category = Lower(json::GetString(*category, "key"));
        }
      }
    }
    page.issues.push_back(std::move(issue));
  }
  // isLast is the documented end marker; a token without it still means
  // more, and no token means no more whatever isLast says.
  page.next_page_token = json::GetString(doc, "nextPageToken");
  if (json::GetBool(doc, "isLast", false)) page.next_page_token.clear();
  return page;
}

util::Result<CommentPage> ParseCommentPage(std::string_view body) {
  rapidjson::Document doc;
  if (auto ok = ParseObject(body, &doc, "a page of comments"); !ok) return tl::make_unexpected(ok.error());
  const auto* comments = json::GetArray(doc, "comments");
  if (comments == nullptr) return util::MakeError(util::ErrorCode::kServerError, "the page has no comments array");
  CommentPage page;
  page.start_at = json::GetInt(doc, "startAt", 0);
  for (const auto& value : comments->GetArray()) page.comments.push_back(CommentFromValue(value));
  page.total = json::GetInt(doc, "total", page.start_at + static_cast<long long>(page.comments.size()));
  return page;
}

util::Result<Comment> ParseComment(std::string_view body) {
  rapidjson::Document doc;
  if (auto ok = ParseObject(body, &doc, "a comment"); !ok) return tl::make_unexpected(ok.error());
  Comment comment = CommentFromValue(doc);
  if (comment.id.empty()) return util::MakeError(util::ErrorCode::kServerError, "the comment has no id");
  return comment;
}

}  // namespace helpdesk::jira
