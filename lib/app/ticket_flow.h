// The seed flow on the event loop: turns recorded envelopes into outbox
// intents (one transaction with marking the envelope handled), validates
// forms before their ack, opens the form at once on a click, and writes the
// follow-ups of every finished intent (link, confirmation, notices).
// Decisions come from bridge/flow.h; texts from slack/messages.h.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "app/side_effects.h"
#include "config/config.h"
#include "slack/interactions.h"
#include "slack/socket_mode/socket_mode_client.h"
#include "store/outbox.h"
#include "store/store.h"
#include "store/ticket_store.h"

namespace app {

class TicketFlow {
 public:
  // `open_form` sends a views.open body on the fast lane (never queued
  // behind other work: the trigger dies after 3 s).
  TicketFlow(const config::Config& config, store::Store& store, std::function<void(std::string)> open_form);

  void SetBotUserId(std::string bot_user_id) { bot_user_id_ = std::move(bot_user_id); }
  // Called when a thread gets its ticket (the sync's list of links changed).
  void SetOnLinkAdded(std::function<void()> on_link_added) { on_link_added_ = std::move(on_link_added); }
  // Envelopes are handled only once the bot knows who it is.
  bool Ready() const { return !bot_user_id_.empty(); }

  // Before the ack: an invalid form is answered in the ack and not kept.
  slack::socket_mode::AckDecision Decide(const slack::socket_mode::Frame& frame) const;
  // Handles recorded envelopes in order and marks them done, all in one
  // transaction (on an error nothing of the batch is kept; it is retried).
  util::Status Handle(const std::vector<store::InboxItem>& items);

  // Before an intent runs: an outcome that makes running it unnecessary
  // (a thread that got its ticket meanwhile is not given a second one).
  std::optional<Outcome> Precheck(const store::OutboxItem& item);
  // Inside the runner's transaction, after an outcome was recorded.
  util::Status OnDone(const store::OutboxItem& item, const std::string& result);
  util::Status OnRetry(const store::OutboxItem& item, const Outcome& outcome);
  util::Status OnFailed(const store::OutboxItem& item, const util::Error& error);

 private:
  util::Status HandleMessage(const std::string& payload);
  // A person's reply (or edit) in a linked thread becomes a ticket comment.
  util::Status HandleReply(const slack::MessageEvent& message, bool edit);
  util::Status HandleInteraction(const std::string& payload, const std::string& envelope_id);
  util::Status Add(const store::Intent& intent);
  util::Status Notice(const std::string& key, const std::string& channel, const std::string& thread_ts,
                      const std::string& text);

  const config::Config& config_;
  store::Store& store_;
  store::TicketStore tickets_;
  store::Outbox outbox_;
  std::function<void(std::string)> open_form_;
  std::string bot_user_id_;
  std::function<void()> on_link_added_;
};

}  // namespace app
