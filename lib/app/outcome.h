// What carrying out one side effect came to: done (with the event the core
// hears about it, if any), to be retried (and whether it may already have
// happened, so the next try reconciles first), failed for good, or ready:
// prepared, with the side effect itself still to do once the runner has
// committed that it is about to happen.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "bridge/events.h"
#include "util/error.h"

namespace app {

struct Outcome {
  enum class Kind { kDone, kRetry, kFailed, kReady };
  Kind kind = Kind::kDone;
  std::optional<bridge::Event> event;  // kDone: what follows from it (nullopt: nothing)
  std::string result_json = "{}";      // kDone: kept with the intent, for the admin
  util::Error error{util::ErrorCode::kNetwork, ""};  // kRetry / kFailed
  bool outcome_unknown = false;  // kRetry: the effect may have happened
  long long retry_after_ms = 0;  // kRetry: not before this much time
  long long effect_at_ms = 0;    // kRetry: when the side effect itself was tried (0: it was not)
  // kRetry: retry_after_ms is when the answer can be known (a helpdesk's
  // search-lag window): retried then exactly, with no backoff on top.
  bool until_known = false;
  // kReady: the side effect (a create's POST), run on a worker once the
  // intent is marked attempted at this moment.
  std::function<Outcome()> then;
  // kReady: the effect as it stands once prepared (an upload's Slack file
  // id), written over the intent's payload in the commit that marks it
  // attempted, so a reconcile after a crash knows it. nullopt: unchanged.
  std::optional<bridge::Effect> progressed;

  static Outcome Done(std::optional<bridge::Event> event = std::nullopt, std::string result_json = "{}");
  static Outcome Failed(util::Error error);
  // A transient failure; `may_have_happened` asks for a reconcile first.
  static Outcome Retry(util::Error error, bool may_have_happened);
  static Outcome Ready(std::function<Outcome()> then, std::optional<bridge::Effect> progressed = std::nullopt);

  // After a failed call: retried when transient (reconciled first unless
  // the call was idempotent or certainly did not happen), else failed.
  static Outcome FromFailure(const util::Error& error, bool idempotent);
  // After a failed look-up while reconciling: retried later if it may pass
  // then (at retry_after_ms exactly when the helpdesk cannot tell yet: a
  // kTimeout carrying it, as Helpdesk::FindCreatedTicket answers); a refusal
  // (a missing scope, a revoked token) will not pass by waiting.
  static Outcome FromReconcileFailure(const util::Error& error);
};

// Whether a failed non-idempotent call may still have taken effect.
bool MayHaveHappened(const util::Error& error);

}  // namespace app
