// The core's view of a ticket and of the Slack thread it is linked to:
// plain values, shared by the events, the actions and the helpdesk
// interface (which aliases TicketStatus).
#pragma once

#include <string>
#include <vector>

#include "bridge/equality.h"

namespace bridge {

// A Slack thread: the channel and its parent message's ts.
struct ThreadRef {
  std::string channel;
  std::string thread_ts;

  auto Fields() const { return std::tie(channel, thread_ts); }
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

  auto Fields() const { return std::tie(category, label); }
};

// What asking the helpdesk to reopen a resolved or closed ticket came to.
enum class ReopenResult {
  kReopened,    // a workflow step led it back to an open status
  kAlreadyOpen, // it was open again already (an agent, or the helpdesk's own
                // "comment reopens" automation): nothing to do
  kNotAllowed,  // the workflow offers slackdesk no way back
};

// What the bot shows of a ticket in Slack.
struct TicketView {
  std::string key;  // "SUP-12"
  std::string summary;
  std::string status;  // the helpdesk's label
  std::string web_url;

  auto Fields() const { return std::tie(key, summary, status, web_url); }
};

// An agent comment relayed to the thread: its posts there (oldest first),
// the version they show, and whether they show it deleted.
struct RelayedComment {
  std::string comment_id;
  long long updated_ms = 0;
  std::vector<std::string> posts;
  bool deleted = false;
  std::string agent{};  // who wrote it: a deleted comment's posts still say
  auto Fields() const { return std::tie(comment_id, updated_ms, posts, deleted, agent); }
};

// A thread's link to its ticket, as the store keeps it.
struct TicketLink {
  ThreadRef thread;
  std::string ticket_key;
  std::string ticket_id;
  std::string web_url;
  std::string summary;
  TicketStatus status;
  std::string confirmation_ts;    // the bot's confirmation message, once posted ("" before)
  std::string comment_cursor;     // how far the sync read the ticket's comments (opaque)
  long long last_updated_ms = 0;  // the ticket's `updated` when last synced
  bool sync_stopped = false;      // its channel left allowed_channels; the thread was told

  TicketView View() const { return TicketView{ticket_key, summary, status.label, web_url}; }
  auto Fields() const {
    return std::tie(thread, ticket_key, ticket_id, web_url, summary, status, confirmation_ts, comment_cursor,
                    last_updated_ms, sync_stopped);
  }
};

}  // namespace bridge
