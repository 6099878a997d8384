// Recorded Socket Mode envelopes as the core's events: message and
// app_mention events, block_actions clicks and view_submission forms, with
// message text read from mrkdwn into neutral rich text. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "bridge/events.h"

namespace slack {

// nullopt when the envelope carries nothing the bridge acts on (another
// event type, a payload that does not parse).
std::optional<bridge::Event> ToEvent(std::string_view envelope_kind, std::string_view payload_json,
                                     const std::string& envelope_id);

// The form submission of an `interactive` payload, if it is one (checked
// before the ack).
std::optional<bridge::FormSubmitted> ToFormSubmitted(std::string_view payload_json, const std::string& envelope_id);

}  // namespace slack
