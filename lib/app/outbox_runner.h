// Runs outbox intents: on the loop it decodes the due intents, settles
// those the core says need not run (Precheck), claims the rest (their
// lanes stop being due) and marks them attempted (committed before
// anything leaves the process; a create only just before its POST, once
// prepared: Outcome kReady), hands each to a worker,
// and records the outcomes in one transaction together with what the core
// makes of them (they go back to it as events through the dispatcher).
// Intents that were attempted when the process died are reconciled first.
// Transient failures back off (honouring Retry-After); one lane's intents
// never overtake each other. Loop thread only. With metrics it counts
// tickets created, comments synced each way (and the helpdesk → Slack
// lag), failed calls by system and kind, and keeps the number of open
// intents.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "app/dispatcher.h"
#include "app/durable_gate.h"
#include "app/effects.h"
#include "store/outbox.h"
#include "util/metrics.h"
#include "util/worker_pool.h"

namespace app {

// The worker threads side effects run on, one pool per system: a helpdesk
// waiting out a 429 (its calls block until Retry-After) never holds up
// Slack posts, and lanes run side by side up to each pool's size. Look-ups
// for a form's pre-fill (users.info, possibly slow or rate-limited) run on
// `lookups` when given, so they never occupy the workers that post.
struct EffectWorkers {
  util::WorkerPool& slack;
  util::WorkerPool& helpdesk;
  util::WorkerPool* lookups = nullptr;  // null: on `slack`
};

class OutboxRunner {
 public:
  // Everything must outlive this object; `metrics` may be null (off);
  // `durable` may be null (commits are durable as made), else no effect
  // starts before the commit that claimed it is durable.
  OutboxRunner(boost::asio::io_context& io, store::Store& store, Dispatcher& dispatcher, Effects& effects,
               EffectWorkers workers, util::Metrics* metrics = nullptr, DurableGate* durable = nullptr);
  ~OutboxRunner();

  // Starts what is due and sets a timer for what is not. Cheap to call often.
  void Pump();
  // Inside a transaction someone else commits (the inbox's): claims what is
  // due, marking it attempted there, so it needs no commit of its own; once
  // that transaction ended, ClaimsCommitted hands the claims out (or drops
  // them when it rolled back).
  util::Status ClaimWithin();
  void ClaimsCommitted(bool committed);
  // No new work; what is in flight finishes on its worker and its outcome is
  // dropped, so the intent stays attempted and is reconciled next start.
  void Stop();

 private:
  struct Finished {
    store::OutboxItem item;
    bridge::Effect effect;
    Outcome outcome;
    bool executed = true;  // false: settled by Precheck without running
  };
  // Records outcomes and what follows from them, all in one transaction.
  void Apply(const std::vector<Finished>& batch);
  util::Status Record(const Finished& finished, long long now);
  // Queues an outcome from a worker; outcomes queued together are recorded
  // together, right after the loop's current work.
  void Finish(Finished finished);
  // Records the queued outcomes, then pumps.
  void Flush();
  void Count(const Finished& finished);
  // What a claim took: intents to start, and intents settled without running.
  struct Claims {
    std::vector<Finished> starting;
    std::vector<Finished> settled;
  };
  void PumpOnce();
  // REQUIRES: a transaction is open.
  util::Status Claim(long long now, Claims& claims);
  // After the claim's commit.
  void Launch(Claims claims);
  // Runs `work` for `run` on its system's workers; its outcome comes back
  // through Finish.
  void Submit(Finished run, std::function<Outcome(const Finished&)> work);
  void ArmTimer();

  boost::asio::io_context& io_;
  store::Store& store_;
  store::Outbox outbox_;
  Dispatcher& dispatcher_;
  Effects& effects_;
  EffectWorkers workers_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer retry_timer_;  // after a failed claim or record
  std::set<long long> in_flight_;
  std::vector<Finished> finished_;  // outcomes waiting for their commit
  std::vector<Finished> ready_;     // prepared effects, handed out after the commit that marks them attempted
  Claims held_;                     // claimed in another's transaction, not yet committed
  bool flush_posted_ = false;
  bool pumping_ = false;     // Pump is on the stack
  bool pump_again_ = false;  // asked for while pumping
  bool stopping_ = false;
  std::shared_ptr<bool> alive_;
  util::Metrics* metrics_;
  DurableGate* durable_;
};

}  // namespace app
