#include "app/housekeeping.h"

#include "app/notify.h"
#include "store/outbox.h"
#include "util/log.h"

namespace app {

Housekeeping::Housekeeping(boost::asio::io_context& io, store::Store& store)
    : store_(store), prune_timer_(io), watchdog_timer_(io) {}

void Housekeeping::Start(util::Duration watchdog_interval) {
  PingWatchdog(watchdog_interval);
  Prune();
}

void Housekeeping::Stop() {
  stopping_ = true;
  prune_timer_.cancel();
}

void Housekeeping::Prune() {
  long long now = util::WallMillisNow();
  auto inbox = store_.PruneInbox(now - 48LL * 3600 * 1000);
  auto intents = store::Outbox(store_).PruneFinished(now - 14LL * 24 * 3600 * 1000);
  if (!inbox || !intents) {
    util::log::Error("store: pruning old rows failed: {}", !inbox ? inbox.error().message : intents.error().message);
  } else if (*inbox + *intents > 0) {
    util::log::Info("store: pruned {} old inbox rows and dedupe keys, {} finished intents", *inbox, *intents);
  }
  prune_timer_.expires_after(std::chrono::hours(1));
  prune_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !stopping_) Prune();
  });
}

void Housekeeping::PingWatchdog(util::Duration interval) {
  if (interval.count() == 0) return;
  NotifyWatchdog();
  watchdog_timer_.expires_after(interval);
  // The watchdog keeps going while a stop drains: a hung stop is a hang too.
  watchdog_timer_.async_wait([this, interval](const boost::system::error_code& ec) {
    if (!ec) PingWatchdog(interval);
  });
}

}  // namespace app
