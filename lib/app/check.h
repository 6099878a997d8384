// `slackdesk check`: is this installation ready to run? One line per check
// on `out`; returns 0 when every check passed, 1 when one failed.
#pragma once

#include <cstdio>
#include <string>

#include "config/config.h"

namespace app {

int RunCheck(const config::Config& config, const std::string& config_origin, std::FILE* out);

}  // namespace app
