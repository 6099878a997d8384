// Socket Mode frames, parsed from the shapes in slack-facts.md §1.3–1.6.
#include "slack/socket_mode/frame.h"

#include <catch2/catch.hpp>

#include "fake_slack.h"
#include "slack/socket_mode/disconnect_policy.h"
#include "slack/socket_mode/liveness.h"
#include "slack_payloads.h"
#include "table.h"

using namespace slack::socket_mode;

TEST_CASE("hello is recognised with its connection count", "[frame]") {
  Frame frame = ParseFrame(
      R"({"type":"hello","num_connections":2,"connection_info":{"app_id":"A1"},"debug_info":{"host":"applink-1","approximate_connection_time":18060}})");
  REQUIRE(frame.kind == FrameKind::kHello);
  CHECK(frame.num_connections == 2);
  CHECK(frame.approximate_connection_time_s == 18060);
}

TEST_CASE("disconnect carries its reason", "[frame]") {
  for (const char* reason : {"refresh_requested", "warning", "link_disabled", "too_many_websockets"}) {
    Frame frame = ParseFrame(std::string(R"({"type":"disconnect","reason":")") + reason +
                             R"(","debug_info":{"host":"wss-111.slack.com"}})");
    REQUIRE(frame.kind == FrameKind::kDisconnect);
    CHECK(frame.reason == reason);
  }
}

TEST_CASE("an app_mention and its message twin share the channel+ts key", "[frame]") {
  fake::MessageSpec spec;
  spec.channel = "C1";
  spec.ts = "1700000000.000100";
  spec.text = "<@UBOT0001> help";
  spec.event_id = "EvMention";
  Frame mention = ParseFrame(R"({"envelope_id":"e1","type":"events_api","payload":)" + fake::AppMentionPayload(spec) +
                             R"(,"accepts_response_payload":false,"retry_attempt":0,"retry_reason":""})");
  spec.event_id = "EvMessage";
  Frame message = ParseFrame(R"({"envelope_id":"e2","type":"events_api","payload":)" + fake::MessagePayload(spec) +
                             R"(,"accepts_response_payload":false,"retry_attempt":0,"retry_reason":""})");
  REQUIRE(mention.kind == FrameKind::kEnvelope);
  CHECK(mention.dedupe_keys == std::vector<std::string>{"msg:C1:1700000000.000100"});
  CHECK(message.dedupe_keys == std::vector<std::string>{"msg:C1:1700000000.000100"});
  CHECK(mention.summary == "events_api app_mention event=EvMention channel=C1");
}

TEST_CASE("a retried event keeps its event id and says so", "[frame]") {
  Frame frame = ParseFrame(
      R"({"envelope_id":"e9","type":"events_api","payload":{"type":"event_callback","event_id":"Ev1","event":{"type":"reaction_added"}},"retry_attempt":2,"retry_reason":"timeout"})");
  CHECK(frame.retry_attempt == 2);
  CHECK(frame.retry_reason == "timeout");
  CHECK(frame.dedupe_keys == std::vector<std::string>{"event:Ev1"});
}

TEST_CASE("housekeeping message subtypes get no channel+ts key", "[frame]") {
  Frame frame = ParseFrame(
      R"({"envelope_id":"e3","type":"events_api","payload":{"event_id":"Ev3","event":{"type":"message","subtype":"message_deleted","channel":"C1","ts":"1.2","deleted_ts":"1.1","hidden":true}}})");
  CHECK(frame.dedupe_keys == std::vector<std::string>{"event:Ev3"});
}

TEST_CASE("interactive payloads are keyed by action and by view", "[frame]") {
  Frame click = ParseFrame(
      R"({"envelope_id":"e4","type":"interactive","accepts_response_payload":false,"payload":{"type":"block_actions","user":{"id":"U1"},"trigger_id":"1.2.abc","actions":[{"type":"button","action_id":"open","action_ts":"1548426417.840180"}]}})");
  CHECK(click.dedupe_keys == std::vector<std::string>{"action:U1:1548426417.840180"});
  Frame submit = ParseFrame(
      R"({"envelope_id":"e5","type":"interactive","accepts_response_payload":true,"payload":{"type":"view_submission","user":{"id":"U1"},"view":{"id":"V123","state":{"values":{}}}}})");
  CHECK(submit.dedupe_keys == std::vector<std::string>{"view:V123"});
}

TEST_CASE("an envelope whose payload names nothing is keyed by the envelope", "[frame]") {
  Frame command = ParseFrame(
      R"({"envelope_id":"e7","type":"slash_commands","accepts_response_payload":true,"payload":{"command":"/ticket","text":"help"}})");
  CHECK(command.dedupe_keys == std::vector<std::string>{"env:e7"});
  Frame no_id = ParseFrame(
      R"({"envelope_id":"e8","type":"events_api","payload":{"type":"event_callback","event":{"type":"reaction_added"}}})");
  CHECK(no_id.dedupe_keys == std::vector<std::string>{"env:e8"});
}

TEST_CASE("malformed JSON still yields the envelope id so it can be acked", "[frame]") {
  Frame frame = ParseFrame(R"({"envelope_id":"e-bad","type":"events_api","payload":{"event":)");
  CHECK(frame.kind == FrameKind::kMalformed);
  CHECK(frame.envelope_id == "e-bad");
  CHECK(frame.error.rfind("not valid JSON (", 0) == 0);
  CHECK(ParseFrame("not json at all").envelope_id.empty());
  CHECK(ParseFrame("[1,2]").kind == FrameKind::kMalformed);
}

TEST_CASE("valid JSON without an envelope id is unknown, never fatal", "[frame]") {
  Frame frame = ParseFrame(R"({"type":"something_new"})");
  CHECK(frame.kind == FrameKind::kUnknown);
  CHECK(frame.envelope_id.empty());
}

TEST_CASE("envelopes of unknown types and ill-typed fields are still envelopes", "[frame]") {
  Frame frame = ParseFrame(R"({"envelope_id":"e6","type":"brand_new","payload":"text","retry_attempt":"x"})");
  CHECK(frame.kind == FrameKind::kEnvelope);
  CHECK(frame.retry_attempt == 0);
  CHECK(frame.payload_json == "\"text\"");
}

TEST_CASE("acks are a single object with an optional payload", "[frame]") {
  CHECK(AckFrame("abc") == R"({"envelope_id":"abc"})");
  CHECK(AckFrame("a\"b") == R"({"envelope_id":"a\"b"})");
  CHECK(AckFrame("abc", R"({"response_action":"clear"})") ==
        R"({"envelope_id":"abc","payload":{"response_action":"clear"}})");
}

TEST_CASE("disconnect reasons map to the right recovery", "[frame]") {
  testing::CheckRows<const char*, DisconnectAction>({{"refresh_requested", DisconnectAction::kReplaceKeepingOld},
                                                     {"warning", DisconnectAction::kReplaceKeepingOld},
                                                     {"something_new", DisconnectAction::kReplaceKeepingOld},
                                                     {"too_many_websockets", DisconnectAction::kCloseThenReconnect},
                                                     {"link_disabled", DisconnectAction::kCloseThenReconnectLoudly}},
                                                    ActionForDisconnect);
}

TEST_CASE("liveness pings a quiet socket and gives up on a silent one after 10 s", "[frame]") {
  LivenessPolicy policy;  // production values
  util::TimePoint t0{};
  using std::chrono::milliseconds;
  CHECK(JudgeLiveness(policy, t0 + milliseconds(2999), t0, t0) == LivenessVerdict::kFine);
  CHECK(JudgeLiveness(policy, t0 + milliseconds(3000), t0, t0) == LivenessVerdict::kSendPing);
  // A ping was just sent: not again before ping_after.
  CHECK(JudgeLiveness(policy, t0 + milliseconds(4000), t0, t0 + milliseconds(3000)) == LivenessVerdict::kFine);
  CHECK(JudgeLiveness(policy, t0 + milliseconds(9999), t0, t0 + milliseconds(9000)) == LivenessVerdict::kFine);
  CHECK(JudgeLiveness(policy, t0 + milliseconds(10000), t0, t0 + milliseconds(9000)) == LivenessVerdict::kDead);
  // A pong (inbound) resets the clock.
  CHECK(JudgeLiveness(policy, t0 + milliseconds(12000), t0 + milliseconds(11000), t0 + milliseconds(9000)) ==
        LivenessVerdict::kFine);
}

TEST_CASE("a deeply nested frame is malformed, yet its envelope id is found to ack it", "[frame]") {
  Frame frame = ParseFrame(R"({"envelope_id":"e-deep","type":"events_api","payload":)" + std::string(100000, '[') +
                           std::string(100000, ']') + "}");
  CHECK(frame.kind == FrameKind::kMalformed);
  CHECK(frame.error == "nested deeper than 64 levels");
  CHECK(frame.envelope_id == "e-deep");
}
