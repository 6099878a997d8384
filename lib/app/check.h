// `slackdesk check`: is this installation ready to run? One line per check
// on `out` (Slack's tokens; the helpdesk's deployment, credentials and
// target; each request type's form and whether it can be raised on behalf
// of customers); returns 0 when every check passed, 1 when one failed. Lines
// marked WARN (credentials over plain http, a config file others can read)
// do not fail it.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"

namespace app {

int RunCheck(const config::Config& config, const std::string& config_origin, std::FILE* out,
             const std::optional<std::string>& config_path = std::nullopt);

// What `check` warns about, also logged at the daemon's start.
std::vector<std::string> ExposureWarnings(const config::Config& config, const std::optional<std::string>& config_path);

}  // namespace app
