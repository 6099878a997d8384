#include "app/outcome.h"

namespace app {

bool MayHaveHappened(const util::Error& error) {
  return !error.not_sent && error.code != util::ErrorCode::kRateLimited;
}

Outcome Outcome::Done(std::optional<bridge::Event> event, std::string result_json) {
  Outcome outcome;
  outcome.event = std::move(event);
  outcome.result_json = std::move(result_json);
  return outcome;
}

Outcome Outcome::Failed(util::Error error) {
  Outcome outcome;
  outcome.kind = Kind::kFailed;
  outcome.error = std::move(error);
  return outcome;
}

Outcome Outcome::Retry(util::Error error, bool may_have_happened) {
  Outcome outcome;
  outcome.kind = Kind::kRetry;
  outcome.retry_after_ms = error.retry_after_ms;
  outcome.error = std::move(error);
  outcome.outcome_unknown = may_have_happened;
  return outcome;
}

Outcome Outcome::Ready(std::function<Outcome()> then, std::optional<bridge::Effect> progressed) {
  Outcome outcome;
  outcome.kind = Kind::kReady;
  outcome.then = std::move(then);
  outcome.progressed = std::move(progressed);
  return outcome;
}

Outcome Outcome::FromFailure(const util::Error& error, bool idempotent) {
  if (!error.IsTransient()) return Failed(error);
  return Retry(error, !idempotent && MayHaveHappened(error));
}

Outcome Outcome::FromReconcileFailure(const util::Error& error) {
  if (!error.IsTransient()) {
    util::Error failed = error;
    failed.message = "cannot check whether it already happened: " + error.message;
    return Failed(failed);
  }
  Outcome outcome = Retry(error, true);
  outcome.until_known = error.code == util::ErrorCode::kTimeout && error.retry_after_ms > 0;
  return outcome;
}

}  // namespace app
