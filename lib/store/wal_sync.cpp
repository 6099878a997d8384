#include "store/wal_sync.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <sqlite3.h>

namespace store {
namespace {

// SQLite's default: a checkpoint once the WAL holds this many pages. The
// wal hook below replaces the one that did it, so it does it the same way.
constexpr int kCheckpointPages = 1000;

tl::unexpected<util::Error> SyncError(const std::string& what) {
  return util::MakeError(util::ErrorCode::kStorage, fmt::format("store: sync: {}", what));
}

}  // namespace

util::Result<std::unique_ptr<WalSync>> WalSync::Start(Store& store) {
  sqlite3* db = store.Handle();
  const char* file = sqlite3_db_filename(db, "main");
  if (file == nullptr || *file == '\0') return SyncError("the state is not in a file");
  std::string wal_path = std::string(file) + "-wal";
  // The WAL exists once the connection has written (Open migrates); it is
  // only deleted when the last connection closes, and this one stays open.
  int fd = open(wal_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return SyncError(fmt::format("{}: {}", wal_path, std::strerror(errno)));
  char* error = nullptr;
  if (sqlite3_exec(db, "PRAGMA synchronous = NORMAL", nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error != nullptr ? error : "unknown error";
    sqlite3_free(error);
    close(fd);
    return SyncError(message);
  }
  std::unique_ptr<WalSync> sync(new WalSync(store, std::move(wal_path), fd));
  sqlite3_wal_hook(db, &WalSync::OnCommit, sync.get());
  return sync;
}

WalSync::WalSync(Store& store, std::string wal_path, int fd)
    : store_(store), wal_path_(std::move(wal_path)), fd_(fd) {}

WalSync::~WalSync() {
  sqlite3* db = store_.Handle();
  sqlite3_wal_autocheckpoint(db, kCheckpointPages);  // SQLite's own hook again
  sqlite3_exec(db, "PRAGMA synchronous = FULL", nullptr, nullptr, nullptr);
  close(fd_);
}

int WalSync::OnCommit(void* self, sqlite3* db, const char* schema, int wal_pages) {
  auto* sync = static_cast<WalSync*>(self);
  // After the commit's writes returned: a Sync that reads this count and
  // then syncs covers them.
  sync->commits_.fetch_add(1, std::memory_order_release);
  if (wal_pages >= kCheckpointPages) {
    // PASSIVE, as SQLite's own: copies what no reader needs, never waits.
    // In NORMAL mode it syncs the WAL before and the database after.
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
  return SQLITE_OK;
}

util::Status WalSync::Sync() {
  if (fdatasync(fd_) != 0) return SyncError(fmt::format("fdatasync {}: {}", wal_path_, std::strerror(errno)));
  return util::Ok();
}

}  // namespace store
