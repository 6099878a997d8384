#include "app/housekeeping.h"

#include "app/notify.h"
#include "store/outbox.h"
#include "util/log.h"

namespace app {
namespace {

constexpr int kPruneBatch = 5000;

}  // namespace

Housekeeping::Housekeeping(boost::asio::io_context& io, store::Store& store)
    : store_(store), prune_timer_(io), watchdog_timer_(io) {}

void Housekeeping::Start(util::Duration watchdog_interval, Stuck stuck) {
  stuck_ = std::move(stuck);
  PingWatchdog(watchdog_interval);
  Prune();
}

void Housekeeping::Stop() {
  stopping_ = true;
  prune_timer_.cancel();
}

void Housekeeping::Prune() {
  long long now = util::WallMillisNow();
  auto inbox = store_.PruneInbox(now - 48LL * 3600 * 1000, kPruneBatch);
  auto intents = store::Outbox(store_).PruneFinished(now - 14LL * 24 * 3600 * 1000, kPruneBatch);
  bool more = false;
  if (!inbox || !intents) {
    util::log::Error("store: pruning old rows failed: {}", !inbox ? inbox.error().message : intents.error().message);
  } else {
    pruned_inbox_ += *inbox;
    pruned_intents_ += *intents;
    // A full batch means more is waiting: the next batch after a short
    // pause, so envelopes are acked in between.
    more = *inbox >= kPruneBatch || *intents >= kPruneBatch;
    if (!more && pruned_inbox_ + pruned_intents_ > 0) {
      util::log::Info("store: pruned {} old inbox rows and dedupe keys, {} finished intents", pruned_inbox_,
                      pruned_intents_);
      pruned_inbox_ = pruned_intents_ = 0;
    }
  }
  prune_timer_.expires_after(more ? std::chrono::milliseconds(50) : std::chrono::milliseconds(3600 * 1000));
  prune_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !stopping_) Prune();
  });
}

void Housekeeping::PingWatchdog(util::Duration interval) {
  if (interval.count() == 0) return;
  std::optional<std::string> stuck = stuck_ ? stuck_() : std::nullopt;
  if (!stuck) {
    NotifyWatchdog();
    said_stuck_ = false;
  } else if (!said_stuck_) {
    // systemd restarts the service when the watchdog's time runs out.
    util::log::Error("{}; no longer telling systemd's watchdog that slackdesk is alive", *stuck);
    said_stuck_ = true;
  }
  watchdog_timer_.expires_after(interval);
  // The watchdog keeps going while a stop drains: a hung stop is a hang too.
  watchdog_timer_.async_wait([this, interval](const boost::system::error_code& ec) {
    if (!ec) PingWatchdog(interval);
  });
}

}  // namespace app
