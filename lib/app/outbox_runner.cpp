#include "app/outbox_runner.h"

#include <boost/asio/post.hpp>

#include "store/sql.h"
#include "util/clock.h"
#include "util/log.h"

namespace app {
namespace {

constexpr int kBatch = 32;
const util::BackoffPolicy kRetryBackoff{util::Millis(1000), util::Millis(300000), 2.0};
constexpr const char* kCommentsHelp = "Comments synced between Slack threads and helpdesk tickets, by direction.";
constexpr const char* kLagHelp = "Seconds from a helpdesk comment's creation to its post in the Slack thread.";
constexpr const char* kPendingHelp = "Open side effects (outbox intents pending or attempted).";
// The lag includes the poll interval (30 s by default) and Jira's clock.
const std::vector<double> kLagBuckets{1, 2.5, 5, 10, 20, 30, 45, 60, 120, 300, 600};

bool StartsWith(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

}  // namespace

OutboxRunner::OutboxRunner(boost::asio::io_context& io, store::Store& store, TicketFlow& flow, SideEffects& effects,
                           util::WorkerPool& workers, util::Metrics* metrics)
    : io_(io),
      store_(store),
      outbox_(store),
      flow_(flow),
      effects_(effects),
      workers_(workers),
      timer_(io),
      alive_(std::make_shared<bool>(true)),
      metrics_(metrics) {
  if (metrics_ != nullptr) {
    // Shown from the start, at 0.
    metrics_->GetCounter("tickets_created", "Helpdesk tickets created from Slack threads.");
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
}

void OutboxRunner::Pump() {
  if (stopping_) return;
  long long now = util::WallMillisNow();
  auto due = outbox_.Due(now, kBatch);
  if (!due) {
    util::log::Error("outbox: {}", due.error().message);
    return;
  }
  // Every intent about to run is marked attempted in one commit, before any
  // of them leaves the process.
  std::vector<std::pair<store::OutboxItem, bool>> starting;  // item, reconcile
  std::vector<Finished> settled;  // no need to run
  {
    store::Transaction transaction(store_.Handle(), "mark intents attempted");
    util::Status status = transaction.Begun();
    for (const store::OutboxItem& item : *due) {
      if (!status) break;
      if (in_flight_.count(item.id) > 0) continue;
      if (auto shortcut = flow_.Precheck(item)) {
        settled.push_back(Finished{item, *shortcut, false});
        continue;
      }
      status = outbox_.MarkAttempted(item.id, now);
      starting.emplace_back(item, item.state == store::IntentState::kAttempted);
    }
    if (status) status = transaction.Commit();
    if (!status) {
      util::log::Error("outbox: {}", status.error().message);
      return;
    }
  }
  Apply(settled);
  for (const auto& [item, reconcile] : starting) {
    in_flight_.insert(item.id);
    workers_.Submit([this, item = item, reconcile = reconcile, alive = alive_] {
      Outcome outcome = effects_.Execute(item, reconcile, util::WallMillisNow());
      boost::asio::post(io_, [this, item, outcome, alive] {
        if (!*alive || stopping_) return;
        Finish(Finished{item, outcome, true});
      });
    });
  }
  if (metrics_ != nullptr) {
    // After every pump, so a scrape sees the backlog within one loop turn.
    if (auto open = outbox_.OpenCount()) {
      metrics_->GetGauge("pending_side_effects", kPendingHelp).Set(*open);
    }
  }
  ArmTimer();
}

void OutboxRunner::NoteRelay(const std::string& key, long long comment_created_ms) {
  if (metrics_ != nullptr && comment_created_ms > 0) relay_created_ms_[key] = comment_created_ms;
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
  util::Status status = util::Ok();
  switch (outcome.kind) {
    case Outcome::Kind::kDone:
      status = outbox_.MarkDone(item.id, outcome.result_json);
      if (status) status = flow_.OnDone(item, outcome.result_json);
      if (status) util::log::Debug("intent {} done", item.intent.key);
      break;
    case Outcome::Kind::kRetry: {
      int attempts = item.attempts + 1;
      long long delay = std::max<long long>(util::BackoffDelay(kRetryBackoff, attempts, util::UnitRandom()).count(),
                                            outcome.retry_after_ms);
      status = outbox_.Reschedule(item.id, now + delay, outcome.outcome_unknown, outcome.effect_at_ms);
      if (status) status = flow_.OnRetry(item, outcome);
      util::log::Warn("intent {} (attempt {}): {}; retrying in {} ms{}", item.intent.key, attempts,
                      outcome.error.message, delay, outcome.outcome_unknown ? ", reconciling first" : "");
      break;
    }
    case Outcome::Kind::kFailed:
      status = outbox_.MarkFailed(item.id, outcome.error.message);
      if (status) status = flow_.OnFailed(item, outcome.error);
      util::log::Error("intent {} failed for good: {}", item.intent.key, outcome.error.message);
      break;
  }
  return status;
}

void OutboxRunner::Apply(const std::vector<Finished>& batch) {
  if (batch.empty()) return;
  // One commit for the outcomes that came back together: each commit waits
  // for the disk, and the acks of arriving envelopes wait behind it.
  store::Transaction transaction(store_.Handle(), "record intent outcomes");
  util::Status status = transaction.Begun();
  long long now = util::WallMillisNow();
  for (const Finished& finished : batch) {
    if (status) status = Record(finished, now);
  }
  if (status) status = transaction.Commit();
  if (!status) {
    // Not recorded: the intents stay attempted and are reconciled later.
    util::log::Error("outbox: could not record the outcome of {} intent(s), first {}: {}", batch.size(),
                     batch.front().item.intent.key, status.error().message);
    return;
  }
  // Only once recorded: an unrecorded success is reconciled and seen again.
  if (metrics_ != nullptr) {
    for (const Finished& finished : batch) Count(finished.item, finished.outcome, finished.executed);
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
    std::vector<Finished> batch = std::move(finished_);
    finished_.clear();
    Apply(batch);
    Pump();
  });
}

void OutboxRunner::Count(const store::OutboxItem& item, const Outcome& outcome, bool executed) {
  const std::string& kind = item.intent.kind;
  const std::string& key = item.intent.key;
  if (outcome.kind != Outcome::Kind::kDone) {
    bool helpdesk = kind == kCreateTicket || kind == kAddComment;
    util::CountError(metrics_, helpdesk ? "helpdesk" : "slack", outcome.error.code);
    if (outcome.kind == Outcome::Kind::kFailed) relay_created_ms_.erase(key);
    return;
  }
  // A Precheck shortcut (the thread already had its ticket) created nothing.
  if (kind == kCreateTicket && executed) {
    metrics_->GetCounter("tickets_created", "Helpdesk tickets created from Slack threads.").Inc();
  } else if (kind == kAddComment && StartsWith(key, "comment:")) {  // edits ("edit:") are not new comments
    metrics_->GetCounter("comments_synced", kCommentsHelp, {{"direction", "to_helpdesk"}}).Inc();
  } else if (kind == kPostMessage && StartsWith(key, "relay:")) {
    // A long comment is posted in parts relay:<ticket>:<comment>:<part>;
    // it counts once, by its first part.
    if (key.size() >= 2 && key.compare(key.size() - 2, 2, ":0") == 0) {
      metrics_->GetCounter("comments_synced", kCommentsHelp, {{"direction", "to_slack"}}).Inc();
    }
    auto created = relay_created_ms_.find(key);
    if (created != relay_created_ms_.end()) {
      double lag = static_cast<double>(util::WallMillisNow() - created->second) / 1000.0;
      metrics_->GetHistogram("sync_lag_seconds", kLagHelp, kLagBuckets).Observe(std::max(0.0, lag));
      relay_created_ms_.erase(created);
    }
  }
}

}  // namespace app
