// The server scaffolding the fakes share: an HTTP/1.1 server on 127.0.0.1
// with an ephemeral port, run by a thread of its own. It keeps connections
// alive, as Slack's and Atlassian's servers do, so a client's connection
// reuse costs what it costs against them. A WebSocket handshake on the same
// port is handed, unread, to a websocketpp server, on which the fake Slack
// registers its WebSocket handlers (server()).
//
// Lifetime: construct, register any extra handlers, Start(), and Stop() (or
// destroy) before anything the handlers touch is destroyed. Handlers run on
// the server thread only; websocketpp objects must be touched only there
// (RunOnServer). port() and base_url() are fixed by Start() and may be read
// from any thread afterwards.
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <websocketpp/config/asio_no_tls.hpp>
#include <websocketpp/server.hpp>

#include "http_wire.h"

namespace fake {

class LoopbackHttpServer {
 public:
  using Server = websocketpp::server<websocketpp::config::asio>;
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  // Prepares the server (logging off, address reuse); listens only in Start().
  LoopbackHttpServer();
  // Stop().
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  // For WebSocket handlers (before Start) and for the server thread's use.
  Server& server() { return server_; }
  boost::asio::io_context& io() { return io_; }

  // Listens on 127.0.0.1:0, answers every plain HTTP request with `handler`
  // (on the server thread) and starts that thread. Call once.
  void Start(Handler handler);
  // Stops listening, runs `last` on the server thread (to drop connections
  // still open, for instance), stops the loop and joins the thread. Later
  // calls do nothing.
  void Stop(const std::function<void()>& last = {});

  int port() const { return port_; }
  // "http://127.0.0.1:<port>" (no trailing slash).
  std::string base_url() const;

  // Runs `fn` on the server thread and waits for its result. REQUIRES: the
  // server runs, and the caller is not the server thread.
  template <class Fn>
  auto RunOnServer(Fn fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }

 private:
  class Connection;

  void Accept();
  // Gives an accepted socket whose first request is a WebSocket handshake
  // to websocketpp, which reads that request itself.
  void HandToWebSocket(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  Server server_;
  Handler handler_;
  // The plain HTTP connections, to close at Stop(). Server thread only.
  std::vector<std::weak_ptr<Connection>> connections_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace fake
