// Keeps one Socket Mode connection alive and turns every envelope into a
// durable record before its ack:
//   apps.connections.open (fresh URL every time) → WebSocket → hello →
//   envelopes: recorded by the EnvelopeSink (one transaction per batch of
//   envelopes that arrived together), then acked with {"envelope_id":…}.
// Reconnects after disconnect frames, abrupt closes and silent servers with
// exponential backoff (<= 1 s first, 30 s cap, jitter) and never more than
// one attempt at a time; on refresh the new socket says hello before the old
// one is closed. Runs on the io_context thread; call it from there only.
// With SocketModeOptions::metrics it counts envelopes, acks (and their
// latency from frame arrival) and reconnects by reason.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "slack/socket_mode/frame.h"
#include "slack/socket_mode/liveness.h"
#include "slack/socket_mode/websocket_client.h"
#include "util/backoff.h"
#include "util/egress.h"
#include "util/error.h"
#include "util/metrics.h"

namespace slack::socket_mode {

// What the ack of one envelope carries, decided before it is recorded.
struct AckDecision {
  bool record = true;        // false: ack only (e.g. a form with errors)
  std::string payload_json;  // "" for a bare ack
};

// Where envelopes go. Called on the io_context thread.
class EnvelopeSink {
 public:
  virtual ~EnvelopeSink() = default;
  // Fast and pure: the ack payload of one envelope (validation of a
  // view_submission answers in the ack itself).
  virtual AckDecision Decide(const Frame& frame);
  // Records the batch (duplicates included: the sink drops them). Only
  // when this succeeds are the envelopes acked, and only once it is
  // durable (WhenDurable).
  virtual util::Status Record(const std::vector<Frame>& batch) = 0;
  // Runs `then` once what Record wrote is durable; at once by default (a
  // sink whose Record waits for the disk). On the loop thread.
  virtual void WhenDurable(std::function<void()> then) { then(); }
  // After a batch was recorded (its acks may still wait for WhenDurable):
  // time to process it.
  virtual void OnRecorded() {}
};

// Asks Slack for a fresh WebSocket URL (apps.connections.open) off the loop
// thread and calls `done` back ON the loop thread.
using UrlOpener = std::function<void(std::function<void(util::Result<std::string>)> done)>;

struct SocketModeOptions {
  util::BackoffPolicy backoff{util::Millis(500), util::Millis(30000), 2.0};
  LivenessPolicy liveness;
  util::Duration tick = util::Millis(1000);  // how often liveness is judged
  // A connection that stayed up this long after its hello resets the
  // backoff; shorter-lived ones keep it growing, so a server that says hello
  // and then drops us cannot cause a storm.
  util::Duration stable_after = util::Millis(30000);
  // After a replacement said hello, the old socket stays open until no
  // envelope has come on it for this long, so envelopes already in flight
  // (or still unread behind a busy loop) arrive and get their acks...
  util::Duration drain = util::Millis(2000);
  // ...but never longer than this after the replacement's hello: Slack may
  // keep using a socket it asked us to replace until it closes it itself.
  util::Duration drain_limit = util::Millis(30000);
  // Where to count envelopes, acks and reconnects; nullptr: not counted.
  // Must outlive the client.
  util::Metrics* metrics = nullptr;
  // The proxy and extra CAs for the WebSocket (the config's).
  util::Egress egress;
};

class SocketModeClient {
 public:
  // `io`, `sink` must outlive this object.
  SocketModeClient(boost::asio::io_context& io, UrlOpener opener, EnvelopeSink& sink,
                   SocketModeOptions options = {});
  ~SocketModeClient();

  // Starts connecting. `on_status` (optional) hears short state words for
  // systemd STATUS= ("connecting", "connected", "reconnecting").
  void Start(std::function<void(const std::string&)> on_status = {});
  // Closes every connection normally; no reconnects afterwards. The caller
  // keeps running the io_context until LiveConnections() is 0.
  void Stop();
  size_t LiveConnections() const;
  bool Connected() const { return active_ != 0; }

 private:
  struct Connection {
    util::TimePoint opened;
    util::TimePoint hello_at;
    util::TimePoint last_inbound;
    util::TimePoint last_ping;
    bool hello = false;
    bool reconnect_counted = false;  // Tick already counted why it was dropped
    util::TimePoint last_envelope;   // pings and pongs do not count: the drain waits for envelopes
  };
  struct Pending {
    ConnectionId connection;
    Frame frame;
    std::string ack_payload;
    util::TimePoint arrived;
  };

  void ScheduleConnect(util::Millis delay, const std::string& why);
  void RequestUrl();
  void OnUrl(util::Result<std::string> url);
  void OnOpen(ConnectionId id);
  void OnMessage(ConnectionId id, std::string text);
  void OnPong(ConnectionId id);
  void OnClosed(ConnectionId id, const std::string& reason);
  void OnHello(ConnectionId id, const Frame& frame);
  void OnDisconnect(ConnectionId id, const Frame& frame);
  void OnEnvelope(ConnectionId id, Frame frame, util::TimePoint arrived);
  // Sends the ack of one envelope and counts it.
  void Ack(ConnectionId id, const std::string& envelope_id, const std::string& payload, util::TimePoint arrived);
  void CountReconnect(const std::string& reason);
  void Flush();
  // Closes every connection (Stop).
  void CloseAll();
  void Tick();
  void CloseAfterDrain(ConnectionId id, util::TimePoint replaced_at);
  void StartTicking();
  util::Millis NextBackoff();
  void Status(const std::string& status);

  boost::asio::io_context& io_;
  UrlOpener opener_;
  EnvelopeSink& sink_;
  SocketModeOptions options_;
  std::unique_ptr<WebSocketClient> ws_;
  boost::asio::steady_timer connect_timer_;
  boost::asio::steady_timer tick_timer_;
  std::function<void(const std::string&)> on_status_;

  std::map<ConnectionId, Connection> connections_;
  ConnectionId active_ = 0;        // receives envelopes; 0 while none has said hello
  ConnectionId connecting_ = 0;    // the attempt under way, until its hello
  bool connect_pending_ = false;   // a timer, URL request or handshake is under way
  int failures_ = 0;               // consecutive failed attempts
  bool stopping_ = false;
  std::vector<Pending> batch_;     // envelopes waiting for the group commit
  bool flush_posted_ = false;
  // The batch recorded last, its acks waiting for the disk (WhenDurable).
  // One at a time: what arrives meanwhile gathers in batch_, so a slower
  // disk makes bigger batches, not more commits.
  std::vector<Pending> recorded_;
  bool awaiting_durable_ = false;
  std::shared_ptr<bool> alive_;    // lets late callbacks see this object is gone
  // Looked up once so the per-envelope path only touches atomics; all
  // null when metrics are off.
  util::Counter* received_ = nullptr;
  util::Counter* acked_ = nullptr;
  util::Histogram* ack_latency_ = nullptr;
};

}  // namespace slack::socket_mode
