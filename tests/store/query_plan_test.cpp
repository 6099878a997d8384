// The hot path's queries cost the same whatever the history and the
// backlog: after running every operation of the inbox, the outbox and the
// ticket tables once, the plan of every statement the store prepared is
// checked. No statement may SCAN a table that grows with time (the inbox,
// its dedupe keys, the outbox, links, mentions, kept replies); it must
// SEARCH an index.
// outbox_lanes holds one row per lane with open work (the backlog's lanes),
// and the statements that list every link run at start and when a ticket is
// linked, not per event; the read of the pending envelopes walks a partial
// index in order and stops at its LIMIT: each is named below.
#include <sqlite3.h>

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "store/outbox.h"
#include "store/store.h"
#include "store/ticket_store.h"
#include "store/transaction.h"
#include "test_support.h"

namespace {

// EXPLAIN QUERY PLAN's detail lines for `sql`.
std::vector<std::string> Plan(sqlite3* db, const std::string& sql) {
  std::vector<std::string> lines;
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    lines.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3)));
  }
  sqlite3_finalize(stmt);
  return lines;
}

// Any full walk of a table or index, unless it is one of the named ones
// that cannot grow with time. (A plan names a table by its alias when the
// query gives one, so every SCAN counts, not only those of known names.)
bool ScansGrowingTable(const std::string& line) {
  if (line.rfind("SCAN ", 0) != 0) return false;
  // The pending envelopes are read in id order, LIMITed, through the
  // partial index that holds only pending rows: the walk stops after the
  // batch, whatever the history.
  if (line == "SCAN inbox USING INDEX inbox_pending") return false;
  // One row per lane with open work (OpenCount, for the metrics gauge).
  if (line.rfind("SCAN outbox_lanes", 0) == 0) return false;
  return true;
}

// Every link, read at start and after a new link (the sync's list).
bool Exempt(const std::string& sql) { return sql.find("FROM links ORDER BY") != std::string::npos; }

}  // namespace

TEST_CASE("no hot query scans a table that grows", "[store][plan]") {
  testing::TempDir dir;
  auto opened = store::Store::Open(dir.File("state.db"));
  REQUIRE(opened);
  store::Store& db = **opened;
  store::Outbox outbox(db);
  store::TicketStore tickets(db);

  // Every operation once, as the daemon runs them.
  REQUIRE(db.RecordEnvelopes({{"E1", "events_api", {"env:E1", "event:Ev1"}, "{}", 1}}));
  auto pending = db.PendingInbox(100);
  REQUIRE(pending);
  REQUIRE(db.MarkInboxDone(pending->front().id));
  REQUIRE(db.PruneInbox(0));
  {
    store::Transaction transaction(db, "plan test");
    REQUIRE(outbox.Add({"k1", "post_message", "slack:C1", "{}", 0}, 1));
    REQUIRE(outbox.Add({"k2", "post_message", "slack:C1", "{}", 0}, 1));
    REQUIRE(transaction.Commit());
  }
  auto due = outbox.Due(10, 32);
  REQUIRE(due);
  REQUIRE(due->size() == 1);
  REQUIRE(outbox.NextDueMs());
  REQUIRE(outbox.MarkAttempted(due->front().id, 10));
  REQUIRE(outbox.Reschedule(due->front().id, 20, true, 10));
  REQUIRE(outbox.MarkDone(due->front().id, "{}"));
  REQUIRE(outbox.MarkFailed((*outbox.Due(30, 1)).front().id, "no"));
  REQUIRE(outbox.Add({"k3", "create_ticket", "create:C1:1.1", "{}", 0}, 1));
  REQUIRE(outbox.LaneOpen("create:C1:1.1"));
  long long create_id = (*outbox.Due(40, 1)).front().id;
  REQUIRE(outbox.MarkRunning(create_id));
  REQUIRE(outbox.MarkEffectAt(create_id, 40));
  REQUIRE(outbox.Recover());
  REQUIRE(outbox.OpenCount());
  REQUIRE(outbox.PruneFinished(0));
  REQUIRE(tickets.SaveMention({"C1", "1.1", "1.1", "U1", "s", "d", 1}));
  REQUIRE(tickets.FindMention("C1", "1.1"));
  REQUIRE(tickets.InsertLink({"C1", "1.1", "HD-1", "1", "u", "s", "Open", "new", "", 1, "", 0}));
  REQUIRE(tickets.FindLinkByThread("C1", "1.1"));
  REQUIRE(tickets.FindLinkByTicket("HD-1"));
  REQUIRE(tickets.SetConfirmationTs("HD-1", "1.2"));
  REQUIRE(tickets.SetStatus("HD-1", "Done", "done"));
  REQUIRE(tickets.SetSyncPosition("HD-1", "9", 5));
  REQUIRE(tickets.SetState("poll_watermark", "5"));
  REQUIRE(tickets.GetState("poll_watermark"));
  REQUIRE(tickets.AllLinks());
  REQUIRE(tickets.HoldReply("C1", "1.1", {"comment:C1:1.5", "add_comment", "{}"}, 1));
  REQUIRE(tickets.HeldReplies("C1", "1.1"));
  REQUIRE(tickets.ReleaseHeldReplies("C1", "1.1"));
  REQUIRE(tickets.SetReplyComment("C1", "1.5", "HD-1", "10042"));
  REQUIRE(tickets.ReplyComment("C1", "1.5") == std::string("10042"));
  REQUIRE(tickets.SetRelay("HD-1", {"41", 7, "2.1,2.2", false, "Grace"}));
  auto relays = tickets.Relays("HD-1");
  REQUIRE(relays);
  REQUIRE(relays->size() == 1);
  CHECK(relays->front().posts == "2.1,2.2");

  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(dir.File("state.db").c_str(), &raw) == SQLITE_OK);
  std::vector<std::string> statements = db.PreparedSql();
  CHECK(statements.size() >= 25);
  for (const std::string& sql : statements) {
    if (Exempt(sql)) continue;
    for (const std::string& line : Plan(raw, sql)) {
      INFO(sql << "\n  plan: " << line);
      CHECK_FALSE(ScansGrowingTable(line));
    }
  }
  sqlite3_close(raw);
}
