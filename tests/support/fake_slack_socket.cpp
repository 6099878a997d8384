// Socket Mode: the WebSocket side of the fake Slack.
#include <memory>
#include <mutex>

#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include "fake_slack_impl.h"
#include "http_util.h"
#include "util/json_util.h"
#include "util/strings.h"

namespace fake {

FakeSlack::Impl::Connection* FakeSlack::Impl::FindLocked(websocketpp::connection_hdl hdl) {
  for (auto& [index, connection] : connections) {
    if (!connection.hdl.owner_before(hdl) && !hdl.owner_before(connection.hdl)) return &connection;
  }
  return nullptr;
}

void FakeSlack::Impl::InstallSocketHandlers() {
  server().set_validate_handler([this](websocketpp::connection_hdl h) { return OnValidate(h); });
  server().set_open_handler([this](websocketpp::connection_hdl h) { OnOpen(h); });
  server().set_close_handler([this](websocketpp::connection_hdl h) { OnClose(h); });
  server().set_fail_handler([this](websocketpp::connection_hdl h) { OnClose(h); });
  server().set_message_handler([this](websocketpp::connection_hdl h, Server::message_ptr m) { OnMessage(h, m); });
  server().set_ping_handler([this](websocketpp::connection_hdl h, std::string) { return OnPing(h); });
}

void FakeSlack::Impl::DropAllLocked() {
  for (auto& [index, connection] : connections) {
    if (!connection.open) continue;
    std::error_code ec;
    auto con = server().get_con_from_hdl(connection.hdl, ec);
    boost::system::error_code close_ec;
    if (!ec) con->get_raw_socket().close(close_ec);
  }
}

int FakeSlack::Impl::OpenCountLocked() const {
  int count = 0;
  for (const auto& [index, connection] : connections) count += connection.open ? 1 : 0;
  return count;
}

FakeSlack::Impl::Connection* FakeSlack::Impl::TargetLocked() {
  Connection* fallback = nullptr;
  for (auto it = connections.rbegin(); it != connections.rend(); ++it) {
    Connection& c = it->second;
    if (!c.open || !c.hello || c.silent) continue;
    if (!c.retiring) return &c;
    if (fallback == nullptr) fallback = &c;
  }
  return fallback;
}

FakeSlack::Impl::Connection* FakeSlack::Impl::NewestOpenLocked() {
  for (auto it = connections.rbegin(); it != connections.rend(); ++it) {
    if (it->second.open) return &it->second;
  }
  return nullptr;
}

void FakeSlack::Impl::SendOn(websocketpp::connection_hdl hdl, const std::string& text) {
  std::error_code ec;
  server().send(hdl, text, websocketpp::frame::opcode::text, ec);
}

void FakeSlack::Impl::CloseAfter(websocketpp::connection_hdl hdl, Millis delay, const std::string& reason) {
  auto timer = std::make_shared<boost::asio::steady_timer>(http.io(), delay);
  timer->async_wait([this, hdl, timer, reason](const boost::system::error_code&) {
    std::error_code ec;
    server().close(hdl, websocketpp::close::status::normal, reason, ec);
  });
}

bool FakeSlack::Impl::OnValidate(websocketpp::connection_hdl hdl) {
  auto con = server().get_con_from_hdl(hdl);
  std::string resource = con->get_resource();
  std::string ticket = QueryParam(resource, "ticket");
  std::lock_guard<std::mutex> lock(signal.mutex());
  auto it = tickets.find(ticket);
  if (!util::StartsWith(resource, "/link") || it == tickets.end() || it->second) {
    con->set_status(websocketpp::http::status_code::unauthorized);
    return false;  // real tickets are single use
  }
  it->second = true;
  return true;
}

void FakeSlack::Impl::OnOpen(websocketpp::connection_hdl hdl) {
  std::string first_frame;
  bool close_now = false;
  {
    std::lock_guard<std::mutex> lock(signal.mutex());
    int index = ++connections_accepted;
    connections[index] = Connection{index, hdl};
    int open = OpenCountLocked();
    if (open > max_simultaneous_open) max_simultaneous_open = open;
    if (link_disabled) {
      first_frame = R"({"type":"disconnect","reason":"link_disabled","debug_info":{"host":"fake-applink-1"}})";
      close_now = true;
    } else if (open > max_connections) {
      first_frame = R"({"type":"disconnect","reason":"too_many_websockets","debug_info":{"host":"fake-applink-1"}})";
      close_now = true;
    } else if (send_hello) {
      connections[index].hello = true;
      ++hellos_sent;
      first_frame = fmt::format(
          R"({{"type":"hello","num_connections":{},"debug_info":{{"host":"fake-applink-1","build_number":1,"approximate_connection_time":18060}},"connection_info":{{"app_id":"A0001"}}}})",
          open);
    }
    Bump();
  }
  if (!first_frame.empty()) SendOn(hdl, first_frame);
  if (close_now) CloseAfter(hdl, Millis(50), "disconnect");
}

void FakeSlack::Impl::OnClose(websocketpp::connection_hdl hdl) {
  std::lock_guard<std::mutex> lock(signal.mutex());
  if (Connection* connection = FindLocked(hdl)) connection->open = false;
  Bump();
}

void FakeSlack::Impl::OnMessage(websocketpp::connection_hdl hdl, Server::message_ptr message) {
  rapidjson::Document doc;
  doc.Parse(message->get_payload().c_str());
  std::lock_guard<std::mutex> lock(signal.mutex());
  Connection* connection = FindLocked(hdl);
  int index = connection != nullptr ? connection->index : 0;
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("envelope_id") || !doc["envelope_id"].IsString()) {
    return;  // Slack ignores frames it cannot read
  }
  Ack ack{doc["envelope_id"].GetString(), "", index, std::chrono::steady_clock::now()};
  if (doc.HasMember("payload")) ack.payload_json = json::Serialize(doc["payload"]);
  acks.push_back(std::move(ack));
  Bump();
}

bool FakeSlack::Impl::OnPing(websocketpp::connection_hdl hdl) {
  std::lock_guard<std::mutex> lock(signal.mutex());
  ++pings_received;
  Bump();
  Connection* connection = FindLocked(hdl);
  return connection == nullptr || !connection->silent;
}

std::string FakeSlack::SendEnvelope(const std::string& type, const std::string& payload_json, int retry_attempt,
                                    std::string envelope_id) {
  return impl_->http.RunOnServer([&]() -> std::string {
    Impl& s = *impl_;
    std::lock_guard<std::mutex> lock(s.signal.mutex());
    Impl::Connection* target = s.TargetLocked();
    if (target == nullptr) return {};
    if (envelope_id.empty()) envelope_id = fmt::format("fake-env-{:06d}", s.next_envelope++);
    bool interactive = type == "interactive" || type == "slash_commands";
    std::string frame =
        fmt::format(R"({{"envelope_id":"{}","type":"{}","payload":{},"accepts_response_payload":{}{}}})", envelope_id,
                    type, payload_json, interactive ? "true" : "false",
                    type == "events_api" ? fmt::format(R"(,"retry_attempt":{},"retry_reason":"{}")", retry_attempt,
                                                       retry_attempt > 0 ? "timeout" : "")
                                         : "");
    s.SendOn(target->hdl, frame);
    return envelope_id;
  });
}

bool FakeSlack::SendRaw(const std::string& text) {
  return impl_->http.RunOnServer([&] {
    Impl& s = *impl_;
    std::lock_guard<std::mutex> lock(s.signal.mutex());
    Impl::Connection* target = s.TargetLocked();
    if (target == nullptr) return false;
    s.SendOn(target->hdl, text);
    return true;
  });
}

bool FakeSlack::SendDisconnect(const std::string& reason, Millis retire_close) {
  return impl_->http.RunOnServer([&] {
    Impl& s = *impl_;
    std::lock_guard<std::mutex> lock(s.signal.mutex());
    Impl::Connection* target = s.TargetLocked();
    if (target == nullptr) return false;
    target->retiring = true;
    s.SendOn(target->hdl,
             fmt::format(R"({{"type":"disconnect","reason":"{}","debug_info":{{"host":"fake-applink-1"}}}})", reason));
    s.CloseAfter(target->hdl, retire_close, "refresh");
    s.Bump();
    return true;
  });
}

bool FakeSlack::DropConnection() {
  return impl_->http.RunOnServer([&] {
    Impl& s = *impl_;
    std::lock_guard<std::mutex> lock(s.signal.mutex());
    Impl::Connection* target = s.NewestOpenLocked();
    if (target == nullptr) return false;
    std::error_code ec;
    auto con = s.server().get_con_from_hdl(target->hdl, ec);
    if (ec) return false;
    boost::system::error_code close_ec;
    con->get_raw_socket().close(close_ec);
    return true;
  });
}

bool FakeSlack::SilenceNewest() {
  Impl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.signal.mutex());
  Impl::Connection* target = s.NewestOpenLocked();
  if (target == nullptr) return false;
  target->silent = true;
  s.Bump();
  return true;
}

void FakeSlack::SetSendHello(bool send) { impl_->signal.Write(impl_->send_hello, send); }

void FakeSlack::SetLinkDisabled(bool disabled) { impl_->signal.Write(impl_->link_disabled, disabled); }

void FakeSlack::SetMaxConnections(int limit) { impl_->signal.Write(impl_->max_connections, limit); }

int FakeSlack::OpenConnections() const {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  return impl_->OpenCountLocked();
}

int FakeSlack::ConnectionsAccepted() const { return impl_->signal.Read(impl_->connections_accepted); }

int FakeSlack::HellosSent() const { return impl_->signal.Read(impl_->hellos_sent); }

int FakeSlack::MaxSimultaneousOpen() const { return impl_->signal.Read(impl_->max_simultaneous_open); }

int FakeSlack::PingsReceived() const { return impl_->signal.Read(impl_->pings_received); }

std::vector<Ack> FakeSlack::Acks() const { return impl_->signal.Read(impl_->acks); }

int FakeSlack::AckCount(const std::string& envelope_id) const {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  int count = 0;
  for (const Ack& ack : impl_->acks) count += ack.envelope_id == envelope_id ? 1 : 0;
  return count;
}

size_t FakeSlack::AckTotal() const {
  std::lock_guard<std::mutex> lock(impl_->signal.mutex());
  return impl_->acks.size();
}

}  // namespace fake
