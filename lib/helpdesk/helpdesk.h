// The helpdesk as slackdesk needs it, behind one interface so backends
// (Jira Service Management first, Zendesk later) plug in without touching
// the flow. Implementations are blocking (they run on worker threads) and
// thread-safe. Every method that talks to the helpdesk returns a Result;
// transient failures (network, 5xx, 429) come back as transient errors
// after the implementation's own bounded retries, with retry_after_ms set
// when the helpdesk asked for a pause.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "util/error.h"

namespace helpdesk {

// Who the helpdesk says we are (the account whose comments must never be
// relayed back to Slack).
struct Identity {
  std::string account_id;
  std::string display_name;
  std::string email;
  std::string time_zone;
};

struct NewTicket {
  std::string summary;      // <= 255 characters (the caller truncates)
  std::string description;  // wiki markup; carries `marker` somewhere
  // A unique token placed in the description so a ticket created just
  // before a crash can be found again (helpdesk-facts.md A1: no idempotency
  // key on JSM create).
  std::string marker;
  // The customer's account, when the helpdesk knows them (FindCustomer);
  // empty: raised by the bot's own account.
  std::string on_behalf_of;
};

struct Ticket {
  std::string id;
  std::string key;              // "SUP-12"
  std::string summary;
  std::string status;           // workflow name: "Waiting for support"
  std::string status_category;  // "new", "indeterminate", "done", "undefined"
  std::string web_url;          // the customer portal link (_links.web)
  std::string agent_url;        // the agent view (/browse/KEY)
};

struct Comment {
  std::string id;  // numeric string, increasing over time
  std::string author_account_id;
  std::string author_name;
  std::string body;  // wiki markup
  bool is_public = false;
  long long created_ms = 0;
  // The idempotency marker the comment carries (a comment property), if
  // slackdesk wrote it.
  std::string marker;
};

// A ticket that changed, as the change search reports it.
struct TicketChange {
  std::string key;
  long long updated_ms = 0;
  std::string status;
  std::string status_category;
};

class Helpdesk {
 public:
  virtual ~Helpdesk() = default;

  virtual util::Result<Identity> WhoAmI() = 0;
  // Confirms the configured service desk and request type exist; returns a
  // short description for `slackdesk check` ("service desk SUP (Support),
  // request type 'Get IT help'").
  virtual util::Result<std::string> DescribeTarget() = 0;
  // The customer account for an e-mail address, or nullopt when the
  // helpdesk does not know it.
  virtual util::Result<std::optional<std::string>> FindCustomer(const std::string& email) = 0;
  // Creates the ticket. Not idempotent: on a failure whose outcome is
  // unknown, call FindTicketByMarker before trying again.
  virtual util::Result<Ticket> CreateTicket(const NewTicket& ticket) = 0;
  // The ticket whose description carries `marker`, if the search finds one.
  // Search lags writes by seconds: "not found" right after a create means
  // little (the caller retries for a bounded time).
  virtual util::Result<std::optional<Ticket>> FindTicketByMarker(const std::string& marker) = 0;
  virtual util::Result<Ticket> GetTicket(const std::string& key) = 0;

  // --- two-way sync ---------------------------------------------------------
  // Tickets among `keys` updated at or after `since_ms` (epoch ms), oldest
  // first, in as few requests as the helpdesk allows (one search, paged).
  virtual util::Result<std::vector<TicketChange>> ChangedSince(long long since_ms,
                                                             const std::vector<std::string>& keys) = 0;
  // Comments of `key`, newest first, stopping once `stop_after_id` (a
  // comment already seen; "" for none) is reached; public and internal
  // alike, flagged.
  virtual util::Result<std::vector<Comment>> CommentsNewerThan(const std::string& key,
                                                             const std::string& stop_after_id) = 0;
  // Adds a public comment carrying `marker` as a comment property.
  virtual util::Result<Comment> AddPublicComment(const std::string& key, const std::string& body,
                                                 const std::string& marker) = 0;
  // The comment of `key` carrying `marker`, if any (reconciliation).
  virtual util::Result<std::optional<Comment>> FindCommentByMarker(const std::string& key,
                                                                  const std::string& marker) = 0;
};

}  // namespace helpdesk
