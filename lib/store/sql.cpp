#include "store/sql.h"
#include "store/store.h"
#include "store/transaction.h"

#include <sqlite3.h>

#include <fmt/format.h>

namespace store {

StatementCache::~StatementCache() {
  for (sqlite3_stmt* stmt : all_) sqlite3_finalize(stmt);
}

sqlite3_stmt* StatementCache::Acquire(const char* sql, std::string* error) {
  auto idle = idle_.find(sql);
  if (idle != idle_.end() && !idle->second.empty()) {
    sqlite3_stmt* stmt = idle->second.back();
    idle->second.pop_back();
    return stmt;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    *error = sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    return nullptr;
  }
  all_.push_back(stmt);
  return stmt;
}

void StatementCache::Release(const char* sql, sqlite3_stmt* stmt) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  idle_[sql].push_back(stmt);
}

std::vector<std::string> StatementCache::Sql() const {
  std::vector<std::string> sql;
  for (sqlite3_stmt* stmt : all_) sql.emplace_back(sqlite3_sql(stmt));
  return sql;
}

Statement::Statement(Store& store, const char* sql, const char* operation)
    : db_(store.Handle()), cache_(store.Statements()), sql_(sql), operation_(operation) {
  stmt_ = cache_.Acquire(sql, &error_);
}

Statement::~Statement() {
  if (stmt_ != nullptr) cache_.Release(sql_, stmt_);
}

Statement& Statement::Bind(int index, const std::string& text) {
  if (stmt_) sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::Bind(int index, long long value) {
  if (stmt_) sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

bool Statement::Step() {
  if (!stmt_ || !error_.empty()) return false;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) error_ = sqlite3_errmsg(db_);
  return false;
}

util::Status Statement::Run() {
  while (Step()) {
  }
  return Status();
}

util::Result<int> Statement::RunChanges() {
  if (auto status = Run(); !status) return tl::make_unexpected(status.error());
  return ChangedRows(db_);
}

std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

long long Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

util::Status Statement::Status() const {
  if (error_.empty()) return util::Ok();
  return util::MakeError(util::ErrorCode::kStorage, fmt::format("store: {}: {}", operation_, error_));
}

// BEGIN, COMMIT and ROLLBACK come prepared from the cache like any other
// statement: sqlite3_exec would parse them again for every transaction
// (1.5% of the daemon's samples in bench_flow, issue 9).
Transaction::Transaction(Store& store, const char* operation) : store_(store), operation_(operation) {
  Statement begin(store_, "BEGIN IMMEDIATE", operation_);
  if (begin.Step() || !begin.Status()) {
    error_ = sqlite3_errmsg(store_.Handle());
  } else {
    open_ = true;
  }
}

Transaction::~Transaction() {
  if (!open_) return;
  Statement rollback(store_, "ROLLBACK", operation_);
  (void)rollback.Run();
}

util::Status Transaction::Begun() const {
  if (open_) return util::Ok();
  return util::MakeError(util::ErrorCode::kStorage, fmt::format("store: {}: begin: {}", operation_, error_));
}

util::Status Transaction::Commit() {
  if (!open_) return Begun();
  Statement commit(store_, "COMMIT", operation_);
  if (commit.Step() || !commit.Status()) {
    return util::MakeError(util::ErrorCode::kStorage,
                           fmt::format("store: {}: commit: {}", operation_, sqlite3_errmsg(store_.Handle())));
  }
  open_ = false;
  return util::Ok();
}

int ChangedRows(sqlite3* db) { return sqlite3_changes(db); }

}  // namespace store
