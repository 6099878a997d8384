// The outbox: every side effect (a ticket to create, a Slack post) is an
// intent committed here before it is carried out, under an idempotency key
// that makes adding it twice harmless. An intent found "attempted" after a
// restart may or may not have happened: the runner reconciles it against
// the remote side before doing it again. Intents of one lane (e.g. one Slack
// channel) run strictly in order; lanes are independent.
// Same thread rule as Store.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace store {

struct Intent {
  std::string key;      // idempotency key, e.g. "create:V123"
  std::string kind;     // what to do: "create_ticket", "post_message", …
  std::string lane;     // ordering lane, e.g. "slack:C123", "helpdesk"
  std::string payload;  // JSON the runner understands for `kind`
  long long not_before_ms = 0;
};

enum class IntentState { kPending = 0, kAttempted = 1, kDone = 2, kFailed = 3 };

struct OutboxItem {
  long long id = 0;
  Intent intent;
  IntentState state = IntentState::kPending;
  int attempts = 0;
  long long attempted_at_ms = 0;  // when the side effect was last tried
  long long created_at_ms = 0;
};

class Outbox {
 public:
  explicit Outbox(Store& store) : store_(store) {}

  // Adds the intent unless its key exists; true when added. Call inside the
  // caller's transaction when it must commit together with other writes.
  util::Result<bool> Add(const Intent& intent, long long now_ms);
  // The head (first open intent) of every lane whose time has come and
  // that is not running, longest due first. Its cost follows `limit`, not
  // the history or the backlog.
  util::Result<std::vector<OutboxItem>> Due(long long now_ms, int limit);
  // The earliest time a lane head that is not running is due (0: none);
  // in the past when due work was left for the next Due.
  util::Result<long long> NextDueMs();
  // Marks an intent attempted: committed BEFORE the side effect. Its lane is
  // running (not Due) until the outcome is recorded, or until Recover.
  // Inside a Transaction, like MarkRunning and the Mark*/Finish writes that
  // read a RETURNING row (wal_sync.h: such a write on its own would commit
  // without being counted).
  util::Status MarkAttempted(long long id, long long now_ms);
  // Claims an intent whose side effect comes after a preparation (a
  // create's look-ups): its lane is running as above, but the intent stays
  // as it was until MarkEffectAt.
  util::Status MarkRunning(long long id);
  // Committed just before the side effect itself: attempted, at `now_ms`;
  // `payload` not empty: the intent's payload from now on (what its
  // preparation learnt, for a reconcile).
  util::Status MarkEffectAt(long long id, long long now_ms, const std::string& payload = "");
  // Done and failed intents end their lane's turn: the next one is its head.
  // False when the intent was finished already (nothing changed).
  util::Result<bool> MarkDone(long long id, const std::string& result);
  util::Result<bool> MarkFailed(long long id, const std::string& reason);
  // At a start nothing is running any more: lanes whose intent was being
  // carried out when the process stopped are due again (the intent is still
  // attempted, so it is reconciled first).
  util::Status Recover();
  // Puts an intent back to wait until `not_before_ms`; `outcome_unknown`
  // keeps it attempted so the next try reconciles first. `effect_at_ms` > 0
  // records when the side effect itself was last tried (the start of the
  // window in which a search may still miss it).
  util::Status Reschedule(long long id, long long not_before_ms, bool outcome_unknown, long long effect_at_ms = 0);
  // Whether `lane` has open intents.
  util::Result<bool> LaneOpen(const std::string& lane);
  // Open (pending or attempted) intents, for tests and the admin.
  util::Result<int> OpenCount();
  // Deletes up to `limit` done and failed intents created before
  // `cutoff_ms`; returns how many. Open intents are never deleted.
  util::Result<int> PruneFinished(long long cutoff_ms, int limit = 10000);
  // The result of a done intent by key ("" when not done).
  util::Result<std::string> ResultOf(const std::string& key);

 private:
  // Sets a finished state and result, then advances the intent's lane.
  util::Result<bool> Finish(long long id, long long state, const std::string& result);
  // Takes the lane that a claim's UPDATE ... RETURNING lane named off the
  // due list while a worker has its head (no row: the intent is gone).
  util::Status SetLaneRunning(const util::Result<std::optional<std::string>>& claimed_lane);
  // Moves `lane`'s head to its lowest open intent after one finished.
  util::Status Advance(const std::string& lane);

  Store& store_;
};

}  // namespace store
