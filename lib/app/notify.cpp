#include "app/notify.h"

#include <systemd/sd-daemon.h>

namespace app {

void NotifyReady() { sd_notify(0, "READY=1"); }
void NotifyStatus(const std::string& status) { sd_notify(0, ("STATUS=" + status).c_str()); }
void NotifyStopping() { sd_notify(0, "STOPPING=1"); }
void NotifyWatchdog() { sd_notify(0, "WATCHDOG=1"); }

util::Duration WatchdogPingInterval() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return util::Duration(0);
  return std::chrono::microseconds(usec / 2);
}

}  // namespace app
