#include "app/slack_effects.h"

#include <algorithm>

#include "bridge/form.h"
#include "slack/render.h"
#include "util/json_util.h"
#include "util/log.h"

namespace app {
namespace {

using json::GetString;
using slack::web_api::Retry;

std::string TsResult(const std::string& ts) { return "{\"ts\":" + json::Quote(ts) + "}"; }

}  // namespace

SlackEffects::SlackEffects(slack::web_api::WebApiClient& slack, SlackDirectory& directory)
    : slack_(slack), directory_(directory) {}

Outcome SlackEffects::Run(const bridge::PrepareForm& effect) {
  std::vector<std::string> mentioned = bridge::MentionedUserIds(effect.text);
  mentioned.erase(std::remove(mentioned.begin(), mentioned.end(), effect.bot_user_id), mentioned.end());
  bridge::RichText text = effect.text;
  bridge::NameMentions(text, directory_.NamesOf(mentioned));
  bridge::FormPrefill prefill = bridge::PrefillFromMention(text, effect.bot_user_id);
  return Outcome::Done(bridge::FormPrepared{effect, prefill.summary, prefill.description});
}

util::Result<std::map<std::string, std::string>> SlackEffects::FindPosted(const bridge::ThreadRef& thread,
                                                                          const std::vector<std::string>& keys) {
  std::map<std::string, std::string> found;
  std::string cursor;
  do {
    std::string args = "{\"channel\":" + json::Quote(thread.channel) + ",\"ts\":" + json::Quote(thread.thread_ts) +
                       ",\"include_all_metadata\":true,\"limit\":200" +
                       (cursor.empty() ? std::string() : ",\"cursor\":" + json::Quote(cursor)) + "}";
    auto replies = slack_.Call("conversations.replies", args);
    if (!replies) return tl::make_unexpected(replies.error());
    if (const rapidjson::Value* messages = json::GetArray(*replies, "messages")) {
      for (const auto& message : messages->GetArray()) {
        const rapidjson::Value* metadata = json::GetObject(message, "metadata");
        const rapidjson::Value* payload = metadata ? json::GetObject(*metadata, "event_payload") : nullptr;
        if (payload == nullptr) continue;
        std::string key = GetString(*payload, "key");
        if (std::find(keys.begin(), keys.end(), key) != keys.end()) found[key] = GetString(message, "ts");
      }
    }
    cursor.clear();
    if (const rapidjson::Value* meta = json::GetObject(*replies, "response_metadata")) {
      cursor = GetString(*meta, "next_cursor");
    }
  } while (!cursor.empty() && found.size() < keys.size());
  return found;
}

Outcome SlackEffects::Run(const bridge::PostMessage& effect, bool reconcile) {
  std::vector<slack::PostBody> bodies = slack::RenderPost(effect);
  std::map<std::string, std::string> posted;
  if (reconcile) {
    std::vector<std::string> keys;
    for (const slack::PostBody& body : bodies) keys.push_back(body.metadata_key);
    auto found = FindPosted(effect.thread, keys);
    if (!found) return Outcome::FromReconcileFailure(found.error());
    posted = std::move(*found);
    if (!posted.empty()) {
      util::log::Info("slack post {} found in channel={} thread={}: posted before the interruption ({} of {})",
                      effect.key, effect.thread.channel, effect.thread.thread_ts, posted.size(), bodies.size());
    }
  }
  std::string first_ts;
  std::vector<std::string> part_ts;
  for (size_t i = 0; i < bodies.size(); ++i) {
    auto known = posted.find(bodies[i].metadata_key);
    std::string ts;
    if (known != posted.end()) {
      ts = known->second;
    } else {
      auto sent = slack_.Call("chat.postMessage", bodies[i].body, Retry::kUnsafe);
      if (!sent) {
        Outcome outcome = Outcome::FromFailure(sent.error(), false);
        // Earlier parts are out: the next try must look before posting.
        if (i > 0 && outcome.kind == Outcome::Kind::kRetry) outcome.outcome_unknown = true;
        return outcome;
      }
      ts = GetString(*sent, "ts");
    }
    if (i == 0) first_ts = ts;
    part_ts.push_back(ts);
  }
  return Outcome::Done(bridge::MessagePosted{effect, first_ts, part_ts}, TsResult(first_ts));
}

Outcome SlackEffects::Run(const bridge::PostEphemeral& effect) {
  auto posted = slack_.Call("chat.postEphemeral", slack::RenderEphemeral(effect), Retry::kUnsafe);
  if (!posted) {
    // An ephemeral message cannot be looked up afterwards: when its outcome
    // is unknown, showing it at most once beats showing it twice.
    if (posted.error().IsTransient() && !MayHaveHappened(posted.error())) return Outcome::Retry(posted.error(), false);
    return Outcome::Failed(posted.error());
  }
  return Outcome::Done();
}

Outcome SlackEffects::Run(const bridge::UpdateConfirmation& effect) {
  // chat.update sets the message to a state: repeating it is harmless.
  auto updated = slack_.Call("chat.update", slack::RenderConfirmationUpdate(effect), Retry::kSafe);
  if (!updated) return Outcome::FromFailure(updated.error(), true);
  return Outcome::Done();
}

Outcome SlackEffects::Run(const bridge::UpdateRelay& effect) {
  for (const std::string& body : slack::RenderRelayUpdate(effect)) {
    auto updated = slack_.Call("chat.update", body, Retry::kSafe);
    if (!updated) return Outcome::FromFailure(updated.error(), true);
  }
  return Outcome::Done();
}

}  // namespace app
