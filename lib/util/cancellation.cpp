#include "util/cancellation.h"

namespace util {

void Cancellation::Cancel() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
  }
  wake_.notify_all();
}

bool Cancellation::SleepFor(Duration duration) {
  std::unique_lock<std::mutex> lock(mutex_);
  return !wake_.wait_for(lock, duration, [this] { return cancelled_.load(); });
}

}  // namespace util
