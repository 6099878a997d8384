#include "loopback_http_server.h"

#include <fmt/format.h>

#include "util/strings.h"

namespace fake {

std::string HttpRequest::Header(std::string_view name) const {
  std::string wanted = util::Lower(name);
  for (const auto& [key, value] : headers) {
    if (util::Lower(key) == wanted) return value;
  }
  return {};
}

LoopbackHttpServer::LoopbackHttpServer() {
  server_.clear_access_channels(websocketpp::log::alevel::all);
  server_.clear_error_channels(websocketpp::log::elevel::all);
  server_.init_asio(&io_);
  server_.set_reuse_addr(true);
  // Uploads of large files (websocketpp's default stops at 32 MB).
  server_.set_max_http_body_size(size_t{1536} * 1024 * 1024);
  // Frames and answers leave as soon as they are written. With Nagle's
  // algorithm a small frame written while the previous one is still
  // unacknowledged waits for the client's delayed ACK (40 ms on Linux),
  // which a client that acks after a disk commit does not piggyback at
  // once: a stall of the fake's own, which bench_flow would charge to the
  // client it measures.
  server_.set_socket_init_handler([](websocketpp::connection_hdl, boost::asio::ip::tcp::socket& socket) {
    boost::system::error_code ignored;
    socket.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  });
}

LoopbackHttpServer::~LoopbackHttpServer() { Stop(); }

void LoopbackHttpServer::Start(Handler handler) {
  handler_ = std::move(handler);
  server_.set_http_handler([this](websocketpp::connection_hdl hdl) { OnHttp(hdl); });
  boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"), 0);
  server_.listen(endpoint);
  server_.start_accept();
  boost::system::error_code ec;
  port_ = server_.get_local_endpoint(ec).port();
  thread_ = std::thread([this] { io_.run(); });
}

void LoopbackHttpServer::Stop(const std::function<void()>& last) {
  if (!thread_.joinable()) return;
  boost::asio::post(io_, [this, &last] {
    std::error_code ec;
    server_.stop_listening(ec);
    if (last) last();
  });
  // Let what `last` started finish, then stop.
  boost::asio::post(io_, [this] { io_.stop(); });
  thread_.join();
}

std::string LoopbackHttpServer::base_url() const { return fmt::format("http://127.0.0.1:{}", port_); }

void LoopbackHttpServer::OnHttp(websocketpp::connection_hdl hdl) {
  auto con = server_.get_con_from_hdl(hdl);
  HttpRequest request;
  request.method = con->get_request().get_method();
  request.resource = con->get_resource();
  request.body = con->get_request_body();
  for (const auto& [name, value] : con->get_request().get_headers()) request.headers.emplace_back(name, value);
  HttpResponse response = handler_(request);
  con->set_status(static_cast<websocketpp::http::status_code::value>(response.status));
  if (!response.content_type.empty()) con->append_header("Content-Type", response.content_type);
  for (const auto& [name, value] : response.headers) con->append_header(name, value);
  // websocketpp closes the connection after an HTTP response; an HTTP/1.1
  // server that does must say so, or a client keeping connections alive
  // (Go's net/http) sends its next request into the closed one.
  con->replace_header("Connection", "close");
  con->set_body(response.body);
}

}  // namespace fake
