// Helpers for the store tests: a fresh temp folder per test and a raw SQLite
// connection to set up or inspect files behind the Store's back.
#pragma once

#include <sys/stat.h>

#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include "store/store.h"
#include "test_support.h"

namespace store_test {

// The shared temp folder (tests/support/test_support.h).
using TempDir = testing::TempDir;

// Restores a path's mode at scope exit, so a failed REQUIRE does not leave
// a folder the TempDir cannot remove.
class ScopedMode {
 public:
  ScopedMode(std::string path, mode_t mode, mode_t restore)
      : path_(std::move(path)), restore_(restore) {
    REQUIRE(chmod(path_.c_str(), mode) == 0);
  }
  ~ScopedMode() { chmod(path_.c_str(), restore_); }
  ScopedMode(const ScopedMode&) = delete;
  ScopedMode& operator=(const ScopedMode&) = delete;

 private:
  std::string path_;
  mode_t restore_;
};

class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    const int rc =
        sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    INFO(path);
    REQUIRE(rc == SQLITE_OK);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDb() { sqlite3_close_v2(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void Exec(const std::string& sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    const std::string text = message ? message : "";
    sqlite3_free(message);
    INFO(sql << ": " << text);
    REQUIRE(rc == SQLITE_OK);
  }

  // The first column of the first row, as text.
  std::string Query(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    INFO(sql << ": " << sqlite3_errmsg(db_));
    REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) ==
            SQLITE_OK);
    std::string result;
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW && sqlite3_column_text(stmt, 0)) {
      result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    REQUIRE((rc == SQLITE_ROW || rc == SQLITE_DONE));
    return result;
  }
  long long QueryInt(const std::string& sql) { return std::stoll(Query(sql)); }

 private:
  sqlite3* db_ = nullptr;
};

inline store::InboxEnvelope Envelope(const std::string& envelope_id,
                                     std::vector<std::string> keys,
                                     long long received_at_ms = 1000) {
  store::InboxEnvelope envelope;
  envelope.envelope_id = envelope_id;
  envelope.kind = "events_api";
  envelope.dedupe_keys = std::move(keys);
  envelope.payload_json = R"({"envelope":")" + envelope_id + R"("})";
  envelope.received_at_ms = received_at_ms;
  return envelope;
}

inline std::unique_ptr<store::Store> OpenOrFail(const std::string& path) {
  auto store = store::Store::Open(path);
  INFO((store ? std::string() : store.error().message));
  REQUIRE(store);
  return std::move(*store);
}

inline std::vector<std::string> PendingIds(store::Store& store,
                                           int limit = 1000000) {
  auto pending = store.PendingInbox(limit);
  INFO((pending ? std::string() : pending.error().message));
  REQUIRE(pending);
  std::vector<std::string> ids;
  for (const auto& item : *pending) ids.push_back(item.envelope_id);
  return ids;
}

inline void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  REQUIRE(out.good());
}

}  // namespace store_test
