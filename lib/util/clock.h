// Time as a parameter: pure code takes a TimePoint; adapters read the clock
// through this interface so tests can drive time.
#pragma once

#include <chrono>

namespace util {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;
using Duration = SteadyClock::duration;
using Millis = std::chrono::milliseconds;

// Milliseconds since the Unix epoch, for values stored on disk or sent out.
long long WallMillisNow();

}  // namespace util
