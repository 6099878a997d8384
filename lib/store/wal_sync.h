// Commits that do not wait for the disk, made durable a moment later by a
// sync that may run on another thread. With the store's default
// (synchronous=FULL) every commit waits for an fdatasync of the WAL on the
// thread that commits: the event loop, which then reads no envelope and
// sends no ack for the disk's 0.1-0.5 ms. Started, WalSync switches the
// connection to synchronous=NORMAL (a commit is written to the WAL, not
// synced; the file stays consistent whatever happens) and counts commits;
// Sync() then makes every commit counted before it as durable as FULL
// would have: one fdatasync of the WAL covers all of them.
//
// The caller's rule: nothing a commit leads to leaves the process (an ack,
// a side effect) before a Sync that began after that commit has returned
// (app::DurableGate keeps it). A commit is counted when SQLite calls its
// wal hook: at the end of a transaction's COMMIT, or when a statement
// outside a transaction is stepped to its end (SQLITE_DONE). A write
// outside a transaction that is reset before its end (a RETURNING read
// of one row) commits uncounted until the next commit: keep such writes
// inside a Transaction.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "store/store.h"
#include "util/error.h"

namespace store {

class WalSync {
 public:
  // For a store on a file (not ":memory:"), which must outlive the result.
  // Loop thread, with no transaction open.
  static util::Result<std::unique_ptr<WalSync>> Start(Store& store);
  // Back to synchronous=FULL and SQLite's own checkpoints. Loop thread,
  // after the last Sync.
  ~WalSync();
  WalSync(const WalSync&) = delete;
  WalSync& operator=(const WalSync&) = delete;

  // Commits made on the connection since Start. Any thread.
  std::uint64_t Commits() const { return commits_.load(std::memory_order_acquire); }
  // Makes every commit counted before the call durable (fdatasync of the
  // WAL). Any thread, one caller at a time. A failure is for good: the
  // kernel may have dropped what it could not write.
  util::Status Sync();

 private:
  WalSync(Store& store, std::string wal_path, int fd);
  // SQLite's wal hook, after every commit on the connection (loop thread).
  static int OnCommit(void* self, sqlite3* db, const char* schema, int wal_pages);

  Store& store_;
  const std::string wal_path_;
  int fd_;  // the WAL, opened for fdatasync only
  std::atomic<std::uint64_t> commits_{0};
};

}  // namespace store
