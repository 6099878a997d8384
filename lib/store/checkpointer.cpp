#include "store/checkpointer.h"

#include <sqlite3.h>

namespace store {

std::unique_ptr<Checkpointer> Checkpointer::Start(const std::string& path, std::chrono::milliseconds interval) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return nullptr;
  }
  // The loop's commits hold the write lock only briefly; wait them out.
  sqlite3_busy_timeout(db, 5000);
  // As durable as the loop's connection: the database file is synced.
  sqlite3_exec(db, "PRAGMA synchronous = FULL", nullptr, nullptr, nullptr);
  return std::unique_ptr<Checkpointer>(new Checkpointer(db, interval));
}

Checkpointer::Checkpointer(sqlite3* db, std::chrono::milliseconds interval)
    : db_(db), interval_(interval), thread_([this] { Run(); }) {}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  sqlite3_close(db_);
}

void Checkpointer::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    // PASSIVE: copies what no reader still needs and never blocks a writer;
    // what it leaves is copied next time. A busy or failed round is simply
    // tried again: the log only grows meanwhile.
    sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    lock.lock();
  }
}

}  // namespace store
