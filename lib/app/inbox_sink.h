// The Socket Mode envelope sink backed by the store's inbox: an envelope is
// committed to SQLite before it is acked, and a redelivery (same envelope,
// event, message or interaction) is recognised by its dedupe keys and acked
// again without being recorded twice (and counted, with metrics, as
// slackdesk_envelopes_duplicate_total).
#pragma once

#include <functional>

#include "app/durable_gate.h"
#include "slack/socket_mode/socket_mode_client.h"
#include "store/store.h"
#include "util/metrics.h"

namespace app {

class InboxSink : public slack::socket_mode::EnvelopeSink {
 public:
  using Decider = std::function<slack::socket_mode::AckDecision(const slack::socket_mode::Frame&)>;
  // Envelopes handled as they are recorded (InboxProcessor implements it).
  class InlineHandling {
   public:
    virtual ~InlineHandling() = default;
    // A handler for the envelopes about to be recorded, or empty.
    virtual store::Store::InboxHandler InlineHandler() = 0;
    // Last in the recording transaction, after the handler's work.
    virtual util::Status BeforeCommit() = 0;
    // After a batch recorded with the handler: whether it committed.
    virtual void Recorded(bool committed) = 0;
    // A batch was recorded as pending (not handled inline).
    virtual void PendingAdded() = 0;
  };
  // `store` must outlive this object; `on_recorded` runs after each
  // recorded batch (the inbox processor's wake-up); `decide` (optional) answers
  // envelopes whose ack carries a payload; `metrics` and `durable`
  // (optional: commits are durable as made) must outlive this object.
  InboxSink(store::Store& store, std::function<void()> on_recorded, Decider decide = {},
            util::Metrics* metrics = nullptr, InlineHandling* handle_inline = nullptr, DurableGate* durable = nullptr);
  slack::socket_mode::AckDecision Decide(const slack::socket_mode::Frame& frame) override;
  util::Status Record(const std::vector<slack::socket_mode::Frame>& batch) override;
  void WhenDurable(std::function<void()> then) override;
  void OnRecorded() override;

 private:
  store::Store& store_;
  std::function<void()> on_recorded_;
  Decider decide_;
  InlineHandling* inline_;  // null: every envelope waits in the inbox
  DurableGate* durable_;    // null: commits are durable as made
  util::Counter* duplicates_ = nullptr;  // null when metrics are off
};

}  // namespace app
