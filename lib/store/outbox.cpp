#include "store/outbox.h"

#include <algorithm>

#include "store/sql.h"

namespace store {
namespace {

// outbox_lanes.due_ms of a lane whose head a worker is carrying out.
constexpr long long kRunning = 9223372036854775807LL;

constexpr const char* kItemColumns =
    "o.id, o.key, o.kind, o.lane, o.payload, o.not_before_ms, o.state, o.attempts, o.attempted_at_ms, o.created_at_ms";

OutboxItem ReadItem(const Statement& row) {
  OutboxItem item;
  item.id = row.Int(0);
  item.intent = Intent{row.Text(1), row.Text(2), row.Text(3), row.Text(4), row.Int(5)};
  item.state = static_cast<IntentState>(row.Int(6));
  item.attempts = static_cast<int>(row.Int(7));
  item.attempted_at_ms = row.Int(8);
  item.created_at_ms = row.Int(9);
  return item;
}

}  // namespace

util::Result<bool> Outbox::Add(const Intent& intent, long long now_ms) {
  Statement insert(store_,
                   "INSERT OR IGNORE INTO outbox(key, kind, lane, payload, not_before_ms, created_at_ms) "
                   "VALUES(?,?,?,?,?,?)",
                   "add intent");
  auto added = insert.BindAll(intent.key, intent.kind, intent.lane, intent.payload, intent.not_before_ms, now_ms)
                   .RunChanges();
  if (!added) return tl::make_unexpected(added.error());
  if (*added != 1) return false;
  // A new lane's head is this intent, due from now (or its not_before);
  // an existing lane just has one more waiting behind its head.
  Statement lane(store_,
                 "INSERT INTO outbox_lanes(lane, head_id, due_ms, open_count) VALUES(?, last_insert_rowid(), ?, 1) "
                 "ON CONFLICT(lane) DO UPDATE SET open_count = open_count + 1",
                 "add intent to its lane");
  if (auto status = lane.BindAll(intent.lane, std::max(now_ms, intent.not_before_ms)).Run(); !status) {
    return tl::make_unexpected(status.error());
  }
  return true;
}

util::Result<std::vector<OutboxItem>> Outbox::Due(long long now_ms, int limit) {
  // Only heads run, so a lane's intents never overtake each other.
  static const std::string sql = std::string("SELECT ") + kItemColumns +
                                 " FROM outbox_lanes l JOIN outbox o ON o.id = l.head_id WHERE l.due_ms <= ? "
                                 "ORDER BY l.due_ms LIMIT ?";
  return Statement(store_, sql.c_str(), "due intents").BindAll(now_ms, static_cast<long long>(limit)).All(ReadItem);
}

util::Result<long long> Outbox::NextDueMs() {
  Statement select(store_, "SELECT MIN(due_ms) FROM outbox_lanes WHERE due_ms < ?", "next due intent");
  return select.BindAll(kRunning).FirstOr(0LL, [](const Statement& row) { return row.Int(0); });
}

util::Status Outbox::MarkAttempted(long long id, long long now_ms) {
  // One write of the row: an intent already attempted keeps the time of the
  // attempt whose outcome is unknown (reconciling it is not a new attempt),
  // and every claim counts a try.
  return SetLaneRunning(Statement(store_,
                                  "UPDATE outbox SET attempted_at_ms = CASE WHEN state = 1 THEN attempted_at_ms "
                                  "ELSE ? END, state = 1, attempts = attempts + 1 WHERE id = ? RETURNING lane",
                                  "mark intent attempted")
                            .BindAll(now_ms, id)
                            .First([](const Statement& row) { return row.Text(0); }));
}

util::Status Outbox::MarkRunning(long long id) {
  return SetLaneRunning(Statement(store_, "UPDATE outbox SET attempts = attempts + 1 WHERE id = ? RETURNING lane",
                                  "count intent try")
                            .BindAll(id)
                            .First([](const Statement& row) { return row.Text(0); }));
}

util::Status Outbox::SetLaneRunning(const util::Result<std::optional<std::string>>& claimed_lane) {
  if (!claimed_lane) return tl::make_unexpected(claimed_lane.error());
  if (!*claimed_lane) return util::Ok();  // no such intent: nothing to run
  return Statement(store_, "UPDATE outbox_lanes SET due_ms = ? WHERE lane = ?", "mark lane running")
      .BindAll(kRunning, **claimed_lane)
      .Run();
}

util::Status Outbox::MarkEffectAt(long long id, long long now_ms, const std::string& payload) {
  if (!payload.empty()) {
    Statement update(store_,
                     "UPDATE outbox SET state = 1, attempted_at_ms = ?, payload = ? WHERE id = ? AND state < 2",
                     "mark side effect attempted with its progress");
    return update.BindAll(now_ms, payload, id).Run();
  }
  Statement update(store_, "UPDATE outbox SET state = 1, attempted_at_ms = ? WHERE id = ? AND state < 2",
                   "mark side effect attempted");
  return update.BindAll(now_ms, id).Run();
}

util::Status Outbox::Advance(const std::string& lane) {
  auto next = Statement(store_,
                        "SELECT id, MAX(not_before_ms, created_at_ms) FROM outbox WHERE lane = ? AND state < 2 "
                        "ORDER BY id LIMIT 1",
                        "next intent of a lane")
                  .BindAll(lane)
                  .First([](const Statement& row) { return std::make_pair(row.Int(0), row.Int(1)); });
  if (!next) return tl::make_unexpected(next.error());
  if (!*next) {
    return Statement(store_, "DELETE FROM outbox_lanes WHERE lane = ?", "close lane").BindAll(lane).Run();
  }
  return Statement(store_,
                   "UPDATE outbox_lanes SET head_id = ?, due_ms = ?, open_count = open_count - 1 WHERE lane = ?",
                   "advance lane")
      .BindAll((*next)->first, (*next)->second, lane)
      .Run();
}

util::Result<bool> Outbox::MarkDone(long long id, const std::string& result) { return Finish(id, 2, result); }

util::Result<bool> Outbox::MarkFailed(long long id, const std::string& reason) { return Finish(id, 3, reason); }

util::Result<bool> Outbox::Finish(long long id, long long state, const std::string& result) {
  auto lane = Statement(store_, "UPDATE outbox SET state = ?, result = ? WHERE id = ? AND state < 2 RETURNING lane",
                        "finish intent")
                  .BindAll(state, result, id)
                  .First([](const Statement& row) { return row.Text(0); });
  if (!lane) return tl::make_unexpected(lane.error());
  if (!*lane) return false;  // finished already
  if (auto advanced = Advance(**lane); !advanced) return tl::make_unexpected(advanced.error());
  return true;
}

util::Status Outbox::Reschedule(long long id, long long not_before_ms, bool outcome_unknown, long long effect_at_ms) {
  Statement update(store_,
                   "UPDATE outbox SET state = ?, not_before_ms = ?, "
                   "attempted_at_ms = CASE WHEN ? > 0 THEN ? ELSE attempted_at_ms END WHERE id = ?",
                   "reschedule intent");
  auto status = update.BindAll(outcome_unknown ? 1LL : 0LL, not_before_ms, effect_at_ms, effect_at_ms, id).Run();
  if (!status) return status;
  Statement lane(store_,
                 "UPDATE outbox_lanes SET due_ms = ? WHERE lane = (SELECT lane FROM outbox WHERE id = ?) AND head_id = ?",
                 "reschedule lane");
  return lane.BindAll(not_before_ms, id, id).Run();
}

util::Status Outbox::Recover() {
  Statement update(store_,
                   "UPDATE outbox_lanes SET due_ms = (SELECT MAX(o.not_before_ms, o.created_at_ms) FROM outbox o "
                   "WHERE o.id = outbox_lanes.head_id) WHERE due_ms >= ?",
                   "recover running lanes");
  return update.BindAll(kRunning).Run();
}

util::Result<bool> Outbox::LaneOpen(const std::string& lane) {
  Statement select(store_, "SELECT 1 FROM outbox_lanes WHERE lane = ?", "is lane open");
  return select.BindAll(lane).FirstOr(false, [](const Statement&) { return true; });
}

util::Result<int> Outbox::OpenCount() {
  // One row per lane with open work: the backlog's lanes, not the history.
  Statement select(store_, "SELECT TOTAL(open_count) FROM outbox_lanes", "count open intents");
  return select.FirstOr(0, [](const Statement& row) { return static_cast<int>(row.Int(0)); });
}

util::Result<int> Outbox::PruneFinished(long long cutoff_ms, int limit) {
  Statement remove(store_,
                   "DELETE FROM outbox WHERE id IN "
                   "(SELECT id FROM outbox WHERE state >= 2 AND created_at_ms < ? LIMIT ?)",
                   "prune intents");
  return remove.BindAll(cutoff_ms, static_cast<long long>(limit)).RunChanges();
}

util::Result<std::string> Outbox::ResultOf(const std::string& key) {
  Statement select(store_, "SELECT result FROM outbox WHERE key = ? AND state = 2", "intent result");
  return select.BindAll(key).FirstOr(std::string(), [](const Statement& row) { return row.Text(0); });
}

}  // namespace store
