// What happens, as the core hears it: Slack messages, clicks and forms
// (translated from envelopes by lib/slack/to_event), the outcomes of side
// effects (from the outbox runner) and the helpdesk's activity (from the
// sync poller). Plain values with operator==, so tests state decisions as
// tables of event -> actions.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bridge/actions.h"
#include "bridge/rich_text.h"
#include "bridge/ticket.h"

namespace bridge {

struct SharedFile {
  std::string name;
  std::string permalink;
  bool operator==(const SharedFile& other) const { return name == other.name && permalink == other.permalink; }
};

// A message (or app_mention) event, a new one or an edit.
struct MessageReceived {
  bool app_mention = false;  // the app_mention event type (else `message`)
  std::string subtype;       // "" for a plain message; message_changed for an edit
  std::string channel;
  std::string user;
  std::string bot_id;
  std::string ts;
  std::string thread_ts;  // "" when top-level
  RichText text;
  std::vector<SharedFile> files;
  // message_changed: when it was edited and what it said before.
  std::string edited_ts;
  RichText previous_text;

  bool operator==(const MessageReceived& o) const {
    return app_mention == o.app_mention && subtype == o.subtype && channel == o.channel && user == o.user &&
           bot_id == o.bot_id && ts == o.ts && thread_ts == o.thread_ts && text == o.text && files == o.files &&
           edited_ts == o.edited_ts && previous_text == o.previous_text;
  }
};

// A block_actions click.
struct ButtonClicked {
  std::string envelope_id;
  std::string user;
  std::string action_id;
  std::string value;
  std::string trigger_id;

  bool operator==(const ButtonClicked& o) const {
    return envelope_id == o.envelope_id && user == o.user && action_id == o.action_id && value == o.value &&
           trigger_id == o.trigger_id;
  }
};

// A view_submission of a form.
struct FormSubmitted {
  std::string envelope_id;
  std::string view_id;
  std::string callback_id;
  std::string user;
  std::string private_metadata;
  std::string summary;
  std::string description;
  std::string severity;

  bool operator==(const FormSubmitted& o) const {
    return envelope_id == o.envelope_id && view_id == o.view_id && callback_id == o.callback_id && user == o.user &&
           private_metadata == o.private_metadata && summary == o.summary && description == o.description &&
           severity == o.severity;
  }
};

// The outcome of PrepareForm: the form's pre-filled values.
struct FormPrepared {
  PrepareForm request;
  std::string summary;
  std::string description;

  bool operator==(const FormPrepared& o) const {
    return request == o.request && summary == o.summary && description == o.description;
  }
};

// The ticket a CreateTicket made or found again; nullopt: it was not run
// because the thread already had its ticket (Precheck).
struct TicketCreated {
  CreateTicket request;
  std::optional<TicketLink> ticket;  // `thread` is the request's

  bool operator==(const TicketCreated& o) const { return request == o.request && ticket == o.ticket; }
};

// A PostMessage that reached Slack, with its ts.
struct MessagePosted {
  PostMessage post;
  std::string ts;

  bool operator==(const MessagePosted& o) const { return post == o.post && ts == o.ts; }
};

// A side effect that failed for now and will be tried again.
struct EffectRetrying {
  Effect effect;
  std::string reason;  // short: "timeout", "server_error"

  bool operator==(const EffectRetrying& o) const { return effect == o.effect && reason == o.reason; }
};

// A side effect that failed for good.
struct EffectFailed {
  Effect effect;
  std::string message;  // the other side's explanation

  bool operator==(const EffectFailed& o) const { return effect == o.effect && message == o.message; }
};

// A comment on a linked ticket, as the helpdesk reports it.
struct HelpdeskComment {
  std::string id;
  std::string author_id;
  std::string author_name;
  RichText body;
  bool is_public = false;
  bool written_by_slackdesk = false;
  long long created_ms = 0;

  bool operator==(const HelpdeskComment& o) const {
    return id == o.id && author_id == o.author_id && author_name == o.author_name && body == o.body &&
           is_public == o.is_public && written_by_slackdesk == o.written_by_slackdesk && created_ms == o.created_ms;
  }
};

// What the sync found on one linked ticket since it last looked.
struct TicketActivity {
  std::string ticket_key;
  long long updated_ms = 0;
  TicketStatus status;
  std::vector<HelpdeskComment> comments;  // oldest first, only those after the link's cursor
  std::string next_cursor;

  bool operator==(const TicketActivity& o) const {
    return ticket_key == o.ticket_key && updated_ms == o.updated_ms && status == o.status && comments == o.comments &&
           next_cursor == o.next_cursor;
  }
};

using Event = std::variant<MessageReceived, ButtonClicked, FormSubmitted, FormPrepared, TicketCreated, MessagePosted,
                           EffectRetrying, EffectFailed, TicketActivity>;

}  // namespace bridge
