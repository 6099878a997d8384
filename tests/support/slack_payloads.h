// Builders for the Slack payloads tests and the simulator send, in the exact
// shapes of slack-facts.md §2 (events_api wrapper, block_actions,
// view_submission).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

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
  // Files shared with it: a JSON array of file objects (FakeSlack::AddFile);
  // a plain message then has subtype file_share.
  std::string files_json{};
  // Set: a bot's message (the bot's own uploads echo back so).
  std::string bot_id{};
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

// A select changed inside an open modal (envelope type "interactive").
struct ViewSelectSpec {
  std::string user = "U0CUSTOMER";
  std::string user_name;                       // the lower-cased id when empty
  std::string trigger_id;                      // generated when empty
  std::string view_json;                       // the view object as views.open/update returned it
  std::string state_values_json = "{}";        // the other inputs' values, as StateValues().Json() builds them
  std::string element_type = "static_select";  // or external_select, radio_buttons…
  std::string block_id;
  std::string action_id;
  std::string value;      // selected_option.value
  std::string text;       // selected_option.text.text; `value` when empty
  std::string action_ts;  // generated when empty
};

// A block_actions payload from a modal (slack-facts.md §2.3): container
// {type "view", view_id}, the view with state.values (the chosen option set
// under block_id/action_id), no channel, message or response_url, and
// actions[0] {type, action_id, block_id, selected_option{text, value},
// action_ts}. "" when view_json or state_values_json is not a JSON object.
std::string ViewSelectPayload(const ViewSelectSpec& spec);

// Text typed into an external select of an open modal (envelope type
// "interactive"): Slack asks the app for options.
struct BlockSuggestionSpec {
  std::string user = "U0CUSTOMER";
  std::string user_name;  // the lower-cased id when empty
  std::string view_json;  // the view object as views.open/update returned it
  std::string block_id;
  std::string action_id;
  std::string value;  // what the user typed
};

// A block_suggestion payload (slack-facts.md §1.5, §1.6): type, user,
// container {type "view", view_id}, action_id, block_id, value, team, view.
// The app answers in the ack: {"options":[…]} or {"option_groups":[…]}.
// "" when view_json is not a JSON object.
std::string BlockSuggestionPayload(const BlockSuggestionSpec& spec);

// A selected_option as Slack sends it: {"text":{"type":"plain_text",
// "text":label,"emoji":true},"value":value}.
std::string SelectedOptionJson(const std::string& value, const std::string& label);

// The state.values of a view (block_id → action_id → value) in the shape
// Slack sends for each element type (§2.4; bolt view/index.d.ts
// ViewStateValue), for SubmitView and SelectInView:
//   fake::StateValues().Text("summary", "summary_input", "Printer jam")
//       .Select("priority", "priority_select", "3", "Medium").Json()
class StateValues {
 public:
  using Option = std::pair<std::string, std::string>;  // value, label

  // plain_text_input {type, value} (also email_text_input, url_text_input via `type`).
  StateValues& Text(const std::string& block, const std::string& action, const std::string& value,
                    const std::string& type = "plain_text_input");
  // static_select {type, selected_option{text, value}} (external_select and
  // radio_buttons via `type`).
  StateValues& Select(const std::string& block, const std::string& action, const std::string& value,
                      const std::string& label, const std::string& type = "static_select");
  // multi_static_select {type, selected_options[…]} (multi_external_select
  // and checkboxes via `type`).
  StateValues& MultiSelect(const std::string& block, const std::string& action, const std::vector<Option>& options,
                           const std::string& type = "multi_static_select");
  // datepicker {type, selected_date "YYYY-MM-DD"}.
  StateValues& Date(const std::string& block, const std::string& action, const std::string& date);
  // datetimepicker {type, selected_date_time <UNIX seconds>}.
  StateValues& DateTime(const std::string& block, const std::string& action, long long seconds);
  // timepicker {type, selected_time "HH:mm"}.
  StateValues& Time(const std::string& block, const std::string& action, const std::string& time);
  // number_input {type, value} (a string, as typed).
  StateValues& Number(const std::string& block, const std::string& action, const std::string& value);
  // What Slack sends for an input left empty: value, selected_option,
  // selected_date, selected_date_time or selected_time null, or
  // selected_options [] for the multi elements and checkboxes.
  StateValues& Empty(const std::string& block, const std::string& action, const std::string& type);
  // The object {"<block>":{"<action>":{…}}}.
  std::string Json() const;

 private:
  StateValues& Put(const std::string& block, const std::string& action, const std::string& type,
                   const std::string& field_json);
  std::map<std::string, std::map<std::string, std::string>> values_;  // block → action → value object
};

}  // namespace fake
