// How the daemon reaches the outside: through an HTTP proxy or directly,
// and which extra CA certificates it trusts. One value, built once from the
// config, handed to every client that opens a connection (libcurl for the
// Web API and the helpdesk, websocketpp for Socket Mode), so they cannot
// disagree about the way out.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace util {

// An explicit (CONNECT) HTTP proxy. Traffic to it is plain HTTP: TLS to the
// target runs inside the tunnel, and websocketpp cannot speak TLS to a
// proxy, so an https:// proxy is refused when parsed.
struct ProxyEndpoint {
  std::string host;  // a name, an IPv4 address, or an IPv6 address in brackets
  unsigned short port = 0;
  std::string user;  // percent-decoded; empty: no credentials
  std::string password;

  // "http://host:port": no credentials, so it can be logged.
  std::string Url() const;
  bool operator==(const ProxyEndpoint& other) const {
    return host == other.host && port == other.port && user == other.user && password == other.password;
  }
};

// Parses `http://[user[:password]@]host:port[/]`. With `scheme_optional`
// (values from https_proxy, where `proxy.example.com:3128` is common),
// a missing scheme means http://. The error says what was expected and
// never contains the value, which may carry a password.
Result<ProxyEndpoint> ParseProxyUrl(std::string_view text, bool scheme_optional);

// The host of `url` ("wss://h.example.com:443/x" -> "h.example.com";
// "http://[::1]:80" -> "[::1]"), lower-cased; "" when there is none.
std::string HostOfUrl(std::string_view url);

struct Egress {
  std::optional<ProxyEndpoint> proxy;
  // Where the proxy came from, for messages: "proxy", "HTTPS_PROXY", ...
  std::string proxy_origin;
  // Hosts reached directly despite the proxy (no_proxy, only with a proxy
  // from the environment): lower case, no leading dot; "*" means all.
  std::vector<std::string> no_proxy;
  // A PEM bundle trusted in addition to the system store; "" for none.
  std::string ca_file;

  // The proxy to use for a connection to `host`, or nullptr to go direct.
  // A no_proxy entry matches the host itself and every name under it
  // (curl's rule): "example.com" matches "jira.example.com".
  const ProxyEndpoint* ProxyFor(std::string_view host) const;

  bool operator==(const Egress& other) const {
    return proxy == other.proxy && no_proxy == other.no_proxy && ca_file == other.ca_file;
  }
};

// Splits a no_proxy value (commas or spaces) into Egress::no_proxy entries.
std::vector<std::string> ParseNoProxy(std::string_view text);

}  // namespace util
