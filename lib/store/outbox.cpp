#include "store/outbox.h"

#include "store/sql.h"

namespace store {

util::Result<bool> Outbox::Add(const Intent& intent, long long now_ms) {
  Statement insert(db_,
                   "INSERT OR IGNORE INTO outbox(key, kind, lane, payload, not_before_ms, created_at_ms) "
                   "VALUES(?,?,?,?,?,?)",
                   "add intent");
  auto status = insert.Bind(1, intent.key)
                    .Bind(2, intent.kind)
                    .Bind(3, intent.lane)
                    .Bind(4, intent.payload)
                    .Bind(5, intent.not_before_ms)
                    .Bind(6, now_ms)
                    .Run();
  if (!status) return tl::make_unexpected(status.error());
  return ChangedRows(db_) == 1;
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
  select.Bind(1, now_ms).Bind(2, static_cast<long long>(limit));
  std::vector<OutboxItem> items;
  while (select.Step()) {
    OutboxItem item;
    item.id = select.Int(0);
    item.intent = Intent{select.Text(1), select.Text(2), select.Text(3), select.Text(4), select.Int(5)};
    item.state = static_cast<IntentState>(select.Int(6));
    item.attempts = static_cast<int>(select.Int(7));
    item.attempted_at_ms = select.Int(8);
    item.created_at_ms = select.Int(9);
    items.push_back(std::move(item));
  }
  if (auto status = select.Status(); !status) return tl::make_unexpected(status.error());
  return items;
}

util::Result<long long> Outbox::NextDueMs() {
  Statement select(db_,
                   "SELECT MIN(o.not_before_ms) FROM outbox o WHERE o.state < 2 AND o.id = "
                   "(SELECT MIN(id) FROM outbox WHERE lane = o.lane AND state < 2)",
                   "next due intent");
  long long next = 0;
  if (select.Step()) next = select.Int(0);
  if (auto status = select.Status(); !status) return tl::make_unexpected(status.error());
  return next;
}

util::Status Outbox::MarkAttempted(long long id, long long now_ms) {
  // An intent already attempted keeps the time of the attempt whose
  // outcome is unknown: reconciling it is not a new attempt.
  Statement update(db_,
                   "UPDATE outbox SET attempts = attempts + 1, "
                   "attempted_at_ms = CASE WHEN state = 1 THEN attempted_at_ms ELSE ? END, state = 1 WHERE id = ?",
                   "mark intent attempted");
  return update.Bind(1, now_ms).Bind(2, id).Run();
}

util::Status Outbox::MarkDone(long long id, const std::string& result) {
  Statement update(db_, "UPDATE outbox SET state = 2, result = ? WHERE id = ?", "mark intent done");
  return update.Bind(1, result).Bind(2, id).Run();
}

util::Status Outbox::MarkFailed(long long id, const std::string& reason) {
  Statement update(db_, "UPDATE outbox SET state = 3, result = ? WHERE id = ?", "mark intent failed");
  return update.Bind(1, reason).Bind(2, id).Run();
}

util::Status Outbox::Reschedule(long long id, long long not_before_ms, bool outcome_unknown, long long effect_at_ms) {
  Statement update(db_,
                   "UPDATE outbox SET state = ?, not_before_ms = ?, "
                   "attempted_at_ms = CASE WHEN ? > 0 THEN ? ELSE attempted_at_ms END WHERE id = ?",
                   "reschedule intent");
  return update.Bind(1, outcome_unknown ? 1LL : 0LL)
      .Bind(2, not_before_ms)
      .Bind(3, effect_at_ms)
      .Bind(4, effect_at_ms)
      .Bind(5, id)
      .Run();
}

util::Result<int> Outbox::OpenCount() {
  Statement select(db_, "SELECT COUNT(*) FROM outbox WHERE state < 2", "count open intents");
  int count = 0;
  if (select.Step()) count = static_cast<int>(select.Int(0));
  if (auto status = select.Status(); !status) return tl::make_unexpected(status.error());
  return count;
}

util::Result<int> Outbox::PruneFinished(long long cutoff_ms) {
  Statement remove(db_, "DELETE FROM outbox WHERE state >= 2 AND created_at_ms < ?", "prune intents");
  auto status = remove.Bind(1, cutoff_ms).Run();
  if (!status) return tl::make_unexpected(status.error());
  return ChangedRows(db_);
}

util::Result<std::string> Outbox::ResultOf(const std::string& key) {
  Statement select(db_, "SELECT result FROM outbox WHERE key = ? AND state = 2", "intent result");
  select.Bind(1, key);
  std::string result;
  if (select.Step()) result = select.Text(0);
  if (auto status = select.Status(); !status) return tl::make_unexpected(status.error());
  return result;
}

}  // namespace store
