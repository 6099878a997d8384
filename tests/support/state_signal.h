// The lock and change counter around a fake's state, so that tests wait for
// events instead of sleeping: every change calls Bump() under the lock, and
// WaitFor re-evaluates its predicate after each one. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <utility>

namespace fake {

class StateSignal {
 public:
  using Millis = std::chrono::milliseconds;
  using TimePoint = std::chrono::steady_clock::time_point;

  // Guards the owner's state.
  std::mutex& mutex() const { return mutex_; }
  // Counts a change and wakes the waiters. REQUIRES: mutex() held.
  void Bump() {
    ++version_;
    changed_.notify_all();
  }
  // Returns when `predicate` holds or false after `timeout`. `predicate`
  // takes mutex() itself. REQUIRES: mutex() not held.
  bool WaitFor(const std::function<bool()>& predicate, Millis timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      unsigned long long seen;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        seen = version_;
      }
      if (predicate()) return true;
      std::unique_lock<std::mutex> lock(mutex_);
      if (!changed_.wait_until(lock, deadline, [&] { return version_ != seen; })) {
        lock.unlock();
        return predicate();
      }
    }
  }
  // A copy of `field`, part of the owner's state, read under the lock.
  // REQUIRES: mutex() not held.
  template <typename T>
  T Read(const T& field) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return field;
  }
  // Sets `field`, part of the owner's state, to `value` under the lock; a
  // setting, so no waiter is woken. REQUIRES: mutex() not held.
  template <typename T, typename V>
  void Write(T& field, V&& value) {
    std::lock_guard<std::mutex> lock(mutex_);
    field = std::forward<V>(value);
  }
  // Sleeps until `until`, a change, or a spurious wake-up. REQUIRES: `lock`
  // holds mutex().
  void WaitUntil(std::unique_lock<std::mutex>& lock, TimePoint until) const { changed_.wait_until(lock, until); }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  unsigned long long version_ = 0;
};

}  // namespace fake
