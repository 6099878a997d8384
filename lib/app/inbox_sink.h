// The Socket Mode envelope sink backed by the store's inbox: an envelope is
// committed to SQLite before it is acked, and a redelivery (same envelope,
// event, message or interaction) is recognised by its dedupe keys and acked
// again without being recorded twice.
#pragma once

#include <functional>

#include "slack/socket_mode/socket_mode_client.h"
#include "store/store.h"

namespace app {

class InboxSink : public slack::socket_mode::EnvelopeSink {
 public:
  // `store` must outlive this object; `on_recorded` runs after each acked
  // batch (the inbox processor's wake-up).
  InboxSink(store::Store& store, std::function<void()> on_recorded);
  util::Status Record(const std::vector<slack::socket_mode::Frame>& batch) override;
  void OnRecorded() override;

 private:
  store::Store& store_;
  std::function<void()> on_recorded_;
};

}  // namespace app
