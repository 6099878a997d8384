// A thin RAII layer over SQLite prepared statements and transactions for
// the stores of the ticket-flow tables (sql.cpp is the only one of them that
// includes <sqlite3.h>). Errors come back as kStorage with SQLite's message
// and the operation's name.
#pragma once

#include <string>

#include "util/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace store {

class Statement {
 public:
  // Prepares `sql`; check ok() / error() before use.
  Statement(sqlite3* db, const char* sql, const char* operation);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  Statement& Bind(int index, const std::string& text);
  Statement& Bind(int index, long long value);
  // Steps once: true when a row is available, false when done; errors go to
  // error().
  bool Step();
  // Runs to completion (for statements without rows).
  util::Status Run();
  std::string Text(int column) const;
  long long Int(int column) const;
  // The error of prepare or the last step, if any.
  util::Status Status() const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  const char* operation_;
  std::string error_;
};

// Rows changed by the last statement on `db`.
int ChangedRows(sqlite3* db);

}  // namespace store
