#include "app/helpdesk_effects.h"

#include "bridge/compose.h"
#include "bridge/form.h"

#include "util/json_util.h"
#include "util/log.h"

namespace app {
namespace {

std::string TicketResult(const helpdesk::Ticket& ticket) {
  return "{\"key\":" + json::Quote(ticket.key) + ",\"id\":" + json::Quote(ticket.id) + "}";
}

Outcome Created(const bridge::CreateTicket& effect, const helpdesk::Ticket& ticket) {
  bridge::TicketLink link = LinkOf(ticket);
  link.thread = effect.thread;
  return Outcome::Done(bridge::TicketCreated{effect, link}, TicketResult(ticket));
}

// The comment is kept with its Slack message, so a later edit links to it.
Outcome Added(const bridge::AddComment& effect, const std::string& id) {
  return Outcome::Done(bridge::CommentAdded{effect, id}, "{\"id\":" + json::Quote(id) + "}");
}

}  // namespace

bridge::TicketLink LinkOf(const helpdesk::Ticket& ticket) {
  return bridge::TicketLink{{}, ticket.key, ticket.id, ticket.web_url, ticket.summary, ticket.status, "", "", 0};
}

HelpdeskEffects::HelpdeskEffects(helpdesk::Helpdesk& helpdesk, SlackDirectory& directory, bool trust_external_emails)
    : helpdesk_(helpdesk), directory_(directory), trust_external_emails_(trust_external_emails) {}

Outcome HelpdeskEffects::Run(const bridge::CreateTicket& effect, bool reconcile, long long attempted_at_ms,
                             long long now_ms) {
  if (reconcile) {
    auto found = helpdesk_.FindCreatedTicket(effect.marker, attempted_at_ms, now_ms);
    if (!found) return Outcome::FromReconcileFailure(found.error());
    if (*found) {
      util::log::Info("ticket={} found by its marker {}: created before the interruption, not created again",
                      (*found)->key, effect.marker);
      return Created(effect, **found);
    }
  }
  bridge::Requester requester = directory_.LookUp(effect.user);
  helpdesk::NewTicket ticket;
  ticket.summary = effect.summary;
  ticket.marker = effect.marker;
  ticket.target = effect.target;
  ticket.fields = effect.fields;
  if (requester.external && !trust_external_emails_ && !requester.email.empty()) {
    // Another organisation set that e-mail: it must not make them one of
    // our customers. The description names them for the agents.
    util::log::Info("user={} is external (workspace {}): raising the request as the bot, not on behalf of the "
                    "customer with their e-mail (trust_external_emails = false)",
                    effect.user, requester.workspace);
  } else if (!requester.email.empty()) {
    auto customer = helpdesk_.FindCustomer(requester.email);
    if (customer && *customer) {
      ticket.on_behalf_of = **customer;
    } else if (!customer) {
      util::log::Warn("helpdesk customer lookup for user={}: {}; raising the request as the bot", effect.user,
                      customer.error().message);
    }
  }
  // A mention that replied inside a thread: the conversation before it is
  // what the agent needs to read first.
  std::vector<bridge::ThreadMessage> earlier;
  if (!effect.mention_ts.empty() && effect.mention_ts != effect.thread.thread_ts) {
    earlier = directory_.EarlierInThread(effect.thread, effect.mention_ts);
  }
  ticket.description =
      bridge::ComposeTicketDescription(effect, requester, directory_.Permalink(effect.thread), earlier);
  // The POST is the side effect: the runner marks the intent attempted (now)
  // before it runs, so a reconcile after a crash measures the helpdesk's
  // search-lag window from the POST, not from these look-ups.
  return Outcome::Ready([this, effect, ticket = std::move(ticket)] { return Post(effect, ticket); });
}

Outcome HelpdeskEffects::Post(const bridge::CreateTicket& effect, const helpdesk::NewTicket& ticket) {
  auto created = helpdesk_.CreateTicket(ticket);
  if (!created) return Outcome::FromFailure(created.error(), false);
  util::log::Info("ticket={} created for channel={} thread={} user={}{}", created->key, effect.thread.channel,
                  effect.thread.thread_ts, effect.user, ticket.on_behalf_of.empty() ? "" : " (on their behalf)");
  return Created(effect, *created);
}

Outcome HelpdeskEffects::Run(const bridge::AddComment& effect, bool reconcile) {
  if (reconcile) {
    auto found = helpdesk_.FindCommentByMarker(effect.ticket_key, effect.marker);
    if (!found) return Outcome::FromReconcileFailure(found.error());
    if (*found) {
      util::log::Info("ticket={} comment {} found by its marker: added before the interruption", effect.ticket_key,
                      (*found)->id);
      return Added(effect, (*found)->id);
    }
  }
  std::string earlier_url;
  if (effect.edit) {
    auto url = EarlierCommentUrl(effect);
    if (!url) return Outcome::FromFailure(url.error(), true);
    earlier_url = *url;
  }
  bridge::AddComment named = effect;
  bridge::NameMentions(named.text, directory_.NamesOf(bridge::MentionedUserIds(named.text)));
  bridge::RichText body = bridge::ComposeComment(named, directory_.LookUp(effect.user), earlier_url);
  auto added = helpdesk_.AddPublicComment(effect.ticket_key, body, effect.marker);
  if (!added) return Outcome::FromFailure(added.error(), false);
  util::log::Info("ticket={} comment {} added from channel={} ts={}", effect.ticket_key, added->id, effect.channel,
                  effect.ts);
  return Added(effect, added->id);
}

util::Result<std::string> HelpdeskEffects::EarlierCommentUrl(const bridge::AddComment& edit) {
  std::string id = edit.earlier_comment_id;
  if (id.empty()) {
    // Edited before its reply's comment was recorded: the ticket's
    // comments run in order, so that comment is there by now if ever.
    auto found = helpdesk_.FindCommentByMarker(edit.ticket_key, bridge::ReplyMarker(edit.channel, edit.ts));
    if (!found) return tl::make_unexpected(found.error());
    if (*found) id = (*found)->id;
  }
  return id.empty() ? std::string() : helpdesk_.CommentUrl(edit.ticket_key, id);
}

Outcome HelpdeskEffects::Run(const bridge::ReopenTicket& effect) {
  auto reopened = helpdesk_.ReopenTicket(effect.ticket_key);
  if (!reopened) return Outcome::FromFailure(reopened.error(), true);
  const char* what = reopened->result == bridge::ReopenResult::kReopened      ? "reopened"
                     : reopened->result == bridge::ReopenResult::kAlreadyOpen ? "open already"
                                                                              : "not reopened (no workflow step back)";
  util::log::Info("ticket={} {} after the reply {}; status '{}'", effect.ticket_key, what, effect.key,
                  reopened->status.label);
  return Outcome::Done(bridge::TicketReopened{effect, reopened->result, reopened->status},
                       "{\"result\":" + json::Quote(what) + "}");
}

}  // namespace app
