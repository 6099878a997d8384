#include "fake_slack.h"

#include <atomic>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <websocketpp/config/asio_no_tls.hpp>
#include <websocketpp/server.hpp>

#include "fake_slack_web_api.h"
#include "http_util.h"

namespace fake {
namespace {

using Server = websocketpp::server<websocketpp::config::asio>;

std::string Serialize(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

using detail::Reply;
using detail::SlackError;

}  // namespace

struct FakeSlack::Impl {
  struct Connection {
    int index = 0;
    websocketpp::connection_hdl hdl;
    bool open = true;
    bool hello = false;
    bool retiring = false;
    bool silent = false;
  };

  boost::asio::io_context io;
  Server server;
  std::thread thread;
  int port = 0;

  mutable std::mutex mutex;  // guards everything below
  mutable std::condition_variable changed;
  unsigned long long version = 0;
  std::map<int, Connection> connections;  // by index, in order of opening
  int connections_accepted = 0;
  int hellos_sent = 0;
  int max_simultaneous_open = 0;
  int pings_received = 0;
  int next_ticket = 1;
  std::map<std::string, bool> tickets;  // ticket → used
  bool send_hello = true;
  bool link_disabled = false;
  int max_connections = 10;
  std::vector<Ack> acks;
  std::vector<ApiCall> calls;
  std::map<std::string, std::vector<Failure>> failures;  // method → queue
  detail::WebApi api;  // the bot-token methods and their state
  int next_envelope = 1;

  void Bump() {
    ++version;
    changed.notify_all();
  }

  // Runs `fn` on the server thread and waits for it: websocketpp objects are
  // only touched there.
  template <class Fn>
  auto OnServer(Fn fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto result = task.get_future();
    boost::asio::post(io, [&task] { task(); });
    return result.get();
  }

  int OpenCountLocked() const {
    int count = 0;
    for (const auto& [index, connection] : connections) count += connection.open ? 1 : 0;
    return count;
  }

  // The connection new envelopes go to: newest open with hello, not retiring
  // (falling back to a retiring one: Slack still delivers there until it
  // closes it).
  Connection* TargetLocked() {
    Connection* fallback = nullptr;
    for (auto it = connections.rbegin(); it != connections.rend(); ++it) {
      Connection& c = it->second;
      if (!c.open || !c.hello || c.silent) continue;
      if (!c.retiring) return &c;
      if (fallback == nullptr) fallback = &c;
    }
    return fallback;
  }

  Connection* NewestOpenLocked() {
    for (auto it = connections.rbegin(); it != connections.rend(); ++it) {
      if (it->second.open) return &it->second;
    }
    return nullptr;
  }

  void SendOn(websocketpp::connection_hdl hdl, const std::string& text) {
    std::error_code ec;
    server.send(hdl, text, websocketpp::frame::opcode::text, ec);
  }

  void CloseAfter(websocketpp::connection_hdl hdl, Millis delay, const std::string& reason) {
    auto timer = std::make_shared<boost::asio::steady_timer>(io, delay);
    timer->async_wait([this, hdl, timer, reason](const boost::system::error_code&) {
      std::error_code ec;
      server.close(hdl, websocketpp::close::status::normal, reason, ec);
    });
  }

  // --- WebSocket handlers (server thread) ---------------------------------
  bool OnValidate(websocketpp::connection_hdl hdl) {
    auto con = server.get_con_from_hdl(hdl);
    std::string resource = con->get_resource();
    std::string ticket = QueryParam(resource, "ticket");
    std::lock_guard<std::mutex> lock(mutex);
    auto it = tickets.find(ticket);
    if (resource.rfind("/link", 0) != 0 || it == tickets.end() || it->second) {
      con->set_status(websocketpp::http::status_code::unauthorized);
      return false;  // real tickets are single use
    }
    it->second = true;
    return true;
  }

  void OnOpen(websocketpp::connection_hdl hdl) {
    std::string first_frame;
    bool close_now = false;
    {
      std::lock_guard<std::mutex> lock(mutex);
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

  void OnClose(websocketpp::connection_hdl hdl) {
    std::lock_guard<std::mutex> lock(mutex);
    for (auto& [index, connection] : connections) {
      if (!connection.hdl.owner_before(hdl) && !hdl.owner_before(connection.hdl)) connection.open = false;
    }
    Bump();
  }

  void OnMessage(websocketpp::connection_hdl hdl, Server::message_ptr message) {
    rapidjson::Document doc;
    doc.Parse(message->get_payload().c_str());
    std::lock_guard<std::mutex> lock(mutex);
    int index = 0;
    for (auto& [i, connection] : connections) {
      if (!connection.hdl.owner_before(hdl) && !hdl.owner_before(connection.hdl)) index = i;
    }
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("envelope_id") ||
        !doc["envelope_id"].IsString()) {
      return;  // Slack ignores frames it cannot read
    }
    Ack ack{doc["envelope_id"].GetString(), "", index, std::chrono::steady_clock::now()};
    if (doc.HasMember("payload")) ack.payload_json = Serialize(doc["payload"]);
    acks.push_back(std::move(ack));
    Bump();
  }

  bool OnPing(websocketpp::connection_hdl hdl) {
    std::lock_guard<std::mutex> lock(mutex);
    ++pings_received;
    Bump();
    for (auto& [i, connection] : connections) {
      if (!connection.hdl.owner_before(hdl) && !hdl.owner_before(connection.hdl)) return !connection.silent;
    }
    return true;
  }

  // --- Web API (server thread) ---------------------------------------------
  void OnHttp(websocketpp::connection_hdl hdl) {
    auto con = server.get_con_from_hdl(hdl);
    std::string resource = con->get_resource();
    std::string path = resource.substr(0, resource.find('?'));
    std::string method = path.rfind("/api/", 0) == 0 ? path.substr(5) : "";
    ApiCall call{method, con->get_request_header("Authorization"), con->get_request_header("Content-Type"),
                 con->get_request_body(), std::chrono::steady_clock::now()};
    Reply reply = Dispatch(call, resource);
    con->set_status(static_cast<websocketpp::http::status_code::value>(reply.status));
    con->append_header("Content-Type", reply.html ? "text/html" : "application/json; charset=utf-8");
    if (reply.retry_after_s >= 0) con->append_header("Retry-After", std::to_string(reply.retry_after_s));
    con->set_body(reply.body);
  }

  Reply Dispatch(const ApiCall& call, const std::string& resource) {
    std::lock_guard<std::mutex> lock(mutex);
    calls.push_back(call);
    Bump();
    auto failure = failures.find(call.method);
    if (failure != failures.end() && !failure->second.empty()) {
      Failure f = failure->second.front();
      failure->second.erase(failure->second.begin());
      if (f.html_body) return Reply{f.http_status, "<html><body>Service Unavailable</body></html>", f.retry_after_s, true};
      std::string error = !f.error.empty() ? f.error : f.http_status == 429 ? "ratelimited" : "internal_error";
      return Reply{f.http_status, fmt::format(R"({{"ok":false,"error":"{}"}})", error), f.retry_after_s};
    }
    std::string token;
    if (call.authorization.rfind("Bearer ", 0) == 0) token = call.authorization.substr(7);
    rapidjson::Document args;
    if (!ParseArgs(call, resource, &args)) return SlackError("invalid_json");
    if (call.method == "apps.connections.open") return AppsConnectionsOpen(token);
    if (token.empty()) return SlackError("not_authed");
    if (token.rfind("xapp-", 0) == 0) return SlackError("not_allowed_token_type");
    if (token != kBotToken) return SlackError("invalid_auth");
    if (call.method == "auth.test") {
      return Reply{200, fmt::format(
                            R"({{"ok":true,"url":"https://fake.slack.test/","team":"Fake Workspace","user":"slackdesk","team_id":"T0001","user_id":"{}","bot_id":"{}","is_enterprise_install":false}})",
                            kBotUserId, kBotId)};
    }
    Reply reply = api.Handle(call.method, args, call.at);
    Bump();  // views, messages, edits
    return reply;
  }

  bool ParseArgs(const ApiCall& call, const std::string& resource, rapidjson::Document* args) {
    args->SetObject();
    if (call.content_type.rfind("application/json", 0) == 0) {
      if (call.body.empty()) return true;
      args->Parse(call.body.c_str());
      return !args->HasParseError() && args->IsObject();
    }
    std::string form = call.body;
    size_t query = resource.find('?');
    if (query != std::string::npos) form += (form.empty() ? "" : "&") + resource.substr(query + 1);
    for (const auto& [key, value] : ParseForm(form)) {
      args->AddMember(rapidjson::Value(key.c_str(), args->GetAllocator()),
                      rapidjson::Value(value.c_str(), args->GetAllocator()), args->GetAllocator());
    }
    return true;
  }

  Reply AppsConnectionsOpen(const std::string& token) {
    if (token.empty()) return SlackError("not_authed");
    if (token.rfind("xapp-", 0) != 0) return SlackError("not_allowed_token_type");
    if (token != kAppToken) return SlackError("invalid_auth");
    std::string ticket = fmt::format("fake-ticket-{}", next_ticket++);
    tickets[ticket] = false;
    return Reply{200, fmt::format(R"({{"ok":true,"url":"ws://127.0.0.1:{}/link/?ticket={}&app_id=A0001"}})", port, ticket)};
  }

};

FakeSlack::FakeSlack() : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.server.clear_access_channels(websocketpp::log::alevel::all);
  s.server.clear_error_channels(websocketpp::log::elevel::all);
  s.server.init_asio(&s.io);
  s.server.set_reuse_addr(true);
  s.server.set_validate_handler([this](websocketpp::connection_hdl h) { return impl_->OnValidate(h); });
  s.server.set_open_handler([this](websocketpp::connection_hdl h) { impl_->OnOpen(h); });
  s.server.set_close_handler([this](websocketpp::connection_hdl h) { impl_->OnClose(h); });
  s.server.set_fail_handler([this](websocketpp::connection_hdl h) { impl_->OnClose(h); });
  s.server.set_message_handler(
      [this](websocketpp::connection_hdl h, Server::message_ptr m) { impl_->OnMessage(h, m); });
  s.server.set_ping_handler([this](websocketpp::connection_hdl h, std::string) { return impl_->OnPing(h); });
  s.server.set_http_handler([this](websocketpp::connection_hdl h) { impl_->OnHttp(h); });
  boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"), 0);
  s.server.listen(endpoint);
  s.server.start_accept();
  boost::system::error_code ec;
  s.port = s.server.get_local_endpoint(ec).port();
  s.thread = std::thread([this] { impl_->io.run(); });
}

FakeSlack::~FakeSlack() {
  Impl& s = *impl_;
  boost::asio::post(s.io, [&s] {
    std::error_code ec;
    s.server.stop_listening(ec);
    std::lock_guard<std::mutex> lock(s.mutex);
    for (auto& [index, connection] : s.connections) {
      if (!connection.open) continue;
      auto con = s.server.get_con_from_hdl(connection.hdl, ec);
      boost::system::error_code close_ec;
      if (!ec) con->get_raw_socket().close(close_ec);
    }
  });
  // Let the drops finish, then stop.
  boost::asio::post(s.io, [&s] { s.io.stop(); });
  s.thread.join();
}

int FakeSlack::port() const { return impl_->port; }
std::string FakeSlack::api_url() const { return fmt::format("http://127.0.0.1:{}/api", impl_->port); }

std::string FakeSlack::SendEnvelope(const std::string& type, const std::string& payload_json, int retry_attempt,
                                    std::string envelope_id) {
  return impl_->OnServer([&]() -> std::string {
    Impl& s = *impl_;
    std::lock_guard<std::mutex> lock(s.mutex);
    Impl::Connection* target = s.TargetLocked();
    if (target == nullptr) return {};
    if (envelope_id.empty()) envelope_id = fmt::format("fake-env-{:06d}", s.next_envelope++);
    bool interactive = type == "interactive" || type == "slash_commands";
    std::string frame = fmt::format(
        R"({{"envelope_id":"{}","type":"{}","payload":{},"accepts_response_payload":{}{}}})", envelope_id, type,
        payload_json, interactive ? "true" : "false",
        type == "events_api" ? fmt::format(R"(,"retry_attempt":{},"retry_reason":"{}")", retry_attempt,
                                           retry_attempt > 0 ? "timeout" : "")
                             : "");
    s.SendOn(target->hdl, frame);
    return envelope_id;
  });
}

bool FakeSlack::SendRaw(const std::string& text) {
  return impl_->OnServer([&] {
    Impl& s = *impl_;
    std::lock_guard<std::mutex> lock(s.mutex);
    Impl::Connection* target = s.TargetLocked();
    if (target == nullptr) return false;
    s.SendOn(target->hdl, text);
    return true;
  });
}

bool FakeSlack::SendDisconnect(const std::string& reason, Millis retire_close) {
  return impl_->OnServer([&] {
    Impl& s = *impl_;
    std::lock_guard<std::mutex> lock(s.mutex);
    Impl::Connection* target = s.TargetLocked();
    if (target == nullptr) return false;
    target->retiring = true;
    s.SendOn(target->hdl, fmt::format(R"({{"type":"disconnect","reason":"{}","debug_info":{{"host":"fake-applink-1"}}}})", reason));
    s.CloseAfter(target->hdl, retire_close, "refresh");
    s.Bump();
    return true;
  });
}

bool FakeSlack::DropConnection() {
  return impl_->OnServer([&] {
    Impl& s = *impl_;
    std::lock_guard<std::mutex> lock(s.mutex);
    Impl::Connection* target = s.NewestOpenLocked();
    if (target == nullptr) return false;
    std::error_code ec;
    auto con = s.server.get_con_from_hdl(target->hdl, ec);
    if (ec) return false;
    boost::system::error_code close_ec;
    con->get_raw_socket().close(close_ec);
    return true;
  });
}

bool FakeSlack::SilenceNewest() {
  Impl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mutex);
  Impl::Connection* target = s.NewestOpenLocked();
  if (target == nullptr) return false;
  target->silent = true;
  s.Bump();
  return true;
}

void FakeSlack::SetSendHello(bool send) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->send_hello = send;
}

void FakeSlack::SetLinkDisabled(bool disabled) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->link_disabled = disabled;
}

void FakeSlack::SetMaxConnections(int limit) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->max_connections = limit;
}

int FakeSlack::OpenConnections() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->OpenCountLocked();
}

int FakeSlack::ConnectionsAccepted() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->connections_accepted;
}

int FakeSlack::HellosSent() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->hellos_sent;
}

int FakeSlack::MaxSimultaneousOpen() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->max_simultaneous_open;
}

int FakeSlack::PingsReceived() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->pings_received;
}

std::vector<Ack> FakeSlack::Acks() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->acks;
}

int FakeSlack::AckCount(const std::string& envelope_id) const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  int count = 0;
  for (const Ack& ack : impl_->acks) count += ack.envelope_id == envelope_id ? 1 : 0;
  return count;
}

size_t FakeSlack::AckTotal() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->acks.size();
}

void FakeSlack::FailNext(const std::string& method, const Failure& failure, int times) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  for (int i = 0; i < times; ++i) impl_->failures[method].push_back(failure);
}

std::vector<ApiCall> FakeSlack::Calls(const std::string& method) const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  std::vector<ApiCall> result;
  for (const ApiCall& call : impl_->calls) {
    if (method.empty() || call.method == method) result.push_back(call);
  }
  return result;
}

std::vector<PostedMessage> FakeSlack::Messages() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->api.messages;
}

std::vector<PostedMessage> FakeSlack::UserMessages() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->api.user_messages;
}

std::vector<OpenedView> FakeSlack::Views() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->api.views;
}

void FakeSlack::AddUser(const std::string& id, const std::string& real_name, const std::string& display_name,
                        const std::string& email) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->api.AddUser(id, real_name, display_name, email);
}

void FakeSlack::AddThreadParent(const std::string& channel, const std::string& ts, const std::string& user,
                                const std::string& text) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->api.AddUserMessage(channel, ts, user, text, "");
  impl_->Bump();
}

void FakeSlack::SetPostRateLimit(bool on) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->api.post_rate_limit = on;
}

std::string FakeSlack::IssueTriggerId(const std::string& user) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->api.IssueTrigger(user, std::chrono::steady_clock::now());
}

std::string FakeSlack::PostAsUser(const std::string& channel, const std::string& user, const std::string& text,
                                  const std::string& thread_ts) {
  std::string payload;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    const PostedMessage& message = impl_->api.AddUserMessage(channel, "", user, text, thread_ts);
    payload = impl_->api.MessageEventPayload(message);
    impl_->Bump();
  }
  return SendEnvelope("events_api", payload);
}

std::string FakeSlack::ClickButton(const std::string& message_ts_or_empty, const std::string& channel,
                                   const std::string& thread_ts, const std::string& user,
                                   const std::string& action_id, const std::string& value) {
  std::string payload;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    payload = impl_->api.ClickPayload(message_ts_or_empty, channel, thread_ts, user, action_id, value,
                                      std::chrono::steady_clock::now());
  }
  return SendEnvelope("interactive", payload);
}

std::string FakeSlack::SubmitView(const std::string& view_id, const std::string& user,
                                  const std::string& state_values_json) {
  std::string payload;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    payload = impl_->api.SubmitPayload(view_id, user, state_values_json, std::chrono::steady_clock::now());
  }
  if (payload.empty()) return {};
  return SendEnvelope("interactive", payload);
}

bool FakeSlack::WaitFor(const std::function<bool()>& predicate, Millis timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    unsigned long long seen;
    {
      std::lock_guard<std::mutex> lock(impl_->mutex);
      seen = impl_->version;
    }
    if (predicate()) return true;
    std::unique_lock<std::mutex> lock(impl_->mutex);
    if (!impl_->changed.wait_until(lock, deadline, [&] { return impl_->version != seen; })) {
      lock.unlock();
      return predicate();
    }
  }
}

bool FakeSlack::WaitForOpenConnections(int count, Millis timeout) const {
  return WaitFor([&] { return OpenConnections() == count; }, timeout);
}

bool FakeSlack::WaitForHellos(int count, Millis timeout) const {
  return WaitFor([&] { return HellosSent() >= count; }, timeout);
}

bool FakeSlack::WaitForAck(const std::string& envelope_id, Millis timeout) const {
  return WaitFor([&] { return AckCount(envelope_id) > 0; }, timeout);
}

bool FakeSlack::WaitForCalls(const std::string& method, int count, Millis timeout) const {
  return WaitFor([&] { return static_cast<int>(Calls(method).size()) >= count; }, timeout);
}

bool FakeSlack::WaitForViews(int count, Millis timeout) const {
  return WaitFor([&] { return static_cast<int>(Views().size()) >= count; }, timeout);
}

}  // namespace fake
