#include "bridge/core.h"

#include <fmt/format.h>

#include "bridge/core_sync.h"
#include "bridge/form.h"
#include "bridge/overloaded.h"

namespace bridge {

using Actions = std::vector<Action>;

// Told once in the thread of a linked ticket whose channel left
// allowed_channels (the link keeps that it was told, across restarts).
Actions StopSync(const Facts& facts) {
  if (!facts.link || facts.link->sync_stopped) return {};
  const TicketLink& link = *facts.link;
  return {RecordSyncStopped{link.ticket_key, true},
          PostMessage{"syncstopped:" + link.ticket_key, link.thread,
                      NoticeContent{":no_entry: Sync with " + link.ticket_key +
                                    " has stopped: slackdesk no longer serves this channel. Replies here no longer "
                                    "reach the ticket, and the helpdesk's answers no longer appear here."}}};
}

namespace {

constexpr const char* kNotEnabled =
    "slackdesk is not enabled in this channel. Please ask in one of the support channels, or ask an admin to add "
    "this one.";
constexpr const char* kNoLongerServed =
    "slackdesk no longer serves this channel, so this request was not raised. Please ask in one of the support "
    "channels.";

// The thread a message belongs to: its parent's ts, or its own at the top.
ThreadRef ThreadOf(const MessageReceived& message) {
  return ThreadRef{message.channel, message.thread_ts.empty() ? message.ts : message.thread_ts};
}

// Subtypes that carry a person's words; the rest is housekeeping.
bool IsPersonsMessage(const std::string& subtype) {
  return subtype.empty() || subtype == "file_share" || subtype == "thread_broadcast";
}

// The files of one message (`channel`, `ts`) for `ticket_key`, keyed by
// the message so a redelivery copies them once.
CopyFiles CopyFilesOf(const std::string& ticket_key, const ThreadRef& thread, const std::string& ts,
                      const std::string& user, const std::vector<SharedFile>& files) {
  std::string id = thread.channel + ":" + ts;
  return CopyFiles{"files:" + id, ticket_key, Marker("slackdeskfiles", id), thread, user, files};
}

// A reply's files go to the ticket after its comment; an edit's were
// copied with the message it edits.
std::optional<CopyFiles> CopyOf(const AddComment& comment, const ThreadRef& thread) {
  if (comment.edit || comment.files.empty()) return std::nullopt;
  return CopyFilesOf(comment.ticket_key, thread, comment.ts, comment.user, comment.files);
}

// A person's reply (or edit) in a linked thread becomes a ticket comment;
// in a thread whose ticket is still queued it is kept until the ticket
// exists.
Actions Reply(const MessageReceived& message, bool edit, const Facts& facts) {
  // Top-level messages are not replies; a thread's parent has ts == thread_ts.
  if (message.thread_ts.empty() || message.thread_ts == message.ts) return {};
  if (!facts.link && !facts.create_pending) return {};
  if (!facts.channel_allowed) return StopSync(facts);
  std::string id = message.channel + ":" + message.ts + (edit ? ":" + message.edited_ts : "");
  AddComment comment;
  comment.key = (edit ? "edit:" : "comment:") + id;
  if (facts.link) comment.ticket_key = facts.link->ticket_key;
  comment.marker = edit ? Marker("slackdeskedit", id) : ReplyMarker(message.channel, message.ts);
  comment.user = message.user;
  comment.text = WithoutMentionOf(message.text, facts.bot_user_id);
  comment.files = message.files;
  comment.channel = message.channel;
  comment.ts = message.ts;
  comment.edit = edit;
  if (edit) comment.earlier_comment_id = facts.reply_comment_id;
  if (!facts.link) return {HoldReply{ThreadOf(message), comment}};
  Actions actions{comment};
  if (auto copy = CopyOf(comment, ThreadOf(message))) actions.push_back(std::move(*copy));
  // A reply on a resolved or closed ticket would land where nobody looks:
  // it reopens the ticket when the workflow allows (an edit does not).
  if (!edit && facts.link->status.category == StatusCategory::kDone) {
    actions.push_back(ReopenTicket{"reopen:" + message.channel + ":" + message.ts, facts.link->ticket_key,
                                   ThreadOf(message)});
  }
  return actions;
}

// The thread's kept replies, now for `ticket_key`, in the order written.
void ReleaseHeld(const ThreadRef& thread, const std::string& ticket_key, const Facts& facts, Actions& actions) {
  if (facts.held_replies.empty()) return;
  for (AddComment comment : facts.held_replies) {
    comment.ticket_key = ticket_key;
    std::optional<CopyFiles> copy = CopyOf(comment, thread);
    actions.push_back(std::move(comment));
    if (copy) actions.push_back(std::move(*copy));
  }
  actions.push_back(ReleaseHeldReplies{thread});
}

Actions OnPrepared(const FormPrepared& prepared) {
  const PrepareForm& request = prepared.request;
  return {SaveMention{request.thread, request.mention_ts, request.user, prepared.summary, prepared.description,
                      request.files},
          PostMessage{"prompt:" + request.thread.channel + ":" + request.mention_ts, request.thread,
                      PromptContent{request.user, EncodeThread(request.thread)}}};
}

Actions OnMessage(const MessageReceived& message, const Facts& facts) {
  // The bot's own messages (and any bot's) never go anywhere.
  if (!message.bot_id.empty() || message.user.empty() || message.user == facts.bot_user_id) return {};
  if (message.subtype == "message_changed") {
    if (message.edited_ts.empty() || message.text == message.previous_text) return {};
    return Reply(message, true, facts);
  }
  if (!IsPersonsMessage(message.subtype)) return {};
  if (!message.app_mention && !Mentions(message.text, facts.bot_user_id)) return Reply(message, false, facts);

  ThreadRef thread = ThreadOf(message);
  std::string where = message.channel + ":" + message.ts;
  if (!facts.channel_allowed) {
    // Only the author is told: the channel is not one slackdesk serves
    // (and a linked thread, once, that its sync stopped).
    Actions actions = StopSync(facts);
    actions.push_back(PostEphemeral{"notenabled:" + where, message.channel, message.user, message.thread_ts, kNotEnabled});
    return actions;
  }
  if (facts.link) {
    // A mention in the ticket's thread is a reply too: it reaches the ticket.
    Actions actions = Reply(message, false, facts);
    actions.push_back(PostMessage{"existing:" + where, thread, ExistingTicketContent{facts.link->View()}});
    return actions;
  }
  PrepareForm prepare{"offer:" + where, thread, message.ts, message.user, message.text, facts.bot_user_id,
                      message.files};
  // Names of other people mentioned need Slack look-ups first; without
  // any, the pre-fill is known now and the button goes out at once.
  for (const std::string& id : MentionedUserIds(message.text)) {
    if (id != facts.bot_user_id) return {prepare};
  }
  FormPrefill prefill = PrefillFromMention(message.text, facts.bot_user_id);
  return OnPrepared(FormPrepared{prepare, prefill.summary, prefill.description});
}

Actions OnClick(const ButtonClicked& click, const Facts& facts) {
  if (click.action_id != kOpenFormAction) return {};
  auto thread = DecodeThread(click.value);
  if (!thread) return {Note{fmt::format("envelope={}: button value '{}' names no thread; ignored", click.envelope_id,
                                        click.value)}};
  if (!facts.channel_allowed) {
    return {PostEphemeral{"notenabled:" + click.envelope_id, thread->channel, click.user, thread->thread_ts,
                          kNotEnabled}};
  }
  if (facts.link) {
    return {PostEphemeral{"click:" + click.envelope_id, thread->channel, click.user, thread->thread_ts,
                          "This thread already has a ticket: " + facts.link->ticket_key + " " + facts.link->web_url}};
  }
  SavedMention mention = facts.mention.value_or(SavedMention{});
  return {OpenForm{click.trigger_id, *thread, mention.summary, mention.description, mention.mention_ts}};
}

Actions OnSubmit(const FormSubmitted& form, const Facts& facts) {
  if (form.callback_id != kRequestCallback) return {};
  auto metadata = DecodeFormMetadata(form.private_metadata);
  // The ack refused an invalid form already; one that still is (a
  // redelivery recorded before a check was added) is not raised.
  if (!metadata || !ValidateForm(form).empty()) {
    return {Note{fmt::format("envelope={}: form view={} without a thread or with invalid values; ignored",
                             form.envelope_id, form.view_id)}};
  }
  const ThreadRef& thread = metadata->thread;
  if (!facts.channel_allowed) {
    return {PostEphemeral{"notenabled:" + form.view_id, thread.channel, form.user, thread.thread_ts, kNoLongerServed}};
  }
  return {CreateTicket{"create:" + form.view_id, thread, form.view_id, form.user, form.summary, form.description,
                       metadata->target, ValuesToSend(form.fields), TicketMarker(form.view_id),
                       metadata->mention_ts}};
}

Actions OnTypeChosen(const FormTypeChosen& chosen, const Facts& facts) {
  auto metadata = DecodeFormMetadata(chosen.private_metadata);
  if (!metadata || chosen.type_id.empty()) {
    return {Note{fmt::format("envelope={}: a type chosen in view={} without a thread or type; ignored",
                             chosen.envelope_id, chosen.view_id)}};
  }
  if (!facts.channel_allowed) return {};  // its submission is refused too
  // Every value typed so far, as it would be sent, to pre-fill the new form.
  std::vector<FieldValue> typed;
  for (const SubmittedField& field : chosen.fields) typed.push_back(field.value);
  return {UpdateForm{chosen.view_id, chosen.view_hash, metadata->thread, metadata->mention_ts,
                     RequestTarget{metadata->target.desk_id, chosen.type_id}, chosen.summary, chosen.description,
                     std::move(typed)}};
}

Actions OnCreated(const TicketCreated& created, const Facts& facts) {
  const CreateTicket& request = created.request;
  Actions actions;
  if (facts.link) {
    // The thread had its ticket already (a second form, a double click):
    // no second link; the customer is shown the one it has.
    actions.push_back(
        PostMessage{"existing:" + request.view_id, request.thread, ExistingTicketContent{facts.link->View()}});
    ReleaseHeld(request.thread, facts.link->ticket_key, facts, actions);
    return actions;
  }
  if (!created.ticket) return {};
  TicketLink link = *created.ticket;
  link.thread = request.thread;
  actions.push_back(LinkThread{link});
  actions.push_back(PostMessage{"confirm:" + request.view_id, request.thread, ConfirmationContent{link.View()}});
  // The files shared with the mention that offered this form become the
  // new ticket's attachments (a later mention replaced the saved one: its
  // own form brings its files).
  if (facts.mention && !facts.mention->files.empty() && !request.mention_ts.empty() &&
      facts.mention->mention_ts == request.mention_ts) {
    actions.push_back(
        CopyFilesOf(link.ticket_key, request.thread, request.mention_ts, request.user, facts.mention->files));
  }
  ReleaseHeld(request.thread, link.ticket_key, facts, actions);
  return actions;
}

// Files that did not reach the ticket are told in the thread, in one post.
Actions OnFilesCopied(const FilesCopied& copied) {
  if (copied.not_copied.empty()) return {};
  std::string text = ":paperclip: " + copied.request.ticket_key + ": ";
  for (size_t i = 0; i < copied.not_copied.size(); ++i) {
    text += (i == 0 ? "" : "; ") + NotCopiedLine(copied.not_copied[i]);
  }
  return {PostMessage{"notcopied:" + copied.request.key, copied.request.thread, NoticeContent{text + "."}}};
}

// An agent's attachment that could not be uploaded is told in one line.
Actions OnUploaded(const AttachmentUploaded& uploaded) {
  if (!uploaded.not_copied) return {};
  const UploadToSlack& request = uploaded.request;
  return {PostMessage{"notcopied:" + request.key, request.thread,
                      NoticeContent{":paperclip: " + request.ticket_key + ": " +
                                    NotCopiedLine(*uploaded.not_copied) + "."}}};
}

Actions OnPosted(const MessagePosted& posted) {
  if (const auto* confirmation = std::get_if<ConfirmationContent>(&posted.post.content)) {
    return {RecordConfirmation{confirmation->ticket.key, posted.ts}};
  }
  // A relay's posts are kept, so an edit or deletion in the helpdesk can
  // update them (rows from before they were kept have no comment id).
  const auto* relay = std::get_if<AgentCommentContent>(&posted.post.content);
  if (relay != nullptr && !relay->comment_id.empty()) {
    std::vector<std::string> posts = posted.part_ts.empty() ? std::vector<std::string>{posted.ts} : posted.part_ts;
    return {RecordRelay{relay->ticket_key,
                        RelayedComment{relay->comment_id, relay->comment_updated_ms, posts, false, relay->agent}}};
  }
  return {};
}

// The comment a message became last is kept, so its next edit can link
// to it.
Actions OnCommentAdded(const CommentAdded& added) {
  const AddComment& request = added.request;
  if (added.comment_id.empty()) return {};
  return {RecordReplyComment{request.channel, request.ts, request.ticket_key, added.comment_id}};
}

Actions OnRetrying(const EffectRetrying& retrying) {
  const auto* create = std::get_if<CreateTicket>(&retrying.effect);
  if (create == nullptr) return {};
  // Tell the customer once (one key per form) that the request is safe.
  return {PostMessage{"queued:" + create->view_id, create->thread,
                      NoticeContent{":hourglass_flowing_sand: The helpdesk is not answering right now (" +
                                    retrying.reason +
                                    "). Your request is saved and queued; I'll post the ticket here as soon as it is "
                                    "created."}}};
}

Actions OnFailed(const EffectFailed& failed) {
  if (const auto* upload = std::get_if<UploadToSlack>(&failed.effect)) {
    return OnUploaded(AttachmentUploaded{
        *upload, NotCopied{upload->attachment.name, 0, 0, "Slack did not take it (" + failed.message + ")"}});
  }
  if (const auto* copy = std::get_if<CopyFiles>(&failed.effect)) {
    // Given up on: said in the thread, not left to silence.
    return {PostMessage{"notcopied:" + copy->key, copy->thread,
                        NoticeContent{":paperclip: " + copy->ticket_key + ": the files of this message were not "
                                      "copied: " + failed.message + "."}}};
  }
  const auto* create = std::get_if<CreateTicket>(&failed.effect);
  if (create == nullptr) return {};
  return {PostMessage{"failed:" + create->view_id, create->thread,
                      NoticeContent{":warning: Sorry, the helpdesk refused this request: " + failed.message +
                                    ". Please check the details and press Submit request again, or contact support "
                                    "directly."}}};
}

// A SIGHUP changed the channel's policy: sync stops (told once) or resumes.
Actions OnReviewed(const Facts& facts) {
  if (!facts.link) return {};
  if (!facts.channel_allowed) return StopSync(facts);
  if (facts.link->sync_stopped) return {RecordSyncStopped{facts.link->ticket_key, false}};
  return {};
}

Actions OnNotAllowed(const EffectNotAllowed& refused) {
  const auto* create = std::get_if<CreateTicket>(&refused.effect);
  if (create == nullptr) return {};
  return {PostEphemeral{"notenabled:" + create->view_id, create->thread.channel, create->user,
                        create->thread.thread_ts, kNoLongerServed}};
}

// The ticket's link and the policy of the link's channel.
FactsQuery LinkPolicyQuery(const std::string& ticket_key) {
  FactsQuery query{std::nullopt, ticket_key, false, ""};
  query.link_channel = true;
  return query;
}

}  // namespace

FactsQuery NeededFacts(const Event& event, std::string_view bot_user_id) {
  return std::visit(Overloaded{
                        [&](const MessageReceived& e) {
                          bool reply = !e.thread_ts.empty() && e.thread_ts != e.ts;
                          if (!reply && !e.app_mention && !Mentions(e.text, bot_user_id)) return FactsQuery{};
                          FactsQuery query{ThreadOf(e), "", false, e.channel};
                          query.create_pending = reply;
                          if (e.subtype == "message_changed") query.reply_ts = e.ts;
                          return query;
                        },
                        [](const ButtonClicked& e) {
                          auto thread = DecodeThread(e.value);
                          return FactsQuery{thread, "", true, thread ? thread->channel : ""};
                        },
                        [](const FormSubmitted& e) {
                          auto metadata = DecodeFormMetadata(e.private_metadata);
                          return FactsQuery{std::nullopt, "", false, metadata ? metadata->thread.channel : ""};
                        },
                        [](const FormTypeChosen& e) {
                          auto metadata = DecodeFormMetadata(e.private_metadata);
                          return FactsQuery{std::nullopt, "", false, metadata ? metadata->thread.channel : ""};
                        },
                        [](const TicketCreated& e) {
                          // The mention: its files go to the new ticket.
                          FactsQuery query{e.request.thread, "", true, ""};
                          query.held_replies = true;
                          return query;
                        },
                        [](const TicketActivity& e) {
                          FactsQuery query = LinkPolicyQuery(e.ticket_key);
                          query.relayed = e.current.has_value();
                          return query;
                        },
                        [](const TicketReopened& e) { return LinkPolicyQuery(e.request.ticket_key); },
                        [](const LinkReviewed& e) { return LinkPolicyQuery(e.ticket_key); },
                        [](const auto&) { return FactsQuery{}; },
                    },
                    event);
}

std::vector<Action> Handle(const Event& event, const Facts& facts) {
  return std::visit(Overloaded{
                        [&](const MessageReceived& e) { return OnMessage(e, facts); },
                        [&](const ButtonClicked& e) { return OnClick(e, facts); },
                        [&](const FormSubmitted& e) { return OnSubmit(e, facts); },
                        [&](const FormTypeChosen& e) { return OnTypeChosen(e, facts); },
                        [&](const FormPrepared& e) { return OnPrepared(e); },
                        [&](const TicketCreated& e) { return OnCreated(e, facts); },
                        [&](const MessagePosted& e) { return OnPosted(e); },
                        [&](const CommentAdded& e) { return OnCommentAdded(e); },
                        [&](const FilesCopied& e) { return OnFilesCopied(e); },
                        [&](const AttachmentUploaded& e) { return OnUploaded(e); },
                        [&](const TicketReopened& e) { return OnReopened(e, facts); },
                        [&](const EffectRetrying& e) { return OnRetrying(e); },
                        [&](const EffectFailed& e) { return OnFailed(e); },
                        [&](const TicketActivity& e) { return OnActivity(e, facts); },
                        [&](const LinkReviewed&) { return OnReviewed(facts); },
                        [&](const EffectNotAllowed& e) { return OnNotAllowed(e); },
                    },
                    event);
}

FactsQuery NeededFacts(const Effect& effect) {
  if (const auto* create = std::get_if<CreateTicket>(&effect)) {
    return FactsQuery{create->thread, "", false, create->thread.channel};
  }
  return FactsQuery{};
}

std::optional<Event> Precheck(const Effect& effect, const Facts& facts) {
  const auto* create = std::get_if<CreateTicket>(&effect);
  if (create == nullptr) return std::nullopt;
  // A SIGHUP took the channel out of allowed_channels since the form was
  // submitted: no ticket is raised there any more.
  if (!facts.channel_allowed) return Event{EffectNotAllowed{effect}};
  if (!facts.link) return std::nullopt;
  return Event{TicketCreated{*create, std::nullopt}};
}

std::vector<FieldError> ValidateForm(const FormSubmitted& form) {
  std::vector<FieldError> errors;
  if (form.callback_id != kRequestCallback) return errors;
  if (std::string problem = ValidateSummary(form.summary); !problem.empty()) {
    errors.push_back(FieldError{kSummaryBlock, problem});
  }
  // An input's block_id is its field's id.
  for (const SubmittedField& field : form.fields) {
    if (std::string problem = ValidateField(field); !problem.empty()) {
      errors.push_back(FieldError{field.value.field_id, problem});
    }
  }
  return errors;  // none: a bare ack closes the form
}

}  // namespace bridge
