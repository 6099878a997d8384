// Where a configuration may expose its secrets, for warnings at start and
// in `slackdesk check`: credentials sent over plain http to a host that is
// not this machine, and a config file holding secrets that other users can
// read (or change). Warnings, not errors: a test double on a LAN or a
// deliberate setup stays possible, but never silently.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace config {

// Pure: one warning per URL key whose credentials go over plain http to a
// non-loopback host (slack_api_url carries the Slack tokens, jira_url the
// Jira credentials). Loopback: localhost, 127.0.0.0/8, [::1].
std::vector<std::string> PlainHttpWarnings(const Config& config);

// Pure: the host of an http(s) URL, without user info, port or brackets.
std::string UrlHost(std::string_view url);
bool IsLoopbackHost(std::string_view host);

// Pure: the secret keys (slack_bot_token, …, not the *_file paths) that
// config file text sets to a value.
std::vector<std::string> SecretKeysIn(std::string_view text);

// The config file at `path` holds secrets (SecretKeysIn) and its mode lets
// users other than its owner and group read it, or anyone but its owner
// change it: the warning, else nullopt. Group-readable is fine: the
// packaged file is 0640 root:slackdesk, read by the service through its
// group. `mode` is st_mode's permission bits.
std::optional<std::string> ConfigFileModeWarning(const std::string& path, unsigned mode, std::string_view text);
// The same, reading the file and its mode from disk (nullopt when it cannot).
std::optional<std::string> ConfigFileWarning(const std::string& path);

}  // namespace config
