// The daemon's chores on the loop: pruning the state file hourly (dedupe
// keys must outlive Slack's retries, which come back for up to 24 h;
// finished intents only the poll's overlap, minutes; both are kept far
// longer) and the systemd watchdog's keep-alive. Loop thread only.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "store/store.h"
#include "util/clock.h"

namespace app {

class Housekeeping {
 public:
  // Both must outlive this object.
  Housekeeping(boost::asio::io_context& io, store::Store& store);

  // What keeps the watchdog from being pinged though the loop runs (a part
  // that stopped making progress): its reason, or empty when healthy.
  using Stuck = std::function<std::optional<std::string>()>;

  // Prunes now and every hour; pings the watchdog every `watchdog_interval`
  // (zero: no watchdog) unless `stuck` (optional) names a reason.
  void Start(util::Duration watchdog_interval, Stuck stuck = {});
  void Stop();

 private:
  void Prune();
  void PingWatchdog(util::Duration interval);

  store::Store& store_;
  boost::asio::steady_timer prune_timer_;
  boost::asio::steady_timer watchdog_timer_;
  Stuck stuck_;
  bool stopping_ = false;
  bool said_stuck_ = false;  // the reason was logged, once per stall
  long long pruned_inbox_ = 0;    // by the batches of the current round
  long long pruned_intents_ = 0;
};

}  // namespace app
