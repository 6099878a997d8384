// Carries out one outbox intent against Slack or the helpdesk. Runs on a
// worker thread (blocking calls); touches no store and no flow state. When
// `reconcile` is set the intent was attempted before with an unknown
// outcome (a crash, a timeout): the remote side is asked first whether the
// effect already exists (message metadata, the ticket marker), and only if
// not is it carried out again.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "helpdesk/helpdesk.h"
#include "slack/web_api/web_api_client.h"
#include "store/outbox.h"
#include "util/error.h"

namespace app {

// Intent kinds.
inline constexpr const char* kOfferForm = "offer_form";
inline constexpr const char* kCreateTicket = "create_ticket";
inline constexpr const char* kPostMessage = "post_message";
inline constexpr const char* kPostEphemeral = "post_ephemeral";
inline constexpr const char* kUpdateMessage = "update_message";
inline constexpr const char* kAddComment = "add_comment";

struct Outcome {
  enum class Kind { kDone, kRetry, kFailed };
  Kind kind = Kind::kDone;
  std::string result_json;       // kDone: what the follow-ups need
  util::Error error{util::ErrorCode::kNetwork, ""};  // kRetry / kFailed
  bool outcome_unknown = false;  // kRetry: the effect may have happened
  long long retry_after_ms = 0;  // kRetry: not before this much time
  long long effect_at_ms = 0;    // kRetry: when the side effect itself was tried (0: it was not)

  static Outcome Done(std::string result) { return Outcome{Kind::kDone, std::move(result), {}, false, 0, 0}; }
  static Outcome Failed(util::Error error) { return Outcome{Kind::kFailed, "", std::move(error), false, 0, 0}; }
  // A transient failure; `may_have_happened` asks for a reconcile first.
  static Outcome Retry(util::Error error, bool may_have_happened);
};

struct SideEffectOptions {
  // How long a ticket search may miss a ticket created just before (JSM's
  // search index lags writes): within this window after an attempt, "not
  // found" means "look again later", not "create again".
  long long search_lag_window_ms = 30000;
  // How long a Slack user's name and e-mail are reused before users.info is
  // asked again (every reply and ticket needs them; people rarely rename).
  util::Duration user_cache_ttl = util::Millis(15 * 60 * 1000);
};

class SideEffects {
 public:
  // `slack`, `helpdesk` must outlive this object; both are thread-safe.
  SideEffects(slack::web_api::WebApiClient& slack, helpdesk::Helpdesk& helpdesk, SideEffectOptions options = {});

  Outcome Execute(const store::OutboxItem& item, bool reconcile, long long now_ms);

 private:
  Outcome OfferForm(const std::string& payload);
  Outcome CreateTicket(const std::string& payload, bool reconcile, long long attempted_at_ms, long long now_ms);
  Outcome PostMessage(const std::string& payload, const std::string& key, bool reconcile);
  Outcome PostEphemeral(const std::string& payload);
  Outcome UpdateMessage(const std::string& payload);
  Outcome AddComment(const std::string& payload, bool reconcile);
  // The real name and e-mail of a Slack user ("" when unknown); cached.
  std::pair<std::string, std::string> LookUpUser(const std::string& user_id);

  slack::web_api::WebApiClient& slack_;
  helpdesk::Helpdesk& helpdesk_;
  SideEffectOptions options_;
  struct KnownUser {
    std::string name;
    std::string email;
    util::TimePoint fetched;
  };
  std::mutex users_mutex_;                   // workers share the cache
  std::map<std::string, KnownUser> users_;  // guarded by users_mutex_
};

// The ticket as a JSON result / back.
std::string TicketToJson(const helpdesk::Ticket& ticket);
helpdesk::Ticket TicketFromJson(const std::string& json);

}  // namespace app
