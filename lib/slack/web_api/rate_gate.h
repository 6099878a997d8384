// Pacing and rate-limit bookkeeping for Web API calls, pure: time is passed
// in. Two kinds of key share one mechanism:
//  - pace keys ("post:C123"): each reservation is spaced `interval` after the
//    previous one, so a burst queues in order instead of being dropped;
//  - block keys ("method:chat.postMessage"): after a 429, no call before the
//    Retry-After has elapsed.
// Not thread-safe; web_api_client wraps it in a mutex.
#pragma once

#include <map>
#include <string>

#include "util/clock.h"

namespace slack::web_api {

class RateGate {
 public:
  // Books the next slot for `key` at or after `now`, at least `interval`
  // after the previously booked slot, and returns when it is.
  util::TimePoint Reserve(const std::string& key, util::TimePoint now, util::Duration interval);
  // Forbids calls under `key` until `until` (never shortens a block).
  void Block(const std::string& key, util::TimePoint until);
  // When calls under `key` may go again (`now` when not blocked).
  util::TimePoint ReadyAt(const std::string& key, util::TimePoint now) const;
  // Drops entries whose time has passed, so the map does not grow forever.
  void Forget(util::TimePoint now);

 private:
  std::map<std::string, util::TimePoint> next_;
};

}  // namespace slack::web_api
