// Turns recorded envelopes into the core's events, in arrival order: each
// batch is dispatched and marked handled in one transaction (on an error
// nothing of the batch is kept; it is tried again a second later). Slack
// events wait until the bot knows who it is. Also answers, before the ack,
// the envelopes whose ack carries the answer (a form with errors). Loop
// thread only.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "app/dispatcher.h"
#include "app/inbox_sink.h"
#include "slack/socket_mode/socket_mode_client.h"
#include "store/store.h"

namespace app {

class InboxProcessor : public InboxSink::InlineHandling {
 public:
  // Everything must outlive this object.
  InboxProcessor(boost::asio::io_context& io, store::Store& store, Dispatcher& dispatcher);
  ~InboxProcessor();

  // Handles what is pending soon (once per loop turn however often asked).
  void Schedule();
  void Stop() { stopping_ = true; }

  // For envelopes about to be recorded: a handler that handles each in the
  // recording transaction, when nothing older waits in the inbox (order is
  // kept) and the bot knows who it is; empty otherwise (they are recorded
  // as pending and handled by Process). After the transaction, Recorded
  // says whether it committed.
  store::Store::InboxHandler InlineHandler() override;
  util::Status BeforeCommit() override;
  void Recorded(bool committed) override;
  // What BeforeCommit and Recorded also do (the daemon's outbox runner:
  // claim the intents just added in the same transaction, hand them out
  // after it).
  void SetClaims(std::function<util::Status()> claim, std::function<void(bool)> committed) {
    claim_ = std::move(claim);
    claims_committed_ = std::move(committed);
  }
  void PendingAdded() override { caught_up_ = false; }

 private:
  void Process();
  util::Status Handle(const std::vector<store::InboxItem>& items);
  // One envelope as the core's event, dispatched; inside a transaction.
  util::Status HandleItem(const store::InboxItem& item, long long now);
  void RetryLater();

  boost::asio::io_context& io_;
  store::Store& store_;
  Dispatcher& dispatcher_;
  boost::asio::steady_timer retry_timer_;
  bool posted_ = false;
  bool stopping_ = false;
  bool caught_up_ = false;
  std::function<util::Status()> claim_;
  std::function<void(bool)> claims_committed_;  // the last look found nothing pending, and nothing failed since
  std::shared_ptr<bool> alive_;
};

// Before the ack: an invalid form is answered in the ack and not kept.
slack::socket_mode::AckDecision DecideAck(const slack::socket_mode::Frame& frame);

}  // namespace app
