// The daemon's configuration, exactly as docs/config.md and the contract
// describe it: a flat `key = value` file, SLACKDESK_<KEY> environment
// overrides, `<secret>_file` indirection for systemd LoadCredential=, and
// defaults. Loading validates everything once; a bad config is an error that
// names the key (and the file line) and never echoes a secret value.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"
#include "util/log.h"

namespace config {

struct Config {
  std::string slack_app_token;                          // xapp-…, for apps.connections.open
  std::string slack_bot_token;                          // xoxb-…, for the Web API
  std::string slack_api_url = "https://slack.com/api";  // no trailing '/'
  std::string helpdesk = "jira";                        // the only backend so far
  std::string jira_url;                                 // no trailing '/'
  std::string jira_email;
  std::string jira_api_token;
  std::string jira_service_desk_id;
  std::string jira_request_type_id;
  std::string state_db = "/var/lib/slackdesk/state.db";
  double poll_interval_seconds = 30;            // >= 0.2
  std::vector<std::string> allowed_channels;    // empty: every channel the bot is in
  util::log::Level log_level = util::log::Level::kInfo;

  // True when channel is allowed (empty list allows all).
  bool IsChannelAllowed(std::string_view channel) const;
  // The secret values, for util::log::AddSecret.
  std::vector<std::string> Secrets() const;
};

// One `key = value` line of a config file.
struct Entry {
  std::string key;
  std::string value;
  int line = 0;
};

// Pure: splits config file text into entries. Blank lines and lines whose
// first non-blank character is '#' are skipped; keys and values are trimmed;
// a value may be wrapped in double quotes. A line without '=' or with an
// empty key is an error naming `origin` and the line number.
util::Result<std::vector<Entry>> ParseConfigText(std::string_view text, std::string_view origin);

struct LoadOptions {
  // The file to read; nullopt reads no file (environment-only configuration).
  std::optional<std::string> path;
  // Looks up an environment variable; nullopt when unset. Injected for tests.
  std::function<std::optional<std::string>(const std::string&)> getenv;
  // Reads a whole file (for *_file secrets). Injected for tests; default
  // reads from disk.
  std::function<util::Result<std::string>(const std::string&)> read_file;
};

// Loads file, then environment, then *_file secrets, applies defaults and
// validates. Errors have code kConfig and a message such as
// "/etc/slackdesk/slackdesk.conf:7: unknown key 'pol_interval'" or
// "poll_interval: must be a number >= 0.2 (got 'fast')" or
// "missing required key slack_bot_token (or SLACKDESK_SLACK_BOT_TOKEN)".
util::Result<Config> LoadConfig(const LoadOptions& options);

// LoadOptions that read the real environment and the real file system.
LoadOptions SystemLoadOptions(std::optional<std::string> path);

}  // namespace config
