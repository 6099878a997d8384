#include "config/config.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>

#include "config/config_keys.h"
#include "util/strings.h"

namespace config {

namespace {

using internal::EnvName;
using internal::MissingKey;
using internal::KeySpec;
using internal::kFileSuffix;
using util::ErrorCode;
using util::MakeError;

constexpr std::string_view kWhitespace = " \t\r\n\v\f";
// Config files and credentials are tiny; the cap keeps a mistaken path
// such as /dev/zero from eating the memory.
constexpr size_t kMaxFileBytes = 1 << 20;

std::string_view TrimRight(std::string_view text) {
  size_t end = text.find_last_not_of(kWhitespace);
  if (end == std::string_view::npos) return {};
  return text.substr(0, end + 1);
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
    std::string trimmed(util::TrimView(*value));
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

// Without the proxy key, the environment's proxy as libcurl and the Slack
// SDKs read it (lower case first, as curl does). no_proxy counts only
// then: with an explicit proxy the admin meant every connection.
util::Status ApplyProxyEnvironment(const Resolver& resolver, Config* config) {
  if (config->egress.proxy) return {};
  for (const char* name : {"https_proxy", "HTTPS_PROXY"}) {
    std::optional<std::string> value = resolver.Env(name);
    if (!value) continue;
    auto proxy = util::ParseProxyUrl(*value, /*scheme_optional=*/true);
    if (!proxy) return MakeError(ErrorCode::kConfig, std::string(name) + ": " + proxy.error().message);
    config->egress.proxy = std::move(*proxy);
    config->egress.proxy_origin = name;
    for (const char* no_proxy : {"no_proxy", "NO_PROXY"}) {
      if (auto list = resolver.Env(no_proxy)) {
        config->egress.no_proxy = util::ParseNoProxy(*list);
        break;
      }
    }
    break;
  }
  return {};
}

// A ca_file that cannot be read or holds no certificate would only show
// up as a TLS failure on the first connection; say so at load instead.
util::Status CheckCaFile(const Resolver& resolver, const Config& config) {
  if (config.egress.ca_file.empty()) return {};
  util::Result<std::string> content = resolver.ReadFile(config.egress.ca_file);
  if (!content) {
    return MakeError(ErrorCode::kConfig,
                     "ca_file: cannot read " + config.egress.ca_file + ": " + content.error().message);
  }
  if (content->find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return MakeError(ErrorCode::kConfig, "ca_file: " + config.egress.ca_file +
                                             " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  }
  return {};
}

}  // namespace

bool Config::IsChannelAllowed(std::string_view channel) const {
  if (allowed_channels.empty()) return true;
  return std::find(allowed_channels.begin(), allowed_channels.end(), channel) != allowed_channels.end();
}

ChannelRoute Config::RouteFor(std::string_view channel) const {
  auto route = channel_routes.find(std::string(channel));
  if (route != channel_routes.end()) return route->second;
  return DefaultRoute();
}

std::vector<std::string> Config::Secrets() const {
  std::vector<std::string> secrets;
  for (const std::string* secret :
       {&slack_app_token, &slack_bot_token, &jira_api_token, &jira_personal_access_token, &rt_token}) {
    if (!secret->empty()) secrets.push_back(*secret);
  }
  if (egress.proxy && !egress.proxy->password.empty()) secrets.push_back(egress.proxy->password);
  return secrets;
}

util::Result<std::vector<Entry>> ParseConfigText(std::string_view text, std::string_view origin) {
  // Editors on Windows like to start UTF-8 files with a byte order mark.
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (util::StartsWith(text, kBom)) text.remove_prefix(kBom.size());

  std::vector<Entry> entries;
  int line_number = 0;
  while (!text.empty()) {
    size_t newline = text.find('\n');
    std::string_view line = util::TrimView(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    ++line_number;
    if (line.empty() || line.front() == '#') continue;

    std::string where = std::string(origin) + ":" + std::to_string(line_number);
    size_t equals = line.find('=');
    // The line itself is not echoed: it may be a pasted token.
    if (equals == std::string_view::npos) {
      return MakeError(ErrorCode::kConfig, where + ": expected 'key = value'");
    }
    std::string_view key = util::TrimView(line.substr(0, equals));
    std::string_view value = util::TrimView(line.substr(equals + 1));
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
      if (!internal::IsFileKey(entry.key)) {
        // Redact in case a token was pasted where a key belongs, and echo
        // at most a bounded part: a pasted blob must not flood the journal.
        return MakeError(ErrorCode::kConfig, where + ": unknown key " + internal::Echo(util::log::Redact(entry.key)));
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
  for (const KeySpec& spec : internal::Keys()) {
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
      if (spec.required) return MakeError(ErrorCode::kConfig, MissingKey(spec.name));
      continue;  // the default in Config stands
    }
    if (std::optional<std::string> problem = spec.set(raw->value, &config)) {
      return MakeError(ErrorCode::kConfig, raw->where + ": " + what + ": " + *problem);
    }
  }
  // What is required depends on the backend, known only now.
  if (auto problem = internal::CheckBackendKeys(config)) return MakeError(ErrorCode::kConfig, *problem);
  if (util::Status status = ApplyProxyEnvironment(resolver, &config); !status) {
    return tl::make_unexpected(status.error());
  }
  if (util::Status status = CheckCaFile(resolver, config); !status) return tl::make_unexpected(status.error());
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
