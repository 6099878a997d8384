#include "config/config.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <system_error>
#include <utility>

namespace config {
namespace {

using util::ErrorCode;
using util::MakeError;

constexpr std::string_view kWhitespace = " \t\r\n\v\f";
constexpr std::string_view kEnvPrefix = "SLACKDESK_";
constexpr std::string_view kFileSuffix = "_file";
constexpr double kMinPollIntervalSeconds = 0.2;
// Not in the contract, but a poll interval beyond a day is a typo, and
// huge values would overflow the chrono conversions downstream.
constexpr double kMaxPollIntervalSeconds = 86400;
// Config files and credentials are tiny; the cap keeps a mistaken path
// such as /dev/zero from eating the memory.
constexpr size_t kMaxFileBytes = 1 << 20;
// Bad non-secret values are echoed in errors; keep the echo readable.
constexpr size_t kMaxEchoedChars = 100;

std::string_view Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(kWhitespace);
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(kWhitespace);
  return text.substr(begin, end - begin + 1);
}

std::string_view TrimRight(std::string_view text) {
  size_t end = text.find_last_not_of(kWhitespace);
  if (end == std::string_view::npos) return {};
  return text.substr(0, end + 1);
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool HasSpaceOrControl(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
  });
}

std::string EnvName(std::string_view key) {
  std::string name(kEnvPrefix);
  for (char c : key) name += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  return name;
}

// A bad non-secret value, quoted for an error message: control characters
// would garble a terminal or the journal, and a pasted blob should not
// flood it.
std::string Echo(std::string_view value) {
  std::string out = "'";
  for (size_t i = 0; i < value.size() && i < kMaxEchoedChars; ++i) {
    auto u = static_cast<unsigned char>(value[i]);
    out += (u < 0x20 || u == 0x7f) ? '?' : value[i];
  }
  if (value.size() > kMaxEchoedChars) out += "...";
  return out + "'";
}

// Checks a value and stores it in the config; returns the problem, which
// for a secret key never contains the value.
using Setter = std::optional<std::string> (*)(std::string_view value, Config* config);

struct KeySpec {
  std::string_view name;
  bool secret;
  bool required;
  // For the Slack tokens: the name Slack's own SDKs use, consulted last.
  std::string_view sdk_env_name;
  Setter set;
};

std::optional<std::string> SetUrl(std::string_view value, std::string* out) {
  std::string_view rest;
  if (StartsWith(value, "https://")) {
    rest = value.substr(8);
  } else if (StartsWith(value, "http://")) {
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

std::optional<std::string> SetToken(std::string_view value, std::string_view prefix,
                                    std::string_view what, std::string* out) {
  // Never echo the value: say only what shape was expected.
  if (!StartsWith(value, prefix)) {
    std::string problem = "must start with '" + std::string(prefix) + "' (" + std::string(what) +
                          "); the value is not shown";
    if (StartsWith(value, "xoxb-")) problem += ", but it looks like a bot token (xoxb-)";
    if (StartsWith(value, "xapp-")) problem += ", but it looks like an app-level token (xapp-)";
    if (StartsWith(value, "xoxp-")) problem += ", but it looks like a user token (xoxp-)";
    return problem;
  }
  if (value.size() == prefix.size()) return "has nothing after '" + std::string(prefix) + "'";
  if (HasSpaceOrControl(value)) {
    return "must not contain white space or control characters; the value is not shown";
  }
  *out = std::string(value);
  return std::nullopt;
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

std::optional<std::string> SetPlain(std::string_view value, std::string* out) {
  *out = std::string(value);
  return std::nullopt;
}

const KeySpec kKeys[] = {
    {"slack_app_token", true, true, "SLACK_APP_TOKEN",
     [](std::string_view v, Config* c) {
       return SetToken(v, "xapp-", "an app-level token", &c->slack_app_token);
     }},
    {"slack_bot_token", true, true, "SLACK_BOT_TOKEN",
     [](std::string_view v, Config* c) {
       return SetToken(v, "xoxb-", "a bot token", &c->slack_bot_token);
     }},
    {"slack_api_url", false, false, "",
     [](std::string_view v, Config* c) { return SetUrl(v, &c->slack_api_url); }},
    {"helpdesk", false, false, "",
     [](std::string_view v, Config* c) -> std::optional<std::string> {
       if (v != "jira") return "must be jira (got " + Echo(v) + ")";
       c->helpdesk = std::string(v);
       return std::nullopt;
     }},
    // The jira_* keys are required because jira is the only helpdesk.
    {"jira_url", false, true, "",
     [](std::string_view v, Config* c) { return SetUrl(v, &c->jira_url); }},
    {"jira_email", false, true, "",
     [](std::string_view v, Config* c) { return SetWord(v, &c->jira_email); }},
    {"jira_api_token", true, true, "",
     [](std::string_view v, Config* c) -> std::optional<std::string> {
       // It goes into an Authorization header: a newline would split it.
       if (HasSpaceOrControl(v)) {
         return "must not contain white space or control characters; the value is not shown";
       }
       c->jira_api_token = std::string(v);
       return std::nullopt;
     }},
    {"jira_service_desk_id", false, true, "",
     [](std::string_view v, Config* c) { return SetWord(v, &c->jira_service_desk_id); }},
    {"jira_request_type_id", false, true, "",
     [](std::string_view v, Config* c) { return SetWord(v, &c->jira_request_type_id); }},
    {"state_db", false, false, "",
     [](std::string_view v, Config* c) { return SetPlain(v, &c->state_db); }},
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
       while (!v.empty()) {
         size_t comma = v.find(',');
         std::string_view item = Trim(v.substr(0, comma));
         v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
         // An empty item (a trailing comma) is harmless; skip it.
         if (item.empty()) continue;
         bool valid = item.size() >= 2 && (item[0] == 'C' || item[0] == 'G' || item[0] == 'D') &&
                      std::all_of(item.begin() + 1, item.end(), [](char ch) {
                        return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
                      });
         if (!valid) {
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
    {"log_level", false, false, "",
     [](std::string_view v, Config* c) -> std::optional<std::string> {
       if (!util::log::ParseLevel(v, &c->log_level)) {
         return "must be error, warn, info or debug (got " + Echo(v) + ")";
       }
       return std::nullopt;
     }},
    {"metrics_listen", false, false, "",
     [](std::string_view v, Config* c) -> std::optional<std::string> {
       auto address = ParseListenAddress(v);
       if (!address) return address.error().message;
       c->metrics_listen = std::string(v);
       return std::nullopt;
     }},
};

const KeySpec* FindKey(std::string_view name) {
  for (const KeySpec& spec : kKeys) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

// True for the keys a config file may contain: every key, plus <secret>_file.
bool IsFileKey(std::string_view name) {
  if (FindKey(name) != nullptr) return true;
  if (!EndsWith(name, kFileSuffix)) return false;
  const KeySpec* base = FindKey(name.substr(0, name.size() - kFileSuffix.size()));
  return base != nullptr && base->secret;
}

// Errors carry only the reason (as LoadOptions::read_file's do); callers
// add the path.
util::Result<std::string> ReadDiskFile(const std::string& path) {
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  errno = 0;
  std::unique_ptr<std::FILE, Closer> file(std::fopen(path.c_str(), "rb"));
  if (!file) return MakeError(ErrorCode::kConfig, std::strerror(errno));
  std::string content;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    content.append(buffer, n);
    if (content.size() > kMaxFileBytes) {
      return MakeError(ErrorCode::kConfig, "file is larger than 1 MiB");
    }
  }
  // Reading a directory opens fine and fails here with EISDIR.
  if (std::ferror(file.get())) return MakeError(ErrorCode::kConfig, std::strerror(errno));
  return content;
}

// Reads through options.read_file, or from disk when none was injected.
util::Result<std::string> ReadFileWith(const LoadOptions& options, const std::string& path) {
  if (options.read_file) return options.read_file(path);
  return ReadDiskFile(path);
}

// A raw value and where it came from: "<path>:<line>" or an environment
// variable's name. Errors read "<where>: <key>: <problem>".
struct Raw {
  std::string value;
  std::string where;
};

class Resolver {
 public:
  Resolver(const LoadOptions& options, std::map<std::string, Raw> file_values)
      : options_(options), file_values_(std::move(file_values)) {}

  // The value of `key` from the environment (SLACKDESK_<KEY>) or else the
  // file. An empty value counts as unset, so `X=` in a container's
  // environment cannot shadow a real setting.
  std::optional<Raw> Lookup(std::string_view key) const {
    std::string env_name = EnvName(key);
    if (auto env = Env(env_name)) return Raw{std::move(*env), env_name};
    auto it = file_values_.find(std::string(key));
    if (it != file_values_.end()) return it->second;
    return std::nullopt;
  }

  std::optional<std::string> Env(const std::string& name) const {
    if (!options_.getenv) return std::nullopt;
    std::optional<std::string> value = options_.getenv(name);
    if (!value) return std::nullopt;
    std::string trimmed(Trim(*value));
    if (trimmed.empty()) return std::nullopt;
    return trimmed;
  }

  util::Result<std::string> ReadFile(const std::string& path) const {
    return ReadFileWith(options_, path);
  }

 private:
  const LoadOptions& options_;
  std::map<std::string, Raw> file_values_;
};

// Finds the value of a secret key. X beats X_file, the environment beats
// the file for each of them, and the Slack SDK name comes last, so:
//   SLACKDESK_X > file X > SLACKDESK_X_FILE > file X_file > SLACK_X.
// Sets `what` to how error messages should name the key.
util::Result<std::optional<Raw>> ResolveSecret(const KeySpec& spec, const Resolver& resolver,
                                               std::string* what) {
  std::string file_key = std::string(spec.name) + std::string(kFileSuffix);
  std::optional<Raw> plain = resolver.Lookup(spec.name);
  std::optional<Raw> indirect = resolver.Lookup(file_key);
  if (plain) {
    if (indirect) {
      // Not an error (the contract says X wins), but easy to trip over when
      // moving a token into a systemd credential.
      util::log::Warn("config: {} is set ({}), so {} ({}) is ignored", spec.name, plain->where,
                      file_key, indirect->where);
    }
    return plain;
  }
  if (indirect) {
    util::Result<std::string> content = resolver.ReadFile(indirect->value);
    if (!content) {
      return MakeError(ErrorCode::kConfig, indirect->where + ": " + file_key +
                                               ": cannot read secret file " + indirect->value +
                                               ": " + content.error().message);
    }
    *what = std::string(spec.name) + " (read from " + indirect->value + ")";
    std::string value(TrimRight(*content));
    if (value.empty()) {
      return MakeError(ErrorCode::kConfig, indirect->where + ": " + *what + ": the file is empty");
    }
    return Raw{std::move(value), indirect->where};
  }
  if (!spec.sdk_env_name.empty()) {
    std::string sdk_name(spec.sdk_env_name);
    if (auto env = resolver.Env(sdk_name)) return Raw{std::move(*env), sdk_name};
  }
  return std::optional<Raw>();
}

}  // namespace

util::Result<ListenAddress> ParseListenAddress(std::string_view value) {
  auto bad = [value] {
    return MakeError(ErrorCode::kConfig,
                     "must be host:port with an IPv4 address, [IPv6 address] or localhost and a port "
                     "1-65535, e.g. 127.0.0.1:9464 (got " + Echo(value) + ")");
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

bool Config::IsChannelAllowed(std::string_view channel) const {
  if (allowed_channels.empty()) return true;
  return std::find(allowed_channels.begin(), allowed_channels.end(), channel) !=
         allowed_channels.end();
}

std::vector<std::string> Config::Secrets() const {
  std::vector<std::string> secrets;
  for (const std::string* secret : {&slack_app_token, &slack_bot_token, &jira_api_token}) {
    if (!secret->empty()) secrets.push_back(*secret);
  }
  return secrets;
}

util::Result<std::vector<Entry>> ParseConfigText(std::string_view text, std::string_view origin) {
  // Editors on Windows like to start UTF-8 files with a byte order mark.
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (StartsWith(text, kBom)) text.remove_prefix(kBom.size());

  std::vector<Entry> entries;
  int line_number = 0;
  while (!text.empty()) {
    size_t newline = text.find('\n');
    std::string_view line = Trim(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    ++line_number;
    if (line.empty() || line.front() == '#') continue;

    std::string where = std::string(origin) + ":" + std::to_string(line_number);
    size_t equals = line.find('=');
    // The line itself is not echoed: it may be a pasted token.
    if (equals == std::string_view::npos) {
      return MakeError(ErrorCode::kConfig, where + ": expected 'key = value'");
    }
    std::string_view key = Trim(line.substr(0, equals));
    std::string_view value = Trim(line.substr(equals + 1));
    if (key.empty()) return MakeError(ErrorCode::kConfig, where + ": missing key before '='");
    if (!value.empty() && value.front() == '"') {
      if (value.size() < 2 || value.back() != '"') {
        return MakeError(ErrorCode::kConfig,
                         where + ": " + std::string(key) + ": missing closing '\"'");
      }
      value = value.substr(1, value.size() - 2);
    }
    entries.push_back(Entry{std::string(key), std::string(value), line_number});
  }
  return entries;
}

util::Result<Config> LoadConfig(const LoadOptions& options) {
  std::map<std::string, Raw> file_values;
  if (options.path) {
    const std::string& path = *options.path;
    util::Result<std::string> text = ReadFileWith(options, path);
    if (!text) {
      return MakeError(ErrorCode::kConfig,
                       path + ": cannot read config file: " + text.error().message);
    }
    util::Result<std::vector<Entry>> entries = ParseConfigText(*text, path);
    if (!entries) return tl::make_unexpected(entries.error());

    std::map<std::string, int> first_line;
    for (Entry& entry : *entries) {
      std::string where = path + ":" + std::to_string(entry.line);
      if (!IsFileKey(entry.key)) {
        // Redact in case a token was pasted where a key belongs.
        return MakeError(ErrorCode::kConfig,
                         where + ": unknown key '" + util::log::Redact(entry.key) + "'");
      }
      auto [it, inserted] = first_line.emplace(entry.key, entry.line);
      if (!inserted) {
        return MakeError(ErrorCode::kConfig, where + ": duplicate key '" + entry.key +
                                                 "' (first set on line " +
                                                 std::to_string(it->second) + ")");
      }
      // An empty value means "not set here", as in the environment.
      if (!entry.value.empty()) {
        file_values.emplace(entry.key, Raw{std::move(entry.value), std::move(where)});
      }
    }
  }

  // The environment is only asked about the names below, so unknown
  // SLACKDESK_* variables (SLACKDESK_CONFIG, other tools') are ignored.
  Resolver resolver(options, std::move(file_values));
  Config config;
  for (const KeySpec& spec : kKeys) {
    std::string what(spec.name);
    std::optional<Raw> raw;
    if (spec.secret) {
      util::Result<std::optional<Raw>> secret = ResolveSecret(spec, resolver, &what);
      if (!secret) return tl::make_unexpected(secret.error());
      raw = std::move(*secret);
    } else {
      raw = resolver.Lookup(spec.name);
    }
    if (!raw) {
      if (spec.required) {
        return MakeError(ErrorCode::kConfig, "missing required key " + std::string(spec.name) +
                                                 " (set it in the config file or " +
                                                 EnvName(spec.name) + ")");
      }
      continue;  // the default in Config stands
    }
    if (std::optional<std::string> problem = spec.set(raw->value, &config)) {
      return MakeError(ErrorCode::kConfig, raw->where + ": " + what + ": " + *problem);
    }
  }
  return config;
}

LoadOptions SystemLoadOptions(std::optional<std::string> path) {
  LoadOptions options;
  options.path = std::move(path);
  options.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  options.read_file = ReadDiskFile;
  return options;
}

}  // namespace config
