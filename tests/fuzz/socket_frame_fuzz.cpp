// Socket Mode frames (slack/socket_mode/frame.h): any text Slack, a proxy or
// a broken network puts on the WebSocket. ParseFrame never fails, an
// envelope always carries its own id as its first dedupe key, its payload
// is re-serialised JSON, and the ack we send back is JSON naming the same id.
#include <rapidjson/document.h>

#include "fuzz_support.h"
#include "slack/socket_mode/frame.h"
#include "util/json_util.h"

using slack::socket_mode::Frame;
using slack::socket_mode::FrameKind;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Frame frame = slack::socket_mode::ParseFrame(text);

  // Everything a frame holds was read from `text`: nothing grows with it
  // beyond a few fixed words (JSON unescaping only shrinks).
  FUZZ_CHECK(frame.summary.size() <= size + 96, frame.summary);
  FUZZ_CHECK(frame.envelope_id.size() <= size, frame.envelope_id);
  FUZZ_CHECK(frame.dedupe_keys.size() <= 1, frame.summary);
  for (const std::string& key : frame.dedupe_keys) FUZZ_CHECK(key.size() <= size + 16, key);

  switch (frame.kind) {
    case FrameKind::kHello:
    case FrameKind::kDisconnect:
      FUZZ_CHECK(frame.envelope_id.empty(), "hello and disconnect have no envelope");
      break;
    case FrameKind::kMalformed:
    case FrameKind::kUnknown:
      FUZZ_CHECK(!frame.error.empty(), "a bad frame says what is wrong");
      break;
    case FrameKind::kEnvelope: {
      FUZZ_CHECK(!frame.envelope_id.empty(), "an envelope has an id");
      // Exactly one key: what the payload names, else the envelope.
      FUZZ_CHECK(frame.dedupe_keys.size() == 1, frame.summary);
      rapidjson::Document payload;
      payload.Parse(frame.payload_json.data(), frame.payload_json.size());
      FUZZ_CHECK(!payload.HasParseError(), frame.payload_json);
      break;
    }
  }
  // Any id found (also in a malformed frame, so that it can be acked) gives
  // an ack that is JSON and names exactly that id.
  if (!frame.envelope_id.empty()) {
    std::string ack = slack::socket_mode::AckFrame(frame.envelope_id, frame.kind == FrameKind::kEnvelope
                                                                          ? std::string_view(frame.payload_json)
                                                                          : std::string_view());
    rapidjson::Document parsed;
    parsed.Parse(ack.data(), ack.size());
    FUZZ_CHECK(!parsed.HasParseError() && parsed.IsObject(), ack);
    FUZZ_CHECK(json::GetString(parsed, "envelope_id") == frame.envelope_id, ack);
  }
  return 0;
}
