#include "slack/web_api/rate_gate.h"

#include <algorithm>

namespace slack::web_api {

util::TimePoint RateGate::Reserve(const std::string& key, util::TimePoint earliest, util::Duration interval,
                                  util::TimePoint now) {
  util::TimePoint slot = earliest;
  auto it = next_.find(key);
  if (it != next_.end()) slot = std::max(earliest, it->second);
  next_[key] = slot + interval;
  if (next_.size() >= sweep_at_) {
    Forget(now);
    sweep_at_ = std::max(kFirstSweepAt, 2 * next_.size());
  }
  return slot;
}

void RateGate::Block(const std::string& key, util::TimePoint until) {
  auto it = next_.find(key);
  if (it == next_.end() || it->second < until) next_[key] = until;
}

util::TimePoint RateGate::ReadyAt(const std::string& key, util::TimePoint now) const {
  auto it = next_.find(key);
  return it == next_.end() ? now : std::max(now, it->second);
}

void RateGate::Forget(util::TimePoint now) {
  for (auto it = next_.begin(); it != next_.end();) {
    it = it->second <= now ? next_.erase(it) : std::next(it);
  }
}

}  // namespace slack::web_api
