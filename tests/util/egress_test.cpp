#include "util/egress.h"

#include <catch2/catch.hpp>

namespace util {
namespace {

TEST_CASE("ParseProxyUrl takes host, port and percent-decoded credentials", "[egress]") {
  auto proxy = ParseProxyUrl("http://svc%3Abot:p%40ss:word@Proxy.Example:3128/", false);
  REQUIRE(proxy.has_value());
  CHECK(proxy->host == "proxy.example");
  CHECK(proxy->port == 3128);
  CHECK(proxy->user == "svc:bot");
  CHECK(proxy->password == "p@ss:word");
  CHECK(proxy->Url() == "http://proxy.example:3128");

  auto bare = ParseProxyUrl("10.0.0.5:8080", true);
  REQUIRE(bare.has_value());
  CHECK(bare->host == "10.0.0.5");
  CHECK(bare->user.empty());
  CHECK_FALSE(ParseProxyUrl("10.0.0.5:8080", false).has_value());

  auto v6 = ParseProxyUrl("http://[::1]:3128", false);
  REQUIRE(v6.has_value());
  CHECK(v6->host == "[::1]");
  CHECK_FALSE(ParseProxyUrl("http://[::1]", false).has_value());
  CHECK_FALSE(ParseProxyUrl("http://u:p%4@proxy:1", false).has_value());
}

TEST_CASE("HostOfUrl finds the host of http, https, ws and wss URLs", "[egress]") {
  CHECK(HostOfUrl("https://Slack.com/api") == "slack.com");
  CHECK(HostOfUrl("wss://wss-primary.slack.com:443/link/?ticket=1") == "wss-primary.slack.com");
  CHECK(HostOfUrl("http://u:p@jira.internal:8080") == "jira.internal");
  CHECK(HostOfUrl("http://[::1]:80/x") == "[::1]");
  CHECK(HostOfUrl("no-scheme") == "");
}

TEST_CASE("no_proxy entries match the host and the names under it, as curl does", "[egress]") {
  Egress egress;
  CHECK(egress.ProxyFor("slack.com") == nullptr);  // no proxy at all
  egress.proxy = ParseProxyUrl("http://proxy:3128", false).value();
  egress.no_proxy = ParseNoProxy(".internal.example, localhost 10.1.2.3");
  CHECK(egress.ProxyFor("slack.com") != nullptr);
  CHECK(egress.ProxyFor("jira.internal.example") == nullptr);
  CHECK(egress.ProxyFor("internal.example") == nullptr);
  CHECK(egress.ProxyFor("JIRA.Internal.Example") == nullptr);
  CHECK(egress.ProxyFor("notinternal.example") != nullptr);
  CHECK(egress.ProxyFor("localhost") == nullptr);
  CHECK(egress.ProxyFor("10.1.2.3") == nullptr);
  egress.no_proxy = ParseNoProxy("*");
  CHECK(egress.ProxyFor("slack.com") == nullptr);
}

}  // namespace
}  // namespace util
