// A few threads for blocking work (libcurl calls), so the event loop never
// waits on the network. Tasks carry their own way back to the loop (the
// caller wraps results with asio::post).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace util {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  // Joins the threads; see Shutdown.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`. Ignored after Shutdown.
  void Submit(std::function<void()> task);
  // Drops queued tasks, lets running ones finish, joins the threads. Work
  // dropped here is work whose intent is durable elsewhere (the inbox, the
  // outbox), so the next start picks it up.
  void Shutdown();

 private:
  void Loop();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;  // guarded by mutex_
  bool stopping_ = false;                    // guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace util
