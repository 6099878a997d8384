// The pure core: every decision of the bridge, as events in and actions out.
//
//   FactsQuery query = NeededFacts(event, bot_user_id);  // app: what to load
//   Facts facts = ...;                        // app: loads it from the store
//   std::vector<Action> actions = Handle(event, facts);
//   // app: applies records, commits effects to the outbox, opens forms
//
// No I/O, no clock (the time is a fact), no globals: the same event and
// facts always give the same actions. Includes only the standard library,
// fmt and lib/bridge.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/actions.h"
#include "bridge/equality.h"
#include "bridge/events.h"
#include "bridge/ticket.h"

namespace bridge {

// What the form was pre-filled with when the thread's mention was handled.
struct SavedMention {
  std::string mention_ts;
  std::string summary;
  std::string description;
  std::vector<SharedFile> files{};  // shared with the mention
  auto Fields() const { return std::tie(mention_ts, summary, description, files); }
};

// What Handle needs to know besides the event, loaded by app before the call.
struct Facts {
  std::string bot_user_id;              // auth.test's user_id: the bot's own messages
  std::string helpdesk_account_id;      // the helpdesk account slackdesk writes as
  bool channel_allowed = true;          // the event's channel (or its link's) is in allowed_channels
  std::optional<TicketLink> link;       // the link of the event's thread, or of its ticket
  std::optional<SavedMention> mention;  // the saved mention of the event's thread
  bool create_pending = false;          // the thread has no link yet, but a create queued
  std::vector<AddComment> held_replies; // the thread's kept replies, in the order written
  std::string reply_comment_id{};        // the comment the edited message last became ("" unknown)
  std::vector<RelayedComment> relayed{};  // the ticket's agent comments relayed to Slack
};

// Which facts an event needs: the link of `thread` (or of `ticket_key`),
// the saved mention of `thread`, and whether `channel` (or, with
// link_channel, the found link's channel) is allowed.
struct FactsQuery {
  std::optional<ThreadRef> thread;
  std::string ticket_key;  // "" unless the event is about a ticket
  bool mention = false;
  std::string channel;          // "" when no channel policy applies
  bool create_pending = false;  // whether a create is queued for `thread` (asked only when it has no link)
  bool held_replies = false;    // the replies kept for `thread`
  bool link_channel = false;    // the policy of the link's channel (known only once it is loaded)
  std::string reply_ts{};       // the comment recorded for the message (`channel`, reply_ts)
  bool relayed = false;         // the relayed comments of the link's ticket
};

// A top-level message that does not mention the bot (most of a channel's
// traffic) needs nothing: no look-up is made for it.
FactsQuery NeededFacts(const Event& event, std::string_view bot_user_id);

// The decisions for one event, in the order they are to be applied.
std::vector<Action> Handle(const Event& event, const Facts& facts);

// Before an effect runs: the event that settles it without running, when
// running it is no longer needed (a form of a thread that got its ticket
// meanwhile gets that ticket, not a second one). Uses NeededFacts of the
// effect's thread.
std::optional<Event> Precheck(const Effect& effect, const Facts& facts);
FactsQuery NeededFacts(const Effect& effect);

// A form error shown under one input, answered in the view_submission ack.
struct FieldError {
  std::string block_id;
  std::string message;
  auto Fields() const { return std::tie(block_id, message); }
};

// Checked before the ack: one error per input that needs fixing; none when
// the submission may go ahead (or is not ours to check).
std::vector<FieldError> ValidateForm(const FormSubmitted& form);

}  // namespace bridge
