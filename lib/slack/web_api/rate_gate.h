// Pacing and rate-limit bookkeeping for Web API calls, pure: time is passed
// in. Two kinds of key share one mechanism:
//  - pace keys ("post:C123"): each reservation is spaced `interval` after the
//    previous one, so a burst queues in order instead of being dropped;
//  - block keys ("method:chat.postMessage"): after a 429, no call before the
//    Retry-After has elapsed.
// Not thread-safe; web_api_client wraps it in a mutex.
//
// An entry whose time has passed means nothing more, and Reserve drops
// them as it goes: a pace key is made per channel, and without the sweep
// every channel ever posted to stayed in memory (about 110 bytes each,
// measured as RSS growing without end in bench_flow).
#pragma once

#include <map>
#include <string>

#include "util/clock.h"

namespace slack::web_api {

class RateGate {
 public:
  // Books the next slot for `key` at or after `earliest`, at least
  // `interval` after the previously booked slot, and returns when it is.
  // Sweeps out entries passed at `now` (the clock: `earliest` may be later,
  // the end of a 429's block, and what is due before it still holds now)
  // once the map has doubled since the last sweep: O(1) per call amortised.
  util::TimePoint Reserve(const std::string& key, util::TimePoint earliest, util::Duration interval,
                          util::TimePoint now);
  // Forbids calls under `key` until `until` (never shortens a block).
  void Block(const std::string& key, util::TimePoint until);
  // When calls under `key` may go again (`now` when not blocked).
  util::TimePoint ReadyAt(const std::string& key, util::TimePoint now) const;
  // Drops entries whose time has passed.
  void Forget(util::TimePoint now);
  // Entries held: the keys with a slot or block still ahead, plus those
  // passed since the last sweep.
  size_t Size() const { return next_.size(); }

 private:
  static constexpr size_t kFirstSweepAt = 64;

  std::map<std::string, util::TimePoint> next_;
  size_t sweep_at_ = kFirstSweepAt;
};

}  // namespace slack::web_api
