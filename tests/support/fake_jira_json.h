// Wire-level helpers of the fake Jira: its error bodies, a RapidJSON writer
// shorthand, Atlassian Document Format, Basic auth's base64 and the small
// parsers its endpoints share. Private to fake_jira*.cpp. Pure, any thread.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "loopback_http_server.h"

namespace fake::jira {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using Reply = HttpResponse;

inline constexpr const char* kJsonType = "application/json;charset=UTF-8";
inline constexpr const char* kUnbounded =
    "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.";
inline constexpr const char* kSearchRemoved =
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration "
    "guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046";
inline constexpr const char* kExperimental =
    "This API is experimental. Experimental APIs are not guaranteed to be stable within the preview period. You "
    "must set the header 'X-ExperimentalApi: opt-in' to opt into using this API.";
// JSM marks internal notes with this comment property (readable with
// expand=properties, and settable on create through the platform API).
inline constexpr const char* kInternalProperty = "sd.public.comment";

void Str(Writer& w, const std::string& text);
void KStr(Writer& w, const char* key, const std::string& text);
void KInt(Writer& w, const char* key, long long value);
void KBool(Writer& w, const char* key, bool value);

// A JSON reply with `status` whose body `fill` writes.
Reply JsonReply(int status, const std::function<void(Writer&)>& fill);
// The platform API's ErrorCollection.
Reply PlatformError(int status, const std::vector<std::string>& messages,
                    const std::vector<std::pair<std::string, std::string>>& errors = {});
// The servicedeskapi error body.
Reply ServiceDeskError(int status, const std::string& message, const std::string& i18n_key);

// The decoded non-empty segments of a URL path.
std::vector<std::string> SplitPath(const std::string& path);
// The non-empty items of "a, b,c", trimmed of spaces.
std::vector<std::string> SplitComma(const std::string& text);
// An id sent as "3" or as 3: Atlassian accepts both for ids. "" otherwise.
std::string IdValue(const rapidjson::Value& object, const char* key);

// Plain text of an Atlassian Document Format node: text nodes concatenated,
// blocks and hard breaks as newlines.
std::string AdfText(const rapidjson::Value& node);
bool IsAdfDoc(const rapidjson::Value& value);
// `text` as an ADF document, one paragraph a line.
void WriteAdf(Writer& w, const std::string& text);
// HTML text of `text`, newlines as <br/>.
std::string HtmlEscape(const std::string& text);
// Reads a JSON search body (POST /search/jql, Data Center's POST /search):
// parsed as an object, its `jql` and `fields`, as Jira checks them; false
// and *error set (a 400) when one is of the wrong type. `doc` keeps the
// body for the caller's other members.
bool ReadSearchBody(const std::string& body, rapidjson::Document* doc, std::string* jql,
                    std::vector<std::string>* fields, Reply* error);
// A non-negative decimal of at most 12 digits.
bool ParseInt(const std::string& text, long long* value);
// splitmix64: page tokens look opaque, as Jira's do.
unsigned long long Mix(unsigned long long x);

}  // namespace fake::jira
