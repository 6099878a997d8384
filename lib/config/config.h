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

#include "util/egress.h"
#include "util/error.h"
#include "util/log.h"

namespace config {

// Where one channel's requests go (channel_routes): a service desk and
// the request types its form offers, the first being the one preselected.
struct ChannelRoute {
  std::string desk_id;
  std::vector<std::string> type_ids;  // at least one

  bool operator==(const ChannelRoute& other) const { return desk_id == other.desk_id && type_ids == other.type_ids; }
};

struct Config {
  std::string slack_app_token;                          // xapp-…, for apps.connections.open
  std::string slack_bot_token;                          // xoxb-…, for the Web API
  std::string slack_api_url = "https://slack.com/api";  // no trailing '/'
  std::string helpdesk = "jira";                        // jira or rt (backends.cpp says what each requires)
  std::string jira_url;                                 // no trailing '/'
  std::string jira_email;                               // Cloud: Basic auth with jira_api_token
  std::string jira_api_token;
  // Data Center / Server: sent as Bearer; when set, jira_email and
  // jira_api_token are neither needed nor used.
  std::string jira_personal_access_token;
  std::string jira_service_desk_id;
  std::vector<std::string> jira_request_type_ids;      // at least one; several: the form offers a choice
  std::map<std::string, ChannelRoute> channel_routes;  // by channel id; unlisted channels use DefaultRoute()
  // Request Tracker 5 (helpdesk = rt), over REST2.
  std::string rt_url;    // no trailing '/'
  std::string rt_token;  // sent as `Authorization: token …`
  std::string rt_queue;
  // The ticket custom field of rt_queue holding slackdesk's idempotency
  // marker (RT has no full-text search to find a ticket by its text).
  std::string rt_marker_field = "slackdesk";
  std::string state_db = "/var/lib/slackdesk/state.db";
  double poll_interval_seconds = 30;          // >= 0.2
  std::vector<std::string> allowed_channels;  // empty: every channel the bot is in
  // Slack Connect: whether the e-mail of a user from another organisation
  // (set by that organisation) may select an existing helpdesk customer.
  bool trust_external_emails = false;
  util::log::Level log_level = util::log::Level::kInfo;
  std::string metrics_listen;  // "host:port" of /metrics; empty: off
  // The way out for every connection: the proxy (the `proxy` key, else
  // https_proxy/HTTPS_PROXY with no_proxy/NO_PROXY) and ca_file.
  util::Egress egress;

  // True when channel is allowed (empty list allows all).
  bool IsChannelAllowed(std::string_view channel) const;
  // Where `channel`'s requests go: its channel_routes entry, else
  // DefaultRoute().
  ChannelRoute RouteFor(std::string_view channel) const;
  // Where requests go when no channel route says otherwise, as the
  // configured backend names it: Jira's service desk and request types, RT's
  // queue and its one form.
  ChannelRoute DefaultRoute() const;
  // The key that sets DefaultRoute(), for messages: "jira_request_type_id".
  std::string DefaultRouteKey() const;
  // The secret values, for util::log::AddSecret.
  std::vector<std::string> Secrets() const;
};

// Where the metrics endpoint listens: a numeric address and a port.
struct ListenAddress {
  std::string host;  // "127.0.0.1", "::1" (no brackets); localhost becomes 127.0.0.1
  unsigned short port = 0;
};

// Pure: parses "host:port" as metrics_listen takes it. The host is an IPv4
// address, an IPv6 address in brackets ("[::1]:9464") or `localhost`; the
// port is a number 1..65535. On failure the message says what was expected
// (without the key; LoadConfig adds it).
util::Result<ListenAddress> ParseListenAddress(std::string_view value);

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
  // Looks up an environment variable; nullopt when unset. Injected for tests;
  // when empty, the environment is treated as empty.
  std::function<std::optional<std::string>(const std::string&)> getenv;
  // Reads a whole file (the config file at `path` and *_file secrets). On
  // failure the error message is the reason alone (e.g. strerror); LoadConfig
  // adds the path. Injected for tests; when empty, reads from disk.
  std::function<util::Result<std::string>(const std::string&)> read_file;
};

// Loads file, then environment, then *_file secrets, applies defaults and
// validates. For every key SLACKDESK_<KEY> beats the file; for a secret X,
// SLACKDESK_X > file X > SLACKDESK_X_FILE > file X_file > SLACK_X (the Slack
// SDK name, tokens only). Empty values count as unset. Errors have code
// kConfig and a message such as
// "/etc/slackdesk/slackdesk.conf:7: unknown key 'pol_interval'" or
// "SLACKDESK_POLL_INTERVAL: poll_interval: must be a number of seconds
// between 0.2 and 86400 (got 'fast')" or "missing required key
// slack_bot_token (set it in the config file or SLACKDESK_SLACK_BOT_TOKEN)";
// a secret value never appears in one.
util::Result<Config> LoadConfig(const LoadOptions& options);

// LoadOptions that read the real environment and the real file system.
LoadOptions SystemLoadOptions(std::optional<std::string> path);

}  // namespace config
