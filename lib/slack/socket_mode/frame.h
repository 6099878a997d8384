// Socket Mode frames, parsed: what Slack sends over the WebSocket (hello,
// disconnect, envelopes) and the ack we send back. Pure: no I/O, no clock.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace slack::socket_mode {

enum class FrameKind {
  kHello,       // the connection is ready to receive envelopes
  kDisconnect,  // Slack asks us to reconnect; see `reason`
  kEnvelope,    // an event, interaction or command to record and ack
  kUnknown,     // valid JSON we do not understand (logged, skipped)
  kMalformed,   // not JSON, or not an object (logged, acked if it has an id)
};

struct Frame {
  FrameKind kind = FrameKind::kUnknown;

  // kHello
  int num_connections = 0;
  long approximate_connection_time_s = 0;

  // kDisconnect
  std::string reason;  // refresh_requested, warning, link_disabled, too_many_websockets

  // kEnvelope (and kMalformed/kUnknown when an envelope_id could be found)
  std::string envelope_id;
  std::string type;          // events_api, interactive, slash_commands, …
  std::string payload_json;  // the payload, re-serialised ("{}" when absent)
  int retry_attempt = 0;
  std::string retry_reason;
  // The key under which a redelivery of the same thing is recognised: the
  // thing the payload names, "msg:<channel>:<ts>" (an app_mention and its
  // message twin share it), "event:<event_id>" for other events,
  // "action:<user>:<action_ts>", "view:<view_id>"; "env:<envelope_id>"
  // only when the payload names nothing. One key, not one per name: each
  // key is a leaf page of the dedupe index written at every commit, at a
  // random place (issue 9).
  std::vector<std::string> dedupe_keys;
  // A short description for log lines: "events_api app_mention event=Ev1 channel=C1".
  std::string summary;

  std::string error;  // kMalformed/kUnknown: what was wrong
};

// Parses one text frame. Never fails: bad input yields kMalformed/kUnknown
// with `error` set. For a frame that is not valid JSON, envelope_id is still
// recovered when the text contains `"envelope_id":"…"`, so it can be acked.
Frame ParseFrame(std::string_view text);

// The ack for an envelope: {"envelope_id":"…"} plus `payload_json` when not
// empty (for example a view_submission's response_action). Slack drops acks
// of 20 KB or more, so callers must keep payloads small (kMaxAckBytes).
std::string AckFrame(std::string_view envelope_id, std::string_view payload_json = {});
inline constexpr size_t kMaxAckBytes = 20 * 1024 - 1;

}  // namespace slack::socket_mode
