// The /metrics endpoint: a minimal HTTP/1.1 server on the daemon's
// io_context that answers GET /metrics with util::Metrics::Render() in the
// Prometheus text format 0.0.4, 404 for other paths and 405 for other
// methods, one request per connection (always `Connection: close`). No
// authentication: it binds where it is told. Loop thread only.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "config/config.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/metrics.h"

namespace app {

struct MetricsServerOptions {
  size_t max_request_bytes = 8192;           // request line and headers
  util::Duration read_timeout = util::Millis(5000);  // a client that sends nothing is dropped
};

class MetricsServer {
 public:
  // `io` and `metrics` must outlive this object.
  MetricsServer(boost::asio::io_context& io, const util::Metrics& metrics, MetricsServerOptions options = {});
  ~MetricsServer();

  // Binds and starts accepting. Fails (kConfig) with a message naming the
  // address when it cannot listen there (in use, not a local address,
  // a privileged port).
  util::Status Start(const config::ListenAddress& address);
  // The port bound (useful after listening on port 0); 0 before Start.
  unsigned short Port() const;
  // Stops accepting and closes the connections being served.
  void Stop();

 private:
  class Session;
  void Accept();

  const util::Metrics& metrics_;
  MetricsServerOptions options_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;  // after a failed accept
  // The sessions being served, so Stop() can close them.
  std::shared_ptr<std::vector<std::weak_ptr<Session>>> sessions_;
};

}  // namespace app
