#include "app/daemon.h"

#include <csignal>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/inbox_sink.h"
#include "app/metrics_server.h"
#include "app/notify.h"
#include "app/outbox_runner.h"
#include "app/side_effects.h"
#include "app/sync_poller.h"
#include "app/ticket_flow.h"
#include "helpdesk/jira/jira_helpdesk.h"
#include "slack/socket_mode/socket_mode_client.h"
#include "slack/web_api/web_api_client.h"
#include "store/store.h"
#include "util/http/curl_http_client.h"
#include "util/json_util.h"
#include "util/log.h"
#include "util/cancellation.h"
#include "util/metrics.h"
#include "util/worker_pool.h"

namespace app {
namespace {

namespace asio = boost::asio;
using slack::web_api::WebApiClient;

// How long a stop may take to close sockets before it gives up waiting.
constexpr util::Millis kStopGrace{2000};
constexpr int kInboxBatch = 100;

class Daemon {
 public:
  Daemon(const config::Config& config, std::optional<std::string> config_path, std::unique_ptr<store::Store> store)
      : config_(config),
        config_path_(std::move(config_path)),
        store_(std::move(store)),
        metrics_on_(!config.metrics_listen.empty()),
        signals_(io_, SIGTERM, SIGINT, SIGHUP),
        http_(&cancel_),
        bot_api_(http_, SlackOptions(config.slack_bot_token)),
        app_api_(http_, SlackOptions(config.slack_app_token)),
        helpdesk_(http_, JiraOptionsFrom(config, cancel_)),
        effects_(bot_api_, helpdesk_),
        flow_(config_, *store_, [this](std::string body) { OpenForm(std::move(body)); }),
        runner_(io_, *store_, flow_, effects_, workers_, MetricsOrNull()),
        poller_(io_, *store_, helpdesk_, poll_worker_, SyncOptionsFrom(config), [this] { runner_.Pump(); },
                MetricsOrNull()),
        sink_(*store_, [this] { ScheduleInbox(); },
              [this](const slack::socket_mode::Frame& frame) { return flow_.Decide(frame); }, MetricsOrNull()),
        socket_(io_, [this](auto done) { OpenConnection(std::move(done)); }, sink_, SocketOptions()),
        metrics_server_(io_, metrics_),
        stop_timer_(io_),
        inbox_retry_timer_(io_),
        watchdog_timer_(io_),
        prune_timer_(io_) {}

  int Run() {
    flow_.SetOnLinkAdded([this] { poller_.OnLinkAdded(); });
    if (metrics_on_) {
      poller_.SetOnRelay([this](const std::string& key, long long created_ms) { runner_.NoteRelay(key, created_ms); });
    }
    StartMetrics();
    WaitForSignal();
    StartWatchdog(WatchdogPingInterval());
    Prune();
    Authenticate(1);
    IdentifyHelpdesk(1);
    ScheduleInbox();  // envelopes recorded before a crash or stop come first
    socket_.Start([this](const std::string& status) { OnSocketStatus(status); });
    io_.run();
    workers_.Shutdown();
    url_worker_.Shutdown();
    form_worker_.Shutdown();
    poll_worker_.Shutdown();
    return exit_code_;
  }

 private:
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
    runner_.Stop();
    poller_.Stop();
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
      cancel_.Cancel();
      io_.stop();
      return;
    }
    stop_timer_.expires_after(util::Millis(20));
    stop_timer_.async_wait([this](const boost::system::error_code&) { WaitForSocketsClosed(); });
  }

  // SIGHUP: what can change while running is applied; the rest is named.
  void Reload() {
    auto fresh = config::LoadConfig(config::SystemLoadOptions(config_path_));
    if (!fresh) {
      util::log::Error("SIGHUP: the configuration is invalid, keeping the running one: {}",
                       util::log::Redact(fresh.error().message));
      return;
    }
    config_.log_level = fresh->log_level;
    config_.allowed_channels = fresh->allowed_channels;
    if (fresh->poll_interval_seconds != config_.poll_interval_seconds) {
      config_.poll_interval_seconds = fresh->poll_interval_seconds;
      poller_.SetInterval(SyncOptionsFrom(config_).interval);
    }
    std::vector<std::string> needs_restart;
    if (fresh->slack_app_token != config_.slack_app_token) needs_restart.push_back("slack_app_token");
    if (fresh->slack_bot_token != config_.slack_bot_token) needs_restart.push_back("slack_bot_token");
    if (fresh->slack_api_url != config_.slack_api_url) needs_restart.push_back("slack_api_url");
    if (fresh->helpdesk != config_.helpdesk) needs_restart.push_back("helpdesk");
    if (fresh->jira_url != config_.jira_url) needs_restart.push_back("jira_url");
    if (fresh->jira_email != config_.jira_email) needs_restart.push_back("jira_email");
    if (fresh->jira_api_token != config_.jira_api_token) needs_restart.push_back("jira_api_token");
    if (fresh->jira_service_desk_id != config_.jira_service_desk_id) needs_restart.push_back("jira_service_desk_id");
    if (fresh->jira_request_type_id != config_.jira_request_type_id) needs_restart.push_back("jira_request_type_id");
    if (fresh->state_db != config_.state_db) needs_restart.push_back("state_db");
    if (fresh->metrics_listen != config_.metrics_listen) needs_restart.push_back("metrics_listen");
    for (const std::string& secret : fresh->Secrets()) util::log::AddSecret(secret);
    util::log::Info("SIGHUP: configuration reloaded (log_level={}, allowed_channels={}, poll_interval={} s)",
                    util::log::LevelName(config_.log_level),
                    config_.allowed_channels.empty() ? std::string("all") : fmt::format("{}", fmt::join(config_.allowed_channels, ",")),
                    config_.poll_interval_seconds);
    if (!needs_restart.empty()) {
      util::log::Warn("SIGHUP: {} changed; restart slackdesk to apply (the running values stay in use)",
                      fmt::join(needs_restart, ", "));
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
    return options;
  }

  // Keeps the state file from growing forever: dedupe keys must outlive
  // Slack's retries (delayed events come back for up to 24 h), finished
  // intents only the overlap of the poll (minutes); both are kept far
  // longer than that. Hourly.
  void Prune() {
    long long now = util::WallMillisNow();
    auto inbox = store_->PruneInbox(now - 48LL * 3600 * 1000);
    auto intents = store::Outbox(*store_).PruneFinished(now - 14LL * 24 * 3600 * 1000);
    if (!inbox || !intents) {
      util::log::Error("store: pruning old rows failed: {}", !inbox ? inbox.error().message : intents.error().message);
    } else if (*inbox + *intents > 0) {
      util::log::Info("store: pruned {} old inbox rows and dedupe keys, {} finished intents", *inbox, *intents);
    }
    prune_timer_.expires_after(std::chrono::hours(1));
    prune_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec && !stopping_) Prune();
    });
  }

  void StartWatchdog(util::Duration interval) {
    if (interval.count() == 0) return;
    NotifyWatchdog();
    watchdog_timer_.expires_after(interval);
    watchdog_timer_.async_wait([this, interval](const boost::system::error_code& ec) {
      if (!ec) StartWatchdog(interval);
    });
  }

  slack::web_api::WebApiOptions SlackOptions(const std::string& token) {
    auto options = slack::web_api::DefaultWebApiOptions(config_.slack_api_url, token);
    options.sleep = [this](util::Duration duration) { cancel_.SleepFor(duration); };
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
      util::Result<std::string> url = OpenConnectionBlocking();
      asio::post(io_, [done, url = std::move(url)]() mutable { done(std::move(url)); });
    });
  }

  util::Result<std::string> OpenConnectionBlocking() {
    auto response = app_api_.Call("apps.connections.open", "{}");
    if (!response) return tl::make_unexpected(response.error());
    std::string url = json::GetString(*response, "url");
    if (url.empty()) return util::MakeError(util::ErrorCode::kServerError, "apps.connections.open: no url in the reply");
    return url;
  }

  // auth.test tells who the bot is (its user id, to ignore its own
  // messages). A refused token is fatal; anything else is retried.
  void Authenticate(int attempt) {
    workers_.Submit([this, attempt] {
      auto response = bot_api_.Call("auth.test", "{}");
      asio::post(io_, [this, attempt, response = std::move(response)] {
        if (stopping_) return;
        if (response) {
          std::string bot_user_id = json::GetString(*response, "user_id");
          util::log::Info("slack: authenticated as {} ({}) in {}", json::GetString(*response, "user"), bot_user_id,
                          json::GetString(*response, "team"));
          flow_.SetBotUserId(bot_user_id);
          ScheduleInbox();
          runner_.Pump();  // intents left from before a stop or crash
          return;
        }
        if (response.error().code == util::ErrorCode::kAuth) {
          util::log::Error("slack: the bot token was refused: {}; check slack_bot_token", response.error().message);
          Stop(1);
          return;
        }
        util::Millis delay = util::BackoffDelay({util::Millis(1000), util::Millis(60000), 2.0}, attempt, util::UnitRandom());
        util::log::Warn("slack: auth.test failed: {}; retrying in {} ms", response.error().message, delay.count());
        auto timer = std::make_shared<asio::steady_timer>(io_, delay);
        timer->async_wait([this, attempt, timer](const boost::system::error_code& ec) {
          if (!ec && !stopping_) Authenticate(attempt + 1);
        });
      });
    });
  }

  // The helpdesk account tells which comments are our own (never relayed
  // back); the sync starts once it is known.
  void IdentifyHelpdesk(int attempt) {
    poll_worker_.Submit([this, attempt] {
      auto me = helpdesk_.WhoAmI();
      asio::post(io_, [this, attempt, me = std::move(me)] {
        if (stopping_) return;
        if (me) {
          util::log::Info("jira: signed in as {} ({}); polling every {} s", me->display_name, me->account_id,
                          config_.poll_interval_seconds);
          poller_.Start(me->account_id);
          return;
        }
        util::Millis delay = util::BackoffDelay({util::Millis(1000), util::Millis(60000), 2.0}, attempt, util::UnitRandom());
        if (me.error().code == util::ErrorCode::kAuth) {
          util::log::Error("jira: the credentials were refused: {}; check jira_email and jira_api_token "
                           "(retrying in {} ms)", me.error().message, delay.count());
        } else {
          util::log::Warn("jira: {}; retrying in {} ms", me.error().message, delay.count());
        }
        auto timer = std::make_shared<asio::steady_timer>(io_, delay);
        timer->async_wait([this, attempt, timer](const boost::system::error_code& ec) {
          if (!ec && !stopping_) IdentifyHelpdesk(attempt + 1);
        });
      });
    });
  }

  void ScheduleInbox() {
    if (inbox_posted_) return;
    inbox_posted_ = true;
    asio::post(io_, [this] {
      inbox_posted_ = false;
      ProcessInbox();
    });
  }

  // Handles recorded envelopes in arrival order, each in one transaction
  // with the intents it produces. Waits until the bot knows its own id.
  void ProcessInbox() {
    if (stopping_ || !flow_.Ready()) return;
    auto pending = store_->PendingInbox(kInboxBatch);
    if (!pending) {
      util::log::Error("inbox: {}", pending.error().message);
      RetryInboxLater();
      return;
    }
    auto handled = flow_.Handle(*pending);
    if (!handled) {
      util::log::Error("inbox: {} envelope(s) from envelope={}: {}; will try again", pending->size(),
                       pending->empty() ? "" : pending->front().envelope_id, handled.error().message);
      RetryInboxLater();
      return;
    }
    if (pending->size() == static_cast<size_t>(kInboxBatch)) ScheduleInbox();
    runner_.Pump();
  }

  void RetryInboxLater() {
    inbox_retry_timer_.expires_after(util::Millis(1000));
    inbox_retry_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) ScheduleInbox();
    });
  }

  // views.open has its own worker: a trigger_id dies 3 s after the click,
  // so the form must never wait behind posts or helpdesk calls.
  void OpenForm(std::string body) {
    form_worker_.Submit([this, body = std::move(body)] {
      auto opened = bot_api_.Call("views.open", body);
      if (!opened) util::log::Warn("slack views.open: {}; the customer can press the button again", opened.error().message);
    });
  }

  static SyncOptions SyncOptionsFrom(const config::Config& config) {
    SyncOptions options;
    options.interval = util::Millis(static_cast<long long>(config.poll_interval_seconds * 1000));
    return options;
  }

  static helpdesk::jira::JiraOptions JiraOptionsFrom(const config::Config& config, util::Cancellation& cancel) {
    helpdesk::jira::JiraOptions options;
    options.sleep = [&cancel](util::Duration duration) { cancel.SleepFor(duration); };
    options.base_url = config.jira_url;
    options.email = config.jira_email;
    options.api_token = config.jira_api_token;
    options.service_desk_id = config.jira_service_desk_id;
    options.request_type_id = config.jira_request_type_id;
    return options;
  }

  config::Config config_;  // a copy: SIGHUP changes parts of it
  std::optional<std::string> config_path_;
  std::unique_ptr<store::Store> store_;
  // First, so every component that records into it is destroyed before it.
  util::Metrics metrics_;
  bool metrics_on_;
  asio::io_context io_;
  asio::signal_set signals_;
  util::Cancellation cancel_;
  util::http::CurlHttpClient http_;
  WebApiClient bot_api_;
  WebApiClient app_api_;
  util::WorkerPool workers_{2};
  util::WorkerPool url_worker_{1};
  util::WorkerPool form_worker_{1};
  util::WorkerPool poll_worker_{1};
  helpdesk::jira::JiraHelpdesk helpdesk_;
  SideEffects effects_;
  TicketFlow flow_;
  OutboxRunner runner_;
  SyncPoller poller_;
  InboxSink sink_;
  slack::socket_mode::SocketModeClient socket_;
  MetricsServer metrics_server_;
  asio::steady_timer stop_timer_;
  asio::steady_timer inbox_retry_timer_;
  asio::steady_timer watchdog_timer_;
  asio::steady_timer prune_timer_;
  util::TimePoint stop_deadline_;
  bool ready_ = false;
  bool stopping_ = false;
  bool inbox_posted_ = false;
  int exit_code_ = 0;
};

}  // namespace

int RunDaemon(const config::Config& config, const std::optional<std::string>& config_path) {
  auto store = store::Store::Open(config.state_db);
  if (!store) {
    util::log::Error("cannot open the state database: {}", store.error().message);
    return 1;
  }
  util::log::Info("slackdesk {} starting (state {}, schema v{})", SLACKDESK_VERSION, config.state_db,
                  (*store)->SchemaVersion());
  Daemon daemon(config, config_path, std::move(*store));
  return daemon.Run();
}

}  // namespace app
