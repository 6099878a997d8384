#include "slack/socket_mode/socket_mode_client.h"

#include <algorithm>

#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include "slack/socket_mode/disconnect_policy.h"
#include "util/json_util.h"
#include "util/log.h"

namespace slack::socket_mode {
namespace {

// The reasons a reconnect is counted under; a disconnect reason Slack may
// add later is counted as "other" so the label set stays bounded.
const char* const kReconnectReasons[] = {"refresh_requested", "warning", "link_disabled", "too_many_websockets",
                                         "dropped", "silent", "no_hello", "connect_failed", "other"};
constexpr const char* kReconnectHelp = "Socket Mode reconnects, by what caused them.";

}  // namespace

AckDecision EnvelopeSink::Decide(const Frame&) { return {}; }

SocketModeClient::SocketModeClient(boost::asio::io_context& io, UrlOpener opener, EnvelopeSink& sink,
                                   SocketModeOptions options)
    : io_(io),
      opener_(std::move(opener)),
      sink_(sink),
      options_(options),
      connect_timer_(io),
      tick_timer_(io),
      alive_(std::make_shared<bool>(true)) {
  WebSocketClient::Handlers handlers;
  handlers.on_open = [this](ConnectionId id) { OnOpen(id); };
  handlers.on_message = [this](ConnectionId id, std::string text) { OnMessage(id, std::move(text)); };
  handlers.on_pong = [this](ConnectionId id) { OnPong(id); };
  handlers.on_closed = [this](ConnectionId id, std::string reason) { OnClosed(id, reason); };
  ws_ = std::make_unique<WebSocketClient>(io, std::move(handlers), options_.egress);
  if (util::Metrics* metrics = options_.metrics) {
    received_ = &metrics->GetCounter("envelopes_received", "Socket Mode envelopes received.");
    acked_ = &metrics->GetCounter("envelopes_acked", "Socket Mode envelopes acked.");
    ack_latency_ = &metrics->GetHistogram("ack_latency_seconds",
                                          "Seconds from an envelope's arrival to its ack being written.",
                                          {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1});
    // Every reason is shown from the start (at 0), so rate() works at once.
    for (const char* reason : kReconnectReasons) metrics->GetCounter("socket_reconnects", kReconnectHelp, {{"reason", reason}});
  }
}

void SocketModeClient::CountReconnect(const std::string& reason) {
  if (options_.metrics == nullptr) return;
  bool known = false;
  for (const char* candidate : kReconnectReasons) known = known || reason == candidate;
  options_.metrics->GetCounter("socket_reconnects", kReconnectHelp, {{"reason", known ? reason : "other"}}).Inc();
}

SocketModeClient::~SocketModeClient() { *alive_ = false; }

void SocketModeClient::Start(std::function<void(const std::string&)> on_status) {
  on_status_ = std::move(on_status);
  Status("connecting");
  ScheduleConnect(util::Millis(0), "start");
  StartTicking();
}

void SocketModeClient::Stop() {
  stopping_ = true;
  connect_timer_.cancel();
  tick_timer_.cancel();
  // A batch recorded and on its way to disk is acked first (Flush closes
  // then); unacked, Slack would send it again after the restart.
  if (!awaiting_durable_) CloseAll();
}

void SocketModeClient::CloseAll() {
  std::vector<ConnectionId> ids;
  for (const auto& [id, connection] : connections_) ids.push_back(id);
  for (ConnectionId id : ids) ws_->Close(id, "shutting down");
  active_ = 0;
}

size_t SocketModeClient::LiveConnections() const { return ws_->LiveCount(); }

void SocketModeClient::Status(const std::string& status) {
  if (on_status_) on_status_(status);
}

util::Millis SocketModeClient::NextBackoff() {
  ++failures_;
  return util::BackoffDelay(options_.backoff, failures_, util::UnitRandom());
}

void SocketModeClient::ScheduleConnect(util::Millis delay, const std::string& why) {
  // One attempt at a time: a second trigger while one is under way would
  // open sockets nobody closes (the too_many_websockets storms of
  // slack-facts.md §5).
  if (stopping_ || connect_pending_) return;
  connect_pending_ = true;
  connect_timer_.expires_after(delay);
  util::log::Debug("socket mode: connecting in {} ms ({})", delay.count(), why);
  connect_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (!*alive || ec || stopping_) return;
    RequestUrl();
  });
}

void SocketModeClient::RequestUrl() {
  opener_([this, alive = alive_](util::Result<std::string> url) {
    if (!*alive) return;
    OnUrl(std::move(url));
  });
}

void SocketModeClient::OnUrl(util::Result<std::string> url) {
  if (stopping_) return;
  if (url) {
    auto id = ws_->Connect(*url);
    if (id) {
      connecting_ = *id;
      util::TimePoint now = util::SteadyClock::now();
      connections_[*id] = Connection{now, {}, now, now, false, false, {}};
      util::log::Debug("socket mode: connection {} opening", *id);
      return;
    }
    url = tl::make_unexpected(id.error());
  } else {
    util::CountError(options_.metrics, "slack", url.error().code);
  }
  connect_pending_ = false;
  CountReconnect("connect_failed");
  const util::Error& error = url.error();
  util::Millis delay = std::max(NextBackoff(), util::Millis(error.retry_after_ms));
  if (error.code == util::ErrorCode::kAuth) {
    util::log::Error("socket mode: apps.connections.open refused the app token: {}; check slack_app_token",
                     error.message);
  } else {
    util::log::Warn("socket mode: could not get a connection URL: {}", error.message);
  }
  Status("reconnecting");
  ScheduleConnect(delay, "after a failed apps.connections.open");
}

void SocketModeClient::OnOpen(ConnectionId id) {
  auto it = connections_.find(id);
  if (it != connections_.end()) it->second.last_inbound = util::SteadyClock::now();
}

void SocketModeClient::OnPong(ConnectionId id) {
  auto it = connections_.find(id);
  if (it != connections_.end()) it->second.last_inbound = util::SteadyClock::now();
}

void SocketModeClient::OnMessage(ConnectionId id, std::string text) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  util::TimePoint arrived = util::SteadyClock::now();
  it->second.last_inbound = arrived;
  Frame frame = ParseFrame(text);
  switch (frame.kind) {
    case FrameKind::kHello:
      OnHello(id, frame);
      return;
    case FrameKind::kDisconnect:
      OnDisconnect(id, frame);
      return;
    case FrameKind::kEnvelope:
      OnEnvelope(id, std::move(frame), arrived);
      return;
    case FrameKind::kMalformed:
    case FrameKind::kUnknown:
      // Contract: every envelope that has an id is acked; keep the raw text
      // in the inbox so nothing acked is lost, even if unreadable.
      util::log::Warn("socket mode: skipping {} ({}; {} bytes){}", frame.summary, frame.error, text.size(),
                      frame.envelope_id.empty() ? "" : fmt::format(" envelope={}", frame.envelope_id));
      if (!frame.envelope_id.empty()) {
        frame.type = frame.kind == FrameKind::kMalformed ? "malformed" : "unknown";
        frame.payload_json = json::Quote(text);
        OnEnvelope(id, std::move(frame), arrived);
      }
      return;
  }
}

void SocketModeClient::OnHello(ConnectionId id, const Frame& frame) {
  Connection& connection = connections_[id];
  connection.hello = true;
  connection.hello_at = connection.last_inbound;
  if (connecting_ == id) {
    connecting_ = 0;
    connect_pending_ = false;
  }
  ConnectionId previous = active_;
  active_ = id;
  int ours = 0;
  for (const auto& [other, c] : connections_) ours += c.hello ? 1 : 0;
  util::log::Info("socket mode: connected (connection {}, num_connections={})", id, frame.num_connections);
  if (frame.num_connections > ours + 1) {
    // Slack counts sockets it has not noticed are dead; events sent to them
    // are lost until it does (python-slack-sdk#1940).
    util::log::Warn("socket mode: Slack counts {} connections for this app but this process holds {}; "
                    "is another slackdesk running with the same app token?",
                    frame.num_connections, ours);
  }
  if (previous != 0 && previous != id) CloseAfterDrain(previous, util::SteadyClock::now());
  Status("connected");
}

void SocketModeClient::CloseAfterDrain(ConnectionId id, util::TimePoint replaced_at) {
  auto it = connections_.find(id);
  if (it == connections_.end() || stopping_ || id == active_) return;
  // A fixed delay from the replacement's hello is not enough: a backlog of
  // envelopes can still sit unread on the old socket behind a busy loop, and
  // closing it then would leave them unacked (Slack redelivers them, late).
  util::TimePoint now = util::SteadyClock::now();
  util::TimePoint quiet_at = std::max(it->second.last_envelope, replaced_at) + options_.drain;
  auto on_it = [id](const Pending& p) { return p.connection == id; };
  bool pending = std::any_of(batch_.begin(), batch_.end(), on_it) || std::any_of(recorded_.begin(), recorded_.end(), on_it);
  if ((now < quiet_at || pending) && now < replaced_at + options_.drain_limit) {
    util::TimePoint next = pending ? now + util::Millis(10) : std::min(quiet_at, replaced_at + options_.drain_limit);
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, next);
    timer->async_wait([this, id, replaced_at, timer, alive = alive_](const boost::system::error_code& ec) {
      if (*alive && !ec) CloseAfterDrain(id, replaced_at);
    });
    return;
  }
  if (now < quiet_at || pending) {
    util::log::Warn("socket mode: closed the replaced connection {} though envelopes still come on it: {} ms is "
                    "the longest it is kept; Slack redelivers what was not acked",
                    id, std::chrono::duration_cast<util::Millis>(options_.drain_limit).count());
  } else {
    auto quiet_for = std::chrono::duration_cast<util::Millis>(now - std::max(it->second.last_envelope, replaced_at));
    util::log::Info("socket mode: closed the replaced connection {} (no envelope on it for {} ms)", id,
                    quiet_for.count());
  }
  ws_->Close(id, "replaced");
}

void SocketModeClient::OnDisconnect(ConnectionId id, const Frame& frame) {
  if (id != active_ && id != connecting_) {
    util::log::Debug("socket mode: {} on connection {} that is already being replaced", frame.summary, id);
    return;
  }
  DisconnectAction action = ActionForDisconnect(frame.reason);
  if (id == active_ && action == DisconnectAction::kReplaceKeepingOld) {
    util::log::Info("socket mode: Slack asked to reconnect ({}); opening a new connection first", frame.reason);
    if (!connect_pending_) CountReconnect(frame.reason);
    ScheduleConnect(util::Millis(0), frame.reason);
    return;
  }
  // Any disconnect before hello fails the attempt; too_many_websockets and
  // link_disabled close the socket before anything new is opened.
  if (id == connecting_) {
    connecting_ = 0;
    connect_pending_ = false;
  }
  if (id == active_) active_ = 0;
  ws_->Close(id, frame.reason);
  CountReconnect(frame.reason);
  util::Millis delay = NextBackoff();
  if (action == DisconnectAction::kCloseThenReconnectLoudly) {
    util::log::Error("socket mode: Slack disabled Socket Mode for this app ({}); "
                     "enable it in the app settings; retrying in {} ms", frame.reason, delay.count());
  } else {
    util::log::Warn("socket mode: Slack closed the connection ({}); retrying in {} ms", frame.reason, delay.count());
  }
  Status("reconnecting");
  ScheduleConnect(delay, frame.reason);
}

void SocketModeClient::OnEnvelope(ConnectionId id, Frame frame, util::TimePoint arrived) {
  if (received_ != nullptr) received_->Inc();
  auto connection = connections_.find(id);
  if (connection != connections_.end()) connection->second.last_envelope = arrived;
  AckDecision decision = sink_.Decide(frame);
  if (!decision.record) {
    // Validation answered in the ack; there is nothing to keep.
    Ack(id, frame.envelope_id, decision.payload_json, arrived);
    return;
  }
  batch_.push_back(Pending{id, std::move(frame), std::move(decision.payload_json), arrived});
  // Group commit: envelopes that arrive together (already queued on the
  // loop), or while the last batch waits for the disk, share one
  // transaction; the flush runs right after them.
  if (!flush_posted_ && !awaiting_durable_) {
    flush_posted_ = true;
    boost::asio::post(io_, [this, alive = alive_] {
      if (*alive) Flush();
    });
  }
}

void SocketModeClient::Flush() {
  flush_posted_ = false;
  if (batch_.empty() || awaiting_durable_) return;
  std::vector<Pending> batch = std::move(batch_);
  batch_.clear();
  std::vector<Frame> frames;
  frames.reserve(batch.size());
  for (const Pending& pending : batch) frames.push_back(pending.frame);
  auto recorded = sink_.Record(frames);
  if (!recorded) {
    // Not durable, so not acked: Slack redelivers events it got no ack for.
    util::log::Error("socket mode: could not record {} envelope(s), not acking them: {}", batch.size(),
                     recorded.error().message);
    return;
  }
  recorded_ = std::move(batch);
  awaiting_durable_ = true;
  sink_.WhenDurable([this, alive = alive_] {
    if (!*alive) return;
    awaiting_durable_ = false;
    std::vector<Pending> durable = std::move(recorded_);
    recorded_.clear();
    for (const Pending& pending : durable) {
      Ack(pending.connection, pending.frame.envelope_id, pending.ack_payload, pending.arrived);
    }
    if (stopping_) {
      CloseAll();  // what came meanwhile is not acked: Slack sends it again
      return;
    }
    if (!batch_.empty() && !flush_posted_) {
      flush_posted_ = true;
      boost::asio::post(io_, [this, alive] {
        if (*alive) Flush();
      });
    }
  });
  sink_.OnRecorded();
}

void SocketModeClient::Ack(ConnectionId id, const std::string& envelope_id, const std::string& payload,
                           util::TimePoint arrived) {
  auto sent = ws_->Send(id, AckFrame(envelope_id, payload));
  if (!sent) {
    // A recorded envelope's redelivery is recognised; an unrecorded one
    // (an invalid form) is simply judged again.
    util::log::Warn("socket mode: ack of envelope={} failed ({}); Slack will redeliver it", envelope_id,
                    sent.error().message);
    return;
  }
  if (acked_ != nullptr) acked_->Inc();
  if (ack_latency_ != nullptr) {
    ack_latency_->Observe(std::chrono::duration<double>(util::SteadyClock::now() - arrived).count());
  }
}

void SocketModeClient::OnClosed(ConnectionId id, const std::string& reason) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  Connection connection = it->second;
  connections_.erase(it);
  if (stopping_) return;
  util::TimePoint now = util::SteadyClock::now();
  if (id == connecting_) {
    connecting_ = 0;
    connect_pending_ = false;
    if (!connection.reconnect_counted) CountReconnect("connect_failed");
    util::Millis delay = NextBackoff();
    util::log::Warn("socket mode: connection attempt failed: {}; retrying in {} ms", reason, delay.count());
    Status("reconnecting");
    ScheduleConnect(delay, "after a failed connection");
    return;
  }
  if (id != active_) {
    util::log::Debug("socket mode: replaced connection {} closed ({})", id, reason);
    return;
  }
  active_ = 0;
  if (connection.hello && now - connection.hello_at >= options_.stable_after) failures_ = 0;
  Status("reconnecting");
  if (connect_pending_) {
    util::log::Info("socket mode: connection {} closed ({}); its replacement is on the way", id, reason);
    return;
  }
  if (!connection.reconnect_counted) CountReconnect("dropped");
  util::Millis delay = NextBackoff();
  util::log::Warn("socket mode: connection lost: {}; reconnecting in {} ms", reason, delay.count());
  ScheduleConnect(delay, "connection lost");
}

void SocketModeClient::StartTicking() {
  tick_timer_.expires_after(options_.tick);
  tick_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (!*alive || ec || stopping_) return;
    Tick();
    StartTicking();
  });
}

void SocketModeClient::Tick() {
  util::TimePoint now = util::SteadyClock::now();
  std::vector<ConnectionId> dead;
  for (auto& [id, connection] : connections_) {
    // Pongs prove the transport, not the session: a socket that never says
    // hello is as useless as a silent one.
    if (!connection.hello && now - connection.opened >= options_.liveness.dead_after) {
      dead.push_back(id);
      continue;
    }
    switch (JudgeLiveness(options_.liveness, now, connection.last_inbound, connection.last_ping)) {
      case LivenessVerdict::kFine:
        break;
      case LivenessVerdict::kSendPing:
        connection.last_ping = now;
        ws_->Ping(id);
        break;
      case LivenessVerdict::kDead:
        dead.push_back(id);
        break;
    }
  }
  for (ConnectionId id : dead) {
    Connection& connection = connections_[id];
    // Counted here, where the reason is known; OnClosed then does not count
    // the same reconnect as "dropped".
    if ((id == active_ && !connect_pending_) || id == connecting_) {
      CountReconnect(connection.hello ? "silent" : "no_hello");
      connection.reconnect_counted = true;
    }
    util::log::Warn("socket mode: connection {} silent for {} ms (no {}); dropping it", id,
                    std::chrono::duration_cast<util::Millis>(options_.liveness.dead_after).count(),
                    connections_[id].hello ? "frame, no pong" : "hello");
    ws_->Abort(id);
  }
}

}  // namespace slack::socket_mode
