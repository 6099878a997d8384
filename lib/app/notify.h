// systemd's notify protocol (sd_notify): READY=1, STATUS=…, STOPPING=1.
// Without $NOTIFY_SOCKET (not under systemd) every call does nothing.
#pragma once

#include <string>

namespace app {

void NotifyReady();
void NotifyStatus(const std::string& status);
void NotifyStopping();

}  // namespace app
