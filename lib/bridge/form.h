// The request form's pure parts: its ids, what it is pre-filled with, how a
// submission is checked, and how the thread rides along in the button's
// value and the form's private_metadata.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/equality.h"
#include "bridge/request_type.h"
#include "bridge/rich_text.h"
#include "bridge/ticket.h"

namespace bridge {

inline constexpr const char* kOpenFormAction = "slackdesk_open_form";
inline constexpr const char* kRequestCallback = "slackdesk_request";
// The block and action of the request type choice in a form.
inline constexpr const char* kTypeChoiceAction = "slackdesk_request_type";
inline constexpr size_t kSummaryMaxChars = 255;       // Jira's summary limit
inline constexpr size_t kDescriptionMaxChars = 3000;  // Slack's input limit
// The block_id of the summary input: where its errors are shown.
inline constexpr const char* kSummaryBlock = "summary";

struct FormPrefill {
  std::string summary;      // first line without the bot's mention, <= 255 characters
  std::string description;  // the whole text with mentions made readable, <= 3000 characters
  auto Fields() const { return std::tie(summary, description); }
};

// From the mention as written, with the names of mentioned people already
// filled in (NameMentions); the bot's own mention is left out.
FormPrefill PrefillFromMention(const RichText& mention, std::string_view bot_user_id);

// `text` without the mentions of `user_id`.
RichText WithoutMentionOf(const RichText& text, std::string_view user_id);
// True when `text` mentions `user_id`.
bool Mentions(const RichText& text, std::string_view user_id);

// "" when the summary is acceptable, else the message shown under the field.
std::string ValidateSummary(std::string_view summary);

// The button's value: "<channel>|<thread_ts>".
std::string EncodeThread(const ThreadRef& thread);
std::optional<ThreadRef> DecodeThread(std::string_view text);

// The form's private_metadata: the thread, then where the request goes,
// "<channel>|<thread_ts>|<desk>|<type>|<mention_ts>". A form opened by an older version
// carries the thread alone (its target is the defaults) or no mention ts.
struct FormMetadata {
  ThreadRef thread;
  RequestTarget target;
  std::string mention_ts{};  // the mention that offered the form; "" when unknown
  auto Fields() const { return std::tie(thread, target, mention_ts); }
};
std::string EncodeFormMetadata(const FormMetadata& metadata);
std::optional<FormMetadata> DecodeFormMetadata(std::string_view text);

// A token unique to a submission (or a reply), kept with what it created so
// a create whose outcome was lost can be found again (JSM has no
// idempotency key). `prefix` then the letters and digits of `id`, lower
// case, so a search tokenizer keeps it whole.
std::string Marker(std::string_view prefix, std::string_view id);
// The marker of the ticket raised by form `view_id`.
std::string TicketMarker(std::string_view view_id);
// The marker of the comment a Slack reply (`channel`, `ts`) became.
std::string ReplyMarker(std::string_view channel, std::string_view ts);

}  // namespace bridge
