// Builds the configured helpdesk backend (config `helpdesk`) from the
// config, so nothing outside lib/helpdesk names a backend.
#pragma once

#include <functional>
#include <memory>

#include "config/config.h"
#include "helpdesk/helpdesk.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/http/http_client.h"

namespace helpdesk {

// What callers vary about a backend beyond the config.
struct HelpdeskTuning {
  // Every wait (retry backoff, rate-limit pause); the daemon passes a
  // cancellable one so shutdown does not wait. Empty: sleep the thread.
  std::function<void(util::Duration)> sleep;
  int max_attempts = 4;                          // per call, for transient failures
  util::Duration timeout = util::Millis(30000);  // per HTTP request
};

// The backend `config.helpdesk` names, talking through `http` (which must
// outlive it). An unknown name is a kConfig error.
util::Result<std::unique_ptr<Helpdesk>> MakeHelpdesk(const config::Config& config, util::http::HttpClient& http,
                                                     const HelpdeskTuning& tuning = {});

}  // namespace helpdesk
