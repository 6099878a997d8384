#include "slack/socket_mode/disconnect_policy.h"

namespace slack::socket_mode {

DisconnectAction ActionForDisconnect(std::string_view reason) {
  if (reason == "too_many_websockets") return DisconnectAction::kCloseThenReconnect;
  if (reason == "link_disabled") return DisconnectAction::kCloseThenReconnectLoudly;
  return DisconnectAction::kReplaceKeepingOld;
}

}  // namespace slack::socket_mode
