#include "loopback_http_server.h"

#include <algorithm>
#include <array>
#include <chrono>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

namespace fake {
namespace {

using boost::asio::ip::tcp;

// Uploads of large files (websocketpp's default stopped at 32 MB).
constexpr size_t kMaxBody = size_t{1536} * 1024 * 1024;
// How long a connection may take to send its first request's head.
constexpr int kSniffTries = 5000;  // 1 ms apart

// Frames and answers leave as soon as they are written. With Nagle's
// algorithm a small frame written while the previous one is still
// unacknowledged waits for the client's delayed ACK (40 ms on Linux),
// which a client that acks after a disk commit does not piggyback at
// once: a stall of the fake's own, which bench_flow would charge to the
// client it measures.
void NoDelay(tcp::socket& socket) {
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
}

}  // namespace

// One accepted connection. Its first request is looked at without reading
// it: a WebSocket handshake goes to websocketpp whole; anything else is
// plain HTTP, answered here one request after the other until the client
// closes or asks to.
class LoopbackHttpServer::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(LoopbackHttpServer& owner, tcp::socket socket)
      : owner_(owner), socket_(std::move(socket)), timer_(owner.io_) {}

  void Start() { Sniff(); }

  void Close() {
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  // Peeks until the first request's head is in (or 4 KiB of it), then
  // decides who reads it.
  void Sniff() {
    auto self = shared_from_this();
    socket_.async_wait(tcp::socket::wait_read, [this, self](boost::system::error_code ec) {
      if (ec) return Close();
      std::array<char, 4096> peek{};
      size_t n = socket_.receive(boost::asio::buffer(peek), tcp::socket::message_peek, ec);
      if (ec || n == 0) return Close();
      std::string_view seen(peek.data(), n);
      size_t head_end = seen.find("\r\n\r\n");
      if (head_end == std::string_view::npos && n < peek.size()) {
        // The head is still coming; the bytes stay readable, so wait a
        // moment rather than spin on them.
        if (++sniffs_ > kSniffTries) return Close();
        timer_.expires_after(std::chrono::milliseconds(1));
        timer_.async_wait([this, self](boost::system::error_code timer_ec) {
          if (!timer_ec) Sniff();
        });
        return;
      }
      std::optional<HttpRequest> head = wire::ParseHead(seen.substr(0, head_end));
      if (head && wire::IsWebSocketHandshake(*head)) return owner_.HandToWebSocket(std::move(socket_));
      Read();
    });
  }

  void Read() {
    auto self = shared_from_this();
    socket_.async_read_some(boost::asio::buffer(chunk_), [this, self](boost::system::error_code ec, size_t n) {
      if (ec) return Close();
      in_.append(chunk_.data(), n);
      Process();
    });
  }

  // Answers the request at the front of in_ when it is whole.
  void Process() {
    wire::Taken taken = wire::TakeRequest(in_, kMaxBody);
    if (taken.kind == wire::Taken::Kind::kNeedMore) {
      if (taken.expects_continue && !continued_) {
        continued_ = true;
        Write("HTTP/1.1 100 Continue\r\n\r\n", false, /*then_process=*/false);
        return;
      }
      return Read();
    }
    if (taken.kind == wire::Taken::Kind::kBad) {
      HttpResponse refusal{taken.status, "text/plain", {}, "bad request\n"};
      return Write(wire::Serialize(refusal, "", true), true, false);
    }
    in_.erase(0, taken.consumed);
    continued_ = false;
    HttpResponse response = owner_.handler_(taken.request);
    Write(wire::Serialize(response, taken.request.method, !taken.keep_alive), !taken.keep_alive, true);
  }

  // Sends `bytes`; then closes, or looks at what came next (a pipelined
  // request), or reads the body a "100 Continue" asked for.
  void Write(std::string bytes, bool close, bool then_process) {
    auto self = shared_from_this();
    out_ = std::move(bytes);
    boost::asio::async_write(socket_, boost::asio::buffer(out_),
                             [this, self, close, then_process](boost::system::error_code ec, size_t) {
                               if (ec || close) return Close();
                               if (then_process) return Process();
                               Read();
                             });
  }

  LoopbackHttpServer& owner_;
  tcp::socket socket_;
  boost::asio::steady_timer timer_;
  int sniffs_ = 0;
  std::array<char, 64 * 1024> chunk_{};
  std::string in_;
  std::string out_;
  bool continued_ = false;  // "100 Continue" sent for the request in_ starts with
};

LoopbackHttpServer::LoopbackHttpServer() {
  server_.clear_access_channels(websocketpp::log::alevel::all);
  server_.clear_error_channels(websocketpp::log::elevel::all);
  server_.init_asio(&io_);
}

LoopbackHttpServer::~LoopbackHttpServer() { Stop(); }

void LoopbackHttpServer::Start(Handler handler) {
  handler_ = std::move(handler);
  tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  Accept();
  thread_ = std::thread([this] { io_.run(); });
}

void LoopbackHttpServer::Accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      NoDelay(socket);
      auto connection = std::make_shared<Connection>(*this, std::move(socket));
      connections_.erase(std::remove_if(connections_.begin(), connections_.end(),
                                        [](const std::weak_ptr<Connection>& c) { return c.expired(); }),
                         connections_.end());
      connections_.push_back(connection);
      connection->Start();
    }
    Accept();
  });
}

void LoopbackHttpServer::HandToWebSocket(tcp::socket socket) {
  Server::connection_ptr con = server_.get_connection();
  con->get_raw_socket() = std::move(socket);
  con->start();
}

void LoopbackHttpServer::Stop(const std::function<void()>& last) {
  if (!thread_.joinable()) return;
  boost::asio::post(io_, [this, &last] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (const auto& weak : connections_) {
      if (auto connection = weak.lock()) connection->Close();
    }
    if (last) last();
  });
  // Let what `last` started finish, then stop.
  boost::asio::post(io_, [this] { io_.stop(); });
  thread_.join();
}

std::string LoopbackHttpServer::base_url() const { return fmt::format("http://127.0.0.1:{}", port_); }

}  // namespace fake
