// The bot's messages and form as Block Kit JSON, pure. Every text is cut to
// Block Kit's limits (slack-facts.md §4) so no call is refused for length,
// and every message has a plain-text fallback.
#pragma once

#include <string>

#include "bridge/ticket.h"

namespace slack {

using TicketView = bridge::TicketView;

// chat.postMessage bodies. `metadata_key` ("" for none) is stored as
// message metadata {event_type: "slackdesk", event_payload: {key}} so the
// post can be found again after a crash (conversations.replies).
std::string PromptMessage(const std::string& channel, const std::string& thread_ts, const std::string& user,
                          const std::string& button_value, const std::string& metadata_key);
std::string ConfirmationMessage(const std::string& channel, const std::string& thread_ts, const TicketView& ticket,
                                const std::string& metadata_key);
std::string ExistingTicketMessage(const std::string& channel, const std::string& thread_ts, const TicketView& ticket,
                                  const std::string& metadata_key);
std::string TextMessage(const std::string& channel, const std::string& thread_ts, const std::string& text,
                        const std::string& metadata_key);
// One part of an agent's public comment relayed into the thread. `mrkdwn`
// is already rendered from the comment's rich text and at most 3000 characters;
// `part_label` ("" or "(2/3)") tells the parts of a long comment apart.
std::string AgentCommentMessage(const std::string& channel, const std::string& thread_ts, const std::string& agent,
                                const std::string& ticket_key, const std::string& mrkdwn,
                                const std::string& part_label, const std::string& metadata_key);
// chat.update body: the relayed comment's post `ts` now showing `mrkdwn`
// (escaped already), its header marked with `mark` ("(edited)"); the mark
// is in the text too, as Slack shows no edited flag for block updates.
std::string AgentCommentUpdate(const std::string& channel, const std::string& ts, const std::string& agent,
                               const std::string& ticket_key, const std::string& mrkdwn, const std::string& mark);
// chat.update body: the confirmation message `ts` with the ticket's status now.
std::string ConfirmationUpdate(const std::string& channel, const std::string& ts, const TicketView& ticket);

// chat.postEphemeral body: visible to `user` only.
std::string EphemeralMessage(const std::string& channel, const std::string& user, const std::string& thread_ts,
                             const std::string& text);

}  // namespace slack
