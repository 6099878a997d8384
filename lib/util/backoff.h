// Exponential backoff with jitter, pure: the caller passes the randomness
// in, so tests can pin it. Used for reconnects and for retries of transient
// remote failures.
#pragma once

#include "util/clock.h"

namespace util {

struct BackoffPolicy {
  Millis initial{500};   // first delay (before jitter)
  Millis max{30000};     // cap
  double factor = 2.0;
};

// The delay before retry number `attempt` (1 for the first retry):
// min(max, initial * factor^(attempt-1)) scaled by a jitter factor in
// [0.5, 1.0] taken from `unit_random` in [0, 1). "Equal jitter" keeps the
// delay from collapsing to zero, which would turn a fleet of reconnecting
// clients into a storm, while still spreading them apart.
Millis BackoffDelay(const BackoffPolicy& policy, int attempt, double unit_random);

// A uniformly random number in [0, 1) from a per-thread generator.
double UnitRandom();

}  // namespace util
