// Slack payloads as an envelope carries them (slack/interactions.h,
// slack/to_event.h): events_api messages with their mrkdwn text, block
// actions and view submissions. Any JSON, of any shape, reads as an event
// or as nothing; what an event holds was read from the payload (bounded by
// it), and reading it twice gives the same event.
#include "bridge/core.h"
#include "bridge/events.h"
#include "fuzz_support.h"
#include "slack/interactions.h"
#include "slack/to_event.h"

namespace {

void CheckBounded(const bridge::Event& event, size_t size) {
  if (const auto* message = std::get_if<bridge::MessageReceived>(&event)) {
    // Mrkdwn text is linear in its source (ContentSize counts each run).
    FUZZ_CHECK(fuzz::ContentSize(message->text) <= 8 * size + 64, "message text larger than its payload");
    FUZZ_CHECK(fuzz::ContentSize(message->previous_text) <= 8 * size + 64, "previous text larger than its payload");
    FUZZ_CHECK(message->files.size() <= size, "more files than bytes");
  } else if (const auto* form = std::get_if<bridge::FormSubmitted>(&event)) {
    size_t values = form->summary.size() + form->description.size();
    for (const bridge::SubmittedField& field : form->fields) {
      values += field.value.field_id.size() + field.name.size();
      for (const std::string& value : field.value.values) values += value.size();
    }
    FUZZ_CHECK(values <= size, "form values larger than their payload");
    FUZZ_CHECK(form->fields.size() <= 100, "more form fields than a modal can hold");
    // Whatever the payload says, checking it never fails and finds at most
    // one error per input.
    FUZZ_CHECK(bridge::ValidateForm(*form).size() <= form->fields.size() + 1, "more errors than inputs");
  } else if (const auto* chosen = std::get_if<bridge::FormTypeChosen>(&event)) {
    size_t values = chosen->view_id.size() + chosen->view_hash.size() + chosen->private_metadata.size() +
                    chosen->type_id.size() + chosen->summary.size() + chosen->description.size();
    FUZZ_CHECK(values <= size, "type choice larger than its payload");
    FUZZ_CHECK(chosen->fields.size() <= 100, "more form fields than a modal can hold");
  } else if (const auto* click = std::get_if<bridge::ButtonClicked>(&event)) {
    FUZZ_CHECK(click->value.size() + click->action_id.size() <= size, "click larger than its payload");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view payload(reinterpret_cast<const char*>(data), size);
  for (const char* kind : {"events_api", "interactive", "slash_commands"}) {
    std::optional<bridge::Event> event = slack::ToEvent(kind, payload, "E1");
    if (!event) continue;
    FUZZ_CHECK(std::string_view(kind) != "slash_commands", "slash commands are not acted on");
    CheckBounded(*event, size);
    std::optional<bridge::Event> again = slack::ToEvent(kind, payload, "E1");
    FUZZ_CHECK(again && *again == *event, "the same payload read twice differs");
  }
  // The pre-ack check agrees with the event the form becomes.
  if (auto form = slack::ToFormSubmitted(payload, "E1")) {
    std::optional<bridge::Event> event = slack::ToEvent("interactive", payload, "E1");
    FUZZ_CHECK(event && std::get_if<bridge::FormSubmitted>(&*event) != nullptr &&
                   std::get<bridge::FormSubmitted>(*event) == *form,
               "ToFormSubmitted and ToEvent disagree");
  }
  if (auto click = slack::ParseButtonClick(payload)) {
    FUZZ_CHECK(click->user.size() + click->channel.size() + click->trigger_id.size() <= size, "click fields");
  }
  return 0;
}
