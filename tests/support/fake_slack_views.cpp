// The fake Slack's modals: views.open, views.update, and the interactive
// payloads that come from an open modal (a submission, a select changed).
// Part of detail::WebApi (fake_slack_web_api.h); the rules and their sources
// are slack-facts.md §2.3, §2.4, §3.4 and §4.
#include <algorithm>

#include <fmt/format.h>

#include "block_kit.h"
#include "fake_slack_args.h"
#include "fake_slack_web_api.h"
#include "slack_payloads.h"
#include "util/json_util.h"

namespace fake::detail {
namespace {

// "trigger_id must be used within 3 seconds of receiving it" (§3.4).
constexpr auto kTriggerLifetime = std::chrono::seconds(3);

// The element with `action_id` in the block `block_id` of a view: an input
// block's element, an actions block's elements, a section's accessory.
const rapidjson::Value* FindElement(const rapidjson::Value& view, const std::string& block_id,
                                    const std::string& action_id) {
  if (!view.HasMember("blocks") || !view["blocks"].IsArray()) return nullptr;
  for (const auto& block : view["blocks"].GetArray()) {
    if (json::GetString(block, "block_id") != block_id) continue;
    std::vector<const rapidjson::Value*> candidates;
    for (const char* key : {"element", "accessory"}) {
      if (block.HasMember(key)) candidates.push_back(&block[key]);
    }
    if (block.HasMember("elements") && block["elements"].IsArray()) {
      for (const auto& element : block["elements"].GetArray()) candidates.push_back(&element);
    }
    for (const rapidjson::Value* element : candidates) {
      if (element->IsObject() && json::GetString(*element, "action_id") == action_id) return element;
    }
  }
  return nullptr;
}

// False when `block_id` is an input block without dispatch_action true.
bool Dispatches(const rapidjson::Value& view, const std::string& block_id) {
  for (const auto& block : view["blocks"].GetArray()) {
    if (json::GetString(block, "block_id") != block_id || json::GetString(block, "type") != "input") continue;
    return block.HasMember("dispatch_action") && block["dispatch_action"].IsBool() &&
           block["dispatch_action"].GetBool();
  }
  return true;
}

// The text of the option with `value` among a select's options or option
// groups; false when there is none.
bool FindOptionText(const rapidjson::Value& element, const std::string& value, std::string* text) {
  std::vector<const rapidjson::Value*> lists;
  if (element.HasMember("options")) lists.push_back(&element["options"]);
  if (element.HasMember("option_groups") && element["option_groups"].IsArray()) {
    for (const auto& group : element["option_groups"].GetArray()) {
      if (group.IsObject() && group.HasMember("options")) lists.push_back(&group["options"]);
    }
  }
  for (const rapidjson::Value* list : lists) {
    if (!list->IsArray()) continue;
    for (const auto& option : list->GetArray()) {
      if (json::GetString(option, "value") == value && option.HasMember("text")) {
        *text = json::GetString(option["text"], "text");
        return true;
      }
    }
  }
  return false;
}

// The stored view `view_id` parsed into *view and its element
// (block_id, action_id) in *element; nullptr when either is unknown.
const OpenedView* FindViewElement(const std::vector<OpenedView>& views, const std::string& view_id,
                                  const std::string& block_id, const std::string& action_id, rapidjson::Document* view,
                                  const rapidjson::Value** element) {
  auto stored = std::find_if(views.begin(), views.end(), [&](const OpenedView& v) { return v.id == view_id; });
  if (stored == views.end()) return nullptr;
  view->Parse(stored->view_json.c_str());
  *element = FindElement(*view, block_id, action_id);
  return *element != nullptr ? &*stored : nullptr;
}

}  // namespace

std::string WebApi::NextHash() {
  int n = next_hash_++;
  return fmt::format("{}.{:08x}", 1700000000 + n, static_cast<unsigned>(n) * 2654435761u);
}

std::optional<Reply> WebApi::ReadView(const rapidjson::Value& args, rapidjson::Document* view) const {
  if (!ArgJson(args, "view", view)) return ErrorWithMessage("invalid_arguments", "missing required field: view");
  if (view->IsNull()) return ErrorWithMessage("invalid_arguments", "view: not valid JSON");
  // view_too_large above 250 kB (§3.4, M-json views.open/views.update):
  // measured on the view as compact JSON, whichever encoding carried it.
  if (json::Serialize(*view).size() > kMaxViewBytes) return SlackError("view_too_large");
  // Slack answers a view its schema refuses with invalid_arguments and a
  // "[ERROR] …" message pointing into the view (as the fake did before).
  std::string problem = ValidateModalView(*view);
  if (!problem.empty()) return ErrorWithMessage("invalid_arguments", problem);
  return std::nullopt;
}

Reply WebApi::StoreView(rapidjson::Document* view, OpenedView* stored) {
  stored->callback_id = ArgString(*view, "callback_id");
  stored->private_metadata = ArgString(*view, "private_metadata");
  stored->external_id = ArgString(*view, "external_id");
  auto& alloc = view->GetAllocator();
  SetString(view, "id", stored->id);
  SetString(view, "team_id", "T0001");
  SetString(view, "private_metadata", stored->private_metadata);
  SetString(view, "callback_id", stored->callback_id);
  SetString(view, "external_id", stored->external_id);
  rapidjson::Value state(rapidjson::kObjectType);
  state.AddMember("values", rapidjson::Value(rapidjson::kObjectType), alloc);
  SetMember(view, "state", std::move(state));
  SetString(view, "hash", stored->hash);
  Default(view, "clear_on_close", rapidjson::Value(false));
  Default(view, "notify_on_close", rapidjson::Value(false));
  Default(view, "submit", rapidjson::Value(rapidjson::kNullType));
  Default(view, "close", rapidjson::Value(rapidjson::kNullType));
  SetString(view, "root_view_id", stored->id);
  SetMember(view, "previous_view_id", rapidjson::Value(rapidjson::kNullType));
  SetString(view, "app_id", "A0001");
  SetString(view, "app_installed_team_id", "T0001");
  SetString(view, "bot_id", FakeSlack::kBotId);
  stored->view_json = json::Serialize(*view);
  return Reply{200, fmt::format(R"({{"ok":true,"view":{}}})", stored->view_json)};
}

Reply WebApi::ViewsOpen(const rapidjson::Value& args, Clock::time_point now) {
  std::string trigger_id = ArgString(args, "trigger_id");
  if (trigger_id.empty()) trigger_id = ArgString(args, "interactivity_pointer");
  if (trigger_id.empty()) return ErrorWithMessage("invalid_arguments", "missing required field: trigger_id");
  rapidjson::Document view;
  if (auto refused = ReadView(args, &view)) return *refused;
  std::string external_id = ArgString(view, "external_id");
  if (!external_id.empty() &&
      std::any_of(views.begin(), views.end(), [&](const OpenedView& v) { return v.external_id == external_id; })) {
    return SlackError("duplicate_external_id");  // §3.4 views.open errors
  }
  auto trigger = triggers_.find(trigger_id);
  if (trigger == triggers_.end()) return SlackError("invalid_trigger_id");
  if (trigger->second.used) return SlackError("exchanged_trigger_id");
  if (now - trigger->second.issued > kTriggerLifetime) return SlackError("expired_trigger_id");
  trigger->second.used = true;

  OpenedView opened;
  opened.id = fmt::format("VFAKE{:06d}", next_view_++);
  opened.user = trigger->second.user;
  opened.trigger_id = trigger_id;
  opened.hash = NextHash();
  opened.at = now;
  Reply reply = StoreView(&view, &opened);
  views.push_back(opened);
  return reply;
}

// views.update (§3.4): the modal named by view_id (or external_id) gets
// the new view; it keeps its id and gets a new hash. A `hash` other than
// the view's current one means it changed since the caller saw it:
// hash_conflict, and nothing changes.
Reply WebApi::ViewsUpdate(const rapidjson::Value& args, Clock::time_point now) {
  std::string view_id = ArgString(args, "view_id");
  std::string external_id = ArgString(args, "external_id");
  if (view_id.empty() && external_id.empty()) {
    return ErrorWithMessage("invalid_arguments", "missing required field: view_id or external_id");
  }
  rapidjson::Document view;
  if (auto refused = ReadView(args, &view)) return *refused;
  auto stored = std::find_if(views.begin(), views.end(), [&](const OpenedView& v) {
    return !view_id.empty() ? v.id == view_id : v.external_id == external_id;
  });
  if (stored == views.end()) return SlackError("not_found");
  std::string hash = ArgString(args, "hash");
  if (!hash.empty() && hash != stored->hash) return SlackError("hash_conflict");
  ViewUpdate update;
  update.view_id = stored->id;
  update.previous_hash = stored->hash;
  stored->hash = NextHash();
  ++stored->update_count;
  Reply reply = StoreView(&view, &*stored);
  update.hash = stored->hash;
  update.view_json = stored->view_json;
  update.at = now;
  view_updates.push_back(update);
  return reply;
}

std::string WebApi::SubmitPayload(const std::string& view_id, const std::string& user,
                                  const std::string& state_values_json, Clock::time_point now) {
  auto view = std::find_if(views.begin(), views.end(), [&](const OpenedView& v) { return v.id == view_id; });
  if (view == views.end()) return {};
  ViewSubmissionSpec spec;
  spec.user = user;
  spec.user_name = UserName(user);
  spec.view_json = view->view_json;
  spec.state_values_json = state_values_json;
  // The submission's own trigger_id (for views.push and the like) is real.
  spec.trigger_id = IssueTrigger(user, now);
  return ViewSubmissionPayload(spec);
}

std::string WebApi::SelectPayload(const std::string& view_id, const std::string& user, const std::string& block_id,
                                  const std::string& action_id, const std::string& value, const std::string& label,
                                  const std::string& state_values_json, Clock::time_point now) {
  rapidjson::Document view;
  const rapidjson::Value* element = nullptr;
  const OpenedView* stored = FindViewElement(views, view_id, block_id, action_id, &view, &element);
  if (stored == nullptr) return {};
  // An input block's element sends block_actions only with the block's
  // dispatch_action true (blocks.d.ts InputBlock.dispatch_action, default
  // false); actions blocks and accessories always do.
  if (!Dispatches(view, block_id)) return {};
  ViewSelectSpec spec;
  spec.element_type = json::GetString(*element, "type");
  spec.text = label;
  std::string listed;
  bool found = FindOptionText(*element, value, &listed);
  if (spec.element_type == "static_select" && !found) return {};  // Slack offers only its options
  if (spec.text.empty()) spec.text = found ? listed : value;
  spec.user = user;
  spec.user_name = UserName(user);
  spec.view_json = stored->view_json;
  spec.state_values_json = state_values_json;
  spec.block_id = block_id;
  spec.action_id = action_id;
  spec.value = value;
  spec.action_ts = NextTs();
  spec.trigger_id = IssueTrigger(user, now);
  return ViewSelectPayload(spec);
}

std::string WebApi::SuggestPayload(const std::string& view_id, const std::string& user, const std::string& block_id,
                                   const std::string& action_id, const std::string& query) const {
  rapidjson::Document view;
  const rapidjson::Value* element = nullptr;
  const OpenedView* stored = FindViewElement(views, view_id, block_id, action_id, &view, &element);
  if (stored == nullptr) return {};
  std::string type = json::GetString(*element, "type");
  if (type != "external_select" && type != "multi_external_select") return {};
  int min_query_length = ArgInt(*element, "min_query_length", 3);
  if (static_cast<int>(Utf8Length(query)) < min_query_length) return {};
  return BlockSuggestionPayload(
      BlockSuggestionSpec{user, UserName(user), stored->view_json, block_id, action_id, query});
}

}  // namespace fake::detail
