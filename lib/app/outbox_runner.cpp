#include "app/outbox_runner.h"

#include <boost/asio/post.hpp>

#include "store/sql.h"
#include "util/clock.h"
#include "util/log.h"

namespace app {
namespace {

constexpr int kBatch = 32;
const util::BackoffPolicy kRetryBackoff{util::Millis(1000), util::Millis(300000), 2.0};

}  // namespace

OutboxRunner::OutboxRunner(boost::asio::io_context& io, store::Store& store, TicketFlow& flow, SideEffects& effects,
                           util::WorkerPool& workers)
    : io_(io),
      store_(store),
      outbox_(store),
      flow_(flow),
      effects_(effects),
      workers_(workers),
      timer_(io),
      alive_(std::make_shared<bool>(true)) {}

OutboxRunner::~OutboxRunner() { *alive_ = false; }

void OutboxRunner::Stop() {
  stopping_ = true;
  timer_.cancel();
}

void OutboxRunner::Pump() {
  if (stopping_) return;
  long long now = util::WallMillisNow();
  auto due = outbox_.Due(now, kBatch);
  if (!due) {
    util::log::Error("outbox: {}", due.error().message);
    return;
  }
  for (const store::OutboxItem& item : *due) {
    if (in_flight_.count(item.id) > 0) continue;
    if (auto shortcut = flow_.Precheck(item)) {
      Apply(item, *shortcut);
      continue;
    }
    bool reconcile = item.state == store::IntentState::kAttempted;
    if (auto marked = outbox_.MarkAttempted(item.id, now); !marked) {
      util::log::Error("outbox: {}", marked.error().message);
      return;
    }
    in_flight_.insert(item.id);
    workers_.Submit([this, item, reconcile, alive = alive_] {
      Outcome outcome = effects_.Execute(item, reconcile, util::WallMillisNow());
      boost::asio::post(io_, [this, item, outcome, alive] {
        if (!*alive || stopping_) return;
        in_flight_.erase(item.id);
        Apply(item, outcome);
        Pump();
      });
    });
  }
  ArmTimer();
}

void OutboxRunner::ArmTimer() {
  auto next = outbox_.NextDueMs();
  if (!next || *next == 0) return;
  long long wait = std::max(0LL, *next - util::WallMillisNow());
  if (wait == 0) wait = 50;  // due now but in flight: look again soon
  timer_.expires_after(util::Millis(wait));
  timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (*alive && !ec) Pump();
  });
}

void OutboxRunner::Apply(const store::OutboxItem& item, const Outcome& outcome) {
  store::Transaction transaction(store_.Handle(), "record intent outcome");
  util::Status status = transaction.Begun();
  long long now = util::WallMillisNow();
  switch (outcome.kind) {
    case Outcome::Kind::kDone:
      if (status) status = outbox_.MarkDone(item.id, outcome.result_json);
      if (status) status = flow_.OnDone(item, outcome.result_json);
      if (status) util::log::Debug("intent {} done", item.intent.key);
      break;
    case Outcome::Kind::kRetry: {
      int attempts = item.attempts + 1;
      long long delay = std::max<long long>(util::BackoffDelay(kRetryBackoff, attempts, util::UnitRandom()).count(),
                                            outcome.retry_after_ms);
      if (status) status = outbox_.Reschedule(item.id, now + delay, outcome.outcome_unknown, outcome.effect_at_ms);
      if (status) status = flow_.OnRetry(item, outcome);
      util::log::Warn("intent {} (attempt {}): {}; retrying in {} ms{}", item.intent.key, attempts,
                      outcome.error.message, delay, outcome.outcome_unknown ? ", reconciling first" : "");
      break;
    }
    case Outcome::Kind::kFailed:
      if (status) status = outbox_.MarkFailed(item.id, outcome.error.message);
      if (status) status = flow_.OnFailed(item, outcome.error);
      util::log::Error("intent {} failed for good: {}", item.intent.key, outcome.error.message);
      break;
  }
  if (status) status = transaction.Commit();
  if (!status) {
    // Not recorded: the intent stays attempted and is reconciled later.
    util::log::Error("outbox: could not record the outcome of {}: {}", item.intent.key, status.error().message);
  }
}

}  // namespace app
