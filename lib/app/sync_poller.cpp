#include "app/sync_poller.h"

#include <map>

#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include "app/side_effects.h"
#include "bridge/markup.h"
#include "slack/messages.h"
#include "store/outbox.h"
#include "store/sql.h"
#include "store/ticket_store.h"
#include "util/log.h"

namespace app {
namespace {

constexpr const char* kWatermark = "poll_watermark";
// A section block holds 3000 characters; the part label and escapes need a
// little room.
constexpr size_t kRelayChunk = 2900;

// Runs on a worker: the search, then the comments of what changed.
SyncPoller::CycleResult Poll(helpdesk::Helpdesk& helpdesk, const std::map<std::string, SyncPoller::Position>& links,
                             const std::vector<std::string>& keys, long long watermark_ms, long long overlap_ms) {
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
    auto comments = helpdesk.CommentsNewerThan(change.key, link->second.last_comment_id);
    if (!comments) {
      // This ticket stays unread; the watermark must not pass it.
      result.error = comments.error().message;
      complete = false;
      continue;
    }
    SyncPoller::TicketActivity activity{change.key, change.updated_ms, change.status, change.status_category,
                                        std::vector<helpdesk::Comment>(comments->rbegin(), comments->rend())};
    result.tickets.push_back(std::move(activity));
    newest = std::max(newest, change.updated_ms);
  }
  result.watermark_ms = complete ? newest : 0;
  return result;
}

}  // namespace

bool CommentIdNewer(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() > b.size();
  return a > b;
}

SyncPoller::SyncPoller(boost::asio::io_context& io, store::Store& store, helpdesk::Helpdesk& helpdesk,
                       util::WorkerPool& workers, SyncOptions options, std::function<void()> on_intents,
                       util::Metrics* metrics)
    : io_(io),
      store_(store),
      helpdesk_(helpdesk),
      workers_(workers),
      options_(options),
      on_intents_(std::move(on_intents)),
      timer_(io),
      alive_(std::make_shared<bool>(true)) {
  if (metrics != nullptr) {
    last_poll_ = &metrics->GetGauge("last_successful_poll_timestamp_seconds",
                                    "Unix time of the last complete helpdesk poll (0: none yet).");
  }
}

SyncPoller::~SyncPoller() { *alive_ = false; }

void SyncPoller::Start(std::string own_account_id) {
  own_account_id_ = std::move(own_account_id);
  Schedule(util::Millis(0));
}

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
    links_[link.ticket_key] = Position{link.last_comment_id, link.last_updated_ms};
    oldest_link_ms_ = std::min(oldest_link_ms_, link.created_at_ms);
  }
  keys_.clear();
  for (const auto& [key, position] : links_) keys_.push_back(key);
  links_stale_ = false;
  return true;
}

void SyncPoller::Cycle() {
  if (stopping_ || running_) return;
  cycle_started_ = util::SteadyClock::now();
  if (links_stale_ && !LoadLinks()) {
    Schedule(options_.interval);
    return;
  }
  store::TicketStore tickets(store_);
  auto watermark_text = tickets.GetState(kWatermark);
  if (!watermark_text) {
    util::log::Error("sync: {}", watermark_text.error().message);
    Schedule(options_.interval);
    return;
  }
  if (links_.empty()) {
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
    CycleResult result = Poll(helpdesk_, links_, keys_, watermark, options_.overlap_ms);
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
  store::TicketStore tickets(store_);
  store::Outbox outbox(store_);
  store::Transaction transaction(store_.Handle(), "apply poll");
  util::Status status = transaction.Begun();
  long long now = util::WallMillisNow();
  bool added = false;
  std::vector<std::pair<std::string, long long>> relays;  // told to on_relay_ once committed
  // True when the intent is new (not one an overlapping poll added before).
  auto add = [&](const store::Intent& intent) {
    if (!status) return false;
    auto inserted = outbox.Add(intent, now);
    if (!inserted) status = tl::make_unexpected(inserted.error());
    bool fresh = inserted && *inserted;
    added = added || fresh;
    return fresh;
  };
  for (const TicketActivity& ticket : result.tickets) {
    if (!status) break;
    auto found = tickets.FindLinkByTicket(ticket.key);
    if (!found) {
      status = tl::make_unexpected(found.error());
      break;
    }
    if (!*found) continue;
    const store::LinkRecord& link = **found;
    if (links_.count(ticket.key) == 0) continue;
    std::string lane = "slack:" + link.channel;
    std::string last_id = link.last_comment_id;
    for (const helpdesk::Comment& comment : ticket.comments) {
      if (CommentIdNewer(comment.id, last_id)) last_id = comment.id;
      if (!CommentIdNewer(comment.id, link.last_comment_id)) continue;  // handled in an earlier cycle
      if (comment.author_account_id == own_account_id_ || !comment.marker.empty()) continue;  // ours: no echo
      if (!comment.is_public) {
        util::log::Debug("ticket={} comment {} is internal: not shown in Slack", ticket.key, comment.id);
        continue;
      }
      std::vector<std::string> parts = bridge::SplitForSlack(bridge::WikiToMrkdwn(comment.body, {}), kRelayChunk);
      for (size_t i = 0; i < parts.size(); ++i) {
        std::string key = fmt::format("relay:{}:{}:{}", ticket.key, comment.id, i);
        std::string label = parts.size() > 1 ? fmt::format("({}/{})", i + 1, parts.size()) : "";
        bool fresh = add({key, kPostMessage, lane,
                          slack::AgentCommentMessage(link.channel, link.thread_ts, comment.author_name, ticket.key,
                                                     parts[i], label, key)});
        if (fresh && i == 0) relays.emplace_back(key, comment.created_ms);
      }
      util::log::Info("ticket={} comment {} by {} goes to channel={} thread={}", ticket.key, comment.id,
                      comment.author_name, link.channel, link.thread_ts);
    }
    if (!ticket.status.empty() && ticket.status != link.status) {
      util::log::Info("ticket={} status {} -> {}", ticket.key, link.status, ticket.status);
      if (status) status = tickets.SetStatus(ticket.key, ticket.status, ticket.status_category);
      slack::TicketView view{link.ticket_key, link.summary, ticket.status, link.web_url};
      if (!link.confirmation_ts.empty()) {
        add({fmt::format("status:{}:{}", ticket.key, ticket.updated_ms), kUpdateMessage, lane,
             slack::ConfirmationUpdate(link.channel, link.confirmation_ts, view)});
      }
      if (ticket.status_category == "done" && link.status_category != "done") {
        std::string key = fmt::format("resolved:{}:{}", ticket.key, ticket.updated_ms);
        add({key, kPostMessage, lane,
             slack::TextMessage(link.channel, link.thread_ts,
                                ticket.key + " is now " + ticket.status +
                                    ". If something is still wrong, just reply here: replies still reach the ticket.",
                                key)});
      }
    }
    if (status) status = tickets.SetSyncPosition(ticket.key, last_id, ticket.updated_ms);
    links_[ticket.key] = Position{last_id, ticket.updated_ms};
  }
  if (status && result.watermark_ms > 0) status = tickets.SetState(kWatermark, std::to_string(result.watermark_ms));
  if (status) status = transaction.Commit();
  if (!status) {
    util::log::Error("sync: could not record the poll: {}; it will be read again", status.error().message);
    links_stale_ = true;  // the positions above were not kept
    return;
  }
  if (result.error.empty() && last_poll_ != nullptr) {
    last_poll_->Set(static_cast<double>(util::WallMillisNow()) / 1000.0);
  }
  if (on_relay_) {
    for (const auto& [key, created_ms] : relays) on_relay_(key, created_ms);
  }
  if (added && on_intents_) on_intents_();
}

}  // namespace app
