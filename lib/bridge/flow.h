// The seed flow's decisions, pure: a mention, a click, a form, a ticket.
// Events and facts go in, decisions and texts come out; the app performs
// them. No I/O, no clock, no JSON.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bridge {

inline constexpr const char* kOpenFormAction = "slackdesk_open_form";
inline constexpr const char* kRequestCallback = "slackdesk_request";
inline constexpr size_t kSummaryMaxChars = 255;   // Jira's summary limit
inline constexpr size_t kDescriptionMaxChars = 3000;  // Slack's input limit
inline const std::vector<std::string> kSeverities = {"Critical", "High", "Medium", "Low"};
inline constexpr const char* kDefaultSeverity = "Medium";

struct ThreadRef {
  std::string channel;
  std::string thread_ts;  // the thread's parent ts
  bool operator==(const ThreadRef& other) const {
    return channel == other.channel && thread_ts == other.thread_ts;
  }
};

enum class MentionDecision {
  kIgnore,       // the bot's own message
  kNotEnabled,   // the channel is not in allowed_channels: tell only the author
  kShowTicket,   // the thread already has a ticket: answer with it
  kOfferForm,    // reply with the Submit request button
};

MentionDecision DecideMention(std::string_view author, std::string_view bot_user_id, bool channel_allowed,
                              bool thread_has_ticket);

struct FormPrefill {
  std::string summary;      // first line without the bot's mention, <= 255 characters
  std::string description;  // the whole text with mentions made readable, <= 3000 characters
};

FormPrefill PrefillFromMention(std::string_view text, std::string_view bot_user_id,
                               const std::map<std::string, std::string>& user_names);

// "" when the summary is acceptable, else the message shown under the field.
std::string ValidateSummary(std::string_view summary);

// The form's private_metadata and the button's value: "<channel>|<thread_ts>".
std::string EncodeThread(const ThreadRef& thread);
std::optional<ThreadRef> DecodeThread(std::string_view text);

// What a valid form submission asks for.
struct TicketRequest {
  std::string view_id;
  ThreadRef thread;
  std::string user_id;
  std::string summary;
  std::string description;
  std::string severity;
};

// A token unique to the submission, placed in the ticket so a create whose
// outcome was lost can be found again by search (JSM has no idempotency
// key). Letters and digits only, so the search tokenizer keeps it whole.
std::string TicketMarker(std::string_view view_id);

struct Requester {
  std::string name;   // Slack real name (or the user id when unknown)
  std::string email;  // "" when Slack does not share it
};

// The ticket description (Jira wiki markup): what the user typed, then the
// severity, who asked, the link back to the Slack thread and the marker.
std::string ComposeDescription(const TicketRequest& request, const Requester& requester, std::string_view permalink,
                               std::string_view marker);

}  // namespace bridge
