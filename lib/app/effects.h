// The seam between the outbox runner and the systems it acts on: one
// Execute for every kind of side effect, dispatched by type to the Slack
// or the helpdesk adapter. An interface so the runner can be driven by a
// scripted fake in tests.
#pragma once

#include "app/file_effects.h"
#include "app/helpdesk_effects.h"
#include "app/outcome.h"
#include "app/slack_effects.h"
#include "app/slack_uploads.h"
#include "bridge/actions.h"

namespace app {

// How this run of an effect came about.
struct Attempt {
  bool reconcile = false;          // tried before with an unknown outcome: look first
  long long attempted_at_ms = 0;   // when the effect itself was last tried (0: never)
  long long now_ms = 0;            // wall clock
};

// Whether the adapter prepares the effect first (answering kReady before
// its side effect): a create's look-ups. The runner then marks the intent
// attempted only when the side effect is about to happen.
bool PreparesFirst(const bridge::Effect& effect);

// The system an effect acts on, for error metrics.
enum class System { kSlack, kHelpdesk };
System SystemOf(const bridge::Effect& effect);
const char* SystemName(System system);

class Effects {
 public:
  virtual ~Effects() = default;
  // Blocking; called on worker threads, concurrently.
  virtual Outcome Execute(const bridge::Effect& effect, const Attempt& attempt) = 0;
};

class AdapterEffects : public Effects {
 public:
  // All must outlive this object. Without `files`, a CopyFiles fails (a
  // harness that copies none); without `uploads`, an UploadToSlack.
  AdapterEffects(SlackEffects& slack, HelpdeskEffects& helpdesk, FileEffects* files = nullptr,
                 SlackUploads* uploads = nullptr)
      : slack_(slack), helpdesk_(helpdesk), files_(files), uploads_(uploads) {}
  Outcome Execute(const bridge::Effect& effect, const Attempt& attempt) override;

 private:
  SlackEffects& slack_;
  HelpdeskEffects& helpdesk_;
  FileEffects* files_;
  SlackUploads* uploads_;
};

}  // namespace app
