// The helpdesk → Slack half of the two-way sync. Every poll_interval: one
// change search over the linked tickets (paged), then comments only of the
// tickets whose `updated` moved, read newest first down to the last one
// already handled. New public comments by others become relay intents
// (posts in the thread), status changes update the confirmation and, on
// resolution, post one note; all in one transaction with the tickets' new
// sync positions. The watermark moves only to the newest `updated` a
// search actually returned, and each search reaches back `overlap` before
// it (JQL minute granularity, clock skew, search lag); the per-ticket
// positions and the outbox's unique keys make the overlap harmless.
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
  // Everything must outlive this object. `on_intents` runs after a cycle
  // added intents (the outbox runner's wake-up). `metrics` may be null (off).
  SyncPoller(boost::asio::io_context& io, store::Store& store, helpdesk::Helpdesk& helpdesk,
             util::WorkerPool& workers, SyncOptions options, std::function<void()> on_intents,
             util::Metrics* metrics = nullptr);
  ~SyncPoller();

  // The helpdesk account slackdesk writes as: its comments never go back.
  // Polling starts once this is known.
  void Start(std::string own_account_id);
  void Stop();
  void SetInterval(util::Duration interval) { options_.interval = interval; }
  // A ticket was linked: the in-memory list of links is read again before
  // the next cycle (reading 10,000 links every cycle would make the poll's
  // cost grow with the number of links).
  void OnLinkAdded() { links_stale_ = true; }
  // Hears each committed relay of a comment (the key of its first part and
  // the comment's creation time), for the sync lag metric.
  void SetOnRelay(std::function<void(const std::string& key, long long created_ms)> on_relay) {
    on_relay_ = std::move(on_relay);
  }

  struct Position {
    std::string last_comment_id;
    long long last_updated_ms = 0;
  };

  struct TicketActivity {
    std::string key;
    long long updated_ms = 0;
    std::string status;
    std::string status_category;
    std::vector<helpdesk::Comment> comments;  // oldest first
  };
  struct CycleResult {
    std::vector<TicketActivity> tickets;
    long long watermark_ms = 0;  // 0: do not move it
    std::string error;           // "" when the whole cycle succeeded
  };

 private:
  void Schedule(util::Duration delay);
  void Cycle();
  void Apply(const CycleResult& result);
  bool LoadLinks();

  boost::asio::io_context& io_;
  store::Store& store_;
  helpdesk::Helpdesk& helpdesk_;
  util::WorkerPool& workers_;
  SyncOptions options_;
  std::function<void()> on_intents_;
  boost::asio::steady_timer timer_;
  std::string own_account_id_;
  bool running_ = false;   // a cycle is on a worker
  bool stopping_ = false;
  util::TimePoint cycle_started_;
  // The linked tickets and how far each was read. A worker reads it during
  // a cycle; the loop changes it only between cycles (running_ is false).
  std::map<std::string, Position> links_;
  std::vector<std::string> keys_;  // the keys of links_
  long long oldest_link_ms_ = 0;
  bool links_stale_ = true;
  std::shared_ptr<bool> alive_;
  std::function<void(const std::string&, long long)> on_relay_;
  util::Gauge* last_poll_ = nullptr;  // null when metrics are off
};

// True when Jira comment id `a` is newer than `b` (numeric strings; "" is
// older than everything).
bool CommentIdNewer(const std::string& a, const std::string& b);

}  // namespace app
