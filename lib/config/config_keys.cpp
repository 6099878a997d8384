#include "config/config_keys.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <system_error>
#include <utility>

#include "util/strings.h"

namespace config {
namespace internal {
namespace {

constexpr double kMinPollIntervalSeconds = 0.2;
// Not in the contract, but a poll interval beyond a day is a typo, and
// huge values would overflow the chrono conversions downstream.
constexpr double kMaxPollIntervalSeconds = 86400;
// Bad non-secret values are echoed in errors; keep the echo readable.
constexpr size_t kMaxEchoedChars = 100;
// A form offers at most Slack's 100 options.
constexpr size_t kMaxRequestTypes = 100;

}  // namespace

std::string EnvName(std::string_view key) {
  std::string name = "SLACKDESK_";
  for (char c : key) name += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  return name;
}

std::string MissingKey(std::string_view key) {
  return "missing required key " + std::string(key) + " (set it in the config file or " + EnvName(key) + ")";
}

// Control characters would garble a terminal or the journal, and a pasted
// blob should not flood it.
std::string Echo(std::string_view value) {
  std::string out = "'";
  for (size_t i = 0; i < value.size() && i < kMaxEchoedChars; ++i) {
    auto u = static_cast<unsigned char>(value[i]);
    out += (u < 0x20 || u == 0x7f) ? '?' : value[i];
  }
  if (value.size() > kMaxEchoedChars) out += "...";
  return out + "'";
}

namespace {

bool HasSpaceOrControl(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
  });
}

std::optional<std::string> SetUrl(std::string_view value, std::string* out) {
  std::string_view rest;
  if (util::StartsWith(value, "https://")) {
    rest = value.substr(8);
  } else if (util::StartsWith(value, "http://")) {
    rest = value.substr(7);
  } else {
    return "must start with http:// or https:// (got " + Echo(value) + ")";
  }
  if (HasSpaceOrControl(value)) {
    return "must not contain white space or control characters (got " + Echo(value) + ")";
  }
  // Method M is called at <url>/M, so any trailing '/' would double up.
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.empty()) return "has no host (got " + Echo(value) + ")";
  *out = std::string(value.substr(0, value.find("://") + 3)) + std::string(rest);
  return std::nullopt;
}

// For a secret that goes into a header, where a newline would split it.
std::optional<std::string> SetSecretWord(std::string_view value, std::string* out) {
  if (HasSpaceOrControl(value)) {
    return "must not contain white space or control characters; the value is not shown";
  }
  *out = std::string(value);
  return std::nullopt;
}

std::optional<std::string> SetToken(std::string_view value, std::string_view prefix,
                                    std::string_view what, std::string* out) {
  // Never echo the value: say only what shape was expected.
  if (!util::StartsWith(value, prefix)) {
    std::string problem = "must start with '" + std::string(prefix) + "' (" + std::string(what) +
                          "); the value is not shown";
    if (util::StartsWith(value, "xoxb-")) problem += ", but it looks like a bot token (xoxb-)";
    if (util::StartsWith(value, "xapp-")) problem += ", but it looks like an app-level token (xapp-)";
    if (util::StartsWith(value, "xoxp-")) problem += ", but it looks like a user token (xoxp-)";
    return problem;
  }
  if (value.size() == prefix.size()) return "has nothing after '" + std::string(prefix) + "'";
  return SetSecretWord(value, out);
}

// The items of a list separated by any of `separators`, trimmed; empty
// ones (a trailing comma) are harmless and skipped.
std::vector<std::string_view> SplitList(std::string_view text, std::string_view separators) {
  std::vector<std::string_view> items;
  while (!text.empty()) {
    size_t end = text.find_first_of(separators);
    std::string_view item = util::TrimView(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

// C, G or D followed by upper-case letters and digits: C0123ABCD.
bool IsChannelId(std::string_view item) {
  return item.size() >= 2 && (item[0] == 'C' || item[0] == 'G' || item[0] == 'D') &&
         std::all_of(item.begin() + 1, item.end(),
                     [](char ch) { return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'); });
}

// A service desk or request type id: it goes into URL paths and JSON.
std::optional<std::string> CheckId(std::string_view id, const char* what) {
  bool valid = !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char ch) {
    return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '-' || ch == '_';
  });
  if (valid) return std::nullopt;
  return Echo(id) + " is not a " + what + " (letters, digits, '-' or '_', e.g. 10)";
}

// For values that end up in URLs, JSON and headers, where a space or a
// newline is always a mistake.
std::optional<std::string> SetWord(std::string_view value, std::string* out) {
  if (HasSpaceOrControl(value)) {
    return "must not contain white space or control characters (got " + Echo(value) + ")";
  }
  *out = std::string(value);
  return std::nullopt;
}

// A name that RT's query languages quote ('Queue' or CF.{Field}): no
// quote, backslash, brace or control character can break out of it.
std::optional<std::string> SetSqlName(std::string_view value, std::string* out) {
  bool bad = std::any_of(value.begin(), value.end(), [](char ch) {
    auto u = static_cast<unsigned char>(ch);
    return u < 0x20 || u == 0x7f || ch == '\'' || ch == '"' || ch == '\\' || ch == '{' || ch == '}';
  });
  if (bad || value.size() > 200) {
    return "must be a name without quotes, backslashes, braces or control characters (got " + Echo(value) + ")";
  }
  *out = std::string(value);
  return std::nullopt;
}

std::optional<std::string> SetPlain(std::string_view value, std::string* out) {
  *out = std::string(value);
  return std::nullopt;
}

const KeySpec kKeyTable[] = {
    {"slack_app_token", true, true, "SLACK_APP_TOKEN",
     [](std::string_view v, Config* c) {
       return SetToken(v, "xapp-", "an app-level token", &c->slack_app_token);
     }},
    {"slack_bot_token", true, true, "SLACK_BOT_TOKEN",
     [](std::string_view v, Config* c) {
       return SetToken(v, "xoxb-", "a bot token", &c->slack_bot_token);
     }},
    {"slack_api_url", false, false, "", [](std::string_view v, Config* c) { return SetUrl(v, &c->slack_api_url); }},
    {"helpdesk", false, false, "",
     [](std::string_view v, Config* c) -> std::optional<std::string> {
       if (auto error = CheckHelpdeskName(v)) return error;
       c->helpdesk = std::string(v);
       return std::nullopt;
     }},
    // Which backend keys are required depends on `helpdesk`: LoadConfig
    // checks them after reading every key (CheckBackendKeys).
    {"jira_url", false, false, "", [](std::string_view v, Config* c) { return SetUrl(v, &c->jira_url); }},
    {"jira_email", false, false, "", [](std::string_view v, Config* c) { return SetWord(v, &c->jira_email); }},
    {"jira_api_token", true, false, "",
     // It goes into an Authorization header.
     [](std::string_view v, Config* c) { return SetSecretWord(v, &c->jira_api_token); }},
    {"jira_personal_access_token", true, false, "",
     // Data Center's Bearer token, also in a header.
     [](std::string_view v, Config* c) { return SetSecretWord(v, &c->jira_personal_access_token); }},
    {"jira_service_desk_id", false, false, "",
     [](std::string_view v, Config* c) { return SetWord(v, &c->jira_service_desk_id); }},
    {"jira_request_type_id", false, false, "",
     [](std::string_view v, Config* c) -> std::optional<std::string> {
       std::vector<std::string> ids;
       for (std::string_view item : SplitList(v, ",")) {
         if (auto problem = CheckId(item, "request type id")) return problem;
         if (std::find(ids.begin(), ids.end(), item) == ids.end()) ids.emplace_back(item);
       }
       if (ids.empty()) return "needs at least one request type id (got " + Echo(v) + ")";
       if (ids.size() > kMaxRequestTypes) return "lists more than 100 request types";
       c->jira_request_type_ids = std::move(ids);
       return std::nullopt;
     }},
    {"channel_routes", false, false, "",
     [](std::string_view v, Config* c) -> std::optional<std::string> {
       std::map<std::string, ChannelRoute> routes;
       for (std::string_view entry : SplitList(v, ", \t")) {
         size_t equals = entry.find('=');
         size_t slash = entry.find('/', equals == std::string_view::npos ? 0 : equals);
         if (equals == std::string_view::npos || slash == std::string_view::npos) {
           return Echo(entry) + " is not CHANNEL=DESK/TYPE[+TYPE…] (e.g. C0SUPPORT=1/10+11)";
         }
         std::string_view channel = entry.substr(0, equals);
         if (!IsChannelId(channel)) return Echo(channel) + " is not a Slack channel ID (e.g. C0123ABCD)";
         ChannelRoute route;
         std::string_view desk = entry.substr(equals + 1, slash - equals - 1);
         if (auto problem = CheckId(desk, "service desk id")) return problem;
         route.desk_id = std::string(desk);
         for (std::string_view type : SplitList(entry.substr(slash + 1), "+")) {
           if (auto problem = CheckId(type, "request type id")) return problem;
           route.type_ids.emplace_back(type);
         }
         if (route.type_ids.empty() || route.type_ids.size() > kMaxRequestTypes) {
           return Echo(entry) + " needs 1 to 100 request types after the '/'";
         }
         if (!routes.emplace(std::string(channel), std::move(route)).second) {
           return Echo(channel) + " has two routes";
         }
       }
       c->channel_routes = std::move(routes);
       return std::nullopt;
     }},
    {"rt_url", false, false, "", [](std::string_view v, Config* c) { return SetUrl(v, &c->rt_url); }},
    {"rt_token", true, false, "",
     // It goes into an Authorization header.
     [](std::string_view v, Config* c) { return SetSecretWord(v, &c->rt_token); }},
    // Queue names may hold spaces ("IT Support"); they go into TicketSQL
    // string literals, where a quote or a backslash would end or escape one.
    {"rt_queue", false, false, "",
     [](std::string_view v, Config* c) { return SetSqlName(v, &c->rt_queue); }},
    // A custom field's name goes into TicketSQL as CF.{name}, where a brace
    // would end it, and into JSON.
    {"rt_marker_field", false, false, "",
     [](std::string_view v, Config* c) { return SetSqlName(v, &c->rt_marker_field); }},
    {"state_db", false, false, "", [](std::string_view v, Config* c) { return SetPlain(v, &c->state_db); }},
    {"poll_interval", false, false, "",
     [](std::string_view v, Config* c) -> std::optional<std::string> {
       // from_chars, unlike strtod, ignores the locale and rejects leading
       // white space, '+' and hex; out of range (1e400) is an error.
       double seconds = 0;
       auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
       if (ec != std::errc() || end != v.data() + v.size() || !std::isfinite(seconds) ||
           seconds < kMinPollIntervalSeconds || seconds > kMaxPollIntervalSeconds) {
         return "must be a number of seconds between 0.2 and 86400 (got " + Echo(v) + ")";
       }
       c->poll_interval_seconds = seconds;
       return std::nullopt;
     }},
    {"allowed_channels", false, false, "",
     [](std::string_view v, Config* c) -> std::optional<std::string> {
       std::vector<std::string> channels;
       for (std::string_view item : SplitList(v, ",")) {
         if (!IsChannelId(item)) {
           return Echo(item) +
                  " is not a Slack channel ID (C, G or D followed by upper-case letters and "
                  "digits, e.g. C0123ABCD)";
         }
         if (std::find(channels.begin(), channels.end(), item) == channels.end()) {
           channels.emplace_back(item);
         }
       }
       c->allowed_channels = std::move(channels);
       return std::nullopt;
     }},
    {"trust_external_emails", false, false, "",
     [](std::string_view v, Config* c) -> std::optional<std::string> {
       if (v == "true" || v == "yes" || v == "1") {
         c->trust_external_emails = true;
       } else if (v == "false" || v == "no" || v == "0") {
         c->trust_external_emails = false;
       } else {
         return "must be true or false (got " + Echo(v) + ")";
       }
       return std::nullopt;
     }},
    {"log_level", false, false, "",
     [](std::string_view v, Config* c) -> std::optional<std::string> {
       if (!util::log::ParseLevel(v, &c->log_level)) {
         return "must be error, warn, info or debug (got " + Echo(v) + ")";
       }
       return std::nullopt;
     }},
    {"proxy", true, false, "",
     // It may carry a password: secret, so it is never echoed.
     [](std::string_view v, Config* c) -> std::optional<std::string> {
       auto proxy = util::ParseProxyUrl(v, /*scheme_optional=*/false);
       if (!proxy) return proxy.error().message;
       c->egress.proxy = std::move(*proxy);
       c->egress.proxy_origin = "proxy";
       return std::nullopt;
     }},
    // Read and checked once all keys are known (LoadConfig): the setter
    // has no file access.
    {"ca_file", false, false, "", [](std::string_view v, Config* c) { return SetPlain(v, &c->egress.ca_file); }},
    {"metrics_listen", false, false, "",
     [](std::string_view v, Config* c) -> std::optional<std::string> {
       auto address = ParseListenAddress(v);
       if (!address) return address.error().message;
       c->metrics_listen = std::string(v);
       return std::nullopt;
     }},
};

const KeySpec* FindKey(std::string_view name) {
  for (const KeySpec& spec : Keys()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

}  // namespace

const std::vector<KeySpec>& Keys() {
  static const std::vector<KeySpec> keys(std::begin(kKeyTable), std::end(kKeyTable));
  return keys;
}

bool IsFileKey(std::string_view name) {
  if (FindKey(name) != nullptr) return true;
  if (!util::EndsWith(name, kFileSuffix)) return false;
  const KeySpec* base = FindKey(name.substr(0, name.size() - kFileSuffix.size()));
  return base != nullptr && base->secret;
}

}  // namespace internal

util::Result<ListenAddress> ParseListenAddress(std::string_view value) {
  auto bad = [value] {
    return util::MakeError(util::ErrorCode::kConfig,
                     "must be host:port with an IPv4 address, [IPv6 address] or localhost and a port "
                     "1-65535, e.g. 127.0.0.1:9464 (got " + internal::Echo(value) + ")");
  };
  size_t colon = value.rfind(':');
  if (colon == std::string_view::npos) return bad();
  std::string_view host = value.substr(0, colon);
  std::string_view port_text = value.substr(colon + 1);
  // from_chars alone would take "+1" or " 1"; a port is digits only.
  if (port_text.empty() || port_text.size() > 5 ||
      !std::all_of(port_text.begin(), port_text.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    return bad();
  }
  unsigned port = 0;
  std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port < 1 || port > 65535) return bad();
  ListenAddress address;
  address.port = static_cast<unsigned short>(port);
  // Numeric addresses only: the endpoint binds where it is told, and a host
  // name would make that depend on DNS at start-up.
  unsigned char buffer[16];
  if (host == "localhost") {
    address.host = "127.0.0.1";
  } else if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    std::string inner(host.substr(1, host.size() - 2));
    if (inet_pton(AF_INET6, inner.c_str(), buffer) != 1) return bad();
    address.host = inner;
  } else {
    std::string plain(host);
    if (inet_pton(AF_INET, plain.c_str(), buffer) != 1) return bad();
    address.host = plain;
  }
  return address;
}

}  // namespace config
