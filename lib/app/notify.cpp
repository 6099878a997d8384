#include "app/notify.h"

#include <systemd/sd-daemon.h>

namespace app {

void NotifyReady() { sd_notify(0, "READY=1"); }
void NotifyStatus(const std::string& status) { sd_notify(0, ("STATUS=" + status).c_str()); }
void NotifyStopping() { sd_notify(0, "STOPPING=1"); }

}  // namespace app
