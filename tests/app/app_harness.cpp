#include "app_harness.h"

#include "store/outbox.h"
#include "util/clock.h"
#include "util/worker_pool.h"

namespace apptest {

struct AppHarness::Running {
  Running(AppHarness& h, int workers)
      : store(std::move(*store::Store::Open(h.dir_.File("state.db")))),
        api(h.slack, Options()),
        directory(api),
        slack_effects(api, directory),
        form_catalog(h.helpdesk),
        form_opener(api, form_catalog),
        helpdesk_effects(h.helpdesk, directory, h.trust_external_emails),
        effects(slack_effects, helpdesk_effects),
        pool(workers),
        helpdesk_pool(workers),
        lookup_pool(1),
        poll_worker(1),
        dispatcher(*store,
                   [&h](std::string_view channel) {
                     return h.allowed_channels.empty() || h.allowed_channels.count(std::string(channel)) > 0;
                   }),
        runner(io, *store, dispatcher, effects, app::EffectWorkers{pool, helpdesk_pool, &lookup_pool}),
        poller(io, *store, dispatcher, h.helpdesk, poll_worker, SyncOptions()),
        inbox(io, *store, dispatcher) {
    dispatcher.SetBotUserId(fake::RecordingSlack::kBotUserId);
    dispatcher.SetHelpdeskAccountId(fake::FakeHelpdesk::kBotId);
    dispatcher.SetFollowUpHandler([this](app::Dispatcher::FollowUps follow_ups) {
      // The default route: the fake helpdesk's request type with empty ids.
      for (const bridge::OpenForm& form : follow_ups.forms) form_opener.Open(form, config::ChannelRoute{"", {""}});
      if (follow_ups.links_added) poller.OnLinkAdded();
      if (follow_ups.intents_added) runner.Pump();
    });
  }
  ~Running() {
    inbox.Stop();
    runner.Stop();
    poller.Stop();
    pool.Shutdown();
    helpdesk_pool.Shutdown();
    lookup_pool.Shutdown();
    poll_worker.Shutdown();
  }

  static slack::web_api::WebApiOptions Options() {
    auto options = slack::web_api::DefaultWebApiOptions(fake::RecordingSlack::kBaseUrl, "xoxb-test");
    options.post_interval = util::Millis(0);
    options.retry_backoff = {util::Millis(1), util::Millis(5), 2.0};
    options.sleep = [](util::Duration) {};
    return options;
  }

  static app::SyncOptions SyncOptions() {
    app::SyncOptions options;
    options.interval = util::Millis(50);
    return options;
  }

  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  std::unique_ptr<store::Store> store;
  slack::web_api::WebApiClient api;
  app::SlackDirectory directory;
  app::SlackEffects slack_effects;
  app::FormCatalog form_catalog;
  app::FormOpener form_opener;
  app::HelpdeskEffects helpdesk_effects;
  app::AdapterEffects effects;
  util::WorkerPool pool;
  util::WorkerPool helpdesk_pool;
  util::WorkerPool lookup_pool;
  util::WorkerPool poll_worker;
  app::Dispatcher dispatcher;
  app::OutboxRunner runner;
  app::SyncPoller poller;
  app::InboxProcessor inbox;
};

AppHarness::AppHarness(int workers) { Build(workers); }

AppHarness::~AppHarness() = default;

void AppHarness::Build(int workers) {
  running_ = std::make_unique<Running>(*this, workers);
  // As after auth.test: what was left from before comes first.
  running_->inbox.Schedule();
  running_->runner.Pump();
}

void AppHarness::Restart(int workers) {
  running_.reset();
  Build(workers);
}

void AppHarness::StartSync() { running_->poller.Start(); }

void AppHarness::Receive(const std::string& kind, const std::string& payload, const std::string& envelope_id) {
  std::string id = envelope_id.empty() ? "env-" + std::to_string(next_envelope_++) : envelope_id;
  auto recorded = running_->store->RecordEnvelopes({store::InboxEnvelope{id, kind, {"envelope:" + id}, payload,
                                                                          util::WallMillisNow()}});
  if (recorded) running_->inbox.Schedule();
}

bool AppHarness::RunUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    running_->io.run_for(std::chrono::milliseconds(5));
  }
  return true;
}

void AppHarness::RunFor(std::chrono::milliseconds duration) { running_->io.run_for(duration); }

store::Store& AppHarness::Store() { return *running_->store; }

int AppHarness::OpenIntents() { return store::Outbox(*running_->store).OpenCount().value_or(-1); }

}  // namespace apptest
