#include "app/sync_poller.h"

#include <boost/asio/post.hpp>

#include "store/transaction.h"
#include "store/ticket_store.h"
#include "util/log.h"

namespace app {
namespace {

constexpr const char* kWatermark = "poll_watermark";

bridge::HelpdeskComment ToCoreComment(const helpdesk::Comment& c) {
  return bridge::HelpdeskComment{c.id,        c.author_id,           c.author_name, c.body,
                                 c.is_public, c.written_by_slackdesk, c.created_ms,  c.updated_ms};
}

}  // namespace

SyncPoller::CycleResult PollHelpdesk(helpdesk::Helpdesk& helpdesk,
                                     const std::map<std::string, SyncPoller::Position>& links,
                                     const std::vector<std::string>& keys, long long watermark_ms,
                                     long long overlap_ms, const std::function<long long()>& wall_now_ms) {
  SyncPoller::CycleResult result;
  auto changes = helpdesk.ChangedSince(std::max(0LL, watermark_ms - overlap_ms), keys);
  if (!changes) {
    result.error = changes.error().message;
    return result;
  }
  long long newest = watermark_ms;
  bool complete = true;
  for (const helpdesk::TicketChange& change : *changes) {
    auto link = links.find(change.key);
    if (link == links.end()) continue;
    // Seen at this `updated` already: the overlap brought it back, nothing new.
    if (change.updated_ms <= link->second.last_updated_ms) {
      newest = std::max(newest, change.updated_ms);
      continue;
    }
    long long read_at_ms = wall_now_ms();
    auto page = helpdesk.CommentsAfter(change.key, link->second.cursor);
    if (!page) {
      // This ticket stays unread; the watermark must not pass it.
      result.error = page.error().message;
      complete = false;
      continue;
    }
    // Attachments added since this ticket was last read (since it was
    // linked, the first time): asked only for a ticket that changed.
    long long since = link->second.last_updated_ms > 0 ? link->second.last_updated_ms : link->second.linked_at_ms;
    auto attachments = page->attachments ? util::Result<std::vector<bridge::HelpdeskAttachment>>(*page->attachments)
                                         : helpdesk.AttachmentsSince(change.key, since);
    if (!attachments) {
      result.error = attachments.error().message;
      complete = false;
      continue;
    }
    // A change later in the tick of `updated` than this read (an agent's
    // answer in the same second as the customer's reply RT recorded)
    // leaves `updated` as it is, and the test above would skip it for
    // good. So until the read starts after that tick has ended (with the
    // clocks' skew), the ticket counts as read only up to just before
    // `updated`, and the next poll reads it again from the new cursor:
    // one request, nothing repeated (the cursor and the outbox's keys).
    long long read_through_ms = change.updated_ms;
    if (read_at_ms < change.updated_ms + helpdesk.UpdatedResolutionMs() + kClockSkewAllowanceMs) {
      read_through_ms = change.updated_ms - 1;
    }
    bridge::TicketActivity activity{change.key, read_through_ms, change.status, {}, page->next, *attachments};
    for (const helpdesk::Comment& comment : page->comments) activity.comments.push_back(ToCoreComment(comment));
    if (page->current) {
      activity.current.emplace();
      for (const helpdesk::Comment& comment : *page->current) activity.current->push_back(ToCoreComment(comment));
    }
    result.tickets.push_back(std::move(activity));
    newest = std::max(newest, change.updated_ms);
  }
  result.watermark_ms = complete ? newest : 0;
  return result;
}

SyncPoller::SyncPoller(boost::asio::io_context& io, store::Store& store, Dispatcher& dispatcher,
                       helpdesk::Helpdesk& helpdesk, util::WorkerPool& workers, SyncOptions options,
                       util::Metrics* metrics)
    : io_(io),
      store_(store),
      dispatcher_(dispatcher),
      helpdesk_(helpdesk),
      workers_(workers),
      options_(options),
      timer_(io),
      alive_(std::make_shared<bool>(true)) {
  if (metrics != nullptr) {
    last_poll_ = &metrics->GetGauge("last_successful_poll_timestamp_seconds",
                                    "Unix time of the last complete helpdesk poll (0: none yet).");
  }
}

SyncPoller::~SyncPoller() { *alive_ = false; }

void SyncPoller::Start() { Schedule(util::Millis(0)); }

void SyncPoller::Stop() {
  stopping_ = true;
  timer_.cancel();
}

void SyncPoller::Schedule(util::Duration delay) {
  if (stopping_) return;
  timer_.expires_after(delay);
  timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (*alive && !ec) Cycle();
  });
}

bool SyncPoller::LoadLinks() {
  store::TicketStore tickets(store_);
  auto links = tickets.AllLinks();
  if (!links) {
    util::log::Error("sync: {}", links.error().message);
    return false;
  }
  links_.clear();
  oldest_link_ms_ = links->empty() ? 0 : links->front().created_at_ms;
  for (const auto& link : *links) {
    links_[link.ticket_key] =
        Position{link.last_comment_id, link.last_updated_ms, link.channel, link.sync_stopped, link.created_at_ms};
    oldest_link_ms_ = std::min(oldest_link_ms_, link.created_at_ms);
  }
  links_stale_ = false;
  return true;
}

bool SyncPoller::ReviewPolicy() {
  std::vector<std::string> changed;
  keys_.clear();
  for (const auto& [key, position] : links_) {
    bool allowed = dispatcher_.ChannelAllowed(position.channel);
    if (allowed == position.sync_stopped) changed.push_back(key);
    if (allowed) keys_.push_back(key);
  }
  if (changed.empty()) return true;
  store::Transaction transaction(store_, "review the channel policy of links");
  util::Status status = transaction.Begun();
  long long now = util::WallMillisNow();
  for (const std::string& key : changed) {
    if (!status) break;
    status = dispatcher_.Dispatch(bridge::LinkReviewed{key}, now);
  }
  if (status) status = transaction.Commit();
  if (!status) {
    dispatcher_.RolledBack();
    util::log::Error("sync: could not record a change of allowed_channels: {}; trying again next cycle",
                     status.error().message);
    return false;
  }
  dispatcher_.Committed();
  for (const std::string& key : changed) links_[key].sync_stopped = !links_[key].sync_stopped;
  return true;
}

void SyncPoller::Cycle() {
  if (stopping_ || running_) return;
  cycle_started_ = util::SteadyClock::now();
  if ((links_stale_ && !LoadLinks()) || !ReviewPolicy()) {
    Schedule(options_.interval);
    return;
  }
  auto watermark_text = store::TicketStore(store_).GetState(kWatermark);
  if (!watermark_text) {
    util::log::Error("sync: {}", watermark_text.error().message);
    Schedule(options_.interval);
    return;
  }
  if (keys_.empty()) {
    // Nothing to read is a complete poll: the gauge says the sync is alive.
    if (last_poll_ != nullptr) last_poll_->Set(static_cast<double>(util::WallMillisNow()) / 1000.0);
    Schedule(options_.interval);
    return;
  }
  // No watermark yet: nothing can have changed before the first link.
  long long watermark = watermark_text->empty() ? oldest_link_ms_ : std::atoll(watermark_text->c_str());
  running_ = true;
  // links_ and keys_ stay untouched until this cycle's Apply.
  workers_.Submit([this, watermark, alive = alive_] {
    CycleResult result;
    try {
      result = PollHelpdesk(helpdesk_, links_, keys_, watermark, options_.overlap_ms, util::WallMillisNow);
    } catch (...) {
      // Nothing of this cycle is kept: the next one reads the same again.
      result = CycleResult{};
      result.error = "the poll threw " + util::CurrentExceptionText();
    }
    boost::asio::post(io_, [this, result = std::move(result), alive] {
      if (!*alive || stopping_) return;
      running_ = false;
      Apply(result);
      auto elapsed = util::SteadyClock::now() - cycle_started_;
      Schedule(elapsed >= options_.interval ? util::Duration(0) : options_.interval - elapsed);
    });
  });
}

void SyncPoller::Apply(const CycleResult& result) {
  if (!result.error.empty()) {
    // Nothing is lost: positions and the watermark stay where they were.
    util::log::Warn("sync: helpdesk poll incomplete: {}; trying again next cycle", result.error);
  }
  store::Transaction transaction(store_, "apply poll");
  util::Status status = transaction.Begun();
  long long now = util::WallMillisNow();
  for (const bridge::TicketActivity& activity : result.tickets) {
    if (!status) break;
    auto link = links_.find(activity.ticket_key);
    if (link == links_.end()) continue;
    status = dispatcher_.Dispatch(activity, now);
    // A channel removed during the cycle: the core kept the old position
    // (nothing was relayed), and so does this copy.
    if (!dispatcher_.ChannelAllowed(link->second.channel)) continue;
    link->second.cursor = activity.next_cursor;
    link->second.last_updated_ms = activity.updated_ms;
  }
  if (status && result.watermark_ms > 0) {
    status = store::TicketStore(store_).SetState(kWatermark, std::to_string(result.watermark_ms));
  }
  if (status) status = transaction.Commit();
  if (!status) {
    dispatcher_.RolledBack();
    util::log::Error("sync: could not record the poll: {}; it will be read again", status.error().message);
    links_stale_ = true;  // the positions above were not kept
    return;
  }
  dispatcher_.Committed();
  if (result.error.empty() && last_poll_ != nullptr) {
    last_poll_->Set(static_cast<double>(util::WallMillisNow()) / 1000.0);
  }
}

}  // namespace app
