// DurableGate on a real SQLite file and a real sync thread: work waits for
// the commits made before it, in order, and runs at once when nothing new
// was committed or when every commit waits for the disk anyway.
#include "app/durable_gate.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "store/store.h"
#include "test_support.h"

namespace {

using std::chrono::milliseconds;

store::InboxEnvelope Envelope(const std::string& id) {
  return store::InboxEnvelope{id, "events_api", {"event:" + id}, "{}", 1000};
}

// Runs the loop until `done` or 10 s.
template <typename Fn>
bool RunUntil(boost::asio::io_context& io, Fn done) {
  auto deadline = std::chrono::steady_clock::now() + milliseconds(10000);
  while (!done() && std::chrono::steady_clock::now() < deadline) io.run_one_for(milliseconds(100));
  return done();
}

struct Fixture {
  testing::TempDir dir;
  std::unique_ptr<store::Store> store = std::move(*store::Store::Open(dir.File("state.db")));
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work = boost::asio::make_work_guard(io);
};

TEST_CASE("work waits until the commits before it are synced, and runs in order", "[durable_gate]") {
  Fixture f;
  auto sync = store::WalSync::Start(*f.store);
  REQUIRE(sync);
  std::vector<std::string> ran;
  int failures = 0;
  {
    app::DurableGate gate(f.io, sync->get(), [&](const util::Error&) { ++failures; });
    gate.After([&] { ran.push_back("nothing committed yet"); });
    CHECK(ran == std::vector<std::string>{"nothing committed yet"});

    REQUIRE(f.store->RecordEnvelopes({Envelope("e1")}));
    gate.After([&] { ran.push_back("after e1"); });
    REQUIRE(f.store->RecordEnvelopes({Envelope("e2")}));
    gate.After([&] { ran.push_back("after e2"); });
    // Not before a sync has covered them.
    CHECK(ran.size() == 1);
    CHECK(gate.WaitingSince().has_value());
    REQUIRE(RunUntil(f.io, [&] { return ran.size() == 3; }));
    CHECK_FALSE(gate.WaitingSince().has_value());
    CHECK(ran == std::vector<std::string>{"nothing committed yet", "after e1", "after e2"});

    // Synced already, nothing new: at once.
    gate.After([&] { ran.push_back("synced"); });
    CHECK(ran.back() == "synced");
  }
  CHECK(failures == 0);
}

TEST_CASE("SyncSoon syncs what was committed though no work waits for it", "[durable_gate]") {
  Fixture f;
  auto sync = store::WalSync::Start(*f.store);
  REQUIRE(sync);
  app::DurableGate gate(f.io, sync->get(), {});
  REQUIRE(f.store->RecordEnvelopes({Envelope("e1")}));
  gate.SyncSoon();
  REQUIRE(f.io.run_one_for(milliseconds(10000)) == 1);  // the sync's report
  bool ran = false;
  gate.After([&] { ran = true; });
  CHECK(ran);  // e1 was synced already
}

TEST_CASE("without a WalSync every commit is durable as made: work runs at once", "[durable_gate]") {
  Fixture f;
  app::DurableGate gate(f.io, nullptr, {});
  REQUIRE(f.store->RecordEnvelopes({Envelope("e1")}));
  bool ran = false;
  gate.After([&] { ran = true; });
  CHECK(ran);
}

TEST_CASE("work still waiting when the gate goes is dropped, not run", "[durable_gate]") {
  Fixture f;
  auto sync = store::WalSync::Start(*f.store);
  REQUIRE(sync);
  bool ran = false;
  {
    app::DurableGate gate(f.io, sync->get(), {});
    REQUIRE(f.store->RecordEnvelopes({Envelope("e1")}));
    gate.After([&] { ran = true; });
  }
  f.io.poll();  // the sync's report, if it was posted, finds the gate gone
  CHECK_FALSE(ran);
}

}  // namespace
