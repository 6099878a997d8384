// Keeps the rule of exactly once while commits do not wait for the disk:
// what a commit leads to (an envelope's ack, a side effect, a form) leaves
// the process only once that commit is durable. With a store::WalSync, the
// loop commits without waiting and a thread of its own syncs the WAL, one
// fdatasync for every commit made meanwhile (group commit across
// transactions); work handed to After runs on the loop once the commits
// made before it are covered. Without one (commits synced as they are
// made), After runs the work at once.
//
// A failed sync is for good (the kernel may have dropped the pages it could
// not write): the work waiting is dropped, never run, and `on_failure` is
// called on the loop; the daemon stops, and Slack redelivers what was not
// acked.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include <boost/asio/io_context.hpp>

#include "store/wal_sync.h"
#include "util/clock.h"
#include "util/error.h"

namespace app {

class DurableGate {
 public:
  // `io` and `sync` (null: commits are durable as made) must outlive this
  // object.
  DurableGate(boost::asio::io_context& io, store::WalSync* sync, std::function<void(const util::Error&)> on_failure);
  // Syncs what was committed since the last sync, then stops the sync
  // thread; work still waiting is dropped.
  ~DurableGate();
  DurableGate(const DurableGate&) = delete;
  DurableGate& operator=(const DurableGate&) = delete;

  // Runs `then` on the loop once every commit made so far is durable: at
  // once when it is already, else after the next sync. Loop thread.
  void After(std::function<void()> then);
  // Has what was committed so far synced soon, though nothing waits for
  // it (an effect's outcome: a power loss after it costs a reconcile).
  // Loop thread.
  void SyncSoon();
  // Since when the oldest work has been waiting; empty when none waits. A
  // sync that never returns (a hung disk) shows here: the loop itself
  // keeps running. Loop thread.
  std::optional<util::TimePoint> WaitingSince() const;

 private:
  // Wakes the sync thread for the commits made so far.
  void Want(std::uint64_t commits);
  void SyncLoop();
  // On the loop: a sync covering `commits` ended with `status`.
  void Synced(std::uint64_t commits, const util::Status& status);

  boost::asio::io_context& io_;
  store::WalSync* sync_;
  std::function<void(const util::Error&)> on_failure_;
  // Loop thread only.
  std::uint64_t durable_ = 0;  // commits known synced
  struct Waiting {
    std::uint64_t commits;  // what must be synced first
    util::TimePoint since;
    std::function<void()> then;
  };
  std::deque<Waiting> waiting_;  // in order of their commits
  bool failed_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  // Shared with the sync thread.
  std::mutex mutex_;
  std::condition_variable wake_;
  std::uint64_t wanted_ = 0;  // guarded: the highest commit count work waits for
  bool stopping_ = false;     // guarded
  std::thread thread_;        // last: started when everything above is
};

}  // namespace app
