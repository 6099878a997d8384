// Block Kit limits as Slack enforces them (slack-facts.md §4), for the fake
// Slack to refuse what the real one would refuse.
#pragma once

#include <string>

#include <rapidjson/document.h>

namespace fake {

// "" when `blocks` (an array) is a valid message body; otherwise what is
// wrong, e.g. "blocks[3].text: 3012 characters (max 3000)".
std::string ValidateMessageBlocks(const rapidjson::Value& blocks);

// views.open and views.update answer view_too_large above 250 kB
// (slack-facts.md §3.4, M-json views.open.json).
constexpr size_t kMaxViewBytes = 250 * 1000;

// "" when `view` (an object) is a valid modal for views.open/update: the
// view's own members, its blocks, and every element in them (selects with
// options or option groups and initial options among them, checkboxes,
// radio buttons, date/time pickers, number and text inputs), with the
// limits of slack-facts.md §4 and the types of @slack/types.
std::string ValidateModalView(const rapidjson::Value& view);

// "" when `response` (the ack payload answering a block_suggestion) holds
// what Slack shows: {"options":[…]} (at most 100) or {"option_groups":[…]}
// (at most 100 groups of 1..100), options as in a static select (§1.6;
// block-elements.d.ts). An empty options list is valid: nothing matched.
std::string ValidateSuggestionOptions(const rapidjson::Value& response);

// Number of characters (code points) in UTF-8 text; Slack counts characters.
size_t Utf8Length(const std::string& text);

}  // namespace fake
