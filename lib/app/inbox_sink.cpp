#include "app/inbox_sink.h"

#include <algorithm>

#include "util/clock.h"
#include "util/log.h"

namespace app {

InboxSink::InboxSink(store::Store& store, std::function<void()> on_recorded, Decider decide, util::Metrics* metrics,
                     InlineHandling* handle_inline, DurableGate* durable)
    : store_(store),
      on_recorded_(std::move(on_recorded)),
      decide_(std::move(decide)),
      inline_(handle_inline),
      durable_(durable) {
  if (metrics != nullptr) {
    duplicates_ = &metrics->GetCounter("envelopes_duplicate", "Socket Mode envelopes recognised as redeliveries.");
  }
}

slack::socket_mode::AckDecision InboxSink::Decide(const slack::socket_mode::Frame& frame) {
  return decide_ ? decide_(frame) : slack::socket_mode::AckDecision{};
}

util::Status InboxSink::Record(const std::vector<slack::socket_mode::Frame>& batch) {
  std::vector<store::InboxEnvelope> envelopes;
  envelopes.reserve(batch.size());
  long long now = util::WallMillisNow();
  for (const auto& frame : batch) {
    envelopes.push_back(store::InboxEnvelope{frame.envelope_id, frame.type, frame.dedupe_keys, frame.payload_json, now});
  }
  // Only Events API traffic (messages, mentions: nearly all of it) is handled
  // inline. A form submission starts a ticket create, whose reconcile after a
  // crash must wait out the helpdesk's search lag: it keeps a loop turn
  // between its ack and the create, as the pending path gives it.
  bool events_only = std::all_of(batch.begin(), batch.end(), [](const auto& f) { return f.type == "events_api"; });
  store::Store::InboxHandler handler =
      inline_ != nullptr && events_only ? inline_->InlineHandler() : store::Store::InboxHandler();
  auto fresh = store_.RecordEnvelopes(envelopes, handler, [this] { return inline_->BeforeCommit(); });
  if (handler) {
    inline_->Recorded(fresh.has_value());
  } else if (inline_ != nullptr && fresh) {
    inline_->PendingAdded();  // later envelopes wait behind these
  }
  if (!fresh) return tl::make_unexpected(fresh.error());
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto& frame = batch[i];
    if ((*fresh)[i]) {
      util::log::Debug("envelope={} recorded: {}", frame.envelope_id, frame.summary);
    } else {
      if (duplicates_ != nullptr) duplicates_->Inc();
      util::log::Info("envelope={} is a redelivery (retry_attempt={}{}{}): acked again, not handled twice: {}",
                      frame.envelope_id, frame.retry_attempt, frame.retry_reason.empty() ? "" : ", reason=",
                      frame.retry_reason, frame.summary);
    }
  }
  return util::Ok();
}

void InboxSink::WhenDurable(std::function<void()> then) {
  if (durable_ != nullptr) {
    durable_->After(std::move(then));
  } else {
    then();
  }
}

void InboxSink::OnRecorded() {
  if (on_recorded_) on_recorded_();
}

}  // namespace app
