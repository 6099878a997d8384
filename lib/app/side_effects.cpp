#include "app/side_effects.h"

#include <map>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "bridge/flow.h"
#include "bridge/markup.h"
#include "bridge/text.h"
#include "util/json_util.h"
#include "util/log.h"

namespace app {
namespace {

using json::GetString;
using slack::web_api::Retry;

rapidjson::Document Parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  if (doc.HasParseError() || !doc.IsObject()) doc.SetObject();
  return doc;
}

std::string Object(const std::map<std::string, std::string>& fields) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  for (const auto& [key, value] : fields) {
    w.Key(key.c_str());
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  }
  w.EndObject();
  return buffer.GetString();
}

// Whether a failed non-idempotent call may still have taken effect.
bool MayHaveHappened(const util::Error& error) {
  return !error.not_sent && error.code != util::ErrorCode::kRateLimited;
}

Outcome FromFailure(const util::Error& error, bool idempotent) {
  if (!error.IsTransient()) return Outcome::Failed(error);
  return Outcome::Retry(error, !idempotent && MayHaveHappened(error));
}

// A failed look-up while reconciling: try again later if it may pass then,
// but a refusal (a missing scope, a revoked token) will not pass by waiting.
Outcome FromReconcileFailure(const util::Error& error) {
  if (!error.IsTransient()) {
    util::Error failed = error;
    failed.message = "cannot check whether it already happened: " + error.message;
    return Outcome::Failed(failed);
  }
  return Outcome::Retry(error, true);
}

}  // namespace

Outcome Outcome::Retry(util::Error error, bool may_have_happened) {
  Outcome outcome;
  outcome.kind = Kind::kRetry;
  outcome.retry_after_ms = error.retry_after_ms;
  outcome.error = std::move(error);
  outcome.outcome_unknown = may_have_happened;
  return outcome;
}

std::string TicketToJson(const helpdesk::Ticket& t) {
  return Object({{"id", t.id}, {"key", t.key}, {"summary", t.summary}, {"status", t.status},
                 {"status_category", t.status_category}, {"web_url", t.web_url}, {"agent_url", t.agent_url}});
}

helpdesk::Ticket TicketFromJson(const std::string& text) {
  rapidjson::Document doc = Parse(text);
  return helpdesk::Ticket{GetString(doc, "id"),     GetString(doc, "key"),        GetString(doc, "summary"),
                          GetString(doc, "status"), GetString(doc, "status_category"), GetString(doc, "web_url"),
                          GetString(doc, "agent_url")};
}

SideEffects::SideEffects(slack::web_api::WebApiClient& slack, helpdesk::Helpdesk& helpdesk, SideEffectOptions options)
    : slack_(slack), helpdesk_(helpdesk), options_(options) {}

Outcome SideEffects::Execute(const store::OutboxItem& item, bool reconcile, long long now_ms) {
  const std::string& kind = item.intent.kind;
  if (kind == kOfferForm) return OfferForm(item.intent.payload);
  if (kind == kCreateTicket) return CreateTicket(item.intent.payload, reconcile, item.attempted_at_ms, now_ms);
  if (kind == kPostMessage) return PostMessage(item.intent.payload, item.intent.key, reconcile);
  if (kind == kPostEphemeral) return PostEphemeral(item.intent.payload);
  if (kind == kUpdateMessage) return UpdateMessage(item.intent.payload);
  if (kind == kAddComment) return AddComment(item.intent.payload, reconcile);
  return Outcome::Failed(util::Error{util::ErrorCode::kInvalidInput, "unknown intent kind '" + kind + "'"});
}

std::pair<std::string, std::string> SideEffects::LookUpUser(const std::string& user_id) {
  util::TimePoint now = util::SteadyClock::now();
  {
    std::lock_guard<std::mutex> lock(users_mutex_);
    auto known = users_.find(user_id);
    if (known != users_.end() && now - known->second.fetched < options_.user_cache_ttl) {
      return {known->second.name, known->second.email};
    }
  }
  auto info = slack_.Call("users.info", Object({{"user", user_id}}));
  if (!info) {
    // Not cached: the next use asks again.
    util::log::Warn("slack users.info user={}: {}; using the user id as the name", user_id, info.error().message);
    return {user_id, ""};
  }
  const rapidjson::Value* user = json::GetObject(*info, "user");
  if (user == nullptr) return {user_id, ""};
  std::string name = GetString(*user, "real_name");
  std::string email;
  if (const rapidjson::Value* profile = json::GetObject(*user, "profile")) {
    if (name.empty()) name = GetString(*profile, "real_name");
    if (name.empty()) name = GetString(*profile, "display_name");
    email = GetString(*profile, "email");
  }
  if (name.empty()) name = user_id;
  std::lock_guard<std::mutex> lock(users_mutex_);
  users_[user_id] = KnownUser{name, email, now};
  return {name, email};
}

Outcome SideEffects::OfferForm(const std::string& payload) {
  rapidjson::Document doc = Parse(payload);
  std::string text = GetString(doc, "text");
  std::map<std::string, std::string> names;
  for (const std::string& user : bridge::MentionedUsers(text)) {
    if (user == GetString(doc, "bot_user_id")) continue;
    names[user] = LookUpUser(user).first;
  }
  bridge::FormPrefill prefill = bridge::PrefillFromMention(text, GetString(doc, "bot_user_id"), names);
  return Outcome::Done(Object({{"summary", prefill.summary}, {"description", prefill.description}}));
}

Outcome SideEffects::CreateTicket(const std::string& payload, bool reconcile, long long attempted_at_ms,
                                  long long now_ms) {
  rapidjson::Document doc = Parse(payload);
  std::string marker = GetString(doc, "marker");
  if (reconcile) {
    auto found = helpdesk_.FindTicketByMarker(marker);
    if (!found) return FromReconcileFailure(found.error());
    if (*found) {
      util::log::Info("ticket={} found by its marker {}: created before the interruption, not created again",
                      (*found)->key, marker);
      return Outcome::Done(TicketToJson(**found));
    }
    if (now_ms - attempted_at_ms < options_.search_lag_window_ms) {
      // The search index may not show it yet: look again before creating.
      util::Error wait{util::ErrorCode::kTimeout, "ticket search has not caught up yet (marker " + marker + ")",
                       2000};
      return Outcome::Retry(wait, true);
    }
  }
  bridge::TicketRequest request;
  request.view_id = GetString(doc, "view_id");
  request.thread = bridge::ThreadRef{GetString(doc, "channel"), GetString(doc, "thread_ts")};
  request.user_id = GetString(doc, "user");
  request.summary = GetString(doc, "summary");
  request.description = GetString(doc, "description");
  request.severity = GetString(doc, "severity");
  auto [name, email] = LookUpUser(request.user_id);
  helpdesk::NewTicket ticket;
  ticket.summary = request.summary;
  ticket.marker = marker;
  if (!email.empty()) {
    auto customer = helpdesk_.FindCustomer(email);
    if (customer && *customer) {
      ticket.on_behalf_of = **customer;
    } else if (!customer) {
      util::log::Warn("helpdesk customer lookup for user={}: {}; raising the request as the bot", request.user_id,
                      customer.error().message);
    }
  }
  std::string permalink;
  auto link = slack_.Call("chat.getPermalink",
                          Object({{"channel", request.thread.channel}, {"message_ts", request.thread.thread_ts}}));
  if (link) permalink = GetString(*link, "permalink");
  ticket.description = bridge::ComposeDescription(request, bridge::Requester{name, email}, permalink, marker);
  long long effect_at = now_ms;
  auto created = helpdesk_.CreateTicket(ticket);
  if (!created) {
    Outcome outcome = FromFailure(created.error(), false);
    outcome.effect_at_ms = effect_at;
    return outcome;
  }
  util::log::Info("ticket={} created for channel={} thread={} user={}{}", created->key, request.thread.channel,
                  request.thread.thread_ts, request.user_id, ticket.on_behalf_of.empty() ? "" : " (on their behalf)");
  return Outcome::Done(TicketToJson(*created));
}

Outcome SideEffects::PostMessage(const std::string& payload, const std::string& key, bool reconcile) {
  if (reconcile) {
    rapidjson::Document body = Parse(payload);
    std::string channel = GetString(body, "channel");
    std::string thread_ts = GetString(body, "thread_ts");
    std::string cursor;
    do {
      std::string args = "{\"channel\":" + json::Quote(channel) + ",\"ts\":" + json::Quote(thread_ts) +
                         ",\"include_all_metadata\":true,\"limit\":200" +
                         (cursor.empty() ? std::string() : ",\"cursor\":" + json::Quote(cursor)) + "}";
      auto replies = slack_.Call("conversations.replies", args);
      if (!replies) return FromReconcileFailure(replies.error());
      if (const rapidjson::Value* messages = json::GetArray(*replies, "messages")) {
        for (const auto& message : messages->GetArray()) {
          const rapidjson::Value* metadata = json::GetObject(message, "metadata");
          const rapidjson::Value* event_payload = metadata ? json::GetObject(*metadata, "event_payload") : nullptr;
          if (event_payload != nullptr && GetString(*event_payload, "key") == key) {
            util::log::Info("slack post {} found in channel={} thread={}: posted before the interruption", key,
                            channel, thread_ts);
            return Outcome::Done(Object({{"ts", GetString(message, "ts")}}));
          }
        }
      }
      cursor.clear();
      if (const rapidjson::Value* meta = json::GetObject(*replies, "response_metadata")) {
        cursor = GetString(*meta, "next_cursor");
      }
    } while (!cursor.empty());
  }
  auto posted = slack_.Call("chat.postMessage", payload, Retry::kUnsafe);
  if (!posted) return FromFailure(posted.error(), false);
  return Outcome::Done(Object({{"ts", GetString(*posted, "ts")}}));
}

Outcome SideEffects::PostEphemeral(const std::string& payload) {
  auto posted = slack_.Call("chat.postEphemeral", payload, Retry::kUnsafe);
  if (!posted) {
    // An ephemeral message cannot be looked up afterwards: when its outcome
    // is unknown, showing it at most once beats showing it twice.
    if (posted.error().IsTransient() && !MayHaveHappened(posted.error())) return Outcome::Retry(posted.error(), false);
    return Outcome::Failed(posted.error());
  }
  return Outcome::Done("{}");
}

Outcome SideEffects::UpdateMessage(const std::string& payload) {
  // chat.update sets the message to a state: repeating it is harmless.
  auto updated = slack_.Call("chat.update", payload, Retry::kSafe);
  if (!updated) return FromFailure(updated.error(), true);
  return Outcome::Done("{}");
}

Outcome SideEffects::AddComment(const std::string& payload, bool reconcile) {
  rapidjson::Document doc = Parse(payload);
  std::string key = GetString(doc, "key");
  std::string marker = GetString(doc, "marker");
  if (reconcile) {
    auto found = helpdesk_.FindCommentByMarker(key, marker);
    if (!found) return FromReconcileFailure(found.error());
    if (*found) {
      util::log::Info("ticket={} comment {} found by its marker: added before the interruption", key, (*found)->id);
      return Outcome::Done(Object({{"id", (*found)->id}}));
    }
  }
  std::string text = GetString(doc, "text");
  auto [name, email] = LookUpUser(GetString(doc, "user"));
  std::map<std::string, std::string> names;
  for (const std::string& user : bridge::MentionedUsers(text)) names[user] = LookUpUser(user).first;
  std::string who = email.empty() ? "*" + name + "*" : "*" + name + "* (" + email + ")";
  std::string lead = GetString(doc, "edit") == "true" ? who + " edited their message in Slack:" : who + " wrote in Slack:";
  std::string body = lead + "\n" + bridge::MrkdwnToWiki(text, names);
  if (const rapidjson::Value* files = json::GetArray(doc, "files")) {
    for (const auto& file : files->GetArray()) {
      std::string file_name = GetString(file, "name");
      for (char& c : file_name) {
        if (c == '|' || c == ']' || c == '[') c = '_';
      }
      body += "\nAttached in Slack: [" + file_name + "|" + GetString(file, "permalink") + "]";
    }
  }
  // Jira refuses comments over 32,767 characters; Slack allows 40,000. Cut,
  // and say where the rest is, rather than lose the reply to a 400.
  constexpr size_t kMaxCommentChars = 32000;
  if (bridge::CharCount(body) > kMaxCommentChars) {
    body = bridge::TruncateChars(body, kMaxCommentChars) +
           "\n_(shortened: the full message is in the Slack thread)_";
  }
  auto added = helpdesk_.AddPublicComment(key, body, marker);
  if (!added) return FromFailure(added.error(), false);
  util::log::Info("ticket={} comment {} added from channel={} ts={}", key, added->id, GetString(doc, "channel"),
                  GetString(doc, "ts"));
  return Outcome::Done(Object({{"id", added->id}}));
}

}  // namespace app
