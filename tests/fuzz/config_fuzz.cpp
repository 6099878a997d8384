// The config reader (config/config.h, config/exposure.h): any file text, as
// an administrator (or a broken deploy) could write it. LoadConfig gives a
// config that passed every check or an error naming where; no secret value
// ever appears in an error, a warning or a log line. Secrets are marked: every "$S" in the input
// becomes a token-shaped tag, and the part after the first NUL is what any
// *_file secret file holds, so the check knows exactly which text is secret.
#include <string>

#include "config/config.h"
#include "config/exposure.h"
#include "fuzz_support.h"
#include "util/log.h"
#include "util/strings.h"

namespace {

constexpr std::string_view kTag = "Sekr3tTagQ9";
constexpr const char* kPath = "/etc/slackdesk/slackdesk.conf";

std::string ExpandTags(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == 'S') {
      out += kTag;
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

size_t CountTags(std::string_view text) {
  size_t count = 0;
  for (size_t at = text.find(kTag); at != std::string_view::npos; at = text.find(kTag, at + 1)) ++count;
  return count;
}

bool IsSecretKey(const std::string& key) {
  // The contract's secrets, listed here rather than read from the key
  // table, so a key that lost its secret flag fails this check.
  for (std::string_view name :
       {"slack_app_token", "slack_bot_token", "jira_api_token", "jira_personal_access_token", "proxy",
        "rt_token"}) {
    if (key == name) return true;
  }
  return false;
}

// True when every tag in the file text sits in the value of a secret key
// (or in a comment), so any tag in an error or a log line was leaked from a
// secret. Read line by line as ParseConfigText does, so a line it rejects
// (whose key an error may name) counts too.
bool TagsOnlyInSecrets(std::string_view text) {
  while (!text.empty()) {
    size_t newline = text.find('\n');
    std::string_view line = util::TrimView(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    if (line.empty() || line.front() == '#' || CountTags(line) == 0) continue;
    size_t equals = line.find('=');
    if (equals == std::string_view::npos) return false;
    std::string_view key = util::TrimView(line.substr(0, equals));
    if (CountTags(key) > 0 || !IsSecretKey(std::string(key))) return false;
  }
  return true;
}

bool g_secret_logged = false;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool sink_set = [] {
    util::log::SetSink([](util::log::Level, const std::string& line) {
      if (line.find(kTag) != std::string::npos) g_secret_logged = true;
    });
    return true;
  }();
  (void)sink_set;

  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t split = input.find('\0');
  std::string text = ExpandTags(input.substr(0, split));
  std::string secret_file = split == std::string_view::npos ? std::string(kTag) : ExpandTags(input.substr(split + 1));
  bool check_leaks = TagsOnlyInSecrets(text);

  config::LoadOptions options;
  options.path = kPath;
  options.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  options.read_file = [&](const std::string& path) -> util::Result<std::string> {
    if (path == kPath) return text;
    return secret_file;
  };
  g_secret_logged = false;
  util::Result<config::Config> config = config::LoadConfig(options);
  if (check_leaks) FUZZ_CHECK(!g_secret_logged, "a secret value was logged");

  if (!config) {
    FUZZ_CHECK(config.error().code == util::ErrorCode::kConfig, config.error().message);
    FUZZ_CHECK(!config.error().message.empty(), "an error says what is wrong");
    if (check_leaks) FUZZ_CHECK(config.error().message.find(kTag) == std::string::npos, config.error().message);
    // Errors name a line and echo at most a value or a path, never a file.
    FUZZ_CHECK(config.error().message.size() <= text.size() + 1024, config.error().message);
  } else {
    // What loaded passed its checks.
    FUZZ_CHECK(util::StartsWith(config->slack_app_token, "xapp-"), "app token shape");
    FUZZ_CHECK(util::StartsWith(config->slack_bot_token, "xoxb-"), "bot token shape");
    FUZZ_CHECK(config->poll_interval_seconds >= 0.2 && config->poll_interval_seconds <= 86400, "poll interval");
    FUZZ_CHECK(config->jira_url.empty() || config->jira_url.back() != '/', config->jira_url);
    FUZZ_CHECK(config->slack_api_url.empty() || config->slack_api_url.back() != '/', config->slack_api_url);
    for (const std::string& channel : config->allowed_channels) {
      FUZZ_CHECK(!channel.empty() && config->IsChannelAllowed(channel), channel);
    }
    if (!config->metrics_listen.empty()) {
      FUZZ_CHECK(config::ParseListenAddress(config->metrics_listen).has_value(), config->metrics_listen);
    }
    // The exposure warnings name keys and hosts, never a secret.
    for (const std::string& warning : config::PlainHttpWarnings(*config)) {
      if (check_leaks) FUZZ_CHECK(warning.find(kTag) == std::string::npos, warning);
    }
  }
  if (auto warning = config::ConfigFileModeWarning(kPath, 0644, text)) {
    if (check_leaks) FUZZ_CHECK(warning->find(kTag) == std::string::npos, *warning);
  }
  for (const std::string& key : config::SecretKeysIn(text)) FUZZ_CHECK(IsSecretKey(key), key);
  std::string host = config::UrlHost(text);
  FUZZ_CHECK(host.size() <= text.size(), host);
  if (config::IsLoopbackHost(text)) FUZZ_CHECK(!text.empty(), "an empty host is not this machine");

  // Listen addresses, as any value could be one.
  if (auto address = config::ParseListenAddress(text)) {
    FUZZ_CHECK(address->port >= 1 && !address->host.empty(), text);
  } else {
    FUZZ_CHECK(!address.error().message.empty(), "an error says what is wrong");
  }
  return 0;
}
