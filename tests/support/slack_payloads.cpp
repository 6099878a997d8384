#include "slack_payloads.h"

#include <atomic>

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "util/json_util.h"
#include "util/strings.h"

namespace fake {
namespace {

std::atomic<long> g_counter{1};

std::string EventCallback(const std::string& event_json, const std::string& event_id, const std::string& ts,
                          bool shared = false) {
  return fmt::format(
      R"({{"token":"deprecated","team_id":"T0001","api_app_id":"A0001","type":"event_callback","event":{},"event_id":"{}","event_time":{},"authorizations":[{{"enterprise_id":null,"team_id":"T0001","user_id":"UBOT0001","is_bot":true,"is_enterprise_install":false}}],"is_ext_shared_channel":{},"context_team_id":"T0001","context_enterprise_id":null}})",
      event_json, event_id, ts.substr(0, ts.find('.')), shared ? "true" : "false");
}

// The event's team fields: its author's workspace, and for another
// organisation's author the user_team and source_team Slack adds.
std::string TeamFields(const MessageSpec& spec) {
  if (spec.team == "T0001") return R"(,"team":"T0001")";
  return fmt::format(R"(,"team":{0},"user_team":{0},"source_team":{0})", json::Quote(spec.team));
}

std::string UserObject(const std::string& id, const std::string& name) {
  std::string handle = name.empty() ? util::Lower(id) : name;
  return fmt::format(R"({{"id":{},"username":{},"name":{},"team_id":"T0001"}})", json::Quote(id), json::Quote(handle),
                     json::Quote(handle));
}

std::string NewTriggerId(long n) { return fmt::format("{}.{}.fake{:08x}", 1000000 + n, 2000000 + n, n * 2654435761u); }

void Fill(MessageSpec* spec) {
  long n = g_counter++;
  if (spec->ts.empty()) spec->ts = fmt::format("1700001{:03d}.{:06d}", n / 1000 % 1000, n % 1000000);
  if (spec->event_id.empty()) spec->event_id = fmt::format("Ev{:08d}", n);
}

// Parses `view_json` into *view with state.values replaced by
// `state_values_json`; false when either is not a JSON object.
bool ViewWithState(const std::string& view_json, const std::string& state_values_json, rapidjson::Document* view) {
  view->Parse(view_json.c_str());
  rapidjson::Document values(&view->GetAllocator());
  values.Parse(state_values_json.c_str());
  if (view->HasParseError() || !view->IsObject() || values.HasParseError() || !values.IsObject()) return false;
  auto& alloc = view->GetAllocator();
  view->RemoveMember("state");
  rapidjson::Value state(rapidjson::kObjectType);
  state.AddMember("values", rapidjson::Value(values, alloc), alloc);
  view->AddMember("state", state, alloc);
  return true;
}

}  // namespace

std::string AppMentionPayload(const MessageSpec& input) {
  MessageSpec spec = input;
  Fill(&spec);
  std::string thread = spec.thread_ts.empty() ? "" : fmt::format(R"(,"thread_ts":"{}")", spec.thread_ts);
  if (!spec.files_json.empty()) thread += R"(,"files":)" + spec.files_json + R"(,"upload":false)";
  std::string event = fmt::format(
      R"({{"type":"app_mention","user":"{}","text":{},"ts":"{}","channel":"{}","event_ts":"{}"{}{},"client_msg_id":"cm-{}"}})",
      spec.user, json::Quote(spec.text), spec.ts, spec.channel, spec.ts, thread, TeamFields(spec), spec.event_id);
  return EventCallback(event, spec.event_id, spec.ts, spec.team != "T0001");
}

std::string MessagePayload(const MessageSpec& input) {
  MessageSpec spec = input;
  Fill(&spec);
  std::string thread = spec.thread_ts.empty() ? "" : fmt::format(R"(,"thread_ts":"{}")", spec.thread_ts);
  if (!spec.thread_ts.empty() && !spec.parent_user_id.empty()) {
    thread += fmt::format(R"(,"parent_user_id":{})", json::Quote(spec.parent_user_id));
  }
  std::string subtype;
  if (!spec.files_json.empty()) {
    thread += R"(,"files":)" + spec.files_json +
              (spec.bot_id.empty() ? R"(,"upload":false,"display_as_bot":false)" : R"(,"upload":true)");
    subtype = R"("subtype":"file_share",)";
  }
  if (!spec.bot_id.empty()) thread += fmt::format(R"(,"bot_id":{},"app_id":"A0001")", json::Quote(spec.bot_id));
  std::string event = fmt::format(
      R"({{"type":"message",{}"channel_type":"channel","user":"{}","text":{},"ts":"{}","channel":"{}","event_ts":"{}"{}{},"client_msg_id":"cm-{}"}})",
      subtype, spec.user, json::Quote(spec.text), spec.ts, spec.channel, spec.ts, thread, TeamFields(spec),
      spec.event_id);
  return EventCallback(event, spec.event_id, spec.ts, spec.team != "T0001");
}

std::string BlockActionsPayload(const BlockActionsSpec& input) {
  BlockActionsSpec spec = input;
  long n = g_counter++;
  if (spec.action_ts.empty()) spec.action_ts = fmt::format("1700002{:03d}.{:06d}", n / 1000 % 1000, n % 1000000);
  if (spec.trigger_id.empty()) spec.trigger_id = NewTriggerId(n);
  if (spec.block_id.empty()) spec.block_id = fmt::format("blk{:04d}", n % 10000);
  if (spec.button_text.empty()) spec.button_text = spec.value.empty() ? spec.action_id : spec.value;
  rapidjson::Document blocks;
  blocks.Parse(spec.message_blocks_json.c_str());
  std::string blocks_json = !blocks.HasParseError() && blocks.IsArray() ? json::Serialize(blocks) : "[]";
  std::string thread = spec.thread_ts.empty() ? "" : fmt::format(R"(,"thread_ts":{})", json::Quote(spec.thread_ts));
  std::string container = fmt::format(R"({{"type":"message","message_ts":{},"channel_id":{},"is_ephemeral":false{}}})",
                                      json::Quote(spec.message_ts), json::Quote(spec.channel), thread);
  std::string message = fmt::format(
      R"({{"type":"message","user":"UBOT0001","bot_id":"BBOT0001","app_id":"A0001","text":{},"ts":{}{},"team":"T0001","blocks":{}}})",
      json::Quote(spec.message_text), json::Quote(spec.message_ts), thread, blocks_json);
  std::string action = fmt::format(
      R"({{"type":"button","action_id":{},"block_id":{},"value":{},"text":{{"type":"plain_text","text":{},"emoji":true}},"action_ts":{}}})",
      json::Quote(spec.action_id), json::Quote(spec.block_id), json::Quote(spec.value), json::Quote(spec.button_text), json::Quote(spec.action_ts));
  return fmt::format(
      R"({{"type":"block_actions","user":{},"api_app_id":"A0001","token":"fake-verification-token","container":{},"trigger_id":{},"team":{{"id":"T0001","domain":"fake"}},"enterprise":null,"is_enterprise_install":false,"channel":{{"id":{},"name":{}}},"message":{},"state":{{"values":{{}}}},"response_url":"https://hooks.slack.test/actions/T0001/{}/fake-response-{}","actions":[{}]}})",
      UserObject(spec.user, spec.user_name), container, json::Quote(spec.trigger_id), json::Quote(spec.channel),
      json::Quote(util::Lower(spec.channel)), message, 4000000 + n, n, action);
}

std::string ViewSubmissionPayload(const ViewSubmissionSpec& input) {
  ViewSubmissionSpec spec = input;
  long n = g_counter++;
  if (spec.trigger_id.empty()) spec.trigger_id = NewTriggerId(n);
  rapidjson::Document view;
  if (!ViewWithState(spec.view_json, spec.state_values_json, &view)) return {};
  return fmt::format(
      R"({{"type":"view_submission","team":{{"id":"T0001","domain":"fake"}},"user":{},"api_app_id":"A0001","token":"fake-verification-token","trigger_id":{},"view":{},"response_urls":[],"is_enterprise_install":false,"enterprise":null}})",
      UserObject(spec.user, spec.user_name), json::Quote(spec.trigger_id), json::Serialize(view));
}

std::string SelectedOptionJson(const std::string& value, const std::string& label) {
  return fmt::format(R"({{"text":{{"type":"plain_text","text":{},"emoji":true}},"value":{}}})", json::Quote(label),
                     json::Quote(value));
}

std::string ViewSelectPayload(const ViewSelectSpec& input) {
  ViewSelectSpec spec = input;
  long n = g_counter++;
  if (spec.action_ts.empty()) spec.action_ts = fmt::format("1700003{:03d}.{:06d}", n / 1000 % 1000, n % 1000000);
  if (spec.trigger_id.empty()) spec.trigger_id = NewTriggerId(n);
  if (spec.text.empty()) spec.text = spec.value;
  // The view's state already holds the new choice when Slack sends the action.
  std::string option = SelectedOptionJson(spec.value, spec.text);
  rapidjson::Document values;
  values.Parse(spec.state_values_json.c_str());
  if (values.HasParseError() || !values.IsObject()) return {};
  auto& alloc = values.GetAllocator();
  rapidjson::Document chosen(&alloc);
  chosen.Parse(fmt::format(R"({{"type":{},"selected_option":{}}})", json::Quote(spec.element_type), option).c_str());
  rapidjson::Value block_key(spec.block_id.c_str(), alloc);
  if (!values.HasMember(block_key)) values.AddMember(block_key, rapidjson::Value(rapidjson::kObjectType), alloc);
  auto& block = values[spec.block_id.c_str()];
  if (block.HasMember(spec.action_id.c_str())) block.RemoveMember(spec.action_id.c_str());
  block.AddMember(rapidjson::Value(spec.action_id.c_str(), alloc), rapidjson::Value(chosen, alloc), alloc);
  rapidjson::Document view;
  if (!ViewWithState(spec.view_json, json::Serialize(values), &view)) return {};
  std::string view_id = json::GetString(view, "id");
  std::string action = fmt::format(R"({{"type":{},"action_id":{},"block_id":{},"selected_option":{},"action_ts":{}}})",
                                   json::Quote(spec.element_type), json::Quote(spec.action_id),
                                   json::Quote(spec.block_id), option, json::Quote(spec.action_ts));
  return fmt::format(
      R"({{"type":"block_actions","user":{},"api_app_id":"A0001","token":"fake-verification-token","container":{{"type":"view","view_id":{}}},"trigger_id":{},"team":{{"id":"T0001","domain":"fake"}},"enterprise":null,"is_enterprise_install":false,"view":{},"actions":[{}]}})",
      UserObject(spec.user, spec.user_name), json::Quote(view_id), json::Quote(spec.trigger_id), json::Serialize(view),
      action);
}

std::string BlockSuggestionPayload(const BlockSuggestionSpec& spec) {
  rapidjson::Document view;
  view.Parse(spec.view_json.c_str());
  if (view.HasParseError() || !view.IsObject()) return {};
  return fmt::format(
      R"({{"type":"block_suggestion","user":{},"container":{{"type":"view","view_id":{}}},"api_app_id":"A0001","token":"fake-verification-token","action_id":{},"block_id":{},"value":{},"team":{{"id":"T0001","domain":"fake"}},"enterprise":null,"is_enterprise_install":false,"view":{}}})",
      UserObject(spec.user, spec.user_name), json::Quote(json::GetString(view, "id")), json::Quote(spec.action_id),
      json::Quote(spec.block_id), json::Quote(spec.value), json::Serialize(view));
}

// --- StateValues -------------------------------------------------------------

StateValues& StateValues::Put(const std::string& block, const std::string& action, const std::string& type,
                              const std::string& field_json) {
  values_[block][action] = fmt::format(R"({{"type":{},{}}})", json::Quote(type), field_json);
  return *this;
}

StateValues& StateValues::Text(const std::string& block, const std::string& action, const std::string& value,
                               const std::string& type) {
  return Put(block, action, type, R"("value":)" + json::Quote(value));
}

StateValues& StateValues::Select(const std::string& block, const std::string& action, const std::string& value,
                                 const std::string& label, const std::string& type) {
  return Put(block, action, type, R"("selected_option":)" + SelectedOptionJson(value, label));
}

StateValues& StateValues::MultiSelect(const std::string& block, const std::string& action,
                                      const std::vector<Option>& options, const std::string& type) {
  std::string list;
  for (const auto& [value, label] : options) list += (list.empty() ? "" : ",") + SelectedOptionJson(value, label);
  return Put(block, action, type, R"("selected_options":[)" + list + "]");
}

StateValues& StateValues::Date(const std::string& block, const std::string& action, const std::string& date) {
  return Put(block, action, "datepicker", R"("selected_date":)" + json::Quote(date));
}

StateValues& StateValues::DateTime(const std::string& block, const std::string& action, long long seconds) {
  return Put(block, action, "datetimepicker", fmt::format(R"("selected_date_time":{})", seconds));
}

StateValues& StateValues::Time(const std::string& block, const std::string& action, const std::string& time) {
  return Put(block, action, "timepicker", R"("selected_time":)" + json::Quote(time));
}

StateValues& StateValues::Number(const std::string& block, const std::string& action, const std::string& value) {
  return Text(block, action, value, "number_input");
}

StateValues& StateValues::Empty(const std::string& block, const std::string& action, const std::string& type) {
  if (util::StartsWith(type, "multi_") || type == "checkboxes")
    return Put(block, action, type, R"("selected_options":[])");
  if (type == "datepicker") return Put(block, action, type, R"("selected_date":null)");
  if (type == "datetimepicker") return Put(block, action, type, R"("selected_date_time":null)");
  if (type == "timepicker") return Put(block, action, type, R"("selected_time":null)");
  if (util::EndsWith(type, "_select") || type == "radio_buttons")
    return Put(block, action, type, R"("selected_option":null)");
  return Put(block, action, type, R"("value":null)");  // the text and number inputs
}

std::string StateValues::Json() const {
  std::string out = "{";
  for (const auto& [block, actions] : values_) {
    out += (out.size() > 1 ? "," : "") + json::Quote(block) + ":{";
    std::string inner;
    for (const auto& [action, value] : actions) inner += (inner.empty() ? "" : ",") + json::Quote(action) + ":" + value;
    out += inner + "}";
  }
  return out + "}";
}

}  // namespace fake
