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
#include "bridge/equality.h"
#include "bridge/request_type.h"
#include "bridge/rich_text.h"
#include "bridge/ticket.h"

namespace bridge {

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

  auto Fields() const {
    return std::tie(app_mention, subtype, channel, user, bot_id, ts, thread_ts, text, files, edited_ts, previous_text);
  }
};

// A block_actions click.
struct ButtonClicked {
  std::string envelope_id;
  std::string user;
  std::string action_id;
  std::string value;
  std::string trigger_id;

  auto Fields() const { return std::tie(envelope_id, user, action_id, value, trigger_id); }
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
  std::vector<SubmittedField> fields;  // the request type's other inputs, as the form showed them

  auto Fields() const {
    return std::tie(envelope_id, view_id, callback_id, user, private_metadata, summary, description, fields);
  }
};

// Another request type chosen in an open form (a route with several).
struct FormTypeChosen {
  std::string envelope_id;
  std::string user;
  std::string view_id;
  std::string view_hash;
  std::string private_metadata;
  std::string type_id;  // the chosen one
  std::string summary;  // what was typed so far
  std::string description;
  std::vector<SubmittedField> fields;

  auto Fields() const {
    return std::tie(envelope_id, user, view_id, view_hash, private_metadata, type_id, summary, description, fields);
  }
};

// The outcome of PrepareForm: the form's pre-filled values.
struct FormPrepared {
  PrepareForm request;
  std::string summary;
  std::string description;

  auto Fields() const { return std::tie(request, summary, description); }
};

// The ticket a CreateTicket made or found again; nullopt: it was not run
// because the thread already had its ticket (Precheck).
struct TicketCreated {
  CreateTicket request;
  std::optional<TicketLink> ticket;  // `thread` is the request's

  auto Fields() const { return std::tie(request, ticket); }
};

// A PostMessage that reached Slack, with its ts.
struct MessagePosted {
  PostMessage post;
  std::string ts;
  std::vector<std::string> part_ts{};  // every post's ts, when a long comment took several (else {ts})

  auto Fields() const { return std::tie(post, ts, part_ts); }
};

// An AddComment that reached the ticket (or was found there again by its
// marker), with the helpdesk's id of the comment.
struct CommentAdded {
  AddComment request;
  std::string comment_id;

  auto Fields() const { return std::tie(request, comment_id); }
};

// The outcome of CopyFiles: the files that did not reach the ticket (none:
// all of them are attached).
struct FilesCopied {
  CopyFiles request;
  std::vector<NotCopied> not_copied;

  auto Fields() const { return std::tie(request, not_copied); }
};

// The outcome of UploadToSlack: nullopt when the file is in the thread.
struct AttachmentUploaded {
  UploadToSlack request;
  std::optional<NotCopied> not_copied;

  auto Fields() const { return std::tie(request, not_copied); }
};

// The outcome of ReopenTicket, with the ticket's status afterwards.
struct TicketReopened {
  ReopenTicket request;
  ReopenResult result = ReopenResult::kNotAllowed;
  TicketStatus status;

  auto Fields() const { return std::tie(request, result, status); }
};

// A side effect that failed for now and will be tried again.
struct EffectRetrying {
  Effect effect;
  std::string reason;  // short: "timeout", "server_error"

  auto Fields() const { return std::tie(effect, reason); }
};

// A side effect that failed for good.
struct EffectFailed {
  Effect effect;
  std::string message;  // the other side's explanation

  auto Fields() const { return std::tie(effect, message); }
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
  long long updated_ms = 0;  // its last edit (created_ms when never edited; 0 when the backend cannot say)

  auto Fields() const {
    return std::tie(id, author_id, author_name, body, is_public, written_by_slackdesk, created_ms, updated_ms);
  }
};

// What the sync found on one linked ticket since it last looked.
struct TicketActivity {
  std::string ticket_key;
  // The ticket's `updated` this read covers: just before it while a change
  // in the same tick could still be unseen (app::PollHelpdesk).
  long long updated_ms = 0;
  TicketStatus status;
  std::vector<HelpdeskComment> comments;  // oldest first, only those after the link's cursor
  std::string next_cursor;
  // Added since the sync last read the ticket, public and internal alike.
  std::vector<HelpdeskAttachment> attachments{};
  // Every comment the ticket has now, when its comments can be edited or
  // deleted (Jira); nullopt when they cannot (RT). Relayed comments that
  // changed or vanished are updated in Slack.
  std::optional<std::vector<HelpdeskComment>> current{};

  auto Fields() const {
    return std::tie(ticket_key, updated_ms, status, comments, next_cursor, attachments, current);
  }
};

// The sync looked at a linked ticket whose channel's policy may have
// changed (a SIGHUP took the channel out of allowed_channels, or put it
// back): the core compares the policy with the link's sync_stopped.
struct LinkReviewed {
  std::string ticket_key;

  auto Fields() const { return std::tie(ticket_key); }
};

// An effect the runner did not carry out because its channel is no longer
// allowed (Precheck): a form submitted before a SIGHUP removed the channel.
struct EffectNotAllowed {
  Effect effect;

  auto Fields() const { return std::tie(effect); }
};

using Event = std::variant<MessageReceived, ButtonClicked, FormSubmitted, FormTypeChosen, FormPrepared, TicketCreated,
                           MessagePosted, CommentAdded, FilesCopied, AttachmentUploaded, TicketReopened, EffectRetrying, EffectFailed, TicketActivity, LinkReviewed, EffectNotAllowed>;

}  // namespace bridge
