// Running as a service: the systemd notify protocol (READY=1 after the
// first hello, STATUS=, WATCHDOG=1, STOPPING=1) over a real $NOTIFY_SOCKET,
// SIGHUP reload, a SIGTERM that is not held up by a long Retry-After, and
// the /metrics endpoint.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <fstream>

#include "curl_global.h"
#include "flow_fixture.h"
#include "notify_socket.h"
#include "util/http/curl_http_client.h"

using namespace e2e;

namespace {

using testing::NotifySocket;

void WriteConfig(const std::string& path, const Flow& flow, const std::string& extra) {
  std::ofstream file(path);
  file << "# written by the test\n";
  for (const auto& [name, value] : flow.env) {
    // SLACKDESK_SLACK_APP_TOKEN -> slack_app_token
    std::string key = name.substr(std::string("SLACKDESK_").size());
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    file << key << " = " << value << "\n";
  }
  file << extra;
}

}  // namespace

TEST_CASE("systemd hears READY after the hello, STATUS, WATCHDOG pings and STOPPING", "[e2e][service]") {
  Flow flow;
  NotifySocket notify(flow.dir.File("notify.sock"));
  flow.env["NOTIFY_SOCKET"] = flow.dir.File("notify.sock");
  flow.env["WATCHDOG_USEC"] = "400000";  // pings every 200 ms
  flow.slack.SetSendHello(false);
  flow.daemon = std::make_unique<fake::DaemonProcess>(SLACKDESK_BINARY, std::vector<std::string>{"run"}, flow.env);
  REQUIRE(notify.WaitFor("STATUS=Slack: connecting", kWait));
  REQUIRE(flow.slack.WaitFor([&] { return flow.slack.ConnectionsAccepted() >= 1; }, kWait));
  CHECK(notify.Count("READY=1") == 0);  // no hello yet, so not ready
  flow.slack.SetSendHello(true);
  REQUIRE(notify.WaitFor("READY=1", kWait));
  REQUIRE(notify.WaitFor("STATUS=Slack: connected", kWait));
  REQUIRE(notify.WaitFor("WATCHDOG=1", kWait));
  int pings = notify.Count("WATCHDOG=1");
  REQUIRE(notify.WaitFor("WATCHDOG=1", kWait));
  CHECK(notify.Count("WATCHDOG=1") >= pings);
  flow.daemon->Signal(SIGTERM);
  REQUIRE(notify.WaitFor("STOPPING=1", kWait));
  CHECK(flow.daemon->Wait(kWait) == 0);
}

TEST_CASE("SIGHUP applies allowed_channels and log_level without a restart and names what needs one",
          "[e2e][service]") {
  Flow flow;
  std::string config = flow.dir.File("slackdesk.conf");
  flow.env["SLACKDESK_LOG_LEVEL"] = "info";
  WriteConfig(config, flow, "allowed_channels = C0SUPPORT\n");
  flow.daemon = std::make_unique<fake::DaemonProcess>(SLACKDESK_BINARY,
                                                      std::vector<std::string>{"run", "--config", config},
                                                      fake::DaemonProcess::Env{});
  REQUIRE(flow.slack.WaitForHellos(1, kWait));
  REQUIRE(flow.daemon->WaitForLog("authenticated as", kWait) >= 0);
  flow.Mention("<@UBOT0001> hello from elsewhere", "C0ELSEWHERE");
  REQUIRE(flow.slack.WaitForCalls("chat.postEphemeral", 1, kWait));

  auto env = flow.env;
  flow.env["SLACKDESK_JIRA_URL"] = "http://127.0.0.1:1";  // needs a restart
  flow.env["SLACKDESK_LOG_LEVEL"] = "debug";
  WriteConfig(config, flow, "allowed_channels = C0SUPPORT, C0ELSEWHERE\n");
  flow.env = env;
  flow.daemon->Signal(SIGHUP);
  int reloaded = flow.daemon->WaitForLog(
      "SIGHUP: configuration reloaded (log_level=debug, allowed_channels=C0SUPPORT,C0ELSEWHERE", kWait);
  REQUIRE(reloaded >= 0);
  auto lines = flow.daemon->Lines();
  for (int i = 0; i < reloaded; ++i) CHECK(lines[static_cast<size_t>(i)].find("Z debug ") == std::string::npos);
  CHECK(flow.daemon->WaitForLog("SIGHUP: jira_url changed; restart slackdesk to apply", kWait) >= 0);
  std::string ts = flow.Mention("<@UBOT0001> and now?", "C0ELSEWHERE");
  REQUIRE(flow.slack.WaitFor([&] {
    for (const auto& m : flow.slack.Messages()) {
      if (m.channel == "C0ELSEWHERE" && m.thread_ts == ts && m.blocks_json.find("slackdesk_open_form") != std::string::npos) return true;
    }
    return false;
  }, kWait));
  CHECK(flow.daemon->WaitForLog("Z debug envelope=", kWait, static_cast<size_t>(reloaded)) >= 0);  // debug after it
  // An invalid file is refused and the running configuration kept.
  std::ofstream(config) << "poll_interval = soon\n";
  flow.daemon->Signal(SIGHUP);
  REQUIRE(flow.daemon->WaitForLog("SIGHUP: the configuration is invalid, keeping the running one", kWait) >= 0);
  flow.daemon->Signal(SIGTERM);
  CHECK(flow.daemon->Wait(kWait) == 0);
}

TEST_CASE("a channel removed by SIGHUP stops syncing both ways and its thread is told once", "[e2e][service][authz]") {
  Flow flow;
  std::string config = flow.dir.File("slackdesk.conf");
  flow.env["SLACKDESK_POLL_INTERVAL"] = "0.3";
  WriteConfig(config, flow, "allowed_channels = C0SUPPORT\n");
  auto start = [&] {
    flow.daemon = std::make_unique<fake::DaemonProcess>(
        SLACKDESK_BINARY, std::vector<std::string>{"run", "--config", config}, fake::DaemonProcess::Env{});
    ++flow.starts;
    REQUIRE(flow.slack.WaitForHellos(flow.starts, kWait));
    REQUIRE(flow.daemon->WaitForLog("authenticated as", kWait) >= 0);
  };
  start();
  std::string ts = flow.RaiseTicket("Printer on fire");
  auto stopped_notes = [&] { return flow.Posts(ts, "has stopped").size(); };

  WriteConfig(config, flow, "allowed_channels = C0ELSEWHERE\n");
  flow.daemon->Signal(SIGHUP);
  REQUIRE(flow.daemon->WaitForLog("SIGHUP: configuration reloaded", kWait) >= 0);
  REQUIRE(flow.slack.WaitFor([&] { return stopped_notes() == 1; }, kWait));
  flow.jira.AddAgentComment("SUP-1", "Grace Hopper", "Written while the channel is out", true);
  flow.slack.PostAsUser(kChannel, kCustomer, "Is anyone there?", ts);
  REQUIRE(flow.daemon->WaitForLog("sync stopped", kWait) >= 0);
  // The daemon restarts on the same file: still out, still told once.
  flow.Stop();
  start();
  flow.slack.PostAsUser(kChannel, kCustomer, "Hello?", ts);
  // A mention in an allowed channel is answered after the reply: the
  // daemon has handled everything before it, in order.
  std::string elsewhere = flow.Mention("<@UBOT0001> are you there?", "C0ELSEWHERE");
  REQUIRE(flow.slack.WaitFor([&] {
    for (const auto& m : flow.slack.Messages()) {
      if (m.channel == "C0ELSEWHERE" && m.thread_ts == elsewhere &&
          m.blocks_json.find("slackdesk_open_form") != std::string::npos) {
        return true;
      }
    }
    return false;
  }, kWait));
  CHECK(stopped_notes() == 1);
  CHECK(flow.Relays(ts).empty());
  auto issue = flow.jira.Issue("SUP-1");
  REQUIRE(issue);
  for (const auto& comment : issue->comments) CHECK(comment.body.find("anyone there") == std::string::npos);
  for (const auto& comment : issue->comments) CHECK(comment.body.find("Hello?") == std::string::npos);
  flow.daemon->Signal(SIGTERM);
  CHECK(flow.daemon->Wait(kWait) == 0);
}

TEST_CASE("SIGTERM is not held up by a long Retry-After on a worker", "[e2e][service]") {
  Flow flow;
  flow.slack.FailNext("auth.test", fake::Failure{429, "ratelimited", 60});
  flow.daemon = std::make_unique<fake::DaemonProcess>(SLACKDESK_BINARY, std::vector<std::string>{"run"}, flow.env);
  REQUIRE(flow.slack.WaitForHellos(1, kWait));
  REQUIRE(flow.daemon->WaitForLog("rate limited, Retry-After 60 s", kWait) >= 0);
  auto stop = std::chrono::steady_clock::now();
  flow.daemon->Signal(SIGTERM);
  CHECK(flow.daemon->Wait(milliseconds(10000)) == 0);
  CHECK(std::chrono::steady_clock::now() - stop < milliseconds(5000));
}

namespace {


// A port nobody listens on right now: bind port 0, read it, close.
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  socklen_t size = sizeof(address);
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
  close(fd);
  return ntohs(address.sin_port);
}

util::http::HttpResponse Get(const std::string& url) {
  util::http::CurlHttpClient client;
  util::http::HttpRequest request;
  request.url = url;
  request.timeout = milliseconds(5000);
  auto response = client.Send(request);
  INFO((response ? std::string() : response.error().message));
  REQUIRE(response.has_value());
  return *response;
}

// The value of the sample line `series` (name and labels exactly), or -1.
double Sample(const std::string& text, const std::string& series) {
  size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

}  // namespace

TEST_CASE("metrics_listen serves Prometheus metrics of a ticket flow at /metrics and 404 elsewhere",
          "[e2e][service][metrics]") {
  Flow flow;
  std::string base = fmt::format("http://127.0.0.1:{}", FreePort());
  flow.env["SLACKDESK_METRICS_LISTEN"] = base.substr(std::string("http://").size());
  flow.Start();
  REQUIRE(flow.daemon->WaitForLog("metrics: serving " + base + "/metrics", kWait) >= 0);
  flow.RaiseTicket("The export fails");

  util::http::HttpResponse response = Get(base + "/metrics");
  CHECK(response.status == 200);
  CHECK(response.Header("content-type") == "text/plain; version=0.0.4; charset=utf-8");
  const std::string text = "\n" + response.body;
  INFO(response.body);
  double received = Sample(text, "slackdesk_envelopes_received_total");
  CHECK(received >= 3);  // the mention, the click, the submission
  CHECK(Sample(text, "slackdesk_envelopes_acked_total") == received);
  CHECK(Sample(text, "slackdesk_tickets_created_total") == 1);
  CHECK(Sample(text, "slackdesk_ack_latency_seconds_count") >= 3);
  CHECK(Sample(text, "slackdesk_ack_latency_seconds_bucket{le=\"+Inf\"}") >= 3);
  CHECK(Sample(text, "slackdesk_pending_side_effects") >= 0);
  CHECK(Sample(text, "slackdesk_socket_reconnects_total{reason=\"dropped\"}") == 0);
  CHECK(text.find("# TYPE slackdesk_ack_latency_seconds histogram\n") != std::string::npos);
  CHECK(text.find("# TYPE slackdesk_envelopes_received_total counter\n") != std::string::npos);
  CHECK(text.find("# TYPE slackdesk_last_successful_poll_timestamp_seconds gauge\n") != std::string::npos);

  CHECK(Get(base + "/").status == 404);
  CHECK(Get(base + "/metricsx").status == 404);
  util::http::CurlHttpClient client;
  auto post = client.Send(util::http::HttpRequest{"POST", base + "/metrics", {}, "x", milliseconds(5000)});
  REQUIRE(post.has_value());
  CHECK(post->status == 405);
  flow.Stop();
}
