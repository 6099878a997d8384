// The core's view of a ticket and of the Slack thread it is linked to:
// plain values, shared by the events, the actions and the helpdesk
// interface (which aliases TicketStatus).
#pragma once

#include <string>

namespace bridge {

// A Slack thread: the channel and its parent message's ts.
struct ThreadRef {
  std::string channel;
  std::string thread_ts;

  bool operator==(const ThreadRef& other) const {
    return channel == other.channel && thread_ts == other.thread_ts;
  }
  bool operator!=(const ThreadRef& other) const { return !(*this == other); }
};

// Where a ticket is in its life, as the bridge needs to know it.
enum class StatusCategory {
  kUnknown,     // the helpdesk did not say
  kNew,         // raised, nobody on it yet
  kInProgress,  // being worked on, or waiting
  kDone,        // resolved, closed, cancelled
};

struct TicketStatus {
  StatusCategory category = StatusCategory::kUnknown;
  std::string label;  // the helpdesk's own name: "Waiting for support"

  bool operator==(const TicketStatus& other) const { return category == other.category && label == other.label; }
  bool operator!=(const TicketStatus& other) const { return !(*this == other); }
};

// What the bot shows of a ticket in Slack.
struct TicketView {
  std::string key;  // "SUP-12"
  std::string summary;
  std::string status;  // the helpdesk's label
  std::string web_url;

  bool operator==(const TicketView& other) const {
    return key == other.key && summary == other.summary && status == other.status && web_url == other.web_url;
  }
};

// A thread's link to its ticket, as the store keeps it.
struct TicketLink {
  ThreadRef thread;
  std::string ticket_key;
  std::string ticket_id;
  std::string web_url;
  std::string summary;
  TicketStatus status;
  std::string confirmation_ts;  // the bot's confirmation message, once posted ("" before)
  std::string comment_cursor;   // how far the sync read the ticket's comments (opaque)
  long long last_updated_ms = 0;  // the ticket's `updated` when last synced

  TicketView View() const { return TicketView{ticket_key, summary, status.label, web_url}; }
  bool operator==(const TicketLink& other) const {
    return thread == other.thread && ticket_key == other.ticket_key && ticket_id == other.ticket_id &&
           web_url == other.web_url && summary == other.summary && status == other.status &&
           confirmation_ts == other.confirmation_ts && comment_cursor == other.comment_cursor &&
           last_updated_ms == other.last_updated_ms;
  }
};

}  // namespace bridge
