// WalSync on a real SQLite file: commits are counted, a sync succeeds, and
// the checkpoints SQLite made itself still happen (the WAL stays bounded).
#include "store/wal_sync.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "test_util.h"

namespace {

using store_test::Envelope;
using store_test::OpenOrFail;
using store_test::RawDb;
using store_test::TempDir;

long long FileSize(const std::string& path) {
  struct stat st {};
  REQUIRE(stat(path.c_str(), &st) == 0);
  return st.st_size;
}

TEST_CASE("WalSync counts every commit and syncs them", "[store]") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  auto db = OpenOrFail(path);
  auto sync = store::WalSync::Start(*db);
  INFO((sync ? std::string() : sync.error().message));
  REQUIRE(sync);
  CHECK((*sync)->Commits() == 0);
  REQUIRE(db->RecordEnvelopes({Envelope("e1", {"k1"}), Envelope("e2", {"k2"})}));  // one transaction
  CHECK((*sync)->Commits() == 1);
  REQUIRE(db->RecordEnvelopes({Envelope("e3", {"k3"})}));
  REQUIRE(db->MarkInboxDone(1));  // a statement on its own is a commit too
  CHECK((*sync)->Commits() == 3);
  CHECK((*sync)->Sync());
  // What was committed is there for any reader.
  RawDb raw(path);
  CHECK(raw.QueryInt("SELECT count(*) FROM inbox") == 3);
}

TEST_CASE("WalSync checkpoints as SQLite would: the WAL does not grow without bound", "[store]") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  auto db = OpenOrFail(path);
  auto sync = store::WalSync::Start(*db);
  REQUIRE(sync);
  // About 3,000 pages of WAL in separate commits: 12 MB without checkpoints.
  const std::string page(3500, 'x');
  for (int i = 0; i < 3000; ++i) {
    store::InboxEnvelope envelope = Envelope("e" + std::to_string(i), {"k" + std::to_string(i)});
    envelope.payload_json = page;
    REQUIRE(db->RecordEnvelopes({envelope}));
  }
  CHECK((*sync)->Commits() == 3000);
  // A checkpoint at 1,000 pages and the WAL started over: one round of
  // 1,000 pages (4 KB each) and a little more at most.
  CHECK(FileSize(path + "-wal") < 5 * 1024 * 1024);
  CHECK((*sync)->Sync());
}

TEST_CASE("WalSync needs a file, and once stopped the store goes on as before", "[store]") {
  auto memory = store::Store::Open(":memory:");
  REQUIRE(memory);
  auto refused = store::WalSync::Start(**memory);
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error().message, Catch::Contains("not in a file"));

  TempDir dir;
  auto db = OpenOrFail(dir.File("state.db"));
  { REQUIRE(store::WalSync::Start(*db)); }
  REQUIRE(db->RecordEnvelopes({Envelope("e1", {"k1"})}));
}

}  // namespace
