// A fake Slack for tests, the simulator and benchmarks: the Socket Mode
// WebSocket and the Web API over HTTP on 127.0.0.1 with an ephemeral port,
// with Slack's payload shapes, error replies (ok:false, 429 + Retry-After)
// and Block Kit limits (slack-facts.md). Faults are injected on demand.
//
// The server runs on its own thread. Every public method is thread-safe and
// may be called from the test thread; Wait* methods block until the event
// happened or the timeout passed (they return false then), so tests
// synchronise on events, never on sleeps.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fake {

using Millis = std::chrono::milliseconds;

struct ApiCall {
  std::string method;        // "chat.postMessage"
  std::string authorization; // the Authorization header as sent
  std::string content_type;
  std::string body;          // as sent
  std::chrono::steady_clock::time_point at;
};

struct Ack {
  std::string envelope_id;
  std::string payload_json;  // "" when the ack had no payload
  int connection = 0;        // which connection carried it
  std::chrono::steady_clock::time_point at;  // when it arrived
};

struct PostedMessage {
  std::string method;  // chat.postMessage, chat.postEphemeral, chat.update
  std::string channel;
  std::string ts;
  std::string thread_ts;
  std::string text;
  std::string blocks_json;    // "" when none
  std::string metadata_json;  // "" when none
  std::string user;           // chat.postEphemeral only
};

// A scripted failure for the next call(s) of one Web API method.
struct Failure {
  int http_status = 200;       // 429, 500, 503, or 200 with ok:false
  std::string error;           // Slack error code for ok:false bodies
  int retry_after_s = -1;      // Retry-After header when >= 0
  bool html_body = false;      // a gateway-style non-JSON body
};

class FakeSlack {
 public:
  static constexpr const char* kAppToken = "xapp-1-A0001-fake-app-token";
  static constexpr const char* kBotToken = "xoxb-0001-fake-bot-token";
  static constexpr const char* kBotUserId = "UBOT0001";
  static constexpr const char* kBotId = "BBOT0001";

  FakeSlack();
  ~FakeSlack();
  FakeSlack(const FakeSlack&) = delete;
  FakeSlack& operator=(const FakeSlack&) = delete;

  int port() const;
  // Base of the Web API: "http://127.0.0.1:<port>/api".
  std::string api_url() const;

  // --- Socket Mode -------------------------------------------------------
  // Sends an envelope to the newest connection that has had its hello and
  // is not being retired; returns its envelope_id (generated when empty),
  // or "" when no connection could take it.
  std::string SendEnvelope(const std::string& type, const std::string& payload_json,
                           int retry_attempt = 0, std::string envelope_id = {});
  // Sends raw text on the newest connection (malformed-input tests).
  bool SendRaw(const std::string& text);
  // Sends {"type":"disconnect","reason":…} on the newest connection and
  // retires it: later envelopes go to a newer connection, and the retired
  // one is closed by the server after `retire_close` (Slack's behaviour).
  bool SendDisconnect(const std::string& reason, Millis retire_close = Millis(3000));
  // Closes the newest connection's TCP socket without a close frame.
  bool DropConnection();
  // Stops answering pings and sending anything on the newest connection.
  bool SilenceNewest();
  // New connections get no hello (the "never ready" server).
  void SetSendHello(bool send);
  // Simulates Socket Mode turned off in the app settings: every new
  // connection receives disconnect/link_disabled and is closed.
  void SetLinkDisabled(bool disabled);
  // Slack allows 10 connections per app; beyond `limit`, a new connection
  // receives disconnect/too_many_websockets and is closed.
  void SetMaxConnections(int limit);

  int OpenConnections() const;      // open right now
  int ConnectionsAccepted() const;  // WebSocket handshakes ever accepted
  int HellosSent() const;
  int MaxSimultaneousOpen() const;
  int PingsReceived() const;        // WebSocket pings from the client
  std::vector<Ack> Acks() const;
  int AckCount(const std::string& envelope_id) const;
  size_t AckTotal() const;  // all acks so far (cheap; for load generators)

  // --- Web API -----------------------------------------------------------
  // The next `times` calls of `method` fail as described.
  void FailNext(const std::string& method, const Failure& failure, int times = 1);
  std::vector<ApiCall> Calls(const std::string& method = {}) const;
  std::vector<PostedMessage> Messages() const;

  // --- Waiting -------------------------------------------------------------
  // Returns when `predicate` holds (it is re-evaluated after every change of
  // the fake's state) or false after `timeout`. `predicate` may call any
  // getter above.
  bool WaitFor(const std::function<bool()>& predicate, Millis timeout = Millis(10000)) const;
  bool WaitForOpenConnections(int count, Millis timeout = Millis(10000)) const;
  bool WaitForHellos(int count, Millis timeout = Millis(10000)) const;
  bool WaitForAck(const std::string& envelope_id, Millis timeout = Millis(10000)) const;
  bool WaitForCalls(const std::string& method, int count, Millis timeout = Millis(10000)) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fake
