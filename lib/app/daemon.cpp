#include "app/daemon.h"

#include <csignal>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "app/inbox_sink.h"
#include "app/notify.h"
#include "slack/socket_mode/socket_mode_client.h"
#include "slack/web_api/web_api_client.h"
#include "store/store.h"
#include "util/http/curl_http_client.h"
#include "util/json_util.h"
#include "util/log.h"
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
  Daemon(const config::Config& config, std::unique_ptr<store::Store> store)
      : config_(config),
        store_(std::move(store)),
        signals_(io_, SIGTERM, SIGINT, SIGHUP),
        bot_api_(http_, slack::web_api::DefaultWebApiOptions(config.slack_api_url, config.slack_bot_token)),
        app_api_(http_, slack::web_api::DefaultWebApiOptions(config.slack_api_url, config.slack_app_token)),
        sink_(*store_, [this] { ScheduleInbox(); }),
        socket_(io_, [this](auto done) { OpenConnection(std::move(done)); }, sink_),
        stop_timer_(io_) {}

  int Run() {
    WaitForSignal();
    Authenticate(1);
    ScheduleInbox();  // envelopes recorded before a crash or stop come first
    socket_.Start([this](const std::string& status) { OnSocketStatus(status); });
    io_.run();
    workers_.Shutdown();
    url_worker_.Shutdown();
    return exit_code_;
  }

 private:
  void WaitForSignal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      if (signal == SIGHUP) {
        util::log::Info("SIGHUP: configuration reload is not supported yet; restart to apply changes");
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
    signals_.cancel();
    stop_deadline_ = util::SteadyClock::now() + kStopGrace;
    WaitForSocketsClosed();
  }

  // Polls until every WebSocket finished its close handshake (or the grace
  // period ran out), then leaves the loop.
  void WaitForSocketsClosed() {
    if (socket_.LiveConnections() == 0 || util::SteadyClock::now() >= stop_deadline_) {
      io_.stop();
      return;
    }
    stop_timer_.expires_after(util::Millis(20));
    stop_timer_.async_wait([this](const boost::system::error_code&) { WaitForSocketsClosed(); });
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
          bot_user_id_ = json::GetString(*response, "user_id");
          util::log::Info("slack: authenticated as {} ({}) in {}", json::GetString(*response, "user"), bot_user_id_,
                          json::GetString(*response, "team"));
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

  void ScheduleInbox() {
    if (inbox_posted_) return;
    inbox_posted_ = true;
    asio::post(io_, [this] {
      inbox_posted_ = false;
      ProcessInbox();
    });
  }

  // Handles recorded envelopes in arrival order. The flows (mention, form,
  // sync) plug in here; until then an envelope is logged and marked done.
  void ProcessInbox() {
    auto pending = store_->PendingInbox(kInboxBatch);
    if (!pending) {
      util::log::Error("inbox: {}", pending.error().message);
      return;
    }
    for (const store::InboxItem& item : *pending) {
      util::log::Info("envelope={} kind={} handled", item.envelope_id, item.kind);
      auto done = store_->MarkInboxDone(item.id);
      if (!done) {
        util::log::Error("inbox: {}", done.error().message);
        return;
      }
    }
    if (pending->size() == static_cast<size_t>(kInboxBatch)) ScheduleInbox();
  }

  const config::Config& config_;
  std::unique_ptr<store::Store> store_;
  asio::io_context io_;
  asio::signal_set signals_;
  util::http::CurlHttpClient http_;
  WebApiClient bot_api_;
  WebApiClient app_api_;
  util::WorkerPool workers_{2};
  util::WorkerPool url_worker_{1};
  InboxSink sink_;
  slack::socket_mode::SocketModeClient socket_;
  asio::steady_timer stop_timer_;
  util::TimePoint stop_deadline_;
  std::string bot_user_id_;
  bool ready_ = false;
  bool stopping_ = false;
  bool inbox_posted_ = false;
  int exit_code_ = 0;
};

}  // namespace

int RunDaemon(const config::Config& config) {
  auto store = store::Store::Open(config.state_db);
  if (!store) {
    util::log::Error("cannot open the state database: {}", store.error().message);
    return 1;
  }
  util::log::Info("slackdesk {} starting (state {}, schema v{})", SLACKDESK_VERSION, config.state_db,
                  (*store)->SchemaVersion());
  Daemon daemon(config, std::move(*store));
  return daemon.Run();
}

}  // namespace app
