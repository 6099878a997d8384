// What to do with each Socket Mode `disconnect` reason, pure.
#pragma once

#include <string_view>

namespace slack::socket_mode {

enum class DisconnectAction {
  // Open a replacement first and close the old socket only once the new one
  // has said hello, so no envelope falls into a gap (refresh_requested,
  // warning, and reasons we do not know).
  kReplaceKeepingOld,
  // Close first, then reconnect after the backoff: the app is over Slack's
  // connection limit, and another socket would only make it worse.
  kCloseThenReconnect,
  // Socket Mode is off in the app settings: close, keep retrying with the
  // backoff, and log at error level so an admin notices.
  kCloseThenReconnectLoudly,
};

DisconnectAction ActionForDisconnect(std::string_view reason);

}  // namespace slack::socket_mode
