#include "app/inbox_sink.h"

#include "util/clock.h"
#include "util/log.h"

namespace app {

InboxSink::InboxSink(store::Store& store, std::function<void()> on_recorded, Decider decide, util::Metrics* metrics)
    : store_(store), on_recorded_(std::move(on_recorded)), decide_(std::move(decide)) {
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
  auto fresh = store_.RecordEnvelopes(envelopes);
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

void InboxSink::OnRecorded() {
  if (on_recorded_) on_recorded_();
}

}  // namespace app
