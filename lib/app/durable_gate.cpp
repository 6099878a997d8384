#include "app/durable_gate.h"

#include <algorithm>

#include <boost/asio/post.hpp>

namespace app {

DurableGate::DurableGate(boost::asio::io_context& io, store::WalSync* sync,
                         std::function<void(const util::Error&)> on_failure)
    : io_(io), sync_(sync), on_failure_(std::move(on_failure)) {
  if (sync_ != nullptr) thread_ = std::thread([this] { SyncLoop(); });
}

DurableGate::~DurableGate() {
  *alive_ = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  // The last outcomes of a stop: on disk before the process ends (closing
  // the connection syncs only when it is the file's last).
  if (sync_ != nullptr && !failed_ && sync_->Commits() > durable_) (void)sync_->Sync();
}

void DurableGate::After(std::function<void()> then) {
  if (sync_ == nullptr) {
    then();
    return;
  }
  if (failed_) return;  // never: nothing may leave after a lost write
  std::uint64_t commits = sync_->Commits();
  if (commits <= durable_) {
    then();
    return;
  }
  waiting_.push_back(Waiting{commits, util::SteadyClock::now(), std::move(then)});
  Want(commits);
}

void DurableGate::SyncSoon() {
  if (sync_ == nullptr || failed_) return;
  std::uint64_t commits = sync_->Commits();
  if (commits > durable_) Want(commits);
}

std::optional<util::TimePoint> DurableGate::WaitingSince() const {
  if (waiting_.empty()) return std::nullopt;
  return waiting_.front().since;
}

void DurableGate::Want(std::uint64_t commits) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    wanted_ = std::max(wanted_, commits);
  }
  wake_.notify_one();
}

void DurableGate::SyncLoop() {
  std::uint64_t synced = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || wanted_ > synced; });
    if (stopping_) return;
    lock.unlock();
    // Read before the sync: every commit counted here has been written, so
    // the fdatasync covers it (and whatever came in meanwhile).
    std::uint64_t covered = sync_->Commits();
    util::Status status = sync_->Sync();
    boost::asio::post(io_, [this, covered, status, alive = alive_] {
      if (*alive) Synced(covered, status);
    });
    lock.lock();
    if (!status) return;  // for good; the loop is told
    synced = covered;
  }
}

void DurableGate::Synced(std::uint64_t commits, const util::Status& status) {
  if (failed_) return;
  if (!status) {
    failed_ = true;
    waiting_.clear();
    if (on_failure_) on_failure_(status.error());
    return;
  }
  durable_ = std::max(durable_, commits);
  // Work may add more while it runs: take only what this sync covered.
  while (!waiting_.empty() && waiting_.front().commits <= durable_) {
    std::function<void()> then = std::move(waiting_.front().then);
    waiting_.pop_front();
    then();
  }
}

}  // namespace app
