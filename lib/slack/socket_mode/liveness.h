// Decides when a Socket Mode connection needs a ping and when it is dead,
// pure. Liveness is judged by transport frames (any inbound data, ping or
// pong), never by application events: a quiet workspace is not a dead
// socket, but a half-open TCP path is (slack-facts.md §5, zombie entries).
#pragma once

#include "util/clock.h"

namespace slack::socket_mode {

struct LivenessPolicy {
  util::Duration ping_after = util::Millis(3000);  // quiet this long: send a ping
  util::Duration dead_after = util::Millis(10000); // nothing at all this long: dead
};

enum class LivenessVerdict { kFine, kSendPing, kDead };

// `last_inbound` is when anything last arrived; `last_ping` when we last
// pinged (pings are not repeated faster than `ping_after`).
LivenessVerdict JudgeLiveness(const LivenessPolicy& policy, util::TimePoint now, util::TimePoint last_inbound,
                              util::TimePoint last_ping);

}  // namespace slack::socket_mode
