#include "store/outbox.h"

#include "store/sql.h"

namespace store {

util::Result<bool> Outbox::Add(const Intent& intent, long long now_ms) {
  Statement insert(db_,
                   "INSERT OR IGNORE INTO outbox(key, kind, lane, payload, not_before_ms, created_at_ms) "
                   "VALUES(?,?,?,?,?,?)",
                   "add intent");
  return insert.BindAll(intent.key, intent.kind, intent.lane, intent.payload, intent.not_before_ms, now_ms)
      .RunChanges()
      .map([](int rows) { return rows == 1; });
}

util::Result<std::vector<OutboxItem>> Outbox::Due(long long now_ms, int limit) {
  // A lane's head is its lowest open id; only heads may run, so a lane's
  // intents never overtake each other.
  Statement select(db_,
                   "SELECT o.id, o.key, o.kind, o.lane, o.payload, o.not_before_ms, o.state, o.attempts, "
                   "o.attempted_at_ms, o.created_at_ms FROM outbox o "
                   "WHERE o.state < 2 AND o.not_before_ms <= ? AND o.id = "
                   "(SELECT MIN(id) FROM outbox WHERE lane = o.lane AND state < 2) ORDER BY o.id LIMIT ?",
                   "due intents");
  return select.BindAll(now_ms, static_cast<long long>(limit)).All([](const Statement& row) {
    OutboxItem item;
    item.id = row.Int(0);
    item.intent = Intent{row.Text(1), row.Text(2), row.Text(3), row.Text(4), row.Int(5)};
    item.state = static_cast<IntentState>(row.Int(6));
    item.attempts = static_cast<int>(row.Int(7));
    item.attempted_at_ms = row.Int(8);
    item.created_at_ms = row.Int(9);
    return item;
  });
}

util::Result<long long> Outbox::NextDueMs() {
  Statement select(db_,
                   "SELECT MIN(o.not_before_ms) FROM outbox o WHERE o.state < 2 AND o.id = "
                   "(SELECT MIN(id) FROM outbox WHERE lane = o.lane AND state < 2)",
                   "next due intent");
  return select.FirstOr(0LL, [](const Statement& row) { return row.Int(0); });
}

util::Status Outbox::MarkAttempted(long long id, long long now_ms) {
  // An intent already attempted keeps the time of the attempt whose
  // outcome is unknown: reconciling it is not a new attempt.
  Statement update(db_,
                   "UPDATE outbox SET attempts = attempts + 1, "
                   "attempted_at_ms = CASE WHEN state = 1 THEN attempted_at_ms ELSE ? END, state = 1 WHERE id = ?",
                   "mark intent attempted");
  return update.BindAll(now_ms, id).Run();
}

util::Status Outbox::MarkDone(long long id, const std::string& result) {
  Statement update(db_, "UPDATE outbox SET state = 2, result = ? WHERE id = ?", "mark intent done");
  return update.BindAll(result, id).Run();
}

util::Status Outbox::MarkFailed(long long id, const std::string& reason) {
  Statement update(db_, "UPDATE outbox SET state = 3, result = ? WHERE id = ?", "mark intent failed");
  return update.BindAll(reason, id).Run();
}

util::Status Outbox::Reschedule(long long id, long long not_before_ms, bool outcome_unknown, long long effect_at_ms) {
  Statement update(db_,
                   "UPDATE outbox SET state = ?, not_before_ms = ?, "
                   "attempted_at_ms = CASE WHEN ? > 0 THEN ? ELSE attempted_at_ms END WHERE id = ?",
                   "reschedule intent");
  return update.BindAll(outcome_unknown ? 1LL : 0LL, not_before_ms, effect_at_ms, effect_at_ms, id).Run();
}

util::Result<int> Outbox::OpenCount() {
  Statement select(db_, "SELECT COUNT(*) FROM outbox WHERE state < 2", "count open intents");
  return select.FirstOr(0, [](const Statement& row) { return static_cast<int>(row.Int(0)); });
}

util::Result<int> Outbox::PruneFinished(long long cutoff_ms) {
  Statement remove(db_, "DELETE FROM outbox WHERE state >= 2 AND created_at_ms < ?", "prune intents");
  return remove.BindAll(cutoff_ms).RunChanges();
}

util::Result<std::string> Outbox::ResultOf(const std::string& key) {
  Statement select(db_, "SELECT result FROM outbox WHERE key = ? AND state = 2", "intent result");
  return select.BindAll(key).FirstOr(std::string(), [](const Statement& row) { return row.Text(0); });
}

}  // namespace store
