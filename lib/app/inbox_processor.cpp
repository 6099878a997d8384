#include "app/inbox_processor.h"

#include <boost/asio/post.hpp>

#include "slack/forms.h"
#include "slack/to_event.h"
#include "store/transaction.h"
#include "util/clock.h"
#include "util/log.h"

namespace app {
namespace {

constexpr int kBatch = 100;

}  // namespace

slack::socket_mode::AckDecision DecideAck(const slack::socket_mode::Frame& frame) {
  if (frame.type != "interactive") return {};
  auto form = slack::ToFormSubmitted(frame.payload_json, frame.envelope_id);
  if (!form) return {};
  std::vector<bridge::FieldError> errors = bridge::ValidateForm(*form);
  if (errors.empty()) return {};
  return slack::socket_mode::AckDecision{false, slack::FieldErrorsResponse(errors)};
}

InboxProcessor::InboxProcessor(boost::asio::io_context& io, store::Store& store, Dispatcher& dispatcher)
    : io_(io), store_(store), dispatcher_(dispatcher), retry_timer_(io), alive_(std::make_shared<bool>(true)) {}

InboxProcessor::~InboxProcessor() { *alive_ = false; }

void InboxProcessor::Schedule() {
  if (posted_) return;
  posted_ = true;
  boost::asio::post(io_, [this, alive = alive_] {
    if (!*alive) return;
    posted_ = false;
    Process();
  });
}

void InboxProcessor::Process() {
  if (stopping_ || !dispatcher_.Ready()) return;
  auto pending = store_.PendingInbox(kBatch);
  if (!pending) {
    util::log::Error("inbox: {}", pending.error().message);
    RetryLater();
    return;
  }
  if (pending->empty()) {
    caught_up_ = true;
    return;
  }
  caught_up_ = false;
  auto handled = Handle(*pending);
  if (!handled) {
    dispatcher_.RolledBack();
    util::log::Error("inbox: {} envelope(s) from envelope={}: {}; will try again", pending->size(),
                     pending->front().envelope_id, handled.error().message);
    RetryLater();
    return;
  }
  // All that was pending is handled: later envelopes may go the short way.
  caught_up_ = pending->size() < static_cast<size_t>(kBatch);
  dispatcher_.Committed();
  if (!caught_up_) Schedule();
}

util::Status InboxProcessor::Handle(const std::vector<store::InboxItem>& items) {
  // One commit for the batch: fewer commits write fewer pages, and the acks
  // of envelopes still arriving wait behind this work on this thread.
  store::Transaction transaction(store_, "handle envelopes");
  if (auto begun = transaction.Begun(); !begun) return begun;
  long long now = util::WallMillisNow();
  for (const store::InboxItem& item : items) {
    if (auto handled = HandleItem(item, now); !handled) return handled;
  }
  if (auto done = store_.MarkInboxDoneThrough(items.back().id); !done) return done;
  return transaction.Commit();
}

util::Status InboxProcessor::HandleItem(const store::InboxItem& item, long long now) {
  std::optional<bridge::Event> event;
  try {
    event = slack::ToEvent(item.kind, item.payload_json, item.envelope_id);
  } catch (...) {
    // Bad input is skipped (contract, behaviour 8): kept, it would be read
    // again at every start.
    util::log::Error("envelope={} kind={} could not be read ({}); skipped", item.envelope_id, item.kind,
                     util::CurrentExceptionText());
    return util::Ok();
  }
  if (event) return dispatcher_.Dispatch(*event, now);
  if (item.kind != "events_api" && item.kind != "interactive") {
    util::log::Info("envelope={} kind={} is not something slackdesk acts on; skipped", item.envelope_id, item.kind);
  } else {
    util::log::Debug("envelope={}: no event slackdesk acts on; skipped", item.envelope_id);
  }
  return util::Ok();
}

store::Store::InboxHandler InboxProcessor::InlineHandler() {
  if (!caught_up_ || stopping_ || !dispatcher_.Ready()) return {};
  return [this, now = util::WallMillisNow()](const store::InboxItem& item) { return HandleItem(item, now); };
}

util::Status InboxProcessor::BeforeCommit() { return claim_ ? claim_() : util::Ok(); }

void InboxProcessor::Recorded(bool committed) {
  if (!committed) {
    if (claims_committed_) claims_committed_(false);
    dispatcher_.RolledBack();
    caught_up_ = false;  // what was recorded, if anything, goes the long way
    return;
  }
  // The transaction's follow-ups are taken before the claims are handed
  // out: recording a claim's outcome has follow-ups of its own (and a
  // rollback of its own), which must not swallow these.
  Dispatcher::FollowUps follow_ups = dispatcher_.TakeFollowUps();
  if (claims_committed_) claims_committed_(true);
  dispatcher_.Deliver(std::move(follow_ups));
}

void InboxProcessor::RetryLater() {
  retry_timer_.expires_after(util::Millis(1000));
  retry_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (*alive && !ec) Schedule();
  });
}

}  // namespace app
