#include "slack_payloads.h"

#include <atomic>

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace fake {
namespace {

std::atomic<long> g_counter{1};

std::string Quote(const std::string& text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  return buffer.GetString();
}

std::string EventCallback(const std::string& event_json, const std::string& event_id, const std::string& ts) {
  return fmt::format(
      R"({{"token":"deprecated","team_id":"T0001","api_app_id":"A0001","type":"event_callback","event":{},"event_id":"{}","event_time":{},"authorizations":[{{"enterprise_id":null,"team_id":"T0001","user_id":"UBOT0001","is_bot":true,"is_enterprise_install":false}}],"is_ext_shared_channel":false,"context_team_id":"T0001","context_enterprise_id":null}})",
      event_json, event_id, ts.substr(0, ts.find('.')));
}

void Fill(MessageSpec* spec) {
  long n = g_counter++;
  if (spec->ts.empty()) spec->ts = fmt::format("1700001{:03d}.{:06d}", n / 1000 % 1000, n % 1000000);
  if (spec->event_id.empty()) spec->event_id = fmt::format("Ev{:08d}", n);
}

}  // namespace

std::string AppMentionPayload(const MessageSpec& input) {
  MessageSpec spec = input;
  Fill(&spec);
  std::string thread = spec.thread_ts.empty() ? "" : fmt::format(R"(,"thread_ts":"{}")", spec.thread_ts);
  std::string event = fmt::format(
      R"({{"type":"app_mention","user":"{}","text":{},"ts":"{}","channel":"{}","event_ts":"{}"{},"team":"T0001","client_msg_id":"cm-{}"}})",
      spec.user, Quote(spec.text), spec.ts, spec.channel, spec.ts, thread, spec.event_id);
  return EventCallback(event, spec.event_id, spec.ts);
}

std::string MessagePayload(const MessageSpec& input) {
  MessageSpec spec = input;
  Fill(&spec);
  std::string thread = spec.thread_ts.empty() ? "" : fmt::format(R"(,"thread_ts":"{}")", spec.thread_ts);
  std::string event = fmt::format(
      R"({{"type":"message","channel_type":"channel","user":"{}","text":{},"ts":"{}","channel":"{}","event_ts":"{}"{},"team":"T0001","client_msg_id":"cm-{}"}})",
      spec.user, Quote(spec.text), spec.ts, spec.channel, spec.ts, thread, spec.event_id);
  return EventCallback(event, spec.event_id, spec.ts);
}

}  // namespace fake
