// Copies the write-ahead log into the database file on a thread of its own.
// SQLite's automatic checkpoint runs inside the commit that crosses its
// threshold: a write and an fsync of the database file, tens of
// milliseconds during which the event loop, and every ack waiting on it,
// stands still. Here a second connection does it in the background; WAL
// lets it run beside the loop's commits. Thread-safe by construction: the
// loop never touches it after Start.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace store {

class Checkpointer {
 public:
  // Opens its own connection to the database at `path` and checkpoints
  // every `interval`; nullptr when the connection cannot be opened (the
  // caller then keeps SQLite's automatic checkpoints).
  static std::unique_ptr<Checkpointer> Start(const std::string& path, std::chrono::milliseconds interval);
  ~Checkpointer();  // stops the thread and closes the connection
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

 private:
  Checkpointer(sqlite3* db, std::chrono::milliseconds interval);
  void Run();

  sqlite3* db_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace store
