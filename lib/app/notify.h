// systemd's notify protocol (sd_notify): READY=1, STATUS=…, STOPPING=1.
// Without $NOTIFY_SOCKET (not under systemd) every call does nothing.
#pragma once

#include <string>

#include "util/clock.h"

namespace app {

void NotifyReady();
void NotifyStatus(const std::string& status);
void NotifyStopping();
// Keep-alive for WatchdogSec=: sent from the event loop, so a hung loop
// stops sending it and systemd restarts the service.
void NotifyWatchdog();
// Half the watchdog timeout systemd asked for (how often to ping), or zero
// when there is no watchdog.
util::Duration WatchdogPingInterval();

}  // namespace app
