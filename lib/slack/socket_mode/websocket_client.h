// WebSocket connections over websocketpp and Boost.Asio: the only client
// file that includes websocketpp. Picks TLS (wss://, peer certificate and
// host name verified against the system CA store plus the egress' ca_file)
// or plain TCP (ws://) from the URL, and goes through the egress' proxy
// with HTTP CONNECT when it has one for the host (the proxy, not this
// host, resolves the name). Callbacks are translated into the Handlers below and return at
// once; there is no protocol logic here. Everything runs on the thread that
// runs `io`; call every method from that thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "util/egress.h"
#include "util/error.h"

namespace slack::socket_mode {

using ConnectionId = std::uint64_t;

class WebSocketClient {
 public:
  struct Handlers {
    std::function<void(ConnectionId)> on_open;
    std::function<void(ConnectionId, std::string text)> on_message;
    std::function<void(ConnectionId)> on_pong;
    // Called exactly once per connection that Connect returned, after a
    // failed handshake, a close handshake, or a broken transport.
    std::function<void(ConnectionId, std::string reason)> on_closed;
  };

  // `io` must outlive this object.
  WebSocketClient(boost::asio::io_context& io, Handlers handlers, util::Egress egress = {});
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  // Starts the opening handshake; on_open or on_closed follows. Fails at
  // once (kInvalidInput) for a URL that is not ws:// or wss://.
  util::Result<ConnectionId> Connect(const std::string& url);
  // Sends one text frame. Fails when the connection is not open.
  util::Status Send(ConnectionId id, const std::string& text);
  void Ping(ConnectionId id);
  // Starts a normal close (1000); the transport is dropped if the peer has
  // not finished the handshake within a second (Slack does not close TCP
  // after a close handshake).
  void Close(ConnectionId id, const std::string& reason);
  // Drops the transport at once, without a close handshake.
  void Abort(ConnectionId id);
  // Connections that are connecting or open.
  size_t LiveCount() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace slack::socket_mode
