// A thin RAII layer over SQLite prepared statements and transactions for
// the stores of the ticket-flow tables (sql.cpp is the only one of them that
// includes <sqlite3.h>). Errors come back as kStorage with SQLite's message
// and the operation's name.
#pragma once

#include <optional>
#include <unordered_map>
#include <string>
#include <utility>
#include <vector>

#include "util/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace store {

class Store;

// Statements prepared once per connection and reused: preparing parses
// and plans the SQL, which on the hot path cost more than running it.
// Loop thread only, like the connection.
class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  ~StatementCache();  // finalizes every statement; before the connection closes
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // A prepared statement for `sql`, reset and unbound, to give back with
  // Release; nullptr with `error` set when `sql` does not prepare. A
  // statement still in use (a nested query of the same SQL) gets a twin.
  sqlite3_stmt* Acquire(const char* sql, std::string* error);
  void Release(const char* sql, sqlite3_stmt* stmt);
  // The SQL of every statement prepared so far.
  std::vector<std::string> Sql() const;

 private:
  sqlite3* db_;
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>> idle_;
  std::vector<sqlite3_stmt*> all_;
};

class Statement {
 public:
  // `sql` prepared on `store`'s connection (once: the store keeps it);
  // check ok() / Status() before use. `sql` must outlive this object.
  Statement(Store& store, const char* sql, const char* operation);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  Statement& Bind(int index, const std::string& text);
  Statement& Bind(int index, long long value);
  // Binds `values` to the parameters 1, 2, … in order.
  template <class... Values>
  Statement& BindAll(const Values&... values) {
    int index = 0;
    (Bind(++index, values), ...);
    return *this;
  }
  // Steps once: true when a row is available, false when done; errors go to
  // error().
  bool Step();
  // Runs to completion (for statements without rows).
  util::Status Run();
  // Runs to completion; the number of rows it changed.
  util::Result<int> RunChanges();
  // The first row as `read(*this)` makes it; nullopt when there is none.
  template <class Read>
  auto First(Read read) -> util::Result<std::optional<decltype(read(*this))>> {
    std::optional<decltype(read(*this))> row;
    if (Step()) row = read(*this);
    if (auto status = Status(); !status) return tl::make_unexpected(status.error());
    return row;
  }
  // The first row's `read(*this)`, or `fallback` when there is none.
  template <class T, class Read>
  util::Result<T> FirstOr(T fallback, Read read) {
    return First(read).map([&fallback](auto row) { return row ? T(std::move(*row)) : std::move(fallback); });
  }
  // Every row, as `read(*this)` makes it.
  template <class Read>
  auto All(Read read) -> util::Result<std::vector<decltype(read(*this))>> {
    std::vector<decltype(read(*this))> rows;
    while (Step()) rows.push_back(read(*this));
    if (auto status = Status(); !status) return tl::make_unexpected(status.error());
    return rows;
  }
  std::string Text(int column) const;
  long long Int(int column) const;
  // The error of prepare or the last step, if any.
  util::Status Status() const;

 private:
  sqlite3* db_;
  StatementCache& cache_;
  const char* sql_;
  sqlite3_stmt* stmt_ = nullptr;
  const char* operation_;
  std::string error_;
};

// Rows changed by the last statement on `db`.
int ChangedRows(sqlite3* db);

}  // namespace store
