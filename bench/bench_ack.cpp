// bench_ack: envelope ack latency and throughput through the real slackdesk
// binary against the fake Slack, with a fixed number of envelopes in
// flight, plus the daemon's memory. Prints figures; asserts nothing.
//
// Baseline, measured in the same run: a bare client in this process that
// connects the same way and acks every envelope at once without recording
// it. The ratio daemon/baseline is the cost of durability (SQLite commit
// before ack) and of the daemon's own work.
#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include "bench_support.h"
#include "daemon_env.h"
#include "daemon_process.h"
#include "fake_slack.h"
#include "slack/socket_mode/frame.h"
#include "slack/socket_mode/websocket_client.h"
#include "slack/web_api/web_api_client.h"
#include "slack_payloads.h"
#include "util/http/curl_http_client.h"
#include "util/json_util.h"

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Figures {
  double p50_ms = 0, p99_ms = 0, max_ms = 0, per_second = 0;
};

// Sends `total` envelopes keeping `in_flight` unacked at most; measures
// each from send to ack.
Figures Drive(fake::FakeSlack& slack, int total, int in_flight) {
  std::map<std::string, Clock::time_point> sent_at;
  size_t acked_before = slack.AckTotal();
  auto start = Clock::now();
  for (int sent = 0; sent < total; ++sent) {
    if (!slack.WaitFor([&] { return static_cast<int>(slack.AckTotal() - acked_before) > sent - in_flight; },
                       milliseconds(30000))) {
      std::fprintf(stderr, "bench: acks stopped coming\n");
      std::exit(1);
    }
    fake::MessageSpec spec;
    spec.text = "<@UBOT0001> benchmark message with a realistic length, about one sentence";
    auto now = Clock::now();
    std::string id = slack.SendEnvelope("events_api", fake::AppMentionPayload(spec));
    sent_at[id] = now;
  }
  slack.WaitFor([&] { return static_cast<int>(slack.AckTotal() - acked_before) >= total; }, milliseconds(30000));
  auto elapsed = Clock::now() - start;
  std::vector<double> latencies;
  for (const fake::Ack& ack : slack.Acks()) {
    auto it = sent_at.find(ack.envelope_id);
    if (it != sent_at.end()) latencies.push_back(std::chrono::duration<double, std::milli>(ack.at - it->second).count());
  }
  std::sort(latencies.begin(), latencies.end());
  Figures f;
  if (latencies.empty()) return f;
  f.p50_ms = latencies[latencies.size() / 2];
  f.p99_ms = latencies[std::min(latencies.size() - 1, latencies.size() * 99 / 100)];
  f.max_ms = latencies.back();
  f.per_second = latencies.size() / std::chrono::duration<double>(elapsed).count();
  return f;
}

// The baseline client: same URL dance and transport, ack immediately.
Figures Baseline(int total, int in_flight) {
  fake::FakeSlack slack;
  boost::asio::io_context io;
  util::http::CurlHttpClient http;
  slack::web_api::WebApiClient api(http, slack::web_api::DefaultWebApiOptions(slack.api_url(), fake::FakeSlack::kAppToken));
  auto url = api.Call("apps.connections.open", "{}");
  if (!url) std::exit(1);
  slack::socket_mode::WebSocketClient* client_ptr = nullptr;
  slack::socket_mode::WebSocketClient::Handlers handlers;
  handlers.on_message = [&](slack::socket_mode::ConnectionId id, std::string text) {
    auto frame = slack::socket_mode::ParseFrame(text);
    if (!frame.envelope_id.empty()) (void)client_ptr->Send(id, slack::socket_mode::AckFrame(frame.envelope_id));
  };
  slack::socket_mode::WebSocketClient client(io, handlers);
  client_ptr = &client;
  (void)client.Connect(json::GetString(*url, "url"));
  auto guard = boost::asio::make_work_guard(io);
  std::thread loop([&] { io.run(); });
  slack.WaitForHellos(1);
  Figures f = Drive(slack, total, in_flight);
  boost::asio::post(io, [&] { client.Abort(1); });
  slack.WaitForOpenConnections(0);
  guard.reset();
  io.stop();
  loop.join();
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  util::http::GlobalInit();  // libcurl's rule: once, before any thread
  bench::Options options(argc, argv);
  std::string daemon_path = options.Daemon();
  int total = options.Number("--envelopes", 5000);
  int in_flight = options.Number("--in-flight", 64);

  Figures baseline = Baseline(total, in_flight);

  fake::FakeSlack slack;
  char dir_template[] = "/tmp/slackdesk-bench-XXXXXX";
  std::string dir = mkdtemp(dir_template);
  fake::DaemonProcess::Env env = fake::SlackOnlyDaemonEnv(slack, "bench-token", dir + "/state.db");
  env["SLACKDESK_LOG_LEVEL"] = "warn";
  fake::DaemonProcess daemon(daemon_path, {"run"}, env);
  if (!slack.WaitForHellos(1)) {
    std::fprintf(stderr, "bench: the daemon did not connect\n");
    return 1;
  }
  long idle_rss = daemon.PeakRssKib();
  Figures measured = Drive(slack, total, in_flight);
  long peak_rss = daemon.PeakRssKib();
  daemon.Signal(SIGTERM);
  int code = daemon.Wait(milliseconds(10000));
  std::string cleanup = "rm -rf '" + dir + "'";
  if (std::system(cleanup.c_str()) != 0) std::fprintf(stderr, "bench: could not remove %s\n", dir.c_str());

  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  std::printf("envelope ack benchmark: %d envelopes, %d in flight, SQLite synchronous=FULL\n", total, in_flight);
  std::printf("%-22s %12s %12s %12s\n", "", "slackdesk", "baseline", "ratio");
  std::printf("%-22s %12.2f %12.2f %12.1f\n", "ack latency p50 (ms)", measured.p50_ms, baseline.p50_ms, ratio(measured.p50_ms, baseline.p50_ms));
  std::printf("%-22s %12.2f %12.2f %12.1f\n", "ack latency p99 (ms)", measured.p99_ms, baseline.p99_ms, ratio(measured.p99_ms, baseline.p99_ms));
  std::printf("%-22s %12.2f %12.2f %12.1f\n", "ack latency max (ms)", measured.max_ms, baseline.max_ms, ratio(measured.max_ms, baseline.max_ms));
  std::printf("%-22s %12.0f %12.0f %12.2f\n", "envelopes per second", measured.per_second, baseline.per_second, ratio(measured.per_second, baseline.per_second));
  std::printf("%-22s %12ld %12ld %12.2f\n", "daemon RSS (KiB)", peak_rss, idle_rss, ratio(static_cast<double>(peak_rss), static_cast<double>(idle_rss)));
  std::printf("(RSS: peak after the load vs. idle after connecting; daemon exit code %d)\n", code);
  return code == 0 ? 0 : 1;
}
