// The server scaffolding the fakes share: a websocketpp server used as an
// HTTP/1.1 server on 127.0.0.1 with an ephemeral port, run by a thread of its
// own. The fake Slack also registers its WebSocket handlers on server().
//
// Lifetime: construct, register any extra handlers, Start(), and Stop() (or
// destroy) before anything the handlers touch is destroyed. Handlers run on
// the server thread only; websocketpp objects must be touched only there
// (RunOnServer). port() and base_url() are fixed by Start() and may be read
// from any thread afterwards.
#pragma once

#include <functional>
#include <future>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <websocketpp/config/asio_no_tls.hpp>
#include <websocketpp/server.hpp>

namespace fake {

using Headers = std::vector<std::pair<std::string, std::string>>;

// A plain HTTP request as the handler sees it.
struct HttpRequest {
  std::string method;    // "GET"
  std::string resource;  // path with query, as sent: "/api/chat.postMessage?x=1"
  std::string body;
  Headers headers;  // as websocketpp parsed them (repeated ones joined)

  // The value of the header `name` (case-insensitive), or "".
  std::string Header(std::string_view name) const;
  // The path without its query.
  std::string Path() const { return resource.substr(0, resource.find('?')); }
};

// The answer: `content_type` (left out when empty) goes first, then
// `headers` in order.
struct HttpResponse {
  int status = 200;
  std::string content_type;
  Headers headers;
  std::string body;
};

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
  void OnHttp(websocketpp::connection_hdl hdl);

  boost::asio::io_context io_;
  Server server_;
  Handler handler_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace fake
