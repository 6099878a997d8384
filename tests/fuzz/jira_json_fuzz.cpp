// What a helpdesk (or a proxy in front of it) answers, and the small text
// formats around it (helpdesk/jira/jira_json.h, jira_encoding.h): every
// response parser takes any body, of any shape, and gives a value or an
// error that says what was wrong; what it gives was read from the body
// (bounded by it). The encoders round-trip: a URL-encoded or Base64 value
// decodes to itself, a parsed Jira time written back parses to the same
// instant, a JQL literal stays one literal.
#include <algorithm>
#include <set>
#include <string>

#include "fuzz_support.h"
#include "helpdesk/jira/jira_deployment.h"
#include "helpdesk/jira/jira_encoding.h"
#include "helpdesk/jira/jira_fields.h"
#include "helpdesk/jira/jira_json.h"

namespace {

using namespace helpdesk::jira;

template <class T>
void CheckError(const util::Result<T>& result) {
  if (!result) FUZZ_CHECK(!result.error().message.empty(), "an error says what was wrong");
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string UrlDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool unreserved = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += c;
      continue;
    }
    FUZZ_CHECK(c == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0,
               text);
    out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
    i += 2;
  }
  return out;
}

std::string Base64Decode(std::string_view text) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  FUZZ_CHECK(text.size() % 4 == 0, text);
  std::string out;
  for (size_t i = 0; i < text.size(); i += 4) {
    unsigned bits = 0;
    int pad = 0;
    for (size_t k = 0; k < 4; ++k) {
      char c = text[i + k];
      size_t value = 0;
      if (c == '=') {
        FUZZ_CHECK(i + 4 == text.size() && k >= 2, text);
        ++pad;
      } else {
        value = kAlphabet.find(c);
        FUZZ_CHECK(value != std::string::npos && pad == 0, text);
      }
      bits = bits << 6 | static_cast<unsigned>(value);
    }
    out += static_cast<char>(bits >> 16 & 0xff);
    if (pad < 2) out += static_cast<char>(bits >> 8 & 0xff);
    if (pad < 1) out += static_cast<char>(bits & 0xff);
  }
  return out;
}

// Epoch milliseconds as "YYYY-MM-DDTHH:MM:SS.mmmZ" (Howard Hinnant's
// civil_from_days), for years 0000..9999.
std::optional<std::string> FormatUtc(long long ms) {
  long long seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  long long millis = ms - seconds * 1000;
  long long days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  long long rest = seconds - days * 86400;
  long long z = days + 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  long long doe = z - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153;
  long long day = doy - (153 * mp + 2) / 5 + 1;
  long long month = mp < 10 ? mp + 3 : mp - 9;
  long long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) return std::nullopt;
  char buffer[128];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", year, month, day,
                rest / 3600, rest / 60 % 60, rest % 60, millis);
  return std::string(buffer);
}

void CheckEncodings(std::string_view text) {
  std::string url = UrlEncode(text);
  FUZZ_CHECK(UrlDecode(url) == text, url);
  std::string base64 = Base64Encode(text);
  FUZZ_CHECK(base64.size() == (text.size() + 2) / 3 * 4, base64);
  FUZZ_CHECK(Base64Decode(base64) == text, base64);

  // One literal: quoted, every inner '"' escaped, no line break.
  std::string jql = JqlQuote(text);
  FUZZ_CHECK(jql.size() >= 2 && jql.front() == '"' && jql.back() == '"', jql);
  for (size_t i = 1; i + 1 < jql.size(); ++i) {
    FUZZ_CHECK(jql[i] != '\n' && jql[i] != '\r', jql);
    if (jql[i] == '\\') {
      FUZZ_CHECK(i + 2 < jql.size() && (jql[i + 1] == '"' || jql[i + 1] == '\\'), jql);
      ++i;
    } else {
      FUZZ_CHECK(jql[i] != '"', jql);
    }
  }

  if (std::optional<long long> ms = ParseJiraTime(text)) {
    if (std::optional<std::string> utc = FormatUtc(*ms)) {
      FUZZ_CHECK(ParseJiraTime(*utc) == ms, *utc);
    }
  }
  if (IsIssueKey(text)) {
    FUZZ_CHECK(text.find_first_of(" \"'(),\n") == std::string_view::npos, "an issue key is written unquoted");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);

  CheckError(ParseIdentity(body));
  CheckError(ParseServiceDesk(body));
  CheckError(ParseRequestTypeName(body));
  if (auto page = ParseCustomerPage(body)) {
    FUZZ_CHECK(page->customers.size() <= size, "more customers than bytes");
  } else {
    CheckError(page);
  }
  if (auto ticket = ParseRequest(body)) {
    FUZZ_CHECK(ticket->key.size() + ticket->summary.size() <= size, "ticket larger than its body");
  } else {
    CheckError(ticket);
  }
  if (auto page = ParseSearchPage(body)) {
    FUZZ_CHECK(page->issues.size() <= size, "more issues than bytes");
    for (const auto& issue : page->issues) FUZZ_CHECK(issue.key.size() <= size, issue.key);
  } else {
    CheckError(page);
  }
  if (auto page = ParseCommentPage(body)) {
    size_t total = 0;
    for (const WireComment& comment : page->comments) total += comment.body.size() + comment.author_name.size();
    FUZZ_CHECK(total <= size, "comments larger than their page");
  } else {
    CheckError(page);
  }
  CheckError(ParseComment(body));
  // Data Center's shapes (jira_deployment.h).
  CheckError(ParseIdentity(body, "key"));
  CheckError(ParseComment(body, "key"));
  CheckError(ParseServerInfo(body));
  if (auto page = ParseDataCenterSearchPage(body)) {
    FUZZ_CHECK(page->issues.size() <= size, "more issues than bytes");
    // The next page starts after this one: the walk cannot stand still.
    FUZZ_CHECK(page->next_page_token.empty() || !page->issues.empty(), page->next_page_token);
  } else {
    CheckError(page);
  }
  if (auto users = ParseUserSearch(body, 0, 100)) {
    FUZZ_CHECK(users->customers.size() <= size, "more users than bytes");
  } else {
    CheckError(users);
  }
  // A request type's fields make a form: bounded, each id once and fit for
  // a block_id, a list's options only on list kinds.
  if (auto fields = ParseRequestTypeFields(body)) {
    FUZZ_CHECK(fields->size() <= 100, "more fields than a form can hold");
    std::set<std::string> ids;
    size_t total = 0;
    for (const JiraField& field : *fields) {
      FUZZ_CHECK(!field.form.id.empty() && field.form.id.size() <= 255, field.form.id);
      FUZZ_CHECK(ids.insert(field.form.id).second, "a field listed twice");
      bool list = field.form.kind == bridge::FieldKind::kSelect || field.form.kind == bridge::FieldKind::kMultiSelect;
      FUZZ_CHECK(list || field.form.options.empty(), field.form.id);
      FUZZ_CHECK(!list || !field.form.options.empty(), "a list with nothing to choose");
      total += field.form.id.size();
      for (const bridge::FieldOption& option : field.form.options) total += option.value.size();
    }
    FUZZ_CHECK(total <= size, "fields larger than their body");
  } else {
    CheckError(fields);
  }

  // An error text ends up in a log line and in Slack: read from the body,
  // joined with short separators, a page's text shortened.
  std::string message = ErrorMessageFromBody(body);
  FUZZ_CHECK(message.size() <= 2 * size + 8, message);
  for (const std::string& key : UnknownKeysInSearchError(body)) FUZZ_CHECK(key.size() <= size, key);

  CheckEncodings(body);

  // Two strings (text, marker) split at the first NUL.
  size_t split = body.find('\0');
  if (split != std::string_view::npos) {
    std::string_view text = body.substr(0, split);
    std::string marker(body.substr(split + 1));
    if (MentionsMarker(text, marker)) FUZZ_CHECK(text.find(marker) != std::string_view::npos, marker);
    if (RequestMentions(text, marker)) FUZZ_CHECK(!marker.empty(), "an empty marker is never found");
    std::string a(text);
    FUZZ_CHECK(!CommentIdNewer(a, a), a);
    FUZZ_CHECK(!(CommentIdNewer(a, marker) && CommentIdNewer(marker, a)), a);
  }
  return 0;
}
