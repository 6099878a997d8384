// Runs outbox intents: on the loop it marks an intent attempted (committed
// before anything leaves the process), hands it to a worker, and records
// the outcome together with its follow-ups in one transaction. Intents that
// were attempted when the process died are reconciled first. Transient
// failures back off (honouring Retry-After); one lane's intents never
// overtake each other. Loop thread only.
#pragma once

#include <set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "app/side_effects.h"
#include "app/ticket_flow.h"
#include "store/outbox.h"
#include "util/backoff.h"
#include "util/worker_pool.h"

namespace app {

class OutboxRunner {
 public:
  // Everything must outlive this object.
  OutboxRunner(boost::asio::io_context& io, store::Store& store, TicketFlow& flow, SideEffects& effects,
               util::WorkerPool& workers);
  ~OutboxRunner();

  // Starts what is due and sets a timer for what is not. Cheap to call often.
  void Pump();
  // No new work; what is in flight finishes on its worker and its outcome is
  // dropped, so the intent stays attempted and is reconciled next start.
  void Stop();

 private:
  void Apply(const store::OutboxItem& item, const Outcome& outcome);
  void ArmTimer();

  boost::asio::io_context& io_;
  store::Store& store_;
  store::Outbox outbox_;
  TicketFlow& flow_;
  SideEffects& effects_;
  util::WorkerPool& workers_;
  boost::asio::steady_timer timer_;
  std::set<long long> in_flight_;
  bool stopping_ = false;
  std::shared_ptr<bool> alive_;
};

}  // namespace app
