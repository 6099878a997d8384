#include "bridge/flow.h"

#include <cctype>

#include <fmt/format.h>

#include "bridge/text.h"

namespace bridge {

MentionDecision DecideMention(std::string_view author, std::string_view bot_user_id, bool channel_allowed,
                              bool thread_has_ticket) {
  if (author.empty() || author == bot_user_id) return MentionDecision::kIgnore;
  if (!channel_allowed) return MentionDecision::kNotEnabled;
  if (thread_has_ticket) return MentionDecision::kShowTicket;
  return MentionDecision::kOfferForm;
}

FormPrefill PrefillFromMention(std::string_view text, std::string_view bot_user_id,
                               const std::map<std::string, std::string>& user_names) {
  std::string readable = HumanizeSlackText(StripBotMention(text, bot_user_id), user_names);
  return FormPrefill{TruncateChars(FirstLine(readable), kSummaryMaxChars),
                     TruncateChars(readable, kDescriptionMaxChars)};
}

std::string ValidateSummary(std::string_view summary) {
  bool blank = true;
  for (char c : summary) {
    if (!std::isspace(static_cast<unsigned char>(c))) blank = false;
  }
  if (blank) return "Please describe the problem in a few words.";
  size_t length = CharCount(summary);
  if (length > kSummaryMaxChars) {
    return fmt::format("The summary can be at most {} characters (it has {}).", kSummaryMaxChars, length);
  }
  return {};
}

std::string EncodeThread(const ThreadRef& thread) { return thread.channel + "|" + thread.thread_ts; }

std::optional<ThreadRef> DecodeThread(std::string_view text) {
  size_t bar = text.find('|');
  if (bar == std::string_view::npos || bar == 0 || bar + 1 >= text.size()) return std::nullopt;
  return ThreadRef{std::string(text.substr(0, bar)), std::string(text.substr(bar + 1))};
}

std::string TicketMarker(std::string_view view_id) {
  std::string marker = "slackdeskref";
  for (char c : view_id) {
    if (std::isalnum(static_cast<unsigned char>(c))) marker += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return marker;
}

std::string ComposeDescription(const TicketRequest& request, const Requester& requester, std::string_view permalink,
                               std::string_view marker) {
  std::string who = requester.email.empty() ? requester.name : fmt::format("{} ({})", requester.name, requester.email);
  std::string thread = permalink.empty() ? fmt::format("channel {}, thread {}", request.thread.channel, request.thread.thread_ts)
                                         : fmt::format("[Open the conversation in Slack|{}]", permalink);
  std::string body = request.description.empty() ? request.summary : request.description;
  return fmt::format("{}\n\n----\n*Severity:* {}\n*Requested by:* {} via Slack\n*Slack thread:* {}\n*slackdesk reference:* {}",
                     body, request.severity.empty() ? kDefaultSeverity : request.severity, who, thread, marker);
}

}  // namespace bridge
