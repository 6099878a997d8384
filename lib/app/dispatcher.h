// Hands events to the core and applies what it decides. For each event it
// loads the facts the core asks for (the thread's link, its saved
// mention, the channel policy, who the bot is), calls bridge::Handle, and
// applies the actions inside the caller's transaction: records to the
// store, side effects to the outbox (through the effect codec), forms to
// open and wake-ups collected for after the commit. Loop thread only.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/core.h"
#include "store/outbox.h"
#include "store/store.h"
#include "store/ticket_store.h"
#include "util/error.h"

namespace app {

class Dispatcher {
 public:
  // `store` must outlive this object; `channel_allowed` is the channel
  // policy (allowed_channels), asked at every event so a reload applies.
  Dispatcher(store::Store& store, std::function<bool(std::string_view channel)> channel_allowed);

  void SetBotUserId(std::string id) { bot_user_id_ = std::move(id); }
  void SetHelpdeskAccountId(std::string id) { helpdesk_account_id_ = std::move(id); }
  // The channel policy as it is now (a SIGHUP may change it).
  bool ChannelAllowed(std::string_view channel) const { return channel_allowed_(channel); }
  // Slack events are handled only once the bot knows who it is.
  bool Ready() const { return !bot_user_id_.empty(); }

  // REQUIRES: a transaction is open on the store (the caller commits).
  util::Status Dispatch(const bridge::Event& event, long long now_ms);
  // Before an effect runs: the event that settles it without running.
  util::Result<std::optional<bridge::Event>> Precheck(const bridge::Effect& effect);

  // What the dispatches since the last call asked for beyond the store, to
  // act on once their transaction committed.
  struct FollowUps {
    bool intents_added = false;  // the runner has work
    bool links_added = false;    // the sync's list of tickets changed
    std::vector<bridge::OpenForm> forms;
    std::vector<bridge::UpdateForm> form_updates;
  };
  // The caller's transaction committed: the follow-ups go to the handler
  // (set once by the daemon: wakes the runner and the sync, opens forms).
  void Committed();
  // Committed in two steps, for a caller with work of its own in between.
  FollowUps TakeFollowUps();
  void Deliver(FollowUps follow_ups);
  // It rolled back: they are dropped (the work is redone from the store).
  void RolledBack() { follow_ups_ = FollowUps{}; }
  void SetFollowUpHandler(std::function<void(FollowUps)> handler) { handler_ = std::move(handler); }

 private:
  util::Result<bridge::Facts> LoadFacts(const bridge::FactsQuery& query);
  util::Status Apply(const bridge::Action& action, long long now_ms);

  store::TicketStore tickets_;
  store::Outbox outbox_;
  std::function<bool(std::string_view)> channel_allowed_;
  std::string bot_user_id_;
  std::string helpdesk_account_id_;
  FollowUps follow_ups_;
  std::function<void(FollowUps)> handler_;
};

}  // namespace app
