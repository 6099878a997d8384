// Small helpers shared by the test binaries: a temporary folder, a log
// capture, and running a function on an io_context thread.
#pragma once

#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "util/log.h"

namespace testing {

// A fresh folder under $TMPDIR (or /tmp), removed with its contents.
class TempDir {
 public:
  TempDir() {
    const char* base = getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/slackdesk-test-XXXXXX";
    path_ = mkdtemp(pattern.data()) != nullptr ? pattern : std::string();
  }
  ~TempDir() {
    if (!path_.empty()) {
      std::string command = "rm -rf '" + path_ + "'";
      if (system(command.c_str()) != 0) {
      }
    }
  }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Collects log lines while alive (and still honours the redaction).
class LogCapture {
 public:
  LogCapture() {
    util::log::SetSink([this](util::log::Level level, const std::string& line) {
      std::lock_guard<std::mutex> lock(mutex_);
      lines_.push_back({level, line});
      changed_.notify_all();
    });
  }
  ~LogCapture() { util::log::SetSink(nullptr); }
  bool Has(util::log::Level level, const std::string& text) const {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [l, line] : lines_) {
      if (l == level && line.find(text) != std::string::npos) return true;
    }
    return false;
  }
  // Waits until a line containing `text` was logged at any level.
  bool WaitFor(const std::string& text, std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] {
      for (const auto& entry : lines_) {
        if (entry.second.find(text) != std::string::npos) return true;
      }
      return false;
    });
  }
  // Every line, one per row, for INFO() on a failed check.
  std::string Dump() const {
    std::string out;
    for (const auto& line : All()) out += line + "\n";
    return out;
  }
  std::vector<std::string> All() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    for (const auto& entry : lines_) out.push_back(entry.second);
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::pair<util::log::Level, std::string>> lines_;
};

// Runs `fn` on the thread that runs `io` and returns its result.
template <class Fn>
auto OnLoop(boost::asio::io_context& io, Fn fn) -> decltype(fn()) {
  std::packaged_task<decltype(fn())()> task(std::move(fn));
  auto result = task.get_future();
  boost::asio::post(io, [&task] { task(); });
  return result.get();
}

// Polls `done` on the thread that runs `io` until it holds or `timeout`
// passed (for teardown, where there is no event to wait on).
template <class Fn>
void PollOnLoop(boost::asio::io_context& io, Fn done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!OnLoop(io, done) && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
}

}  // namespace testing
