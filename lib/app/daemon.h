// The composition root of `slackdesk run`: owns the event loop, the store,
// the Slack clients and the worker threads, and wires them together. One
// thread runs the io_context; the store and all flow state live there;
// blocking HTTP runs on worker threads whose results are posted back. With
// metrics_listen set it owns the util::Metrics the components record into
// and serves it at /metrics on the same loop.
#pragma once

#include <optional>
#include <string>

#include "config/config.h"

namespace app {

// Runs the daemon until SIGTERM or SIGINT. Returns the exit code: 0 after a
// clean stop, 1 on a runtime failure (store unusable, bot token refused).
// SIGHUP reads `config_path` (nullopt: the environment only) again and
// applies what can change while running.
int RunDaemon(const config::Config& config, const std::optional<std::string>& config_path);

}  // namespace app
