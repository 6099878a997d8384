// Internal to lib/config: the table of keys and the checks that turn a raw
// value into a Config field. config.cpp finds the raw values (file,
// environment, *_file secrets) and layers them; this file says what each
// key accepts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace config::internal {

constexpr std::string_view kFileSuffix = "_file";

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

// Every key, in the order LoadConfig resolves them.
const std::vector<KeySpec>& Keys();

// True for the keys a config file may contain: every key, plus <secret>_file.
bool IsFileKey(std::string_view name);

// The environment variable that sets `key`: SLACKDESK_<KEY>.
std::string EnvName(std::string_view key);

// "missing required key K (set it in the config file or SLACKDESK_K)".
std::string MissingKey(std::string_view key);

// nullopt when `name` is a helpdesk backend (backends.cpp), else the error.
std::optional<std::string> CheckHelpdeskName(std::string_view name);

// After every key was read: the keys the configured backend requires
// (backends.cpp), as the error naming the first one missing, or the
// setting that backend cannot take.
std::optional<std::string> CheckBackendKeys(const Config& config);

// A bad non-secret value, quoted for an error message: control characters
// become '?' and a long value is cut.
std::string Echo(std::string_view value);

}  // namespace config::internal
