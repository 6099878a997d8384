// Runs outbox intents: on the loop it marks an intent attempted (committed
// before anything leaves the process), hands it to a worker, and records
// the outcome together with its follow-ups in one transaction. Intents that
// were attempted when the process died are reconciled first. Transient
// failures back off (honouring Retry-After); one lane's intents never
// overtake each other. Loop thread only. With metrics it counts tickets
// created, comments synced each way (and the helpdesk → Slack lag), failed
// calls by system and kind, and keeps the number of open intents.
#pragma once

#include <map>
#include <set>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "app/side_effects.h"
#include "app/ticket_flow.h"
#include "store/outbox.h"
#include "util/backoff.h"
#include "util/metrics.h"
#include "util/worker_pool.h"

namespace app {

class OutboxRunner {
 public:
  // Everything must outlive this object; `metrics` may be null (off).
  OutboxRunner(boost::asio::io_context& io, store::Store& store, TicketFlow& flow, SideEffects& effects,
               util::WorkerPool& workers, util::Metrics* metrics = nullptr);
  ~OutboxRunner();

  // Starts what is due and sets a timer for what is not. Cheap to call often.
  void Pump();
  // No new work; what is in flight finishes on its worker and its outcome is
  // dropped, so the intent stays attempted and is reconciled next start.
  void Stop();
  // The relay intent `key` carries a helpdesk comment created at
  // `comment_created_ms` (wall clock): its post's success is observed as
  // slackdesk_sync_lag_seconds. Kept in memory only; a no-op without metrics.
  void NoteRelay(const std::string& key, long long comment_created_ms);

 private:
  // `executed`: the outcome came from a side effect, not from Precheck.
  struct Finished {
    store::OutboxItem item;
    Outcome outcome;
    bool executed = true;  // false: settled by Precheck without running
  };
  // Records outcomes and their follow-ups, all in one transaction.
  void Apply(const std::vector<Finished>& batch);
  util::Status Record(const Finished& finished, long long now);
  // Queues an outcome from a worker; outcomes queued together are recorded
  // together, right after the loop's current work.
  void Finish(Finished finished);
  void Count(const store::OutboxItem& item, const Outcome& outcome, bool executed);
  void ArmTimer();

  boost::asio::io_context& io_;
  store::Store& store_;
  store::Outbox outbox_;
  TicketFlow& flow_;
  SideEffects& effects_;
  util::WorkerPool& workers_;
  boost::asio::steady_timer timer_;
  std::set<long long> in_flight_;
  std::vector<Finished> finished_;  // outcomes waiting for their commit
  bool flush_posted_ = false;
  bool stopping_ = false;
  std::shared_ptr<bool> alive_;
  util::Metrics* metrics_;
  std::map<std::string, long long> relay_created_ms_;  // NoteRelay's, until the post is done or failed
};

}  // namespace app
