// What the core decides to do: records to keep (applied by app in the same
// transaction as the event), a form to open at once, and side effects
// (committed to the outbox as intents, carried out exactly once by the
// Slack and helpdesk adapters, their outcomes coming back as events).
// Every side effect carries its idempotency key; the core derives it from
// what caused the effect, so the same cause never makes two effects.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "bridge/equality.h"
#include "bridge/files.h"
#include "bridge/request_type.h"
#include "bridge/rich_text.h"
#include "bridge/ticket.h"

namespace bridge {

// ---- what a post in a thread says -----------------------------------------

// The reply to a mention: the Submit request button.
struct PromptContent {
  std::string user;          // who mentioned the bot (greeted by name)
  std::string button_value;  // EncodeThread(thread)
  auto Fields() const { return std::tie(user, button_value); }
};
// "Ticket X was created", kept up to date with the ticket's status.
struct ConfirmationContent {
  TicketView ticket;
  auto Fields() const { return std::tie(ticket); }
};
// "This thread already has a ticket: X".
struct ExistingTicketContent {
  TicketView ticket;
  auto Fields() const { return std::tie(ticket); }
};
// A short note from the bot; `text` is the bot's own sentence, with any
// outside words in it escaped by the renderer like all text.
struct NoticeContent {
  std::string text;
  auto Fields() const { return std::tie(text); }
};
// An agent's public comment, relayed; the Slack adapter splits a long one
// into several posts.
struct AgentCommentContent {
  std::string agent;
  std::string ticket_key;
  RichText body;
  long long comment_created_ms = 0;  // for the sync-lag metric
  std::string comment_id{};          // kept with the posts, so an edit or deletion finds them
  long long comment_updated_ms = 0;  // the version relayed
  auto Fields() const {
    return std::tie(agent, ticket_key, body, comment_created_ms, comment_id, comment_updated_ms);
  }
};

using PostContent =
    std::variant<PromptContent, ConfirmationContent, ExistingTicketContent, NoticeContent, AgentCommentContent>;

// ---- side effects (outbox intents) -----------------------------------------

// Works out the form's pre-filled values (names of mentioned people need
// Slack look-ups); its outcome is FormPrepared.
struct PrepareForm {
  std::string key;
  ThreadRef thread;
  std::string mention_ts{};
  std::string user;
  RichText text;  // the mention as written
  std::string bot_user_id;
  std::vector<SharedFile> files{};  // shared with the mention: kept for the ticket
  auto Fields() const { return std::tie(key, thread, mention_ts, user, text, bot_user_id, files); }
};

struct PostMessage {
  std::string key;
  ThreadRef thread;
  PostContent content;
  auto Fields() const { return std::tie(key, thread, content); }
};

// Visible to `user` only; cannot be found again afterwards, so it is shown
// at most once rather than at least once.
struct PostEphemeral {
  std::string key;
  std::string channel;
  std::string user;
  std::string thread_ts;  // "" outside a thread
  std::string text;
  auto Fields() const { return std::tie(key, channel, user, thread_ts, text); }
};

// Sets the confirmation message `ts` to show the ticket as it is now.
struct UpdateConfirmation {
  std::string key;
  std::string channel;
  std::string ts;
  TicketView ticket;
  auto Fields() const { return std::tie(key, channel, ts, ticket); }
};

// Sets the posts of a relayed agent comment (`posts`, oldest first) to
// its edited text with an "edited" mark, or, when `deleted`, to a short
// note that it was deleted in the helpdesk (who and the key, not the text).
// A long comment was split into several posts: chat.update cannot add
// posts in between, so the first post takes the whole edited text (cut to
// one post, saying the rest is in the helpdesk) and the others point to it;
// the thread never shows half old, half new text.
struct UpdateRelay {
  std::string key;  // relayedit:<ticket>:<comment>:<updated_ms>, relaydel:<ticket>:<comment>
  std::string channel;
  std::vector<std::string> posts;
  std::string agent;
  std::string ticket_key;
  RichText body;  // the edited text; empty when deleted
  bool deleted = false;
  auto Fields() const { return std::tie(key, channel, posts, agent, ticket_key, body, deleted); }
};

// Raises a ticket from a submitted form.
struct CreateTicket {
  std::string key;
  ThreadRef thread;
  std::string view_id;
  std::string user;
  std::string summary;
  std::string description;
  RequestTarget target;            // where the form said it goes (empty: the defaults)
  std::vector<FieldValue> fields;  // the request type's other fields, as entered
  std::string marker;              // TicketMarker(view_id): finds it again after a crash
  // The mention that offered the form: when it is a reply in a thread, the
  // messages before it go into the request ("" when unknown).
  std::string mention_ts{};
  auto Fields() const {
    return std::tie(key, thread, view_id, user, summary, description, target, fields, marker, mention_ts);
  }
};

// A Slack reply (or its edit) as a public comment on the ticket. An edit
// is a short comment: the new text and a link to the comment it replaces.
struct AddComment {
  std::string key;
  std::string ticket_key;
  std::string marker;                                      // finds the comment again after a crash
  std::string user;                                        // the Slack author, named in the comment
  RichText text;                                           // without the bot's mention
  std::vector<SharedFile> files;  // named (and linked) in the comment; copied by a CopyFiles
  std::string channel;
  std::string ts;
  bool edit = false;
  // An edit: the helpdesk's id of the comment the message last became, as
  // recorded when the edit arrived ("": not recorded yet, looked up by the
  // reply's marker when the edit runs).
  std::string earlier_comment_id{};
  auto Fields() const {
    return std::tie(key, ticket_key, marker, user, text, files, channel, ts, edit, earlier_comment_id);
  }
};

// Copies the files of one Slack message to the ticket as public
// attachments, with one comment naming who shared them and each file that
// could not be copied (too large, refused, Slack's sign-in page instead of
// the file). One helpdesk write, found again by `marker` after a crash;
// its outcome is FilesCopied.
struct CopyFiles {
  std::string key;  // "files:<channel>:<ts>"
  std::string ticket_key;
  std::string marker;
  ThreadRef thread;  // where a file not copied is told
  std::string user;  // who shared them
  std::vector<SharedFile> files;
  auto Fields() const { return std::tie(key, ticket_key, marker, thread, user, files); }
};

// Uploads an agent's public attachment of a linked ticket into its thread
// (files.getUploadURLExternal, the bytes, files.completeUploadExternal).
// The last step can be made once and answers no ts: `slack_file_id` is
// recorded before it (the runner writes the effect back), so after a crash
// files.info tells whether the file reached the thread. Its outcome is
// AttachmentUploaded.
struct UploadToSlack {
  std::string key;  // "attach:<ticket>:<attachment id>"
  std::string ticket_key;
  ThreadRef thread;
  HelpdeskAttachment attachment;
  std::string slack_file_id{};  // "" until the bytes are in Slack
  auto Fields() const { return std::tie(key, ticket_key, thread, attachment, slack_file_id); }
};

// Reopens a resolved or closed ticket that a customer replied to (after
// the reply's comment, in the ticket's lane), through a workflow step that
// leads to an open status when the helpdesk offers one. Safe to repeat;
// its outcome is TicketReopened.
struct ReopenTicket {
  std::string key;  // "reopen:<channel>:<ts>" of the reply
  std::string ticket_key;
  ThreadRef thread;  // where the outcome is told
  auto Fields() const { return std::tie(key, ticket_key, thread); }
};

using Effect = std::variant<PrepareForm, PostMessage, PostEphemeral, UpdateConfirmation, UpdateRelay, CreateTicket,
                            AddComment, CopyFiles, UploadToSlack, ReopenTicket>;

// The idempotency key of any effect.
const std::string& KeyOf(const Effect& effect);
// Effects of one lane run strictly in order; lanes run side by side. Posts
// go by channel (Slack paces each channel), comments by ticket (they
// arrive in the order written), a create by thread (a second form of the
// thread then sees the first one's ticket), a form's look-ups by thread
// (slow or rate-limited users.info never holds up a channel's posts).
std::string LaneOf(const Effect& effect);
// The lane of the thread's creates: open while a create for it is queued.
std::string CreateLaneOf(const ThreadRef& thread);

// ---- records and immediate actions -----------------------------------------

// Keeps what a mention's form is pre-filled with (a later mention of the
// thread replaces it).
struct SaveMention {
  ThreadRef thread;
  std::string mention_ts{};
  std::string user;
  std::string summary;
  std::string description;
  std::vector<SharedFile> files{};  // shared with the mention: copied once the ticket exists
  auto Fields() const { return std::tie(thread, mention_ts, user, summary, description, files); }
};

// Links the thread to its new ticket.
struct LinkThread {
  TicketLink link;
  auto Fields() const { return std::tie(link); }
};

struct RecordConfirmation {
  std::string ticket_key;
  std::string ts;
  auto Fields() const { return std::tie(ticket_key, ts); }
};

struct RecordStatus {
  std::string ticket_key;
  TicketStatus status;
  auto Fields() const { return std::tie(ticket_key, status); }
};

// How far the sync has read the ticket.
struct RecordSyncPosition {
  std::string ticket_key;
  std::string comment_cursor;
  long long updated_ms = 0;
  auto Fields() const { return std::tie(ticket_key, comment_cursor, updated_ms); }
};

// Keeps which helpdesk comment the Slack message (channel, ts) became last
// (its reply, then each edit), so an edit can link to the one it replaces.
struct RecordReplyComment {
  std::string channel;
  std::string ts;
  std::string ticket_key;
  std::string comment_id;
  auto Fields() const { return std::tie(channel, ts, ticket_key, comment_id); }
};

// Keeps the Slack posts of a relayed agent comment and the version they
// show (`updated_ms`), or that they show it deleted.
struct RecordRelay {
  std::string ticket_key;
  RelayedComment relayed;
  auto Fields() const { return std::tie(ticket_key, relayed); }
};

// Keeps a reply written in a thread whose ticket is still being raised
// (its create is queued): `comment` has no ticket yet. Once the ticket
// exists, the kept replies become its comments, in the order written.
struct HoldReply {
  ThreadRef thread;
  AddComment comment;
  auto Fields() const { return std::tie(thread, comment); }
};

// The thread's kept replies were handed to its ticket.
struct ReleaseHeldReplies {
  ThreadRef thread;
  auto Fields() const { return std::tie(thread); }
};

// Sync of a linked ticket stops (its channel is no longer allowed) or
// resumes. Kept with the link, so the thread is told once, across restarts.
struct RecordSyncStopped {
  std::string ticket_key;
  bool stopped = true;
  auto Fields() const { return std::tie(ticket_key, stopped); }
};

// Opens the request form now: a trigger_id dies 3 s after the click, so
// this never waits in the outbox.
struct OpenForm {
  std::string trigger_id;
  ThreadRef thread;
  std::string summary;
  std::string description;
  std::string mention_ts{};  // the mention that offered the form ("" when unknown)
  auto Fields() const { return std::tie(trigger_id, thread, summary, description, mention_ts); }
};

// Shows the open form `view_id` (at `view_hash`) for another request type
// of its channel's route, now (views.update), keeping what was typed: the
// summary, the description and the values of fields both types have.
struct UpdateForm {
  std::string view_id;
  std::string view_hash;
  ThreadRef thread;
  std::string mention_ts;  // kept in the form, for the thread's context
  RequestTarget target;    // the chosen type
  std::string summary;
  std::string description;
  std::vector<FieldValue> typed;
  auto Fields() const { return std::tie(view_id, view_hash, thread, mention_ts, target, summary, description, typed); }
};

// Input that leads nowhere but deserves a line in the log (the core itself
// does not log).
struct Note {
  std::string text;
  auto Fields() const { return std::tie(text); }
};

using Action =
    std::variant<Note, SaveMention, LinkThread, RecordConfirmation, RecordStatus, RecordSyncPosition, RecordReplyComment, RecordRelay, HoldReply,
                 ReleaseHeldReplies, RecordSyncStopped, OpenForm, UpdateForm, PrepareForm, PostMessage, PostEphemeral,
                 UpdateConfirmation, UpdateRelay, CreateTicket, AddComment, CopyFiles, UploadToSlack,
                 ReopenTicket>;

// The action as an Effect when it is one.
bool IsEffect(const Action& action);
Effect ToEffect(const Action& action);  // REQUIRES: IsEffect(action)
Action ToAction(const Effect& effect);

}  // namespace bridge
