// Store behaviour on a real SQLite file: schema, inbox, dedupe, pruning.
#include "store/store.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "store/migrations.h"
#include "test_util.h"

namespace {

using store::Store;
using store_test::Envelope;
using store_test::OpenOrFail;
using store_test::PendingIds;
using store_test::RawDb;
using store_test::TempDir;
using Strings = std::vector<std::string>;
using Bools = std::vector<bool>;

Bools Record(Store& store, const std::vector<store::InboxEnvelope>& batch) {
  auto result = store.RecordEnvelopes(batch);
  INFO((result ? std::string() : result.error().message));
  REQUIRE(result);
  return *result;
}

// A fresh store and a raw connection to its file, to inject failures.
struct StoreAndRawDb {
  TempDir dir;
  const std::string path = dir.File("state.db");
  std::unique_ptr<Store> db = OpenOrFail(path);
  RawDb raw{path};
};

TEST_CASE("open creates the file in WAL mode at the latest schema version",
          "[store]") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  auto db = OpenOrFail(path);
  REQUIRE(db->SchemaVersion() == store::LatestSchemaVersion());
  REQUIRE(store::LatestSchemaVersion() >= 1);

  RawDb raw(path);
  REQUIRE(raw.Query("PRAGMA journal_mode") == "wal");
  REQUIRE(raw.QueryInt("PRAGMA application_id") == store::kApplicationId);
  REQUIRE(raw.QueryInt("PRAGMA user_version") == store::LatestSchemaVersion());
  REQUIRE(raw.QueryInt("SELECT count(*) FROM sqlite_master WHERE name IN "
                       "('inbox', 'dedupe_keys')") == 2);
}

TEST_CASE("the state file and its WAL and SHM are private to their owner whatever the umask", "[store]") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  auto mode = [](const std::string& file) {
    struct stat st {};
    REQUIRE(stat(file.c_str(), &st) == 0);
    return st.st_mode & 07777;
  };
  mode_t before = umask(0);  // the most permissive umask there is
  {
    auto db = OpenOrFail(path);
    Record(*db, {Envelope("e1", {"k1"})});  // the WAL has content, the SHM exists
    CHECK(mode(path) == 0600);
    CHECK(mode(path + "-wal") == 0600);
    CHECK(mode(path + "-shm") == 0600);
  }
  // A file an older version left group- and world-readable is made private.
  REQUIRE(chmod(path.c_str(), 0664) == 0);
  { auto db = OpenOrFail(path); }
  CHECK(mode(path) == 0600);
  umask(before);
}

TEST_CASE("reopening is idempotent and keeps the data", "[store]") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  {
    auto db = OpenOrFail(path);
    REQUIRE(Record(*db, {Envelope("e1", {"event:1"})}) == Bools{true});
  }
  auto db = OpenOrFail(path);
  REQUIRE(db->SchemaVersion() == store::LatestSchemaVersion());
  REQUIRE(PendingIds(*db) == Strings{"e1"});
  RawDb raw(path);
  REQUIRE(raw.QueryInt("PRAGMA user_version") == store::LatestSchemaVersion());
}

TEST_CASE("an older database is migrated on open", "[store]") {
  // Builds each older version by hand from the same steps Open applies.
  for (int start = 0; start < store::LatestSchemaVersion(); ++start) {
    CAPTURE(start);
    TempDir dir;
    const std::string path = dir.File("state.db");
    {
      RawDb raw(path);
      raw.Exec("PRAGMA application_id = " +
               std::to_string(store::kApplicationId));
      for (int i = 0; i < start; ++i)
        raw.Exec(store::Migrations()[static_cast<size_t>(i)].sql);
      raw.Exec("PRAGMA user_version = " + std::to_string(start));
    }
    auto db = OpenOrFail(path);
    REQUIRE(db->SchemaVersion() == store::LatestSchemaVersion());
    REQUIRE(Record(*db, {Envelope("e1", {"event:1"})}) == Bools{true});
    RawDb raw(path);
    REQUIRE(raw.QueryInt("PRAGMA user_version") ==
            store::LatestSchemaVersion());
  }
}

TEST_CASE("a failing migration leaves the previous version intact", "[store]") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  {
    RawDb raw(path);
    raw.Exec("PRAGMA application_id = " +
             std::to_string(store::kApplicationId));
    raw.Exec("CREATE TABLE inbox(x)");  // makes step 1 fail half way
  }
  auto db = Store::Open(path);
  REQUIRE_FALSE(db);
  REQUIRE(db.error().code == util::ErrorCode::kStorage);
  REQUIRE_THAT(db.error().message,
               Catch::Contains(path) && Catch::Contains("migration 1") &&
                   Catch::Contains("table inbox already exists"));
  RawDb raw(path);
  REQUIRE(raw.QueryInt("PRAGMA user_version") == 0);
  REQUIRE(
      raw.QueryInt(
          "SELECT count(*) FROM sqlite_master WHERE name = 'dedupe_keys'") ==
      0);
}

TEST_CASE("recorded envelopes are pending in arrival order until marked done",
          "[store]") {
  TempDir dir;
  auto db = OpenOrFail(dir.File("state.db"));
  REQUIRE(Record(*db, {Envelope("e1", {"event:1"}, 10),
                       Envelope("e2", {"event:2"}, 20),
                       Envelope("e3", {"event:3"}, 30)}) ==
          Bools{true, true, true});
  REQUIRE(Record(*db, {Envelope("e4", {"event:4"}, 40)}) == Bools{true});

  auto pending = db->PendingInbox(100);
  REQUIRE(pending);
  REQUIRE(pending->size() == 4);
  for (size_t i = 0; i < pending->size(); ++i) {
    const auto& item = (*pending)[i];
    REQUIRE(item.envelope_id == "e" + std::to_string(i + 1));
    REQUIRE(item.kind == "events_api");
    REQUIRE(item.payload_json ==
            R"({"envelope":")" + item.envelope_id + R"("})");
    REQUIRE(item.received_at_ms == 10 * static_cast<long long>(i + 1));
    if (i > 0) REQUIRE(item.id > (*pending)[i - 1].id);
  }

  REQUIRE(db->MarkInboxDone((*pending)[1].id));
  REQUIRE(PendingIds(*db) == Strings{"e1", "e3", "e4"});
  REQUIRE(PendingIds(*db, 2) == Strings{"e1", "e3"});
  REQUIRE(PendingIds(*db, 0).empty());
  // Marking twice is harmless.
  REQUIRE(db->MarkInboxDone((*pending)[1].id));
}

TEST_CASE("marking an unknown inbox row is an error", "[store]") {
  TempDir dir;
  auto db = OpenOrFail(dir.File("state.db"));
  auto status = db->MarkInboxDone(42);
  REQUIRE_FALSE(status);
  REQUIRE(status.error().code == util::ErrorCode::kInvalidInput);
  REQUIRE_THAT(status.error().message, Catch::Contains("42"));
}

TEST_CASE("a key repeated within one batch is a duplicate", "[store]") {
  TempDir dir;
  auto db = OpenOrFail(dir.File("state.db"));
  REQUIRE(Record(*db, {Envelope("e1", {"event:1"}),
                       Envelope("e1-retry", {"event:1"}),
                       Envelope("e2", {"event:2"})}) ==
          Bools{true, false, true});
  REQUIRE(PendingIds(*db) == Strings{"e1", "e2"});
}

TEST_CASE("a key recorded in an earlier batch is a duplicate, even when done",
          "[store]") {
  TempDir dir;
  auto db = OpenOrFail(dir.File("state.db"));
  REQUIRE(Record(*db, {Envelope("e1", {"event:1"})}) == Bools{true});
  REQUIRE(Record(*db, {Envelope("e1-retry", {"event:1"})}) == Bools{false});
  auto pending = db->PendingInbox(10);
  REQUIRE(pending);
  REQUIRE(db->MarkInboxDone(pending->at(0).id));
  REQUIRE(Record(*db, {Envelope("e1-late", {"event:1"})}) == Bools{false});
  REQUIRE(PendingIds(*db).empty());
}

TEST_CASE("an envelope handled as it is recorded keeps only its key, no inbox row", "[store]") {
  StoreAndRawDb s;
  std::vector<std::string> handled;
  auto handle = [&handled](const store::InboxItem& item) {
    handled.push_back(item.envelope_id + " " + item.payload_json);
    return util::Ok();
  };
  auto fresh = s.db->RecordEnvelopes({Envelope("e1", {"msg:C1:1700.1"}), Envelope("e1-twin", {"msg:C1:1700.1"})},
                                     handle);
  REQUIRE(fresh);
  CHECK(*fresh == Bools{true, false});
  CHECK(handled == Strings{R"(e1 {"envelope":"e1"})"});
  CHECK(s.raw.QueryInt("SELECT count(*) FROM inbox") == 0);
  CHECK(s.raw.QueryInt("SELECT count(*) FROM dedupe_keys WHERE key = 'msg:C1:1700.1' AND inbox_id IS NULL") == 1);
  // A redelivery recorded the other way is recognised all the same.
  CHECK(Record(*s.db, {Envelope("e1-retry", {"msg:C1:1700.1"})}) == Bools{false});
  CHECK(PendingIds(*s.db).empty());
}

TEST_CASE("a key is still a duplicate after a close and reopen", "[store]") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  REQUIRE(Record(*OpenOrFail(path), {Envelope("e1", {"event:1"})}) ==
          Bools{true});
  auto db = OpenOrFail(path);
  REQUIRE(Record(*db, {Envelope("e1-retry", {"event:1"})}) == Bools{false});
}

TEST_CASE("an envelope whose second key was seen is a duplicate", "[store]") {
  TempDir dir;
  auto db = OpenOrFail(dir.File("state.db"));
  REQUIRE(Record(*db, {Envelope("e1", {"msg:C1:1700.1"})}) == Bools{true});
  REQUIRE(Record(*db, {Envelope("e2", {"event:2", "msg:C1:1700.1"})}) ==
          Bools{false});
  // Nothing of the duplicate was kept: its first key is still unknown.
  REQUIRE(Record(*db, {Envelope("e3", {"event:2"})}) == Bools{true});
  REQUIRE(PendingIds(*db) == Strings{"e1", "e3"});
}

TEST_CASE("an envelope without dedupe keys is always new", "[store]") {
  TempDir dir;
  auto db = OpenOrFail(dir.File("state.db"));
  REQUIRE(Record(*db, {Envelope("i1", {}), Envelope("i1", {})}) ==
          Bools{true, true});
  REQUIRE(Record(*db, {Envelope("i1", {})}) == Bools{true});
  REQUIRE(PendingIds(*db) == Strings{"i1", "i1", "i1"});
}

TEST_CASE("an envelope listing the same key twice is recorded once",
          "[store]") {
  TempDir dir;
  auto db = OpenOrFail(dir.File("state.db"));
  REQUIRE(Record(*db, {Envelope("e1", {"event:1", "event:1"})}) == Bools{true});
  REQUIRE(Record(*db, {Envelope("e2", {"event:1"})}) == Bools{false});
}

TEST_CASE("an empty batch records nothing", "[store]") {
  TempDir dir;
  auto db = OpenOrFail(dir.File("state.db"));
  REQUIRE(Record(*db, {}).empty());
  REQUIRE(PendingIds(*db).empty());
}

TEST_CASE("prune removes only old done rows and old keys", "[store]") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  auto db = OpenOrFail(path);
  REQUIRE(Record(*db, {Envelope("old-done", {"event:1"}, 100),
                       Envelope("old-pending", {"event:2"}, 100),
                       Envelope("new-done", {"event:3"}, 1000)}) ==
          Bools{true, true, true});
  auto pending = db->PendingInbox(10);
  REQUIRE(pending);
  REQUIRE(db->MarkInboxDone(pending->at(0).id));
  REQUIRE(db->MarkInboxDone(pending->at(2).id));

  auto pruned = db->PruneInbox(500);
  REQUIRE(pruned);
  REQUIRE(*pruned == 3);  // the old done row, and the keys of both old rows
  RawDb raw(path);
  REQUIRE(raw.QueryInt("SELECT count(*) FROM inbox") == 2);
  REQUIRE(raw.QueryInt("SELECT count(*) FROM dedupe_keys") == 1);
  REQUIRE(PendingIds(*db) == Strings{"old-pending"});
  REQUIRE(Record(*db, {Envelope("again-2", {"event:2"}),
                       Envelope("again-3", {"event:3"})}) ==
          Bools{true, false});

  REQUIRE(db->PruneInbox(500).value() == 0);
}

TEST_CASE_METHOD(StoreAndRawDb, "a failed batch is rolled back whole and the store stays usable",
          "[store]") {
  raw.Exec(
      "CREATE TRIGGER fail BEFORE INSERT ON inbox WHEN NEW.envelope_id = 'bad' "
      "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");

  auto result = db->RecordEnvelopes(
      {Envelope("e1", {"event:1"}), Envelope("bad", {"event:2"})});
  REQUIRE_FALSE(result);
  REQUIRE(result.error().code == util::ErrorCode::kStorage);
  REQUIRE(result.error().message ==
          "store: record envelopes: injected failure");
  REQUIRE(PendingIds(*db).empty());

  raw.Exec("DROP TRIGGER fail");
  REQUIRE(Record(*db, {Envelope("e1", {"event:1"}),
                       Envelope("e2", {"event:2"})}) == Bools{true, true});
}

TEST_CASE_METHOD(StoreAndRawDb, "a failed prune is rolled back and names the operation", "[store]") {
  raw.Exec(
      "CREATE TRIGGER fail BEFORE DELETE ON dedupe_keys BEGIN SELECT "
      "RAISE(ABORT, 'no delete'); END");
  REQUIRE(Record(*db, {Envelope("e1", {"event:1"}, 1)}) == Bools{true});
  auto pruned = db->PruneInbox(100);
  REQUIRE_FALSE(pruned);
  REQUIRE(pruned.error().message == "store: prune inbox: no delete");
  raw.Exec("DROP TRIGGER fail");
  REQUIRE(db->PruneInbox(100).value() == 1);
}

TEST_CASE("an in-memory store works for tests of other modules", "[store]") {
  auto db = OpenOrFail(":memory:");
  REQUIRE(db->SchemaVersion() == store::LatestSchemaVersion());
  REQUIRE(Record(*db, {Envelope("e1", {"event:1"}),
                       Envelope("e2", {"event:1"})}) == Bools{true, false});
  REQUIRE(PendingIds(*db) == Strings{"e1"});
}

}  // namespace
