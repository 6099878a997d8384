// A process-wide "stop now" for blocking work on worker threads: HTTP
// transfers abort and back-off sleeps return early once Cancel() is
// called, so a shutdown is not held up by a 30 s timeout or a long
// Retry-After. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "util/clock.h"

namespace util {

class Cancellation {
 public:
  void Cancel();
  bool Cancelled() const { return cancelled_.load(); }
  // Sleeps for `duration` or until cancelled; false when cancelled.
  bool SleepFor(Duration duration);

 private:
  std::atomic<bool> cancelled_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
};

}  // namespace util
