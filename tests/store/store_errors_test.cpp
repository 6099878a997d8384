// Store::Open refuses what it cannot or must not use, naming the path.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "store/migrations.h"
#include "store/store.h"
#include "test_util.h"

namespace {

using store::Store;
using store_test::RawDb;
using store_test::ScopedMode;
using store_test::TempDir;
using store_test::WriteFile;

// Opens `path`, expects a kStorage error naming it, returns the message.
std::string OpenError(const std::string& path) {
  auto db = Store::Open(path);
  REQUIRE_FALSE(db);
  REQUIRE(db.error().code == util::ErrorCode::kStorage);
  REQUIRE_THAT(db.error().message, Catch::Contains(path));
  return db.error().message;
}

// Root ignores permission bits, so tests of them only WARN there.
bool SkippedAsRoot(const std::string& what) {
  if (geteuid() != 0) return false;
  WARN("skipped: running as root, where " << what << " permissions do not apply");
  return true;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

TEST_CASE("open fails when the folder does not exist", "[store]") {
  TempDir dir;
  const std::string path = dir.File("missing/state.db");
  REQUIRE_THAT(
      OpenError(path),
      Catch::Contains("folder " + dir.File("missing") + " does not exist"));
  REQUIRE_FALSE(std::filesystem::exists(dir.File("missing")));
}

TEST_CASE("open fails when the parent is a regular file", "[store]") {
  TempDir dir;
  WriteFile(dir.File("plain"), "x");
  REQUIRE_THAT(OpenError(dir.File("plain/state.db")),
               Catch::Contains("is not a folder"));
}

TEST_CASE("open fails when the folder is not writable", "[store]") {
  if (SkippedAsRoot("folder")) return;
  TempDir dir;
  REQUIRE(mkdir(dir.File("ro").c_str(), 0700) == 0);
  ScopedMode read_only(dir.File("ro"), 0500, 0700);
  REQUIRE_THAT(OpenError(dir.File("ro/state.db")),
               Catch::Contains("not writable"));
}

TEST_CASE("open fails when the file is not writable", "[store]") {
  if (SkippedAsRoot("file")) return;
  TempDir dir;
  const std::string path = dir.File("state.db");
  { auto created = store_test::OpenOrFail(path); }
  ScopedMode read_only(path, 0400, 0600);
  REQUIRE_THAT(OpenError(path), Catch::Contains("not writable"));
}

TEST_CASE("open fails when the path is a folder", "[store]") {
  TempDir dir;
  REQUIRE(mkdir(dir.File("state.db").c_str(), 0700) == 0);
  REQUIRE_THAT(OpenError(dir.File("state.db")), Catch::Contains("is a folder"));
}

TEST_CASE("open refuses a file that is not SQLite and leaves it alone",
          "[store]") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  WriteFile(path, "hello");
  REQUIRE_THAT(
      OpenError(path),
      Catch::Contains(path +
                      ": not a slackdesk database (file is not a database)"));
  REQUIRE(ReadFile(path) == "hello");
}

TEST_CASE("open refuses someone else's SQLite database and leaves it alone",
          "[store]") {
  TempDir dir;
  const std::string path = dir.File("theirs.db");
  {
    RawDb(path).Exec(
        "CREATE TABLE accounts(id INTEGER PRIMARY KEY, name TEXT)");
  }
  REQUIRE_THAT(OpenError(path),
               Catch::Contains(path + ": not a slackdesk database ("));
  RawDb raw(path);
  REQUIRE(raw.Query("PRAGMA journal_mode") == "delete");  // not switched to WAL
  REQUIRE(raw.QueryInt("PRAGMA user_version") == 0);
}

TEST_CASE("open refuses a database with another application_id", "[store]") {
  TempDir dir;
  const std::string path = dir.File("theirs.db");
  { RawDb(path).Exec("PRAGMA application_id = 42"); }
  REQUIRE_THAT(
      OpenError(path),
      Catch::Contains(path +
                      ": not a slackdesk database (application_id 0x0000002a"));
}

TEST_CASE("open refuses a schema newer than it knows", "[store]") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  const int newer = store::LatestSchemaVersion() + 5;
  {
    RawDb raw(path);
    raw.Exec("PRAGMA application_id = " +
             std::to_string(store::kApplicationId));
    raw.Exec("PRAGMA user_version = " + std::to_string(newer));
  }
  const std::string expected =
      path + ": schema version " + std::to_string(newer) +
      " is newer than this slackdesk knows (" +
      std::to_string(store::LatestSchemaVersion()) + "); upgrade slackdesk";
  REQUIRE_THAT(OpenError(path), Catch::Contains(expected));
  REQUIRE(RawDb(path).QueryInt("PRAGMA user_version") == newer);
}

}  // namespace
