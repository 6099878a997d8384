// The WebSocket's way out: wss:// with the peer and host name verified
// (against the system store plus ca_file), and HTTP CONNECT through a real
// squid with Basic credentials, reaching the fake Slack by a name that only
// the proxy resolves. Failures say what to fix.
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "fake_slack.h"
#include "slack/socket_mode/websocket_client.h"
#include "slack/web_api/web_api_client.h"
#include "squid_proxy.h"
#include "test_ca.h"
#include "tls_front.h"
#include "util/http/curl_http_client.h"
#include "util/json_util.h"

namespace {

using slack::socket_mode::ConnectionId;
using slack::socket_mode::WebSocketClient;
using std::chrono::milliseconds;

// One connection attempt on a loop of its own: opened, or closed with a
// reason, whichever comes first.
struct Attempt {
  bool opened = false;
  std::optional<std::string> closed;
};

Attempt Connect(const std::string& url, const util::Egress& egress) {
  boost::asio::io_context io;
  std::mutex mutex;
  std::condition_variable changed;
  Attempt attempt;
  WebSocketClient::Handlers handlers;
  handlers.on_open = [&](ConnectionId) {
    std::lock_guard<std::mutex> lock(mutex);
    attempt.opened = true;
    changed.notify_all();
  };
  handlers.on_closed = [&](ConnectionId, std::string reason) {
    std::lock_guard<std::mutex> lock(mutex);
    attempt.closed = std::move(reason);
    changed.notify_all();
  };
  auto client = std::make_unique<WebSocketClient>(io, handlers, egress);
  auto id = client->Connect(url);  // the loop does not run yet: no other thread
  REQUIRE(id);
  std::thread loop([&io] {
    auto guard = boost::asio::make_work_guard(io);
    io.run();
  });
  {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait_for(lock, milliseconds(20000), [&] { return attempt.opened || attempt.closed; });
  }
  boost::asio::post(io, [&] {
    client.reset();  // drops the connection on the loop's thread
    io.stop();
  });
  loop.join();
  std::lock_guard<std::mutex> lock(mutex);
  return attempt;
}

// A Socket Mode URL with a ticket the fake accepts, from its
// apps.connections.open at `api_url` reached the egress' way.
std::string TicketUrl(const std::string& api_url, const util::Egress& egress) {
  util::http::CurlHttpClient http(nullptr, egress);
  slack::web_api::WebApiClient app(http, slack::web_api::DefaultWebApiOptions(api_url, fake::FakeSlack::kAppToken));
  auto opened = app.Call("apps.connections.open", "{}");
  INFO((opened ? "" : opened.error().message));
  REQUIRE(opened);
  return json::GetString(*opened, "url");
}

util::Egress Through(const std::string& proxy_url) {
  util::Egress egress;
  egress.proxy = util::ParseProxyUrl(proxy_url, false).value();
  egress.proxy_origin = "proxy";
  return egress;
}

}  // namespace

TEST_CASE("wss verifies the certificate: an unknown CA is refused with the fix, ca_file makes it trusted",
          "[socket_mode][egress][tls]") {
  fake::FakeSlack slack;
  fake::TestCa ca({"localhost"});
  INFO(ca.Error());
  REQUIRE(ca.Ready());
  fake::TlsFront front(slack.port(), ca.server_cert_file(), ca.server_key_file());
  slack.SetSocketUrlBase(fmt::format("wss://localhost:{}", front.port()));
  std::string url = TicketUrl(slack.api_url(), util::Egress{});

  Attempt untrusted = Connect(url, util::Egress{});
  CHECK_FALSE(untrusted.opened);
  REQUIRE(untrusted.closed);
  CHECK_THAT(*untrusted.closed, Catch::Contains("signed by an unknown CA") && Catch::Contains("set ca_file"));

  util::Egress with_ca;
  with_ca.ca_file = ca.ca_file();
  Attempt trusted = Connect(TicketUrl(slack.api_url(), util::Egress{}), with_ca);
  CHECK(trusted.opened);
  CHECK(slack.WaitForHellos(1, milliseconds(10000)));
  CHECK(front.FailedHandshakes() == 1);
}

TEST_CASE("wss refuses a certificate for another name", "[socket_mode][egress][tls]") {
  fake::FakeSlack slack;
  fake::TestCa ca({"slack.test"});
  REQUIRE(ca.Ready());
  fake::TlsFront front(slack.port(), ca.server_cert_file(), ca.server_key_file());
  util::Egress with_ca;
  with_ca.ca_file = ca.ca_file();
  Attempt attempt = Connect(fmt::format("wss://localhost:{}/link/", front.port()), with_ca);
  CHECK_FALSE(attempt.opened);
  REQUIRE(attempt.closed);
  CHECK_THAT(*attempt.closed, Catch::Contains("does not name localhost (host name mismatch)"));
}

TEST_CASE("the WebSocket goes through the proxy with CONNECT, and a refused password is named",
          "[socket_mode][egress][proxy]") {
  fake::SquidProxy squid;
  INFO(squid.Error());
  REQUIRE(squid.Ready());
  fake::FakeSlack slack;
  slack.SetSocketUrlBase(fmt::format("ws://slack.test:{}", slack.port()));
  std::string api_url = fmt::format("http://slack.test:{}/api", slack.port());

  Attempt refused = Connect(TicketUrl(api_url, Through(squid.Url())), Through(squid.UrlWith("slackdesk", "wrong")));
  CHECK_FALSE(refused.opened);
  REQUIRE(refused.closed);
  CHECK_THAT(*refused.closed, Catch::Contains("refused the credentials (407") && Catch::Contains("in proxy"));
  CHECK_THAT(*refused.closed, !Catch::Contains("wrong"));

  Attempt through = Connect(TicketUrl(api_url, Through(squid.Url())), Through(squid.Url()));
  CHECK(through.opened);
  CHECK(slack.WaitForHellos(1, milliseconds(10000)));
  CHECK(squid.AccessLog().find(fmt::format("CONNECT slack.test:{}", slack.port())) != std::string::npos);
}
