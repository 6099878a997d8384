// A real squid from Debian on 127.0.0.1, for the egress tests: an explicit
// (CONNECT) proxy that asks for Basic credentials and resolves the names it
// is given to 127.0.0.1 from a hosts file of its own. Those names (under
// .test, which no DNS answers) therefore work only through this proxy: a
// client that bypasses it cannot even resolve them.
//
// squid runs as a child process (the project's DaemonProcess) until the
// object is destroyed; the constructor returns once squid accepts
// connections (its own log line says so), or fails the test.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "daemon_process.h"

namespace fake {

class SquidProxy {
 public:
  struct Options {
    std::string user = "slackdesk";
    std::string password = "proxy-pass";
    // Names squid alone resolves to 127.0.0.1.
    std::vector<std::string> names = {"slack.test", "jira.test"};
    // Names it resolves too but its policy refuses (403 to a CONNECT), as a
    // corporate proxy refuses hosts that are not on its allow list.
    std::vector<std::string> blocked = {"blocked.test"};
  };

  // Where Debian's squid is; the test suite installs it (make test).
  static constexpr const char* kBinary = "/usr/sbin/squid";

  explicit SquidProxy(Options options);
  SquidProxy() : SquidProxy(Options{}) {}
  ~SquidProxy();
  SquidProxy(const SquidProxy&) = delete;
  SquidProxy& operator=(const SquidProxy&) = delete;

  // True when squid listens; false (and Error() says why) otherwise.
  bool Ready() const { return ready_; }
  const std::string& Error() const { return error_; }
  int port() const { return port_; }
  // "http://user:password@127.0.0.1:<port>", or with other credentials.
  std::string Url() const { return UrlWith(options_.user, options_.password); }
  std::string UrlWith(const std::string& user, const std::string& password) const;
  // The access log so far: one line per request squid handled, e.g.
  // "... TCP_TUNNEL/200 ... CONNECT slack.test:4431 slackdesk ...".
  std::string AccessLog() const;

 private:
  Options options_;
  std::string dir_;
  int port_ = 0;
  bool ready_ = false;
  std::string error_;
  std::unique_ptr<DaemonProcess> squid_;
};

}  // namespace fake
