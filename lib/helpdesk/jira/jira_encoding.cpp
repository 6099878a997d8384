#include "helpdesk/jira/jira_encoding.h"

#include <cctype>

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "util/json_util.h"
#include "util/strings.h"

namespace helpdesk::jira {
namespace {

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
  std::string lower = util::Lower(html);
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

bool IsMarkerChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

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
  if (!json::Parse(body, doc).empty()) {
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
  std::vector<std::string> keys;
  if (!json::Parse(body, doc).empty() || !doc.IsObject()) return keys;
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
      if (!util::StartsWith(message, prefix)) continue;
      size_t end = message.find('\'', prefix.size());
      if (end != std::string_view::npos) keys.emplace_back(message.substr(prefix.size(), end - prefix.size()));
    }
  }
  return keys;
}

bool MentionsMarker(std::string_view text, std::string_view marker) {
  if (marker.empty()) return false;
  for (size_t at = text.find(marker); at != std::string_view::npos; at = text.find(marker, at + 1)) {
    bool starts = at == 0 || !IsMarkerChar(text[at - 1]);
    size_t end = at + marker.size();
    bool ends = end == text.size() || !IsMarkerChar(text[end]);
    if (starts && ends) return true;
  }
  return false;
}

bool CommentIdNewer(const std::string& a, const std::string& b) {
  // Same-length decimal strings compare as numbers; a longer one is larger.
  if (a.size() != b.size()) return a.size() > b.size();
  return a > b;
}

}  // namespace helpdesk::jira
