// RT message text <-> bridge::RichText. RT is given text/plain, which it
// stores and mails as it is: nothing typed in Slack can become markup
// there, so rendering is the plain-text form (bridge::ToPlainString),
// cleaned as every outside text is (bridge::CleanText: controls, bidi
// overrides, invisible characters, broken UTF-8). The bot's own
// correspondence ends with a marker line, so FindCommentByMarker can find it
// again and the poll can tell it is the bot's even if RT names another
// author; REST2 sets no header of a message we send, and a transaction
// custom field would be one more thing an admin must create.
#pragma once

#include <string>
#include <string_view>

#include "bridge/rich_text.h"

namespace helpdesk::rt {

// The prefix of the marker line: "slackdesk reference: <marker>".
inline constexpr std::string_view kMarkerLinePrefix = "slackdesk reference: ";
// RT takes long messages, but a mailed reply past this is unreadable and a
// hostile comment should not balloon; longer text is cut with a note.
inline constexpr size_t kMaxTextBytes = 64 * 1024;

// `text` as RT's text/plain content, cut to kMaxTextBytes (at a UTF-8
// boundary) with a note when longer.
std::string RenderPlain(const bridge::RichText& text);
// RenderPlain, then a blank line and the marker line.
std::string RenderWithMarker(const bridge::RichText& text, const std::string& marker);

// A message as RT stores it, split into its text and the marker of its
// last non-blank line ("" when it has none).
struct ParsedMessage {
  bridge::RichText body;
  std::string marker;
};
ParsedMessage ParseMessage(std::string_view content);

}  // namespace helpdesk::rt
