// Builders for the Slack payloads tests and the simulator send, in the exact
// shapes of slack-facts.md §2 (events_api wrapper, block_actions,
// view_submission).
#pragma once

#include <string>

namespace fake {

struct MessageSpec {
  std::string channel = "C0SUPPORT";
  std::string user = "U0CUSTOMER";
  std::string text;
  std::string ts;         // generated when empty
  std::string thread_ts;  // "" for a top-level message
  std::string event_id;   // generated when empty
};

// An events_api payload carrying an app_mention event.
std::string AppMentionPayload(const MessageSpec& spec);
// An events_api payload carrying a plain message event (message.channels).
std::string MessagePayload(const MessageSpec& spec);

}  // namespace fake
