// Carries out the core's helpdesk side effects: raising a ticket from a
// form and adding a Slack reply as a comment, each composed by the core
// (bridge/compose.h) after the Slack look-ups it needs (who wrote, the
// thread's permalink). Runs on worker threads (calls block). When
// `reconcile` is set the effect was attempted before with an unknown
// outcome: the helpdesk is asked for it by its marker first.
#pragma once

#include "app/outcome.h"
#include "app/slack_directory.h"
#include "bridge/actions.h"
#include "helpdesk/helpdesk.h"

namespace app {

class HelpdeskEffects {
 public:
  // Both must outlive this object. `trust_external_emails`: whether a
  // Slack Connect user's e-mail (set by their organisation) may select an
  // existing helpdesk customer (config trust_external_emails).
  HelpdeskEffects(helpdesk::Helpdesk& helpdesk, SlackDirectory& directory, bool trust_external_emails = false);

  // `attempted_at_ms`: when the create was last tried (for the helpdesk's
  // own idea of how long a search may miss it); `now_ms`: wall clock. Once
  // the ticket is composed: kReady, whose `then` makes the POST.
  Outcome Run(const bridge::CreateTicket& effect, bool reconcile, long long attempted_at_ms, long long now_ms);
  Outcome Run(const bridge::AddComment& effect, bool reconcile);
  // Safe to repeat (the helpdesk reads the status first): no reconcile.
  Outcome Run(const bridge::ReopenTicket& effect);

 private:
  Outcome Post(const bridge::CreateTicket& effect, const helpdesk::NewTicket& ticket);
  // Where the comment an edit replaces is: the one recorded when the edit
  // came, else the reply's own comment found by its marker; "" when
  // neither is there.
  util::Result<std::string> EarlierCommentUrl(const bridge::AddComment& edit);

  helpdesk::Helpdesk& helpdesk_;
  SlackDirectory& directory_;
  bool trust_external_emails_;
};

// The neutral link values of a helpdesk ticket (the thread is the caller's).
bridge::TicketLink LinkOf(const helpdesk::Ticket& ticket);

}  // namespace app
