// The daemon's state: one SQLite file in WAL mode, owned by one thread (the
// event loop). Every method is one transaction; a process killed at any
// moment leaves a file that opens and is consistent. Not thread-safe: call
// it from the thread that opened it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "util/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace store {
class StatementCache;
}

namespace store {

// An envelope as received from Socket Mode, to be recorded before its ack.
struct InboxEnvelope {
  std::string envelope_id;
  std::string kind;                      // envelope type: events_api, interactive, …
  std::vector<std::string> dedupe_keys;  // e.g. "event:Ev1", "msg:C1:1700.1"; may be empty
  std::string payload_json;              // the envelope's payload, as received
  long long received_at_ms = 0;          // wall clock, ms since epoch
};

// A recorded envelope that has not been processed yet.
struct InboxItem {
  long long id = 0;  // increasing in arrival order
  std::string envelope_id;
  std::string kind;
  std::string payload_json;
  long long received_at_ms = 0;
};

class Store {
 public:
  // Opens or creates the database at `path`, switches it to WAL, and applies
  // any pending schema migrations in one transaction each. Fails with
  // kStorage and a message naming the path when the file or its folder is
  // not writable, when the file is not a slackdesk database, or when its
  // schema is newer than this binary knows.
  static util::Result<std::unique_ptr<Store>> Open(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The schema version after migrations (PRAGMA user_version).
  int SchemaVersion() const;

  // The SQL of every statement this connection has prepared so far (its
  // own and its stores'), for query-plan checks and diagnostics.
  std::vector<std::string> PreparedSql() const;

  // Records a batch of envelopes in ONE transaction (group commit), durably:
  // when this returns, the rows survive a SIGKILL. An envelope any of whose
  // dedupe keys was recorded before (in this batch or earlier) is not
  // inserted. Returns, per envelope in order, true when it was new.
  //
  // With `handle`, each new envelope is handled in the same transaction
  // instead (`handle` gets it, with id 0, and writes what follows from it):
  // one commit for recording and handling, and only its dedupe keys are
  // kept, no inbox row. An error from `handle` rolls the whole batch back.
  using InboxHandler = std::function<util::Status(const InboxItem&)>;
  // `before_commit` (with `handle`) runs last in the transaction.
  util::Result<std::vector<bool>> RecordEnvelopes(const std::vector<InboxEnvelope>& batch,
                                                  const InboxHandler& handle = {},
                                                  const std::function<util::Status()>& before_commit = {});

  // Up to `limit` unprocessed envelopes, oldest first.
  util::Result<std::vector<InboxItem>> PendingInbox(int limit);

  // Marks an envelope processed; it is no longer returned by PendingInbox.
  util::Status MarkInboxDone(long long id);
  // Marks every pending envelope up to `id` processed, in one statement.
  util::Status MarkInboxDoneThrough(long long id);

  // Deletes up to `limit` processed envelopes and up to `limit` dedupe keys
  // recorded before `cutoff_ms`, in one transaction; returns how many rows
  // went. Keys must outlive Slack's retries (the caller keeps them at least
  // a day). Batches keep each call short on the loop thread.
  util::Result<int> PruneInbox(long long cutoff_ms, int limit = 10000);

 private:
  // The stores of the other tables in this file and their transactions
  // share the connection; nothing outside lib/store sees it.
  friend class Transaction;
  friend class Statement;
  friend class WalSync;
  sqlite3* Handle() const { return db_; }
  StatementCache& Statements() { return *statements_; }

  explicit Store(sqlite3* db);

  // Prepares the cached statements; called once by Open.
  util::Status Prepare();
  // Builds the kStorage error for `operation` from the connection's last
  // message, then rolls back the open transaction, if any.
  tl::unexpected<util::Error> Fail(const char* operation);

  sqlite3* db_;
  // The statements of the other tables' stores, prepared once.
  std::unique_ptr<StatementCache> statements_;
  int schema_version_ = 0;
  // Cached statements, finalized by the destructor before the close.
  sqlite3_stmt* begin_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
  sqlite3_stmt* find_key_ = nullptr;
  sqlite3_stmt* insert_inbox_ = nullptr;
  sqlite3_stmt* insert_key_ = nullptr;
  sqlite3_stmt* pending_ = nullptr;
  sqlite3_stmt* mark_done_ = nullptr;
  sqlite3_stmt* mark_done_through_ = nullptr;
  sqlite3_stmt* prune_inbox_ = nullptr;
  sqlite3_stmt* prune_keys_ = nullptr;
};

}  // namespace store
