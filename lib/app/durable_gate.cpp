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
  waiting_.emplace_back(commits, std::move(then));
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
  while (!waiting_.empty() && waiting_.front().first <= durable_) {
    std::function<void()> then = std::move(waiting_.front().second);
    waiting_.pop_front();
    then();
  }
}

}  // namespace app
