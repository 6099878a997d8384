#include "slack/to_event.h"

#include "slack/interactions.h"
#include "slack/mrkdwn.h"

namespace slack {
namespace {

std::optional<bridge::Event> FromMessage(std::string_view payload_json) {
  auto message = ParseMessageEvent(payload_json);
  if (!message) return std::nullopt;
  bridge::MessageReceived event;
  event.app_mention = message->type == "app_mention";
  event.subtype = message->subtype;
  event.channel = message->channel;
  event.user = message->user;
  event.bot_id = message->bot_id;
  event.ts = message->ts;
  event.thread_ts = message->thread_ts;
  event.text = ParseMrkdwn(message->text);
  event.files = message->files;
  event.edited_ts = message->edited_ts;
  if (message->subtype == "message_changed") event.previous_text = ParseMrkdwn(message->previous_text);
  return event;
}

}  // namespace

std::optional<bridge::FormSubmitted> ToFormSubmitted(std::string_view payload_json, const std::string& envelope_id) {
  auto form = ParseFormSubmission(payload_json);
  if (form) form->envelope_id = envelope_id;
  return form;
}

std::optional<bridge::Event> ToEvent(std::string_view envelope_kind, std::string_view payload_json,
                                     const std::string& envelope_id) {
  if (envelope_kind == "events_api") return FromMessage(payload_json);
  if (envelope_kind != "interactive") return std::nullopt;
  if (auto chosen = ParseTypeChoice(payload_json)) {
    chosen->envelope_id = envelope_id;
    return bridge::Event{*chosen};
  }
  if (auto click = ParseButtonClick(payload_json)) {
    return bridge::ButtonClicked{envelope_id, click->user, click->action_id, click->value, click->trigger_id};
  }
  if (auto form = ToFormSubmitted(payload_json, envelope_id)) return bridge::Event{*form};
  return std::nullopt;
}

}  // namespace slack
