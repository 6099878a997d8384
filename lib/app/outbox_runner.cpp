#include "app/outbox_runner.h"

#include <boost/asio/post.hpp>

#include "app/effect_codec.h"
#include "store/transaction.h"
#include "util/clock.h"
#include "util/log.h"

namespace app {
namespace {

// Intents started per pump: more than the workers can take at once, so
// every worker has the next one queued.
constexpr int kBatch = 64;
const util::BackoffPolicy kRetryBackoff{util::Millis(1000), util::Millis(300000), 2.0};
constexpr const char* kCreatedHelp = "Helpdesk tickets created from Slack threads.";
constexpr const char* kCommentsHelp = "Comments synced between Slack threads and helpdesk tickets, by direction.";
constexpr const char* kLagHelp = "Seconds from a helpdesk comment's creation to its post in the Slack thread.";
constexpr const char* kPendingHelp = "Open side effects (outbox intents pending or attempted).";
// The lag includes the poll interval (30 s by default) and the helpdesk's clock.
const std::vector<double> kLagBuckets{1, 2.5, 5, 10, 20, 30, 45, 60, 120, 300, 600};
// An intent that throws on its 8th try (about four minutes of backoff) is
// parked as failed, so its lane moves on.
constexpr int kMaxAttemptsWhenThrowing = 8;

// What an intent's work that threw comes to. An exception (errors are
// values, so one is a bug or something a library threw at a hostile
// answer) must end neither the process nor the lane: it is logged with the
// intent and the intent retried after a backoff, reconciled first since the
// effect may have happened, until it is parked.
// REQUIRES: called inside a catch block.
Outcome Thrown(const store::OutboxItem& item) {
  util::Error error{util::ErrorCode::kServerError, "threw " + util::CurrentExceptionText()};
  bool park = item.attempts + 1 >= kMaxAttemptsWhenThrowing;
  util::log::Error("intent {} (id {}, kind {}, lane {}) {}; {}", item.intent.key, item.id, item.intent.kind,
                   item.intent.lane, error.message, park ? "parked as failed" : "retrying with backoff");
  return park ? Outcome::Failed(std::move(error)) : Outcome::Retry(std::move(error), true);
}

}  // namespace

OutboxRunner::OutboxRunner(boost::asio::io_context& io, store::Store& store, Dispatcher& dispatcher, Effects& effects,
                           EffectWorkers workers, util::Metrics* metrics, DurableGate* durable)
    : io_(io),
      store_(store),
      outbox_(store),
      dispatcher_(dispatcher),
      effects_(effects),
      workers_(workers),
      timer_(io),
      retry_timer_(io),
      alive_(std::make_shared<bool>(true)),
      metrics_(metrics),
      durable_(durable) {
  // A new runner means a new process: nothing is running any more.
  if (auto recovered = outbox_.Recover(); !recovered) util::log::Error("outbox: {}", recovered.error().message);
  if (metrics_ != nullptr) {
    // Shown from the start, at 0.
    metrics_->GetCounter("tickets_created", kCreatedHelp);
    metrics_->GetCounter("comments_synced", kCommentsHelp, {{"direction", "to_slack"}});
    metrics_->GetCounter("comments_synced", kCommentsHelp, {{"direction", "to_helpdesk"}});
    metrics_->GetHistogram("sync_lag_seconds", kLagHelp, kLagBuckets);
    metrics_->GetGauge("pending_side_effects", kPendingHelp);
  }
}

OutboxRunner::~OutboxRunner() { *alive_ = false; }

void OutboxRunner::Stop() {
  stopping_ = true;
  timer_.cancel();
  retry_timer_.cancel();
}

void OutboxRunner::Pump() {
  // Recording outcomes wakes the runner again (Apply → the dispatcher's
  // follow-ups → Pump): a nested pump would see intents this one marked but
  // has not handed out yet, and run them twice. It runs once more instead.
  if (pumping_) {
    pump_again_ = true;
    return;
  }
  pumping_ = true;
  do {
    pump_again_ = false;
    PumpOnce();
  } while (pump_again_ && !stopping_);
  pumping_ = false;
}

void OutboxRunner::PumpOnce() {
  if (stopping_) return;
  // Every intent about to run is marked attempted in one commit, before any
  // of them leaves the process.
  Claims claims;
  {
    store::Transaction transaction(store_, "mark intents attempted");
    util::Status status = transaction.Begun();
    if (status) status = Claim(util::WallMillisNow(), claims);
    if (status) status = transaction.Commit();
    if (!status) {
      util::log::Error("outbox: {}; trying again in 1 s", status.error().message);
      retry_timer_.expires_after(util::Millis(1000));
      retry_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
        if (*alive && !ec) Pump();
      });
      return;
    }
  }
  Launch(std::move(claims));
  if (metrics_ != nullptr) {
    // After every pump, so a scrape sees the backlog within one loop turn.
    if (auto open = outbox_.OpenCount()) metrics_->GetGauge("pending_side_effects", kPendingHelp).Set(*open);
  }
  ArmTimer();
}

util::Status OutboxRunner::Claim(long long now, Claims& claims) {
  auto due = outbox_.Due(now, kBatch);
  if (!due) return tl::make_unexpected(due.error());
  for (const store::OutboxItem& item : *due) {
    if (in_flight_.count(item.id) > 0) continue;
    std::optional<bridge::Effect> effect = DecodeEffect(item.intent);
    if (!effect) {
      // Written by an older slackdesk, or damaged: not something to guess at.
      util::log::Error("intent {} (kind {}) cannot be read by this version; it is set aside as failed",
                       item.intent.key, item.intent.kind);
      if (auto failed = outbox_.MarkFailed(item.id, "unreadable intent"); !failed) {
        return tl::make_unexpected(failed.error());
      }
      continue;
    }
    auto shortcut = dispatcher_.Precheck(*effect);
    if (!shortcut) return tl::make_unexpected(shortcut.error());
    if (*shortcut) {
      claims.settled.push_back(Finished{item, *effect, Outcome::Done(**shortcut), false});
      continue;
    }
    // Claimed here, in the transaction that picked it: its lane is not due
    // again until the outcome is recorded, so no second worker gets it.
    util::Status marked = PreparesFirst(*effect) && item.state == store::IntentState::kPending
                              ? outbox_.MarkRunning(item.id)
                              : outbox_.MarkAttempted(item.id, now);
    if (!marked) return marked;
    claims.starting.push_back(Finished{item, *effect, Outcome{}, true});
  }
  return util::Ok();
}

void OutboxRunner::Launch(Claims claims) {
  for (const Finished& run : claims.starting) in_flight_.insert(run.item.id);
  Apply(claims.settled);
  for (Finished& run : claims.starting) {
    Attempt attempt{run.item.state == store::IntentState::kAttempted, run.item.attempted_at_ms, 0};
    Submit(std::move(run), [this, attempt](const Finished& on) {
      Attempt now_attempt = attempt;
      now_attempt.now_ms = util::WallMillisNow();
      return effects_.Execute(on.effect, now_attempt);
    });
  }
}

void OutboxRunner::Submit(Finished run, std::function<Outcome(const Finished&)> work) {
  util::WorkerPool& pool = SystemOf(run.effect) == System::kHelpdesk ? workers_.helpdesk
                           : std::holds_alternative<bridge::PrepareForm>(run.effect) && workers_.lookups != nullptr
                               ? *workers_.lookups
                               : workers_.slack;
  auto start = [this, &pool, run = std::move(run), work = std::move(work), alive = alive_]() mutable {
    if (!*alive || stopping_) return;  // stays attempted: reconciled at the next start
    pool.Submit([this, run = std::move(run), work = std::move(work), alive]() mutable {
      try {
        run.outcome = work(run);
      } catch (...) {
        run.outcome = Thrown(run.item);
      }
      boost::asio::post(io_, [this, run = std::move(run), alive]() mutable {
        if (!*alive || stopping_) return;
        Finish(std::move(run));
      });
    });
  };
  // Nothing leaves the process before the commit that claimed it is durable.
  if (durable_ != nullptr) {
    durable_->After(std::move(start));
  } else {
    start();
  }
}

util::Status OutboxRunner::ClaimWithin() {
  if (stopping_ || pumping_) return util::Ok();
  return Claim(util::WallMillisNow(), held_);
}

void OutboxRunner::ClaimsCommitted(bool committed) {
  Claims claims = std::move(held_);
  held_ = Claims{};
  if (committed && !stopping_) Launch(std::move(claims));
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

util::Status OutboxRunner::Record(const Finished& finished, long long now) {
  const store::OutboxItem& item = finished.item;
  const Outcome& outcome = finished.outcome;
  switch (outcome.kind) {
    case Outcome::Kind::kReady: {
      // Committed just before the side effect: after a crash, a reconcile
      // measures the helpdesk's search-lag window from here. The effect is
      // handed out once this commit is durable (Apply, Submit).
      std::string payload = outcome.progressed ? EncodeEffect(*outcome.progressed).payload : "";
      if (auto marked = outbox_.MarkEffectAt(item.id, now, payload); !marked) return marked;
      ready_.push_back(finished);
      return util::Ok();
    }
    case Outcome::Kind::kDone: {
      auto done = outbox_.MarkDone(item.id, outcome.result_json);
      if (!done) return tl::make_unexpected(done.error());
      // Recorded before (it cannot be, but if it ever were): what follows
      // from it was applied then, and must not be twice.
      if (!*done) return util::Ok();
      util::log::Debug("intent {} done", item.intent.key);
      return outcome.event ? dispatcher_.Dispatch(*outcome.event, now) : util::Ok();
    }
    case Outcome::Kind::kRetry: {
      int attempts = item.attempts + 1;
      // A helpdesk that says when it can tell is asked again then, not a
      // backoff later (a create after a crash waits out exactly its window).
      long long delay =
          outcome.until_known
              ? outcome.retry_after_ms
              : std::max<long long>(util::BackoffDelay(kRetryBackoff, attempts, util::UnitRandom()).count(),
                                    outcome.retry_after_ms);
      util::Status status = outbox_.Reschedule(item.id, now + delay, outcome.outcome_unknown, outcome.effect_at_ms);
      if (status) {
        status = dispatcher_.Dispatch(bridge::EffectRetrying{finished.effect, util::ErrorCodeName(outcome.error.code)}, now);
      }
      util::log::Warn("intent {} (attempt {}): {}; retrying in {} ms{}", item.intent.key, attempts,
                      outcome.error.message, delay, outcome.outcome_unknown ? ", reconciling first" : "");
      return status;
    }
    case Outcome::Kind::kFailed: {
      auto failed = outbox_.MarkFailed(item.id, outcome.error.message);
      if (!failed) return tl::make_unexpected(failed.error());
      if (!*failed) return util::Ok();
      util::log::Error("intent {} failed for good: {}", item.intent.key, outcome.error.message);
      return dispatcher_.Dispatch(bridge::EffectFailed{finished.effect, outcome.error.message}, now);
    }
  }
  return util::Ok();
}

void OutboxRunner::Apply(const std::vector<Finished>& batch) {
  if (batch.empty()) return;
  // One commit for the outcomes that came back together: each commit is
  // written to the WAL and later synced, and fewer commits write fewer pages.
  store::Transaction transaction(store_, "record intent outcomes");
  ready_.clear();
  util::Status status = transaction.Begun();
  long long now = util::WallMillisNow();
  for (const Finished& finished : batch) {
    if (status) status = Record(finished, now);
  }
  if (status) status = transaction.Commit();
  if (!status) {
    // Not recorded, but the effects happened: record them again shortly
    // (their lanes stay running until then; a restart reconciles them).
    dispatcher_.RolledBack();
    util::log::Error("outbox: could not record the outcome of {} intent(s), first {}: {}; trying again in 1 s",
                     batch.size(), batch.front().item.intent.key, status.error().message);
    finished_.insert(finished_.end(), batch.begin(), batch.end());
    retry_timer_.expires_after(util::Millis(1000));
    retry_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
      if (*alive && !ec && !stopping_) Flush();
    });
    return;
  }
  // On disk soon even when nothing waits for it: a power loss after an
  // effect whose outcome was not synced costs a reconcile.
  if (durable_ != nullptr) durable_->SyncSoon();
  // Taken before the follow-ups: they may pump, and a pump records too.
  std::vector<Finished> ready = std::move(ready_);
  ready_.clear();
  dispatcher_.Committed();
  for (Finished& run : ready) {
    in_flight_.insert(run.item.id);
    std::function<Outcome()> then = std::move(run.outcome.then);
    Submit(std::move(run), [then = std::move(then)](const Finished&) { return then(); });
  }
  // Only once recorded: an unrecorded success is reconciled and seen again.
  if (metrics_ != nullptr) {
    for (const Finished& finished : batch) Count(finished);
  }
}

void OutboxRunner::Finish(Finished finished) {
  in_flight_.erase(finished.item.id);
  finished_.push_back(std::move(finished));
  if (flush_posted_) return;
  flush_posted_ = true;
  boost::asio::post(io_, [this, alive = alive_] {
    if (!*alive || stopping_) return;
    flush_posted_ = false;
    Flush();
  });
}

void OutboxRunner::Flush() {
  std::vector<Finished> batch = std::move(finished_);
  finished_.clear();
  Apply(batch);
  Pump();
}

void OutboxRunner::Count(const Finished& finished) {
  const Outcome& outcome = finished.outcome;
  if (outcome.kind == Outcome::Kind::kReady) return;  // counted when its effect is done
  if (outcome.kind != Outcome::Kind::kDone) {
    util::CountError(metrics_, SystemName(SystemOf(finished.effect)), outcome.error.code);
    return;
  }
  // A Precheck shortcut (the thread already had its ticket) created nothing.
  if (std::holds_alternative<bridge::CreateTicket>(finished.effect) && finished.executed) {
    metrics_->GetCounter("tickets_created", kCreatedHelp).Inc();
  } else if (const auto* comment = std::get_if<bridge::AddComment>(&finished.effect)) {
    // An edit is not a new comment.
    if (!comment->edit) metrics_->GetCounter("comments_synced", kCommentsHelp, {{"direction", "to_helpdesk"}}).Inc();
  } else if (const auto* post = std::get_if<bridge::PostMessage>(&finished.effect)) {
    if (const auto* relay = std::get_if<bridge::AgentCommentContent>(&post->content)) {
      metrics_->GetCounter("comments_synced", kCommentsHelp, {{"direction", "to_slack"}}).Inc();
      if (relay->comment_created_ms > 0) {
        double lag = static_cast<double>(util::WallMillisNow() - relay->comment_created_ms) / 1000.0;
        metrics_->GetHistogram("sync_lag_seconds", kLagHelp, kLagBuckets).Observe(std::max(0.0, lag));
      }
    }
  }
}

}  // namespace app
