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
  std::string parent_user_id;  // thread replies: the parent's author, as Slack sends it
  // The author's workspace. Another one than the bot's (T0001) makes the
  // event what Slack sends from a Slack Connect channel: `team`,
  // `user_team` and `source_team` name the author's, and the envelope says
  // is_ext_shared_channel.
  std::string team = "T0001";
};

// An events_api payload carrying an app_mention event.
std::string AppMentionPayload(const MessageSpec& spec);
// An events_api payload carrying a plain message event (message.channels).
std::string MessagePayload(const MessageSpec& spec);

// A click on a button in a bot message (envelope type "interactive").
struct BlockActionsSpec {
  std::string user = "U0CUSTOMER";
  std::string user_name;  // the lower-cased id when empty
  std::string channel = "C0SUPPORT";
  std::string message_ts;
  std::string thread_ts;  // "" when the message is not in a thread
  std::string message_text;
  std::string message_blocks_json = "[]";  // the message's blocks as posted
  std::string action_id;
  std::string block_id;     // generated when empty
  std::string value;
  std::string button_text;  // `value` when empty
  std::string action_ts;    // generated when empty
  std::string trigger_id;   // generated when empty
};

// A block_actions payload (slack-facts.md §2.3): container of type message
// with channel_id, message_ts and thread_ts, the channel, the message with
// its blocks, and actions[0] the button.
std::string BlockActionsPayload(const BlockActionsSpec& spec);

// A modal submitted (envelope type "interactive").
struct ViewSubmissionSpec {
  std::string user = "U0CUSTOMER";
  std::string user_name;   // the lower-cased id when empty
  std::string trigger_id;  // generated when empty
  std::string view_json;   // the view object as views.open returned it (id, hash, blocks, …)
  std::string state_values_json = "{}";  // block_id → action_id → {type, value…}
};

// A view_submission payload (§2.4): the view with state.values replaced.
// "" when view_json or state_values_json is not a JSON object.
std::string ViewSubmissionPayload(const ViewSubmissionSpec& spec);

}  // namespace fake
