// The only file that includes <sqlite3.h>.
#include "store/store.h"

#include "store/sql.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>
#include <sqlite3.h>

#include "store/migrations.h"

namespace store {
namespace {

// Long enough to ride out another connection's commit or checkpoint (a
// backup tool, the sqlite3 shell), short enough that a stuck lock surfaces.
constexpr int kBusyTimeoutMs = 5000;
constexpr const char* kInMemory = ":memory:";

tl::unexpected<util::Error> OpenError(const std::string& path,
                                      const std::string& detail) {
  return util::MakeError(util::ErrorCode::kStorage,
                         fmt::format("store: open: {}: {}", path, detail));
}

std::string FolderOf(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// SQLite would silently open an unwritable file read-only and report its own
// terse "unable to open database file" for a missing folder; check first so
// the admin reads which folder or file to fix. Returns whether the file
// exists already.
util::Result<bool> CheckWritable(const std::string& path) {
  const std::string folder = FolderOf(path);
  struct stat st {};
  if (stat(folder.c_str(), &st) != 0) {
    if (errno == ENOENT)
      return OpenError(path, fmt::format("folder {} does not exist", folder));
    return OpenError(
        path, fmt::format("folder {}: {}", folder, std::strerror(errno)));
  }
  if (!S_ISDIR(st.st_mode))
    return OpenError(path, fmt::format("{} is not a folder", folder));
  // WAL mode creates -wal and -shm files next to the database.
  if (access(folder.c_str(), W_OK | X_OK) != 0) {
    return OpenError(path, fmt::format("folder {} is not writable ({})", folder,
                                       std::strerror(errno)));
  }
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;
    return OpenError(path, std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode))
    return OpenError(path, "is a folder, not a database file");
  if (access(path.c_str(), R_OK | W_OK) != 0) {
    return OpenError(
        path, fmt::format("file is not writable ({})", std::strerror(errno)));
  }
  return true;
}

// The state file holds what customers wrote and the tickets' links: only
// its owner reads it, whatever the umask. A new file is created 0600 here
// (SQLite would make it 0644 less the umask); SQLite gives the -wal and
// -shm files the database file's mode. Group and other bits of files made
// by an older version are taken away.
util::Status RestrictToOwner(const std::string& path, bool existed) {
  if (!existed) {
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && errno != EEXIST) return OpenError(path, std::strerror(errno));
    if (fd >= 0) {
      int changed = fchmod(fd, 0600);  // the umask may have taken the owner's bits
      close(fd);
      if (changed != 0) return OpenError(path, fmt::format("chmod 0600: {}", std::strerror(errno)));
    }
  }
  for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
    struct stat st {};
    if (stat(file.c_str(), &st) != 0 || (st.st_mode & 077) == 0) continue;
    if (chmod(file.c_str(), st.st_mode & 0700) != 0) {
      return OpenError(file, fmt::format("cannot make it private to its owner (chmod): {}", std::strerror(errno)));
    }
  }
  return util::Ok();
}

// Makes a new file's directory entry durable; SQLite syncs the folder for
// the journals it creates but not for the database file itself. Best effort:
// some file systems refuse fsync on a folder.
void SyncFolder(const std::string& path) {
  const int fd =
      open(FolderOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)fsync(fd);
  close(fd);
}

// Runs a statement that returns one row and reads its first column.
int QueryText(sqlite3* db, const char* sql, std::string* out) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      const auto* text =
          reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      *out = text ? text : "";
      rc = SQLITE_OK;
    }
  }
  sqlite3_finalize(stmt);
  return rc;
}

int QueryInt(sqlite3* db, const char* sql, long long* out) {
  std::string text;
  const int rc = QueryText(db, sql, &text);
  if (rc == SQLITE_OK) *out = std::strtoll(text.c_str(), nullptr, 10);
  return rc;
}

// Refuses files that are not ours before anything writes to them: switching
// to WAL or migrating would alter someone else's database.
util::Result<int> Identify(sqlite3* db, const std::string& path) {
  long long application_id = 0;
  long long version = 0;
  long long objects = 0;
  int rc = QueryInt(db, "PRAGMA application_id", &application_id);
  if (rc == SQLITE_OK) rc = QueryInt(db, "PRAGMA user_version", &version);
  if (rc == SQLITE_OK)
    rc = QueryInt(db, "SELECT count(*) FROM sqlite_master", &objects);
  if (rc == SQLITE_NOTADB) {
    return OpenError(
        path, fmt::format("not a slackdesk database ({})", sqlite3_errmsg(db)));
  }
  if (rc != SQLITE_OK) return OpenError(path, sqlite3_errmsg(db));
  if (application_id != 0 && application_id != kApplicationId) {
    return OpenError(path,
                     fmt::format("not a slackdesk database (application_id "
                                 "{:#010x}, ours is {:#010x})",
                                 static_cast<unsigned>(application_id),
                                 static_cast<unsigned>(kApplicationId)));
  }
  if (application_id == 0 && objects > 0) {
    return OpenError(
        path,
        fmt::format(
            "not a slackdesk database ({} schema objects and no slackdesk "
            "application_id)",
            objects));
  }
  if (version > LatestSchemaVersion()) {
    return OpenError(
        path, fmt::format(
                  "schema version {} is newer than this slackdesk knows ({}); "
                  "upgrade slackdesk",
                  version, LatestSchemaVersion()));
  }
  return static_cast<int>(version);
}

// Applies the steps after `version`, each in its own transaction together
// with its user_version bump, so a kill leaves a whole version behind.
util::Result<int> Migrate(sqlite3* db, const std::string& path, int version) {
  const auto& steps = Migrations();
  for (int next = version + 1; next <= LatestSchemaVersion(); ++next) {
    const Migration& step = steps[static_cast<size_t>(next - 1)];
    const std::string bump = fmt::format("PRAGMA user_version = {}", next);
    long long current = 0;
    int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    // Another process may have migrated between our read and our lock.
    if (rc == SQLITE_OK) rc = QueryInt(db, "PRAGMA user_version", &current);
    if (rc == SQLITE_OK && current < next) {
      rc = sqlite3_exec(db, step.sql, nullptr, nullptr, nullptr);
      if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, bump.c_str(), nullptr, nullptr, nullptr);
    }
    if (rc == SQLITE_OK)
      rc = sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
      std::string message = sqlite3_errmsg(db);
      if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      return OpenError(
          path, fmt::format("migration {} ({}): {}", next, step.name, message));
    }
  }
  return LatestSchemaVersion();
}

void BindText(sqlite3_stmt* stmt, int index, const std::string& text) {
  // SQLITE_STATIC: every statement is stepped and reset while `text` lives.
  sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()),
                    SQLITE_STATIC);
}

std::string ColumnText(sqlite3_stmt* stmt, int column) {
  const auto* text =
      reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
  return text ? std::string(text, static_cast<size_t>(
                                      sqlite3_column_bytes(stmt, column)))
              : std::string();
}

// Steps a statement that yields no row we need, then resets it so it holds
// no read snapshot and can be reused. Resetting keeps the error message.
int StepOnce(sqlite3_stmt* stmt) {
  const int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  return rc;
}

}  // namespace

util::Result<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  // SQLite would open "" as a private temporary file.
  if (path.empty()) return OpenError(path, "empty path");
  // ":memory:" is accepted for tests of other modules; it cannot use WAL.
  const bool in_memory = path == kInMemory;
  bool existed = true;
  if (!in_memory) {
    auto checked = CheckWritable(path);
    if (!checked) return tl::make_unexpected(checked.error());
    existed = *checked;
    if (auto restricted = RestrictToOwner(path, existed); !restricted) {
      return tl::make_unexpected(restricted.error());
    }
  }

  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  // The Store owns the handle from here on, even a failed one.
  std::unique_ptr<Store> store(new Store(db));
  if (rc != SQLITE_OK)
    return OpenError(path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  if (sqlite3_db_readonly(db, "main") == 1)
    return OpenError(path, "opened read-only; check permissions");

  auto version = Identify(db, path);
  if (!version) return tl::make_unexpected(version.error());

  std::string journal_mode;
  if (QueryText(db, "PRAGMA journal_mode = WAL", &journal_mode) != SQLITE_OK) {
    return OpenError(path, fmt::format("journal_mode: {}", sqlite3_errmsg(db)));
  }
  if (journal_mode != (in_memory ? "memory" : "wal")) {
    return OpenError(
        path,
        fmt::format("cannot switch to WAL (journal_mode is {})", journal_mode));
  }
  // FULL also syncs the WAL on every commit, so a commit survives power loss,
  // not just a crash of this process. The daemon trades it for a sync of
  // its own, off the loop (WalSync).
  if (sqlite3_exec(db, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON",
                   nullptr, nullptr, nullptr) != SQLITE_OK) {
    return OpenError(path, sqlite3_errmsg(db));
  }

  auto migrated = Migrate(db, path, *version);
  if (!migrated) return tl::make_unexpected(migrated.error());
  store->schema_version_ = *migrated;

  auto prepared = store->Prepare();
  if (!prepared) return OpenError(path, prepared.error().message);
  if (!existed) SyncFolder(path);
  return store;
}

Store::Store(sqlite3* db) : db_(db), statements_(std::make_unique<StatementCache>(db)) {}

Store::~Store() {
  statements_.reset();  // finalized before the close
  for (sqlite3_stmt* stmt :
       {begin_, commit_, find_key_, insert_inbox_, insert_key_, pending_,
        mark_done_, mark_done_through_, prune_inbox_, prune_keys_}) {
    sqlite3_finalize(stmt);
  }
  [[maybe_unused]] const int rc = sqlite3_close(db_);
  assert(rc == SQLITE_OK && "a statement outlived the store");
}

std::vector<std::string> Store::PreparedSql() const {
  std::vector<std::string> sql = statements_->Sql();
  for (sqlite3_stmt* stmt :
       {find_key_, insert_inbox_, insert_key_, pending_, mark_done_, mark_done_through_, prune_inbox_, prune_keys_}) {
    sql.emplace_back(sqlite3_sql(stmt));
  }
  return sql;
}

util::Status Store::Prepare() {
  const struct {
    sqlite3_stmt** stmt;
    const char* sql;
  } statements[] = {
      // IMMEDIATE takes the write lock up front: a deferred transaction that
      // reads then writes can fail with SQLITE_BUSY without waiting.
      {&begin_, "BEGIN IMMEDIATE"},
      {&commit_, "COMMIT"},
      {&find_key_, "SELECT 1 FROM dedupe_keys WHERE key = ?1"},
      {&insert_inbox_,
       "INSERT INTO inbox(envelope_id, kind, payload, received_at_ms) "
       "VALUES(?1, ?2, ?3, ?4)"},
      // OR IGNORE: one envelope may list the same key twice.
      {&insert_key_,
       "INSERT OR IGNORE INTO dedupe_keys(key, inbox_id, recorded_at_ms) "
       "VALUES(?1, ?2, ?3)"},
      {&pending_,
       "SELECT id, envelope_id, kind, payload, received_at_ms FROM inbox WHERE "
       "done = 0 ORDER BY id LIMIT ?1"},
      {&mark_done_, "UPDATE inbox SET done = 1 WHERE id = ?1"},
      {&mark_done_through_, "UPDATE inbox SET done = 1 WHERE done = 0 AND id <= ?1"},
      {&prune_inbox_,
       "DELETE FROM inbox WHERE id IN (SELECT id FROM inbox WHERE done = 1 AND received_at_ms < ?1 LIMIT ?2)"},
      {&prune_keys_,
       "DELETE FROM dedupe_keys WHERE key IN (SELECT key FROM dedupe_keys WHERE recorded_at_ms < ?1 LIMIT ?2)"},
  };
  for (const auto& s : statements) {
    if (sqlite3_prepare_v3(db_, s.sql, -1, SQLITE_PREPARE_PERSISTENT, s.stmt,
                           nullptr) != SQLITE_OK) {
      return Fail("prepare");
    }
  }
  return util::Ok();
}

tl::unexpected<util::Error> Store::Fail(const char* operation) {
  // Read the message first: the ROLLBACK replaces it.
  std::string message =
      fmt::format("store: {}: {}", operation, sqlite3_errmsg(db_));
  // Some errors (SQLITE_FULL, SQLITE_IOERR) roll back on their own.
  if (!sqlite3_get_autocommit(db_))
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  return util::MakeError(util::ErrorCode::kStorage, std::move(message));
}

int Store::SchemaVersion() const { return schema_version_; }

util::Result<std::vector<bool>> Store::RecordEnvelopes(
    const std::vector<InboxEnvelope>& batch, const InboxHandler& handle,
    const std::function<util::Status()>& before_commit) {
  constexpr const char* kOperation = "record envelopes";
  std::vector<bool> is_new;
  if (batch.empty()) return is_new;
  is_new.reserve(batch.size());
  if (StepOnce(begin_) != SQLITE_DONE) return Fail(kOperation);
  for (const InboxEnvelope& envelope : batch) {
    // Keys inserted earlier in this batch are visible here: same transaction.
    bool duplicate = false;
    for (const std::string& key : envelope.dedupe_keys) {
      BindText(find_key_, 1, key);
      const int rc = StepOnce(find_key_);
      if (rc == SQLITE_ROW) {
        duplicate = true;
        break;
      }
      if (rc != SQLITE_DONE) return Fail(kOperation);
    }
    if (duplicate) {
      is_new.push_back(false);
      continue;
    }
    // An envelope handled here needs no inbox row: what it leads to is
    // written in this transaction, and its key recognises a redelivery.
    // Its payload would be ~1 KB more to write at every commit (issue 9).
    sqlite3_int64 inbox_id = 0;
    if (!handle) {
      BindText(insert_inbox_, 1, envelope.envelope_id);
      BindText(insert_inbox_, 2, envelope.kind);
      BindText(insert_inbox_, 3, envelope.payload_json);
      sqlite3_bind_int64(insert_inbox_, 4, envelope.received_at_ms);
      if (StepOnce(insert_inbox_) != SQLITE_DONE) return Fail(kOperation);
      inbox_id = sqlite3_last_insert_rowid(db_);
    }
    for (const std::string& key : envelope.dedupe_keys) {
      BindText(insert_key_, 1, key);
      if (inbox_id != 0) {
        sqlite3_bind_int64(insert_key_, 2, inbox_id);
      } else {
        sqlite3_bind_null(insert_key_, 2);
      }
      sqlite3_bind_int64(insert_key_, 3, envelope.received_at_ms);
      if (StepOnce(insert_key_) != SQLITE_DONE) return Fail(kOperation);
    }
    if (handle) {
      util::Status handled =
          handle(InboxItem{inbox_id, envelope.envelope_id, envelope.kind, envelope.payload_json, envelope.received_at_ms});
      if (!handled) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        return tl::make_unexpected(handled.error());
      }
    }
    is_new.push_back(true);
  }
  if (handle && before_commit) {
    if (util::Status last = before_commit(); !last) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return tl::make_unexpected(last.error());
    }
  }
  if (StepOnce(commit_) != SQLITE_DONE) return Fail(kOperation);
  return is_new;
}

util::Result<std::vector<InboxItem>> Store::PendingInbox(int limit) {
  std::vector<InboxItem> items;
  if (limit <= 0) return items;  // SQLite reads a negative LIMIT as "no limit"
  sqlite3_bind_int(pending_, 1, limit);
  int rc;
  while ((rc = sqlite3_step(pending_)) == SQLITE_ROW) {
    InboxItem item;
    item.id = sqlite3_column_int64(pending_, 0);
    item.envelope_id = ColumnText(pending_, 1);
    item.kind = ColumnText(pending_, 2);
    item.payload_json = ColumnText(pending_, 3);
    item.received_at_ms = sqlite3_column_int64(pending_, 4);
    items.push_back(std::move(item));
  }
  sqlite3_reset(pending_);
  if (rc != SQLITE_DONE) return Fail("pending inbox");
  return items;
}

util::Status Store::MarkInboxDone(long long id) {
  sqlite3_bind_int64(mark_done_, 1, id);
  if (StepOnce(mark_done_) != SQLITE_DONE) return Fail("mark inbox done");
  // A row already marked still counts as changed; zero means no such row.
  if (sqlite3_changes(db_) == 0) {
    return util::MakeError(
        util::ErrorCode::kInvalidInput,
        fmt::format("store: mark inbox done: no inbox row {}", id));
  }
  return util::Ok();
}

util::Status Store::MarkInboxDoneThrough(long long id) {
  sqlite3_bind_int64(mark_done_through_, 1, id);
  if (StepOnce(mark_done_through_) != SQLITE_DONE) return Fail("mark inbox done");
  return util::Ok();
}

util::Result<int> Store::PruneInbox(long long cutoff_ms, int limit) {
  constexpr const char* kOperation = "prune inbox";
  if (StepOnce(begin_) != SQLITE_DONE) return Fail(kOperation);
  sqlite3_bind_int64(prune_inbox_, 1, cutoff_ms);
  sqlite3_bind_int64(prune_inbox_, 2, limit);
  if (StepOnce(prune_inbox_) != SQLITE_DONE) return Fail(kOperation);
  int deleted = sqlite3_changes(db_);
  sqlite3_bind_int64(prune_keys_, 1, cutoff_ms);
  sqlite3_bind_int64(prune_keys_, 2, limit);
  if (StepOnce(prune_keys_) != SQLITE_DONE) return Fail(kOperation);
  deleted += sqlite3_changes(db_);
  if (StepOnce(commit_) != SQLITE_DONE) return Fail(kOperation);
  return deleted;
}

}  // namespace store
