#include "app/daemon.h"

#include <csignal>
#include <filesystem>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/check.h"
#include "app/dispatcher.h"
#include "app/durable_gate.h"
#include "app/effects.h"
#include "app/form_catalog.h"
#include "app/form_opener.h"
#include "app/housekeeping.h"
#include "app/inbox_processor.h"
#include "app/inbox_sink.h"
#include "app/metrics_server.h"
#include "app/notify.h"
#include "app/outbox_runner.h"
#include "app/reload.h"
#include "app/retry.h"
#include "app/sync_poller.h"
#include "helpdesk/factory.h"
#include "slack/socket_mode/socket_mode_client.h"
#include "slack/web_api/file_upload.h"
#include "slack/web_api/web_api_client.h"
#include "store/store.h"
#include "store/wal_sync.h"
#include "util/cancellation.h"
#include "util/http/curl_http_client.h"
#include "util/json_util.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/worker_pool.h"

namespace app {
namespace {

namespace asio = boost::asio;
using slack::web_api::WebApiClient;

// How long a stop may take to close sockets before it gives up waiting.
constexpr util::Millis kStopGrace{2000};
// A sync of the state file that takes longer is stuck: the watchdog stops
// being pinged, and systemd restarts slackdesk (WatchdogSec=30s).
constexpr util::Millis kSyncStuckAfter{10000};

struct BotIdentity {
  std::string user_id;
  std::string user;
  std::string team;
};

SyncOptions SyncOptionsFrom(const config::Config& config) {
  SyncOptions options;
  options.interval = util::Millis(static_cast<long long>(config.poll_interval_seconds * 1000));
  return options;
}

// The composition root: owns every part and wires them; the parts know
// each other only through the dispatcher and the follow-ups it reports.
class Daemon {
 public:
  Daemon(const config::Config& config, std::optional<std::string> config_path, std::unique_ptr<store::Store> store,
         std::unique_ptr<store::WalSync> wal_sync, std::unique_ptr<util::http::HttpClient> http,
         std::unique_ptr<util::Cancellation> cancel, std::unique_ptr<helpdesk::Helpdesk> helpdesk)
      : config_(config),
        config_path_(std::move(config_path)),
        store_(std::move(store)),
        wal_sync_(std::move(wal_sync)),
        metrics_on_(!config.metrics_listen.empty()),
        signals_(io_, SIGTERM, SIGINT, SIGHUP),
        durable_(io_, wal_sync_.get(), [this](const util::Error& error) { OnSyncFailed(error); }),
        cancel_(std::move(cancel)),
        http_(std::move(http)),
        bot_api_(*http_, SlackOptions(config.slack_bot_token)),
        app_api_(*http_, SlackOptions(config.slack_app_token)),
        helpdesk_(std::move(helpdesk)),
        directory_(bot_api_),
        slack_effects_(bot_api_, directory_),
        form_catalog_(*helpdesk_),
        form_opener_(bot_api_, form_catalog_),
        helpdesk_effects_(*helpdesk_, directory_, config.trust_external_emails),
        // Files wait for their upload next to the state file: on disk, where
        // /tmp may be a tmpfs (RAM) and is private under the unit anyway.
        file_effects_(*helpdesk_, directory_, *http_, bot_api_,
                      slack::FileDownloadOptions{config.slack_bot_token, config.slack_api_url},
                      std::filesystem::path(config.state_db).parent_path().string()),
        slack_uploads_(*helpdesk_, *http_, bot_api_, std::filesystem::path(config.state_db).parent_path().string(),
                       slack::kSlackUploadLimit),
        effects_(slack_effects_, helpdesk_effects_, &file_effects_, &slack_uploads_),
        dispatcher_(*store_, [this](std::string_view channel) { return config_.IsChannelAllowed(channel); }),
        runner_(io_, *store_, dispatcher_, effects_, EffectWorkers{slack_workers_, helpdesk_workers_, &lookup_workers_},
                MetricsOrNull(), &durable_),
        poller_(io_, *store_, dispatcher_, *helpdesk_, poll_worker_, SyncOptionsFrom(config), MetricsOrNull()),
        inbox_(io_, *store_, dispatcher_),
        sink_(*store_, [this] { inbox_.Schedule(); }, DecideAck, MetricsOrNull(), &inbox_, &durable_),
        socket_(io_, [this](auto done) { OpenConnection(std::move(done)); }, sink_, SocketOptions()),
        metrics_server_(io_, metrics_),
        housekeeping_(io_, *store_),
        stop_timer_(io_) {}

  int Run() {
    dispatcher_.SetFollowUpHandler([this](Dispatcher::FollowUps follow_ups) { OnFollowUps(std::move(follow_ups)); });
    // Intents an envelope leads to are marked attempted in the transaction
    // that records it: one commit instead of two.
    inbox_.SetClaims([this] { return runner_.ClaimWithin(); },
                     [this](bool committed) { runner_.ClaimsCommitted(committed); });
    StartMetrics();
    WaitForSignal();
    housekeeping_.Start(WatchdogPingInterval(), [this] { return SyncStuck(); });
    Authenticate();
    IdentifyHelpdesk();
    WarmFormCatalog();
    socket_.Start([this](const std::string& status) { OnSocketStatus(status); });
    io_.run();
    slack_workers_.Shutdown();
    helpdesk_workers_.Shutdown();
    lookup_workers_.Shutdown();
    url_worker_.Shutdown();
    form_worker_.Shutdown();
    poll_worker_.Shutdown();
    return exit_code_;
  }

 private:
  // What a committed batch of events asked for beyond the store.
  void OnFollowUps(Dispatcher::FollowUps follow_ups) {
    for (bridge::OpenForm& form : follow_ups.forms) {
      // views.open has its own worker: a trigger_id dies 3 s after the
      // click, so the form must never wait behind posts or helpdesk calls.
      // Like every effect, only once the click's commit is durable.
      config::ChannelRoute route = config_.RouteFor(form.thread.channel);
      durable_.After([this, form = std::move(form), route = std::move(route)] {
        form_worker_.Submit([this, form, route] { form_opener_.Open(form, route); });
      });
    }
    for (bridge::UpdateForm& update : follow_ups.form_updates) {
      config::ChannelRoute route = config_.RouteFor(update.thread.channel);
      durable_.After([this, update = std::move(update), route = std::move(route)] {
        form_worker_.Submit([this, update, route] { form_opener_.Update(update, route); });
      });
    }
    if (follow_ups.links_added) poller_.OnLinkAdded();
    if (follow_ups.intents_added) runner_.Pump();
  }

  // A sync of the state file that has not returned for long (a hung disk):
  // the loop runs on, but nothing is acked or carried out any more.
  std::optional<std::string> SyncStuck() const {
    std::optional<util::TimePoint> since = durable_.WaitingSince();
    if (!since || util::SteadyClock::now() - *since < kSyncStuckAfter) return std::nullopt;
    return fmt::format("state database: the disk has not confirmed a write for {} s",
                       std::chrono::duration_cast<std::chrono::seconds>(util::SteadyClock::now() - *since).count());
  }

  // Commits may not be on disk: nothing more may leave the process. Slack
  // redelivers what was not acked; attempted intents are reconciled at the
  // next start.
  void OnSyncFailed(const util::Error& error) {
    util::log::Error("state database: {}; stopping, as what was written last may not be on disk", error.message);
    Stop(1);
  }

  void WaitForSignal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      if (signal == SIGHUP) {
        Reload();
        WaitForSignal();
        return;
      }
      util::log::Info("stopping ({})", signal == SIGTERM ? "SIGTERM" : "SIGINT");
      Stop(0);
    });
  }

  void Stop(int exit_code) {
    if (stopping_) return;
    stopping_ = true;
    exit_code_ = exit_code;
    NotifyStopping();
    socket_.Stop();
    inbox_.Stop();
    runner_.Stop();
    poller_.Stop();
    housekeeping_.Stop();
    metrics_server_.Stop();
    signals_.cancel();
    stop_deadline_ = util::SteadyClock::now() + kStopGrace;
    WaitForSocketsClosed();
  }

  // Polls until every WebSocket finished its close handshake (or the grace
  // period ran out), then cancels what workers still do and leaves the
  // loop. Work cut short stays attempted in the outbox and is reconciled at
  // the next start.
  void WaitForSocketsClosed() {
    if (socket_.LiveConnections() == 0 || util::SteadyClock::now() >= stop_deadline_) {
      cancel_->Cancel();
      io_.stop();
      return;
    }
    stop_timer_.expires_after(util::Millis(20));
    stop_timer_.async_wait([this](const boost::system::error_code&) { WaitForSocketsClosed(); });
  }

  // Reads every configured request type on the form worker, so the first
  // click of each opens its form without waiting for the helpdesk. A
  // failure is only logged: the form reads it again when it is needed.
  void WarmFormCatalog() {
    std::vector<bridge::RequestTarget> targets;
    auto add_route = [&targets](const config::ChannelRoute& route) {
      // Every type: a form with a choice names them all.
      for (const std::string& type : route.type_ids) targets.push_back({route.desk_id, type});
    };
    add_route(config_.DefaultRoute());
    for (const auto& [channel, route] : config_.channel_routes) add_route(route);
    form_worker_.Submit([this, targets = std::move(targets)] {
      for (const bridge::RequestTarget& target : targets) {
        if (auto type = form_catalog_.Get(target); !type) {
          util::log::Warn("request type {} in service desk {}: {} (read again at the next form)", target.type_id,
                          target.desk_id, type.error().message);
        }
      }
    });
  }

  // SIGHUP: what can change while running is applied; the rest is named.
  void Reload() {
    auto fresh = config::LoadConfig(config::SystemLoadOptions(config_path_));
    if (!fresh) {
      util::log::Error("SIGHUP: the configuration is invalid, keeping the running one: {}",
                       util::log::Redact(fresh.error().message));
      return;
    }
    ReloadPlan plan = PlanReload(config_, *fresh);
    config_ = plan.next;
    // The request types are read again at the next forms.
    form_catalog_.Clear();
    WarmFormCatalog();
    if (plan.poll_interval_changed) poller_.SetInterval(SyncOptionsFrom(config_).interval);
    for (const std::string& secret : fresh->Secrets()) util::log::AddSecret(secret);
    util::log::Info("SIGHUP: configuration reloaded (log_level={}, allowed_channels={}, poll_interval={} s)",
                    util::log::LevelName(config_.log_level),
                    config_.allowed_channels.empty() ? std::string("all")
                                                     : fmt::format("{}", fmt::join(config_.allowed_channels, ",")),
                    config_.poll_interval_seconds);
    if (!plan.needs_restart.empty()) {
      util::log::Warn("SIGHUP: {} changed; restart slackdesk to apply (the running values stay in use)",
                      fmt::join(plan.needs_restart, ", "));
    }
    // Last, so the lines above still show when the new level is quieter.
    util::log::SetLevel(config_.log_level);
  }

  // Metrics are an aid, not the service: when the address cannot be bound
  // the daemon logs it and keeps bridging without them.
  void StartMetrics() {
    if (!metrics_on_) return;
    auto address = config::ParseListenAddress(config_.metrics_listen);  // validated at load
    util::Status started = address ? metrics_server_.Start(*address) : util::Status(tl::make_unexpected(address.error()));
    if (!started) {
      util::log::Error("metrics: {}; running without the metrics endpoint (metrics_listen)", started.error().message);
      return;
    }
    util::log::Info("metrics: serving http://{}/metrics", config_.metrics_listen);
  }

  util::Metrics* MetricsOrNull() { return metrics_on_ ? &metrics_ : nullptr; }

  slack::socket_mode::SocketModeOptions SocketOptions() {
    slack::socket_mode::SocketModeOptions options;
    options.metrics = MetricsOrNull();
    options.egress = config_.egress;
    return options;
  }

  slack::web_api::WebApiOptions SlackOptions(const std::string& token) {
    auto options = slack::web_api::DefaultWebApiOptions(config_.slack_api_url, token);
    options.sleep = [this](util::Duration duration) { cancel_->SleepFor(duration); };
    return options;
  }

  void OnSocketStatus(const std::string& status) {
    NotifyStatus("Slack: " + status);
    if (status == "connected" && !ready_) {
      ready_ = true;  // the store is open and Slack said hello
      NotifyReady();
    }
  }

  // apps.connections.open runs on its own worker so it never waits behind
  // slow Web API calls; the result comes back on the loop.
  void OpenConnection(std::function<void(util::Result<std::string>)> done) {
    url_worker_.Submit([this, done = std::move(done)] {
      util::Result<std::string> url = util::Catching("apps.connections.open", [this]() -> util::Result<std::string> {
        auto response = app_api_.Call("apps.connections.open", "{}");
        if (!response) return tl::make_unexpected(response.error());
        std::string found = json::GetString(*response, "url");
        if (found.empty()) return util::MakeError(util::ErrorCode::kServerError, "apps.connections.open: no url in the reply");
        return found;
      });
      asio::post(io_, [done, url = std::move(url)]() mutable { done(std::move(url)); });
    });
  }

  // auth.test tells who the bot is (its user id, to ignore its own
  // messages). A refused token is fatal; anything else is retried.
  void Authenticate() {
    RetryUntilSettled<BotIdentity>(
        io_, slack_workers_,
        [this]() -> util::Result<BotIdentity> {
          auto response = bot_api_.Call("auth.test", "{}");
          if (!response) return tl::make_unexpected(response.error());
          BotIdentity bot{json::GetString(*response, "user_id"), json::GetString(*response, "user"),
                          json::GetString(*response, "team")};
          // Without its id the bot would take its own posts for people's.
          if (bot.user_id.empty()) return util::MakeError(util::ErrorCode::kServerError, "auth.test: no user_id in the reply");
          return bot;
        },
        [this](const util::Result<BotIdentity>& bot, util::Millis delay) {
          if (bot) {
            util::log::Info("slack: authenticated as {} ({}) in {}", bot->user, bot->user_id, bot->team);
            dispatcher_.SetBotUserId(bot->user_id);
            inbox_.Schedule();  // envelopes recorded before a crash or stop come first
            runner_.Pump();     // intents left from before a stop or crash
            return true;
          }
          if (bot.error().code == util::ErrorCode::kAuth) {
            util::log::Error("slack: the bot token was refused: {}; check slack_bot_token", bot.error().message);
            Stop(1);
            return true;
          }
          util::log::Warn("slack: auth.test failed: {}; retrying in {} ms", bot.error().message, delay.count());
          return false;
        },
        stopping_);
  }

  // The helpdesk account tells which comments are our own (never relayed
  // back); the sync starts once it is known.
  void IdentifyHelpdesk() {
    std::string name = helpdesk_->Name();
    RetryUntilSettled<helpdesk::Identity>(
        io_, poll_worker_, [this] { return helpdesk_->WhoAmI(); },
        [this, name](const util::Result<helpdesk::Identity>& me, util::Millis delay) {
          if (me) {
            util::log::Info("{}: signed in as {} ({}); polling every {} s", name, me->display_name, me->id,
                            config_.poll_interval_seconds);
            dispatcher_.SetHelpdeskAccountId(me->id);
            poller_.Start();
            return true;
          }
          if (me.error().code == util::ErrorCode::kAuth) {
            util::log::Error("{}: the credentials were refused: {}; check the {} settings (retrying in {} ms)", name,
                             me.error().message, name, delay.count());
          } else {
            util::log::Warn("{}: {}; retrying in {} ms", name, me.error().message, delay.count());
          }
          return false;
        },
        stopping_);
  }

  config::Config config_;  // a copy: SIGHUP changes parts of it
  std::optional<std::string> config_path_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::WalSync> wal_sync_;  // null: every commit waits for the disk
  // First, so every component that records into it is destroyed before it.
  util::Metrics metrics_;
  bool metrics_on_;
  asio::io_context io_;
  asio::signal_set signals_;
  DurableGate durable_;
  std::unique_ptr<util::Cancellation> cancel_;
  std::unique_ptr<util::http::HttpClient> http_;
  WebApiClient bot_api_;
  WebApiClient app_api_;
  std::unique_ptr<helpdesk::Helpdesk> helpdesk_;
  // Side effects block on HTTP, not on the CPU: enough threads that lanes
  // run side by side (Slack paces each channel, the helpdesk each site).
  util::WorkerPool slack_workers_{4};
  util::WorkerPool helpdesk_workers_{4};
  // A form's pre-fill look-ups (users.info): never on the workers that post.
  util::WorkerPool lookup_workers_{2};
  util::WorkerPool url_worker_{1};
  util::WorkerPool form_worker_{1};
  util::WorkerPool poll_worker_{1};
  SlackDirectory directory_;
  SlackEffects slack_effects_;
  FormCatalog form_catalog_;
  FormOpener form_opener_;
  HelpdeskEffects helpdesk_effects_;
  FileEffects file_effects_;
  SlackUploads slack_uploads_;
  AdapterEffects effects_;
  Dispatcher dispatcher_;
  OutboxRunner runner_;
  SyncPoller poller_;
  InboxProcessor inbox_;
  InboxSink sink_;
  slack::socket_mode::SocketModeClient socket_;
  MetricsServer metrics_server_;
  Housekeeping housekeeping_;
  asio::steady_timer stop_timer_;
  util::TimePoint stop_deadline_;
  bool ready_ = false;
  bool stopping_ = false;
  int exit_code_ = 0;
};

}  // namespace

int RunDaemon(const config::Config& config, const std::optional<std::string>& config_path) {
  for (const std::string& warning : ExposureWarnings(config, config_path)) util::log::Warn("security: {}", warning);
  auto store = store::Store::Open(config.state_db);
  if (!store) {
    util::log::Error("cannot open the state database: {}", store.error().message);
    return 1;
  }
  auto cancel = std::make_unique<util::Cancellation>();
  auto http = std::make_unique<util::http::CurlHttpClient>(cancel.get(), config.egress);
  if (const auto& proxy = config.egress.proxy) {
    util::log::Info("egress: every connection through the proxy {} (from {}){}", proxy->Url(),
                    config.egress.proxy_origin, config.egress.no_proxy.empty() ? "" : ", except no_proxy hosts");
  }
  helpdesk::HelpdeskTuning tuning;
  tuning.sleep = [cancel = cancel.get()](util::Duration duration) { cancel->SleepFor(duration); };
  auto helpdesk = helpdesk::MakeHelpdesk(config, *http, tuning);
  if (!helpdesk) {
    util::log::Error("{}", helpdesk.error().message);
    return 1;
  }
  util::log::Info("slackdesk {} starting (state {}, schema v{})", SLACKDESK_VERSION, config.state_db,
                  (*store)->SchemaVersion());
  // Commits are synced by a thread of their own, many per fdatasync, and
  // nothing leaves before its commit is on disk (DurableGate); without it,
  // each commit waits for the disk on the loop.
  std::unique_ptr<store::WalSync> wal_sync;
  if (auto started = store::WalSync::Start(**store)) {
    wal_sync = std::move(*started);
  } else {
    util::log::Warn("state database: {}; every commit waits for the disk instead", started.error().message);
  }
  Daemon daemon(config, config_path, std::move(*store), std::move(wal_sync), std::move(http), std::move(cancel),
                std::move(*helpdesk));
  return daemon.Run();
}

}  // namespace app
