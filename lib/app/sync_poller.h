// The helpdesk → Slack half of the two-way sync, as a poll. Only tickets
// whose thread's channel is allowed are polled (allowed_channels, read
// again every cycle, so a SIGHUP applies at the next one). Every
// poll_interval: one change search over the linked tickets, then the
// comments after each changed ticket's cursor. What it finds goes to the
// core as one TicketActivity event per ticket (through the dispatcher, all
// in one transaction with the watermark); the core decides what is
// relayed, shown or recorded. The watermark moves only to the newest
// `updated` a search actually returned, and each search reaches back
// `overlap` before it (minute-granular searches, clock skew, search lag);
// the cursors and the outbox's unique keys make the overlap harmless. A
// ticket read before its `updated` tick ended (RT's whole seconds) is read
// once more at the next poll: a change later in that tick leaves `updated`
// as it was.
// Loop thread only; the helpdesk calls run on a worker. With metrics it
// keeps the time of the last complete poll.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "app/dispatcher.h"
#include "bridge/events.h"
#include "helpdesk/helpdesk.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/metrics.h"
#include "util/worker_pool.h"

namespace app {

struct SyncOptions {
  util::Duration interval = util::Millis(30000);
  long long overlap_ms = 5 * 60 * 1000;
};

class SyncPoller {
 public:
  // Everything must outlive this object; `metrics` may be null (off).
  SyncPoller(boost::asio::io_context& io, store::Store& store, Dispatcher& dispatcher, helpdesk::Helpdesk& helpdesk,
             util::WorkerPool& workers, SyncOptions options, util::Metrics* metrics = nullptr);
  ~SyncPoller();

  // Polling starts once the helpdesk account is known (the dispatcher's).
  void Start();
  void Stop();
  void SetInterval(util::Duration interval) { options_.interval = interval; }
  // A ticket was linked: the in-memory list of links is read again before
  // the next cycle (reading 10,000 links every cycle would make the poll's
  // cost grow with the number of links).
  void OnLinkAdded() { links_stale_ = true; }

  struct Position {
    std::string cursor;
    long long last_updated_ms = 0;
    std::string channel;        // the thread's
    bool sync_stopped = false;  // its channel left allowed_channels
    long long linked_at_ms = 0;  // attachments older than the link are not the sync's
  };
  struct CycleResult {
    std::vector<bridge::TicketActivity> tickets;
    long long watermark_ms = 0;  // 0: do not move it
    std::string error;           // "" when the whole cycle succeeded
  };

 private:
  void Schedule(util::Duration delay);
  void Cycle();
  void Apply(const CycleResult& result);
  bool LoadLinks();
  // allowed_channels may have changed (SIGHUP): links whose channel's
  // policy differs from their sync_stopped go to the core (stop, told once,
  // or resume), and only links that sync are polled. False when it could
  // not be recorded.
  bool ReviewPolicy();

  boost::asio::io_context& io_;
  store::Store& store_;
  Dispatcher& dispatcher_;
  helpdesk::Helpdesk& helpdesk_;
  util::WorkerPool& workers_;
  SyncOptions options_;
  boost::asio::steady_timer timer_;
  bool running_ = false;  // a cycle is on a worker
  bool stopping_ = false;
  util::TimePoint cycle_started_;
  // The linked tickets and how far each was read. A worker reads it during
  // a cycle; the loop changes it only between cycles (running_ is false).
  std::map<std::string, Position> links_;
  std::vector<std::string> keys_;  // the keys of links_ that sync (their channel is allowed)
  long long oldest_link_ms_ = 0;
  bool links_stale_ = true;
  std::shared_ptr<bool> alive_;
  util::Gauge* last_poll_ = nullptr;  // null when metrics are off
};

// A ticket read less than this after its `updated` tick ended is read
// again at the next poll (PollHelpdesk): the clocks of this machine and
// the helpdesk may disagree by this much.
constexpr long long kClockSkewAllowanceMs = 2000;

// Runs on a worker: the change search, then the comments of what changed
// since `links` were read. `wall_now_ms` reads the clock (epoch ms) just
// before each ticket is read. Exposed for tests.
SyncPoller::CycleResult PollHelpdesk(helpdesk::Helpdesk& helpdesk,
                                     const std::map<std::string, SyncPoller::Position>& links,
                                     const std::vector<std::string>& keys, long long watermark_ms,
                                     long long overlap_ms, const std::function<long long()>& wall_now_ms);

}  // namespace app
