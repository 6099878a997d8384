#include "app/metrics_server.h"

#include <algorithm>
#include <vector>

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "util/log.h"

namespace app {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

std::string Response(int status, const char* reason, const std::string& content_type, const std::string& body,
                     const char* extra_headers = "") {
  return fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{}Connection: close\r\n\r\n{}",
                     status, reason, content_type, body.size(), extra_headers, body);
}

}  // namespace

// One connection: read the head (bounded in size and time), answer, close.
class MetricsServer::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const util::Metrics& metrics, const MetricsServerOptions& options)
      : socket_(std::move(socket)),
        metrics_(metrics),
        buffer_(options.max_request_bytes),
        timer_(socket_.get_executor()),
        timeout_(options.read_timeout) {}

  void Start() {
    auto self = shared_from_this();
    timer_.expires_after(timeout_);
    timer_.async_wait([self](const boost::system::error_code& ec) {
      if (!ec) self->Close();  // too slow: Prometheus sends its request at once
    });
    asio::async_read_until(socket_, buffer_, "\r\n\r\n",
                           [self](const boost::system::error_code& ec, size_t) { self->OnRead(ec); });
  }

  void Close() {
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  void OnRead(const boost::system::error_code& ec) {
    if (ec == asio::error::not_found) {
      // The streambuf's cap was reached before the blank line.
      Write(Response(431, "Request Header Fields Too Large", "text/plain; charset=utf-8", "request too large\n"));
      return;
    }
    if (ec) {
      Close();
      return;
    }
    std::string head(asio::buffers_begin(buffer_.data()), asio::buffers_end(buffer_.data()));
    std::string line = head.substr(0, head.find("\r\n"));
    size_t first_space = line.find(' ');
    size_t second_space = first_space == std::string::npos ? std::string::npos : line.find(' ', first_space + 1);
    if (second_space == std::string::npos) {
      Write(Response(400, "Bad Request", "text/plain; charset=utf-8", "bad request\n"));
      return;
    }
    std::string method = line.substr(0, first_space);
    std::string target = line.substr(first_space + 1, second_space - first_space - 1);
    std::string path = target.substr(0, target.find('?'));  // Prometheus may add params
    if (method != "GET") {
      Write(Response(405, "Method Not Allowed", "text/plain; charset=utf-8", "only GET\n", "Allow: GET\r\n"));
    } else if (path != "/metrics") {
      Write(Response(404, "Not Found", "text/plain; charset=utf-8", "not found; try /metrics\n"));
    } else {
      Write(Response(200, "OK", "text/plain; version=0.0.4; charset=utf-8", metrics_.Render()));
    }
  }

  void Write(std::string response) {
    response_ = std::move(response);
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(response_),
                      [self](const boost::system::error_code&, size_t) { self->Close(); });
  }

  tcp::socket socket_;
  const util::Metrics& metrics_;
  asio::streambuf buffer_;
  asio::steady_timer timer_;
  util::Duration timeout_;
  std::string response_;
};

MetricsServer::MetricsServer(asio::io_context& io, const util::Metrics& metrics, MetricsServerOptions options)
    : metrics_(metrics),
      options_(options),
      acceptor_(io),
      retry_timer_(io),
      sessions_(std::make_shared<std::vector<std::weak_ptr<Session>>>()) {}

MetricsServer::~MetricsServer() { Stop(); }

util::Status MetricsServer::Start(const config::ListenAddress& address) {
  std::string where = address.host.find(':') == std::string::npos
                          ? fmt::format("{}:{}", address.host, address.port)
                          : fmt::format("[{}]:{}", address.host, address.port);
  auto fail = [&where](const boost::system::error_code& ec) {
    return util::MakeError(util::ErrorCode::kConfig, fmt::format("cannot listen on {}: {}", where, ec.message()));
  };
  boost::system::error_code ec;
  auto ip = asio::ip::make_address(address.host, ec);
  if (ec) return fail(ec);
  tcp::endpoint endpoint(ip, address.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return fail(ec);
  // A restart must not wait out TIME_WAIT of the last scrape's connection.
  acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec && ip.is_v6()) acceptor_.set_option(asio::ip::v6_only(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return fail(ec);
  }
  Accept();
  return util::Ok();
}

unsigned short MetricsServer::Port() const {
  boost::system::error_code ec;
  auto endpoint = acceptor_.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void MetricsServer::Stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
  for (const auto& weak : *sessions_) {
    if (auto session = weak.lock()) session->Close();
  }
  sessions_->clear();
}

void MetricsServer::Accept() {
  acceptor_.async_accept([this, sessions = sessions_](const boost::system::error_code& ec, tcp::socket socket) {
    // operation_aborted: Stop() closed the acceptor (maybe after `this` is gone).
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      auto session = std::make_shared<Session>(std::move(socket), metrics_, options_);
      sessions->erase(std::remove_if(sessions->begin(), sessions->end(), [](const auto& w) { return w.expired(); }),
                      sessions->end());
      sessions->push_back(session);
      session->Start();
      if (acceptor_.is_open()) Accept();
      return;
    }
    // E.g. out of file descriptors: try again shortly rather than spin.
    util::log::Warn("metrics: accept failed: {}", ec.message());
    retry_timer_.expires_after(util::Millis(100));
    retry_timer_.async_wait([this](const boost::system::error_code& timer_ec) {
      if (!timer_ec && acceptor_.is_open()) Accept();
    });
  });
}

}  // namespace app
