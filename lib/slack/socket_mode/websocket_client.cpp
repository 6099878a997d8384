#include "slack/socket_mode/websocket_client.h"

#include <map>
#include <sstream>
#include <utility>

#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <websocketpp/client.hpp>
#include <websocketpp/config/asio_client.hpp>

#include "util/tls_errors.h"

namespace slack::socket_mode {
namespace {

constexpr long kOpenHandshakeTimeoutMs = 10000;
constexpr long kCloseHandshakeTimeoutMs = 1000;
constexpr size_t kMaxMessageBytes = 8 * 1024 * 1024;
constexpr long kProxyTimeoutMs = 10000;

using PlainClient = websocketpp::client<websocketpp::config::asio_client>;
using TlsClient = websocketpp::client<websocketpp::config::asio_tls_client>;

// Describes why a connection ended, for the log line.
template <class ConnectionPtr>
std::string CloseReason(const ConnectionPtr& con) {
  auto remote = con->get_remote_close_code();
  if (remote == websocketpp::close::status::abnormal_close ||
      remote == websocketpp::close::status::no_status) {
    std::string why = con->get_ec() ? con->get_ec().message() : "no close frame";
    return fmt::format("connection dropped ({})", why);
  }
  return fmt::format("closed by peer ({} {})", remote, con->get_remote_close_reason());
}

}  // namespace

struct WebSocketClient::Impl {
  boost::asio::io_context& io;
  Handlers handlers;
  const util::Egress egress;
  PlainClient plain;
  TlsClient tls;
  // websocketpp tells a proxy's answer to a refused CONNECT only to its
  // error log ("Proxy connection error: 407 (...)", a TODO in its code),
  // so that log, at info level, is kept here and read when a connect
  // fails. Cleared at every failure: it holds one attempt's lines.
  std::ostringstream library_log;
  // Why the last certificate was refused, from the verify callback.
  std::string certificate_problem;
  ConnectionId next_id = 1;
  // Live connections: which endpoint owns each one.
  struct Entry {
    bool is_tls = false;
    websocketpp::connection_hdl hdl;
  };
  std::map<ConnectionId, Entry> live;

  Impl(boost::asio::io_context& io_context, Handlers h, util::Egress e)
      : io(io_context), handlers(std::move(h)), egress(std::move(e)) {
    Setup(plain);
    Setup(tls);
    tls.set_tls_init_handler([this](websocketpp::connection_hdl hdl) { return MakeTlsContext(hdl); });
  }

  template <class Client>
  void Setup(Client& client) {
    client.clear_access_channels(websocketpp::log::alevel::all);
    client.clear_error_channels(websocketpp::log::elevel::all);
    client.set_error_channels(websocketpp::log::elevel::info);
    client.get_elog().set_ostream(&library_log);
    client.init_asio(&io);
  }

  // websocketpp asks for the TLS context inside get_connection, before the
  // connection has its URI (con->get_host() would read a null URI), so
  // Start() puts the host here first.
  std::string connecting_host;

  std::shared_ptr<boost::asio::ssl::context> MakeTlsContext(websocketpp::connection_hdl) {
    namespace ssl = boost::asio::ssl;
    auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    context->set_default_verify_paths(ec);
    // Adds to the system store (it does not replace it). A file that
    // cannot be loaded leaves only the system store: the handshake then
    // fails with an unknown CA, which the close reason explains.
    if (!egress.ca_file.empty()) context->load_verify_file(egress.ca_file, ec);
    context->set_verify_mode(ssl::verify_peer);
    certificate_problem.clear();
    context->set_verify_callback(
        [this, host = connecting_host, check_name = ssl::host_name_verification(connecting_host)](
            bool ok, ssl::verify_context& ctx) {
          ok = check_name(ok, ctx);
          if (!ok && certificate_problem.empty()) {
            certificate_problem = util::ExplainCertificateRefusal(X509_STORE_CTX_get_error(ctx.native_handle()), host);
          }
          return ok;
        });
    return context;
  }

  // The failure in words an admin can act on: the proxy's answer to the
  // CONNECT, a refused certificate, or websocketpp's own message.
  std::string DescribeFailure(const std::error_code& ec, const std::string& url) {
    std::string log = library_log.str();
    library_log.str("");
    const util::ProxyEndpoint* proxy = egress.ProxyFor(util::HostOfUrl(url));
    if (proxy != nullptr && ec == websocketpp::transport::asio::error::make_error_code(
                                      websocketpp::transport::asio::error::proxy_failed)) {
      constexpr std::string_view kMarker = "Proxy connection error: ";
      size_t at = log.rfind(kMarker);
      std::string answer = at == std::string::npos ? "not 200"
                                                   : log.substr(at + kMarker.size(),
                                                                log.find('\n', at) - at - kMarker.size());
      if (answer.rfind("407", 0) == 0) {
        return fmt::format("the proxy {} refused the credentials ({}); check the user and password in {}",
                           proxy->Url(), answer, egress.proxy_origin);
      }
      return fmt::format("the proxy {} refused to connect to {} (CONNECT answered {})", proxy->Url(),
                         util::HostOfUrl(url), answer);
    }
    if (!certificate_problem.empty()) return std::exchange(certificate_problem, std::string());
    return ec.message();
  }

  // Acks are small frames sent one after another: with Nagle's algorithm
  // one waits for the peer's delayed ACK of the previous (40 ms on Linux)
  // before it leaves. Slack's other clients send without that delay.
  static void NoDelay(PlainClient::connection_type& con) { NoDelay(con.get_raw_socket()); }
  static void NoDelay(TlsClient::connection_type& con) { NoDelay(con.get_raw_socket().lowest_layer()); }
  template <class Socket>
  static void NoDelay(Socket& socket) {
    boost::system::error_code ignored;  // a socket that cannot take it still works, just slower
    socket.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  }

  template <class Client>
  util::Result<ConnectionId> Start(Client& client, bool is_tls, const std::string& url) {
    std::string host = util::HostOfUrl(url);
    // The name the certificate must carry: an IPv6 address without brackets.
    connecting_host = host.size() > 2 && host.front() == '[' ? host.substr(1, host.size() - 2) : host;
    std::error_code ec;
    auto con = client.get_connection(url, ec);
    if (ec) return util::MakeError(util::ErrorCode::kInvalidInput, fmt::format("websocket: bad URL: {}", ec.message()));
    ConnectionId id = next_id++;
    con->set_open_handshake_timeout(kOpenHandshakeTimeoutMs);
    con->set_close_handshake_timeout(kCloseHandshakeTimeoutMs);
    con->set_max_message_size(kMaxMessageBytes);
    if (const util::ProxyEndpoint* proxy = egress.ProxyFor(host)) {
      // set_proxy first: websocketpp refuses credentials before it.
      con->set_proxy(proxy->Url(), ec);
      if (!ec && !proxy->user.empty()) con->set_proxy_basic_auth(proxy->user, proxy->password, ec);
      if (!ec) con->set_proxy_timeout(kProxyTimeoutMs, ec);
      if (ec) {
        return util::MakeError(util::ErrorCode::kInvalidInput,
                               fmt::format("websocket: proxy {}: {}", proxy->Url(), ec.message()));
      }
    }
    con->set_open_handler([this, id, &client](websocketpp::connection_hdl hdl) {
      std::error_code lookup;
      if (auto open = client.get_con_from_hdl(hdl, lookup); !lookup) NoDelay(*open);
      if (handlers.on_open) handlers.on_open(id);
    });
    con->set_message_handler([this, id](websocketpp::connection_hdl, typename Client::message_ptr msg) {
      if (handlers.on_message) handlers.on_message(id, msg->get_payload());
    });
    con->set_pong_handler([this, id](websocketpp::connection_hdl, std::string) {
      if (handlers.on_pong) handlers.on_pong(id);
    });
    con->set_close_handler([this, id, &client](websocketpp::connection_hdl hdl) {
      Finish(id, CloseReason(client.get_con_from_hdl(hdl)));
    });
    con->set_fail_handler([this, id, &client, url](websocketpp::connection_hdl hdl) {
      auto failed = client.get_con_from_hdl(hdl);
      Finish(id, fmt::format("connect failed: {}", DescribeFailure(failed->get_ec(), url)));
    });
    live[id] = Entry{is_tls, con->get_handle()};
    client.connect(con);
    return id;
  }

  void Finish(ConnectionId id, const std::string& reason) {
    // Whatever websocketpp logged for this connection has been read by now
    // (a failure's reason is made before Finish): keep the log bounded.
    library_log.str("");
    if (live.erase(id) == 0) return;  // already reported
    if (handlers.on_closed) handlers.on_closed(id, reason);
  }

  // Runs `fn` with the connection pointer of `id`, if it is still live.
  template <class Fn>
  void With(ConnectionId id, Fn&& fn) {
    auto it = live.find(id);
    if (it == live.end()) return;
    std::error_code ec;
    if (it->second.is_tls) {
      auto con = tls.get_con_from_hdl(it->second.hdl, ec);
      if (!ec) fn(con);
    } else {
      auto con = plain.get_con_from_hdl(it->second.hdl, ec);
      if (!ec) fn(con);
    }
  }
};

WebSocketClient::WebSocketClient(boost::asio::io_context& io, Handlers handlers, util::Egress egress)
    : impl_(std::make_unique<Impl>(io, std::move(handlers), std::move(egress))) {}

WebSocketClient::~WebSocketClient() {
  // Drop every transport so no handler runs into a destroyed Impl.
  std::vector<ConnectionId> ids;
  for (const auto& [id, entry] : impl_->live) ids.push_back(id);
  impl_->handlers = Handlers{};
  for (ConnectionId id : ids) Abort(id);
}

util::Result<ConnectionId> WebSocketClient::Connect(const std::string& url) {
  if (url.rfind("wss://", 0) == 0) return impl_->Start(impl_->tls, true, url);
  if (url.rfind("ws://", 0) == 0) return impl_->Start(impl_->plain, false, url);
  return util::MakeError(util::ErrorCode::kInvalidInput, "websocket: URL must start with ws:// or wss://");
}

util::Status WebSocketClient::Send(ConnectionId id, const std::string& text) {
  std::error_code ec = websocketpp::error::make_error_code(websocketpp::error::invalid_state);
  impl_->With(id, [&](auto con) { ec = con->send(text, websocketpp::frame::opcode::text); });
  if (ec) return util::MakeError(util::ErrorCode::kNetwork, fmt::format("websocket send: {}", ec.message()));
  return util::Ok();
}

void WebSocketClient::Ping(ConnectionId id) {
  impl_->With(id, [&](auto con) {
    std::error_code ec;
    con->ping("", ec);
  });
}

void WebSocketClient::Close(ConnectionId id, const std::string& reason) {
  impl_->With(id, [&](auto con) {
    std::error_code ec;
    if (con->get_state() == websocketpp::session::state::open) {
      con->close(websocketpp::close::status::normal, reason, ec);
    } else {
      ec = websocketpp::error::make_error_code(websocketpp::error::invalid_state);
    }
    boost::system::error_code close_ec;
    if (ec) con->get_raw_socket().close(close_ec);
  });
}

void WebSocketClient::Abort(ConnectionId id) {
  impl_->With(id, [&](auto con) {
    boost::system::error_code ec;
    con->get_raw_socket().close(ec);
  });
}

size_t WebSocketClient::LiveCount() const { return impl_->live.size(); }

}  // namespace slack::socket_mode
