// The outbox and ticket tables over a real SQLite file.
#include <catch2/catch.hpp>

#include "store/outbox.h"
#include "store/transaction.h"
#include "store/ticket_store.h"
#include "test_support.h"

using store::Intent;
using store::IntentState;

namespace {

std::unique_ptr<store::Store> OpenStore(const testing::TempDir& dir) {
  auto opened = store::Store::Open(dir.File("state.db"));
  REQUIRE(opened);
  return std::move(*opened);
}

// A fresh store and its outbox.
struct OutboxTest {
  testing::TempDir dir;
  std::unique_ptr<store::Store> db = OpenStore(dir);
  store::Outbox outbox{*db};

  // a1 then a2 in lane-a (added at 1), and b1 in lane-b.
  void AddTwoLanes(long long b1_not_before_ms, long long b1_added_ms) {
    REQUIRE(outbox.Add({"a1", "k", "lane-a", "{}", 0}, 1));
    REQUIRE(outbox.Add({"a2", "k", "lane-a", "{}", 0}, 1));
    REQUIRE(outbox.Add({"b1", "k", "lane-b", "{}", b1_not_before_ms}, b1_added_ms));
  }
};

// A fresh store and its ticket tables.
struct TicketsTest {
  testing::TempDir dir;
  std::unique_ptr<store::Store> db = OpenStore(dir);
  store::TicketStore tickets{*db};
};

}  // namespace

TEST_CASE_METHOD(OutboxTest, "an intent is added once per key", "[outbox]") {
  CHECK(*outbox.Add({"post:1", "post_message", "slack:C1", "{}", 0}, 100));
  CHECK_FALSE(*outbox.Add({"post:1", "post_message", "slack:C1", "{\"other\":1}", 0}, 200));
  CHECK(*outbox.OpenCount() == 1);
}

TEST_CASE_METHOD(OutboxTest, "only the head of each lane is due, in order, when its time has come", "[outbox]") {
  AddTwoLanes(5000, 1);
  auto due = *outbox.Due(1000, 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].intent.key == "a1");
  CHECK(*outbox.NextDueMs() == 1);  // a1 has been due since it was added, at 1
  REQUIRE(outbox.MarkDone(due[0].id, "{}"));
  due = *outbox.Due(1000, 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].intent.key == "a2");
  due = *outbox.Due(6000, 10);
  CHECK(due.size() == 2);
}

TEST_CASE("an attempted intent survives a reopen and keeps the time of its real attempt", "[outbox]") {
  testing::TempDir dir;
  long long id = 0;
  {
    auto db = OpenStore(dir);
    store::Outbox outbox(*db);
    REQUIRE(outbox.Add({"create:V1", "create_ticket", "create:C1:1.2", "{}", 0}, 1));
    id = (*outbox.Due(10, 1))[0].id;
    REQUIRE(outbox.MarkAttempted(id, 1000));
  }
  auto db = OpenStore(dir);
  store::Outbox outbox(*db);
  CHECK(outbox.Due(2000, 1)->empty());  // still running, as the process left it
  REQUIRE(outbox.Recover());           // what the runner does at a start
  auto due = *outbox.Due(2000, 1);
  REQUIRE(due.size() == 1);
  CHECK(due[0].state == IntentState::kAttempted);
  CHECK(due[0].attempted_at_ms == 1000);
  // Reconciling is not a new attempt of the side effect.
  REQUIRE(outbox.MarkAttempted(id, 5000));
  REQUIRE(outbox.Reschedule(id, 6000, true));
  due = *outbox.Due(7000, 1);
  CHECK(due[0].attempted_at_ms == 1000);
  CHECK(due[0].attempts == 2);
  // A new try of the side effect moves it.
  REQUIRE(outbox.Reschedule(id, 6000, true, 6500));
  CHECK((*outbox.Due(7000, 1))[0].attempted_at_ms == 6500);
  REQUIRE(outbox.Reschedule(id, 0, false));
  CHECK((*outbox.Due(7000, 1))[0].state == IntentState::kPending);
}

TEST_CASE_METHOD(OutboxTest, "a running lane is not due until its outcome is recorded", "[outbox]") {
  AddTwoLanes(0, 2);
  auto due = *outbox.Due(10, 1);
  REQUIRE(due.size() == 1);
  CHECK(due[0].intent.key == "a1");  // due the longest
  REQUIRE(outbox.MarkAttempted(due[0].id, 10));
  // The next batch is not taken up by what is already running.
  due = *outbox.Due(10, 1);
  REQUIRE(due.size() == 1);
  CHECK(due[0].intent.key == "b1");
  CHECK(*outbox.NextDueMs() == 2);
  REQUIRE(outbox.Reschedule(due[0].id, 500, false));
  CHECK(outbox.Due(10, 10)->empty());
  CHECK(*outbox.NextDueMs() == 500);
  REQUIRE(outbox.MarkDone((*outbox.Due(500, 10))[0].id, "{}"));
  CHECK(*outbox.OpenCount() == 2);
  CHECK(outbox.Due(1000, 10)->empty());  // lane-a is running a1
  REQUIRE(outbox.Recover());
  due = *outbox.Due(1000, 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].intent.key == "a1");
  REQUIRE(outbox.MarkFailed(due[0].id, "refused"));
  CHECK((*outbox.Due(1000, 10))[0].intent.key == "a2");
  CHECK(*outbox.OpenCount() == 1);
}

TEST_CASE_METHOD(OutboxTest, "failed and done intents leave the queue and keep their result", "[outbox]") {
  REQUIRE(outbox.Add({"x", "k", "l", "{}", 0}, 1));
  REQUIRE(outbox.Add({"y", "k", "l2", "{}", 0}, 1));
  auto due = *outbox.Due(10, 10);
  REQUIRE(outbox.MarkDone(due[0].id, R"({"ts":"1.5"})"));
  REQUIRE(outbox.MarkFailed(due[1].id, "refused"));
  CHECK(*outbox.OpenCount() == 0);
  CHECK(*outbox.ResultOf("x") == R"({"ts":"1.5"})");
  CHECK(*outbox.ResultOf("y") == "");
}

TEST_CASE_METHOD(OutboxTest, "pruning removes old finished intents and never open ones", "[outbox]") {
  REQUIRE(outbox.Add({"old-done", "k", "a", "{}", 0}, 100));
  REQUIRE(outbox.Add({"old-open", "k", "b", "{}", 0}, 100));
  REQUIRE(outbox.Add({"new-done", "k", "c", "{}", 0}, 5000));
  auto due = outbox.Due(10000, 10);
  REQUIRE(due);
  for (const auto& item : *due) {
    if (item.intent.key != "old-open") REQUIRE(outbox.MarkDone(item.id, "{}"));
  }
  CHECK(*outbox.PruneFinished(1000) == 1);
  CHECK(*outbox.OpenCount() == 1);
  CHECK(*outbox.ResultOf("new-done") == "{}");
  CHECK(*outbox.Add({"old-done", "k", "a", "{}", 0}, 20000));  // gone, so its key is free again
}

TEST_CASE_METHOD(OutboxTest, "a transaction that is not committed leaves nothing behind", "[outbox]") {
  {
    store::Transaction transaction(*db, "test");
    REQUIRE(transaction.Begun());
    REQUIRE(outbox.Add({"lost", "k", "l", "{}", 0}, 1));
  }
  CHECK(*outbox.OpenCount() == 0);
  {
    store::Transaction transaction(*db, "test");
    REQUIRE(outbox.Add({"kept", "k", "l", "{}", 0}, 1));
    REQUIRE(transaction.Commit());
  }
  CHECK(*outbox.OpenCount() == 1);
}

TEST_CASE_METHOD(TicketsTest, "a thread links to one ticket and a ticket to one thread", "[outbox]") {
  store::LinkRecord link{"C1", "1.2", "SUP-1", "10001", "https://j/p/SUP-1", "Broken", "Open", "new", "", 5, "", 0};
  CHECK(*tickets.InsertLink(link));
  link.ticket_key = "SUP-2";
  CHECK_FALSE(*tickets.InsertLink(link));  // same thread
  link = {"C1", "9.9", "SUP-1", "10001", "", "", "", "", "", 6, "", 0};
  CHECK_FALSE(*tickets.InsertLink(link));  // same ticket
  auto found = *tickets.FindLinkByThread("C1", "1.2");
  REQUIRE(found);
  CHECK(found->ticket_key == "SUP-1");
  REQUIRE(tickets.SetConfirmationTs("SUP-1", "1.3"));
  REQUIRE(tickets.SetStatus("SUP-1", "Resolved", "done"));
  found = *tickets.FindLinkByTicket("SUP-1");
  CHECK(found->confirmation_ts == "1.3");
  CHECK(found->status_category == "done");
  CHECK(tickets.AllLinks()->size() == 1);
  REQUIRE(tickets.SetSyncPosition("SUP-1", "10042", 777));
  found = *tickets.FindLinkByTicket("SUP-1");
  CHECK(found->last_comment_id == "10042");
  CHECK(found->last_updated_ms == 777);
  CHECK_FALSE(*tickets.FindLinkByThread("C1", "nope"));
}

TEST_CASE("named sync values are kept across a reopen", "[outbox]") {
  testing::TempDir dir;
  {
    auto db = OpenStore(dir);
    store::TicketStore tickets(*db);
    CHECK(*tickets.GetState("poll_watermark") == "");
    REQUIRE(tickets.SetState("poll_watermark", "1700000000000"));
    REQUIRE(tickets.SetState("poll_watermark", "1700000000500"));
  }
  auto db = OpenStore(dir);
  store::TicketStore tickets(*db);
  CHECK(*tickets.GetState("poll_watermark") == "1700000000500");
}

TEST_CASE_METHOD(TicketsTest, "the latest mention of a thread is kept for the form", "[outbox]") {
  REQUIRE(tickets.SaveMention({"C1", "1.2", "1.2", "U1", "first", "first text", 1}));
  REQUIRE(tickets.SaveMention({"C1", "1.2", "1.5", "U1", "second", "second text", 2}));
  auto mention = *tickets.FindMention("C1", "1.2");
  REQUIRE(mention);
  CHECK(mention->summary == "second");
  CHECK_FALSE(*tickets.FindMention("C1", "other"));
}
