#include "slack/socket_mode/frame.h"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "util/json_util.h"

namespace slack::socket_mode {
namespace {

using json::GetString;
using json::GetInt;

// Message subtypes that carry a person's words; every other subtype is
// housekeeping (joins, edits, deletions) and has no channel+ts twin.
bool IsUserMessageSubtype(std::string_view subtype) {
  return subtype.empty() || subtype == "file_share" || subtype == "thread_broadcast";
}

void AddEventsApiKeys(const rapidjson::Value& payload, Frame* frame) {
  std::string event_id = GetString(payload, "event_id");
  std::string event_type = "?";
  if (payload.IsObject() && payload.HasMember("event") && payload["event"].IsObject()) {
    const rapidjson::Value& event = payload["event"];
    event_type = GetString(event, "type");
    std::string channel = GetString(event, "channel");
    std::string ts = GetString(event, "ts");
    std::string subtype = GetString(event, "subtype");
    // Slack sends a mention as both app_mention and message (different
    // event_ids): channel+ts makes them one.
    // Slack's retries of the event carry the same channel+ts as well, so
    // this key alone recognises both.
    if ((event_type == "app_mention" || (event_type == "message" && IsUserMessageSubtype(subtype))) &&
        !channel.empty() && !ts.empty()) {
      frame->dedupe_keys.push_back(fmt::format("msg:{}:{}", channel, ts));
    }
    if (!subtype.empty()) event_type += "/" + subtype;
    frame->summary = fmt::format("events_api {} event={} channel={}", event_type, event_id,
                                 channel.empty() ? "-" : channel);
  } else {
    frame->summary = fmt::format("events_api {} event={}", GetString(payload, "type"), event_id);
  }
  if (frame->dedupe_keys.empty() && !event_id.empty()) frame->dedupe_keys.push_back("event:" + event_id);
}

void AddInteractiveKeys(const rapidjson::Value& payload, Frame* frame) {
  std::string type = GetString(payload, "type");
  std::string user;
  if (payload.IsObject() && payload.HasMember("user") && payload["user"].IsObject()) {
    user = GetString(payload["user"], "id");
  }
  if (type == "block_actions" && payload.HasMember("actions") && payload["actions"].IsArray() &&
      !payload["actions"].Empty()) {
    std::string action_ts = GetString(payload["actions"][0], "action_ts");
    if (!action_ts.empty()) frame->dedupe_keys.push_back(fmt::format("action:{}:{}", user, action_ts));
  } else if ((type == "view_submission" || type == "view_closed") && payload.HasMember("view") &&
             payload["view"].IsObject()) {
    std::string view_id = GetString(payload["view"], "id");
    if (!view_id.empty()) frame->dedupe_keys.push_back(fmt::format("{}:{}", type == "view_submission" ? "view" : "view_closed", view_id));
  }
  frame->summary = fmt::format("interactive {} user={}", type.empty() ? "?" : type, user.empty() ? "-" : user);
}

// Best effort for frames that are not JSON: find "envelope_id":"…".
std::string ScanEnvelopeId(std::string_view text) {
  constexpr std::string_view kKey = "\"envelope_id\"";
  size_t at = text.find(kKey);
  if (at == std::string_view::npos) return {};
  at = text.find('"', text.find(':', at + kKey.size()));
  if (at == std::string_view::npos) return {};
  size_t end = text.find('"', at + 1);
  if (end == std::string_view::npos || end - at - 1 > 128) return {};
  return std::string(text.substr(at + 1, end - at - 1));
}

}  // namespace

Frame ParseFrame(std::string_view text) {
  Frame frame;
  rapidjson::Document doc;
  std::string invalid = json::Parse(text, doc);
  if (!invalid.empty() || !doc.IsObject()) {
    frame.kind = FrameKind::kMalformed;
    frame.error = invalid.empty() ? "not a JSON object" : invalid;
    frame.envelope_id = ScanEnvelopeId(text);
    if (!frame.envelope_id.empty()) frame.dedupe_keys.push_back("env:" + frame.envelope_id);
    frame.summary = "malformed frame";
    return frame;
  }
  std::string type = GetString(doc, "type");
  frame.envelope_id = GetString(doc, "envelope_id");
  if (type == "hello" && frame.envelope_id.empty()) {
    frame.kind = FrameKind::kHello;
    frame.num_connections = GetInt(doc, "num_connections", 0);
    if (doc.HasMember("debug_info") && doc["debug_info"].IsObject()) {
      frame.approximate_connection_time_s = GetInt(doc["debug_info"], "approximate_connection_time", 0);
    }
    frame.summary = "hello";
    return frame;
  }
  if (type == "disconnect" && frame.envelope_id.empty()) {
    frame.kind = FrameKind::kDisconnect;
    frame.reason = GetString(doc, "reason");
    frame.summary = "disconnect " + frame.reason;
    return frame;
  }
  if (frame.envelope_id.empty()) {
    frame.kind = FrameKind::kUnknown;
    frame.error = fmt::format("frame of type '{}' without envelope_id", type);
    frame.summary = "unknown frame";
    return frame;
  }
  frame.kind = FrameKind::kEnvelope;
  frame.type = type;
  frame.retry_attempt = GetInt(doc, "retry_attempt", 0);
  frame.retry_reason = GetString(doc, "retry_reason");
  if (doc.HasMember("payload")) {
    frame.payload_json = json::Serialize(doc["payload"]);
    const rapidjson::Value& payload = doc["payload"];
    if (type == "events_api") {
      AddEventsApiKeys(payload, &frame);
    } else if (type == "interactive") {
      AddInteractiveKeys(payload, &frame);
    } else {
      frame.summary = type.empty() ? "envelope of no type" : type;
    }
  } else {
    frame.payload_json = "{}";
    frame.summary = type + " (no payload)";
  }
  // A redelivery of something the payload does not name (a slash command,
  // an unknown type) is still recognised by its envelope.
  if (frame.dedupe_keys.empty()) frame.dedupe_keys.push_back("env:" + frame.envelope_id);
  return frame;
}

std::string AckFrame(std::string_view envelope_id, std::string_view payload_json) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("envelope_id");
  writer.String(envelope_id.data(), static_cast<rapidjson::SizeType>(envelope_id.size()));
  writer.EndObject();
  std::string ack = buffer.GetString();
  if (!payload_json.empty()) {
    ack.pop_back();  // '}'
    ack += ",\"payload\":";
    ack += payload_json;
    ack += '}';
  }
  return ack;
}

}  // namespace slack::socket_mode
