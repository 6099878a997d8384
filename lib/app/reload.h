// SIGHUP, decided: which settings of a freshly read configuration apply to
// the running daemon and which need a restart. Pure.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace app {

struct ReloadPlan {
  config::Config next;                     // the running config with what can change applied
  bool poll_interval_changed = false;
  std::vector<std::string> needs_restart;  // keys that changed but apply only at the next start
};

// `running` is what the daemon uses now; `fresh` what the file says now.
ReloadPlan PlanReload(const config::Config& running, const config::Config& fresh);

}  // namespace app
