// The helpdesk as slackdesk needs it, in neutral terms: tickets, comments as
// bridge::RichText, a small status enum plus the helpdesk's own label, and
// opaque ids and cursors. Each backend (lib/helpdesk/jira first) renders and
// parses its own markup, keeps its own reconciliation and search-lag
// policy, and is built by MakeHelpdesk (factory.h) from the config.
// Implementations are blocking (they run on worker threads) and
// thread-safe. Every method that talks to the helpdesk returns a Result;
// transient failures (network, 5xx, 429) come back as transient errors
// after the implementation's own bounded retries, with retry_after_ms set
// when the helpdesk asked for a pause.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bridge/files.h"
#include "bridge/request_type.h"
#include "bridge/rich_text.h"
#include "bridge/ticket.h"
#include "util/error.h"
#include "util/temp_file.h"

namespace helpdesk {

// Who the helpdesk says we are: the account whose comments must never be
// relayed back to Slack.
struct Identity {
  std::string id;  // opaque to everything but the backend
  std::string display_name;
  std::string email;
  std::string time_zone;
};

// The core's status types: a small enum plus the helpdesk's own label.
using StatusCategory = bridge::StatusCategory;
using TicketStatus = bridge::TicketStatus;

struct NewTicket {
  std::string summary;            // <= 255 characters (the core truncates)
  bridge::RichText description;   // the backend renders it in its markup
  // A unique token (letters and digits) the backend stores with the ticket
  // so a ticket created just before a crash can be found again
  // (FindCreatedTicket).
  std::string marker;
  // The customer's account, when the helpdesk knows them (FindCustomer);
  // empty: raised by the bot's own account.
  std::string on_behalf_of;
  // Where it goes; empty ids: the configured service desk and request type.
  bridge::RequestTarget target;
  // The request type's other fields (RequestTypeForm), as the customer
  // filled them in; the backend sends each in the shape its helpdesk takes.
  std::vector<bridge::FieldValue> fields;
};

struct Ticket {
  std::string id;
  std::string key;  // what people call it: "SUP-12"
  std::string summary;
  TicketStatus status;
  std::string web_url;    // where the customer sees it
  std::string agent_url;  // where an agent works on it
};

struct Comment {
  std::string id;  // opaque
  std::string author_id;
  std::string author_name;
  bridge::RichText body;
  bool is_public = false;  // false: an internal note, never shown in Slack
  long long created_ms = 0;
  long long updated_ms = 0;           // its last edit (created_ms when never edited)
  bool written_by_slackdesk = false;  // carries a slackdesk marker
};

// A ticket that changed, as the change search reports it.
struct TicketChange {
  std::string key;
  long long updated_ms = 0;
  TicketStatus status;
};

// How far the comments of a ticket have been read. Opaque: only the backend
// that made it reads it; "" is the start.
using CommentCursor = std::string;

struct CommentPage {
  std::vector<Comment> comments;  // oldest first, all after the cursor asked for
  CommentCursor next;             // the cursor after the last of them
  // Every comment the ticket has now (public and internal, oldest first),
  // when the helpdesk's comments can be edited or deleted (Jira): relayed
  // ones that changed or vanished are then updated in Slack. nullopt when
  // they cannot (RT: a transaction is never edited or deleted).
  std::optional<std::vector<Comment>> current{};
  // The files of the comments returned (public and internal, oldest first),
  // when the backend lists them while reading the comments anyway (RT: a
  // message's parts): the poller then does not ask AttachmentsSince, one
  // round trip less per changed ticket. nullopt: ask AttachmentsSince.
  std::optional<std::vector<bridge::HelpdeskAttachment>> attachments{};
};

// What ReopenTicket did, and the ticket's status afterwards.
struct Reopening {
  bridge::ReopenResult result = bridge::ReopenResult::kNotAllowed;
  TicketStatus status;
};

// A file on its way to the helpdesk, read from an open file as it is sent
// (never held whole in memory).
struct Upload {
  std::string name;
  std::string mime_type;  // "" when unknown
  int fd = -1;            // open for reading; the first `size` bytes are the file
  long long size = 0;
};

// A file attached to a ticket (files to Slack): the core's value.
using Attachment = bridge::HelpdeskAttachment;

// What fetching an attachment came to.
struct Fetched {
  enum class Kind { kDone, kTooLarge, kRefused };
  Kind kind = Kind::kDone;
  long long bytes = 0;  // kDone: all in the file
  std::string reason;   // kRefused: why, in words for the thread
};

// One line of `slackdesk check`: what was checked (naming the config keys
// involved), whether it passed, and the detail.
struct CheckLine {
  bool ok = false;
  std::string what;
  std::string detail;
};

class Helpdesk {
 public:
  virtual ~Helpdesk() = default;

  // The backend's name in logs: "jira".
  virtual std::string Name() const = 0;
  virtual util::Result<Identity> WhoAmI() = 0;
  // The first line `slackdesk check` prints for this helpdesk, for a backend
  // that speaks to more than one product or deployment: which one answers at
  // the configured URL (and its version), and how slackdesk signs in. When
  // it fails, Check() is not asked. nullopt: nothing to say.
  virtual std::optional<CheckLine> CheckDeployment() { return std::nullopt; }
  // What `slackdesk check` prints for this helpdesk: credentials, then the
  // configured target (stopping at the first failure that makes the rest
  // meaningless).
  virtual std::vector<CheckLine> Check() = 0;
  // The customer account for an e-mail address, or nullopt when the
  // helpdesk does not know it.
  virtual util::Result<std::optional<std::string>> FindCustomer(const std::string& email) = 0;
  // The request type `target` names (empty ids: the configured ones) as a
  // form: its fields in the helpdesk's order, summary and description
  // included, each with what a form asks for (kUnsupported for what none
  // can). Read from the helpdesk on every call: callers cache it.
  virtual util::Result<bridge::RequestType> RequestTypeForm(const bridge::RequestTarget& target) = 0;
  // What `slackdesk check` adds about request type `target` once its form
  // could be read: whatever else would stop its requests (e.g. that they
  // cannot be raised on a customer's behalf). Default: nothing.
  virtual std::vector<CheckLine> CheckRequestType(const bridge::RequestTarget& /*target*/) { return {}; }
  // Creates the ticket. Not idempotent: on a failure whose outcome is
  // unknown, call FindCreatedTicket before trying again.
  virtual util::Result<Ticket> CreateTicket(const NewTicket& ticket) = 0;
  // After a create whose outcome is unknown (last tried at
  // `attempted_at_ms`, now `now_ms`, both wall clock): the ticket carrying
  // `marker` if it exists; nullopt when it certainly was not created (safe
  // to create); while the helpdesk cannot tell yet (e.g. its search index
  // lags its writes), a kTimeout error whose retry_after_ms says when to ask
  // again: no later than the moment "not found" becomes certain, as the
  // caller asks again exactly then.
  virtual util::Result<std::optional<Ticket>> FindCreatedTicket(const std::string& marker, long long attempted_at_ms,
                                                                long long now_ms) = 0;

  // --- two-way sync ---------------------------------------------------------
  // Tickets among `keys` updated at or after `since_ms` (epoch ms), oldest
  // first, in as few requests as the helpdesk allows. REQUIRES: `keys` sorted
  // ascending (a backend may search for them by bisection).
  virtual util::Result<std::vector<TicketChange>> ChangedSince(long long since_ms,
                                                             const std::vector<std::string>& keys) = 0;
  // How coarse TicketChange::updated_ms is: a second change within one
  // such tick leaves `updated` as it was (RT's dates have whole seconds).
  virtual long long UpdatedResolutionMs() const { return 1; }
  // The comments of `key` after `cursor`, public and internal alike.
  virtual util::Result<CommentPage> CommentsAfter(const std::string& key, const CommentCursor& cursor) = 0;
  // Adds a public comment carrying `marker` (found again by
  // FindCommentByMarker). Not idempotent.
  virtual util::Result<Comment> AddPublicComment(const std::string& key, const bridge::RichText& body,
                                                 const std::string& marker) = 0;
  // The comment of `key` carrying `marker`, if any (reconciliation).
  virtual util::Result<std::optional<Comment>> FindCommentByMarker(const std::string& key,
                                                                  const std::string& marker) = 0;
  // Where an agent sees comment `comment_id` of `key` in the helpdesk's web
  // view (a Slack edit's comment links to the comment it replaces); "" when
  // the backend cannot say. No request is made.
  virtual std::string CommentUrl(const std::string& /*key*/, const std::string& /*comment_id*/) const { return ""; }

  // --- reopening --------------------------------------------------------------
  // After a customer's reply on ticket `key`: when it is resolved or closed,
  // takes a workflow step that leads to an open status, if the helpdesk
  // offers slackdesk one (kReopened); when it is open already (an agent, or
  // the helpdesk's own "a comment reopens it"), changes nothing
  // (kAlreadyOpen). Either way the status is read back. Safe to repeat.
  // Default: kNotAllowed with an unknown status (a backend that cannot).
  virtual util::Result<Reopening> ReopenTicket(const std::string& /*key*/) { return Reopening{}; }

  // --- files from Slack -----------------------------------------------------
  // A backend that does not implement these takes no files: each is named
  // "not copied" in a public comment (AddPublicComment) instead. The
  // defaults say so, so a backend compiles and works without them.
  //
  // The largest file the helpdesk takes, in bytes; 0: it takes none.
  virtual util::Result<long long> AttachmentLimit() { return 0LL; }
  // Uploads `file` for ticket `key`, not attached yet; returns the opaque id
  // AttachFiles takes. Safe to repeat: an upload never attached is dropped
  // by the helpdesk. A kRemoteRejected error: the helpdesk refused this
  // file (too large, a type it does not take).
  virtual util::Result<std::string> UploadFile(const std::string& key, const Upload& /*file*/) {
    return util::MakeError(util::ErrorCode::kRemoteRejected, Name() + " upload " + key + ": not supported");
  }
  // Attaches the uploads (at least one) to ticket `key` publicly, together
  // with the public comment `note`, which carries `marker`. Not idempotent:
  // after an unknown outcome, ask FindAttachedByMarker.
  virtual util::Status AttachFiles(const std::string& key, const std::vector<std::string>& /*upload_ids*/,
                                   const bridge::RichText& /*note*/, const std::string& /*marker*/) {
    return util::MakeError(util::ErrorCode::kRemoteRejected, Name() + " attach to " + key + ": not supported");
  }
  // Whether an AttachFiles with `marker` reached ticket `key`
  // (reconciliation). Default: never, as nothing can be attached.
  virtual util::Result<bool> FindAttachedByMarker(const std::string& /*key*/, const std::string& /*marker*/) {
    return false;
  }

  // --- files to Slack -------------------------------------------------------
  // A backend that does not implement these lists no attachments: none
  // reach Slack.
  //
  // The attachments of `key` created at or after `since_ms` (epoch ms),
  // oldest first, each with whether customers see it (is_public) and who
  // added it. Asked only for a ticket the change search reported, so its
  // cost follows the changes, not the history.
  virtual util::Result<std::vector<Attachment>> AttachmentsSince(const std::string& /*key*/, long long /*since_ms*/) {
    return std::vector<Attachment>{};
  }
  // Writes attachment `id` of `key` into `into` (emptied first), as the
  // bot; more than `limit` bytes is kTooLarge (stopped as
  // soon as it is known); an answer that is not the file is kRefused.
  // Transient failures are errors: try again later.
  virtual util::Result<Fetched> FetchAttachment(const std::string& key, const std::string& /*id*/,
                                                long long /*limit*/, util::TempFile& /*into*/) {
    return Fetched{Fetched::Kind::kRefused, 0, Name() + " does not hand out attachments of " + key};
  }
};

}  // namespace helpdesk
