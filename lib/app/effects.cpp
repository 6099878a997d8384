#include "app/effects.h"

#include "bridge/overloaded.h"

namespace app {

bool PreparesFirst(const bridge::Effect& effect) {
  return std::holds_alternative<bridge::CreateTicket>(effect) || std::holds_alternative<bridge::UploadToSlack>(effect);
}

System SystemOf(const bridge::Effect& effect) {
  if (std::holds_alternative<bridge::CreateTicket>(effect) || std::holds_alternative<bridge::AddComment>(effect) ||
      std::holds_alternative<bridge::CopyFiles>(effect) || std::holds_alternative<bridge::ReopenTicket>(effect)) {
    return System::kHelpdesk;
  }
  return System::kSlack;
}

const char* SystemName(System system) { return system == System::kHelpdesk ? "helpdesk" : "slack"; }

Outcome AdapterEffects::Execute(const bridge::Effect& effect, const Attempt& attempt) {
  return std::visit(bridge::Overloaded{
                        [&](const bridge::PrepareForm& e) { return slack_.Run(e); },
                        [&](const bridge::PostMessage& e) { return slack_.Run(e, attempt.reconcile); },
                        [&](const bridge::PostEphemeral& e) {
                          // It cannot be looked up: tried before with an
                          // unknown outcome, it is not shown again (at most once).
                          return attempt.reconcile ? Outcome::Done() : slack_.Run(e);
                        },
                        [&](const bridge::UpdateConfirmation& e) { return slack_.Run(e); },
                        [&](const bridge::UpdateRelay& e) { return slack_.Run(e); },
                        [&](const bridge::CreateTicket& e) {
                          return helpdesk_.Run(e, attempt.reconcile, attempt.attempted_at_ms, attempt.now_ms);
                        },
                        [&](const bridge::AddComment& e) { return helpdesk_.Run(e, attempt.reconcile); },
                        [&](const bridge::ReopenTicket& e) { return helpdesk_.Run(e); },
                        [&](const bridge::CopyFiles& e) {
                          if (files_ == nullptr) {
                            return Outcome::Failed(util::Error{util::ErrorCode::kConfig, "files are not copied here"});
                          }
                          return files_->Run(e, attempt.reconcile);
                        },
                        [&](const bridge::UploadToSlack& e) {
                          if (uploads_ == nullptr) {
                            return Outcome::Failed(util::Error{util::ErrorCode::kConfig, "files are not uploaded here"});
                          }
                          return uploads_->Run(e, attempt.reconcile);
                        },
                    },
                    effect);
}

}  // namespace app
