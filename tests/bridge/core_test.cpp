// The core's decisions as tables: event and facts in, actions out, one row
// per rule of contract.md's behaviours 1-6, 8 and 9 (7, the socket's
// lifecycle, is not the core's). Every row names the rule it states.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "bridge/core.h"
#include "bridge/form.h"
#include "core_printers.h"

using namespace bridge;

namespace {

constexpr const char* kBot = "UBOT";

struct Row {
  const char* rule;
  Event event;
  Facts facts;
  std::vector<Action> expected;
};

Facts Known(std::optional<TicketLink> link = std::nullopt, bool allowed = true) {
  Facts facts;
  facts.bot_user_id = kBot;
  facts.helpdesk_account_id = "agent-bot";
  facts.channel_allowed = allowed;
  facts.link = std::move(link);
  return facts;
}

TicketLink Linked(std::string status = "Waiting for support", StatusCategory category = StatusCategory::kNew,
                  std::string confirmation_ts = "1.9") {
  TicketLink link;
  link.thread = {"C1", "1.1"};
  link.ticket_key = "HD-7";
  link.ticket_id = "10007";
  link.web_url = "https://help.test/HD-7";
  link.summary = "Printer on fire";
  link.status = {category, std::move(status)};
  link.confirmation_ts = std::move(confirmation_ts);
  link.comment_cursor = "c1";
  return link;
}

RichText Said(std::vector<Inline> inlines) { return RichText{{Paragraph(std::move(inlines))}}; }

MessageReceived Message(std::string ts, std::string thread_ts, RichText text, bool app_mention = false) {
  MessageReceived m;
  m.app_mention = app_mention;
  m.channel = "C1";
  m.user = "U1";
  m.ts = std::move(ts);
  m.thread_ts = std::move(thread_ts);
  m.text = std::move(text);
  return m;
}

MessageReceived With(MessageReceived m, void (*change)(MessageReceived&)) {
  change(m);
  return m;
}

const RichText kMention = Said({UserMention(kBot), Text(" the printer is on fire")});
const RichText kReply = Said({Text("still broken")});

AddComment Comment(std::string key, std::string ts, RichText text, bool edit = false, std::string edited = "") {
  AddComment c;
  c.key = std::move(key);
  c.ticket_key = "HD-7";
  std::string id = "C1:" + ts + (edit ? ":" + edited : "");
  c.marker = Marker(edit ? "slackdeskedit" : "slackdeskmsg", id);
  c.user = "U1";
  c.text = std::move(text);
  c.channel = "C1";
  c.ts = std::move(ts);
  c.edit = edit;
  return c;
}

CreateTicket Create() {
  return CreateTicket{"create:V1", {"C1", "1.1"},     "V1", "U1", "Printer on fire", "It smokes.", {},
                      {},          TicketMarker("V1")};
}

HelpdeskComment AgentSays(std::string id, bool is_public = true, std::string author = "agent-1") {
  return HelpdeskComment{
      std::move(id), std::move(author), "Grace Hopper", Said({Text("Try turning it off")}), is_public,
      false,         1700000000000,     1700000000000};
}

TicketActivity Activity(std::vector<HelpdeskComment> comments,
                        TicketStatus status = {StatusCategory::kNew, "Waiting for support"}) {
  return TicketActivity{"HD-7", 1700000001000, std::move(status), std::move(comments), "c9"};
}

void Check(const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    INFO(row.rule);
    CHECK(Handle(row.event, row.facts) == row.expected);
  }
}

}  // namespace

TEST_CASE("behaviour 1: a mention is answered with the Submit request button", "[bridge][core]") {
  // With no one else mentioned the pre-fill is known at once: the mention
  // is kept for the form and the button goes out in the same step.
  auto answered = [](std::string ts, std::string thread_ts) -> std::vector<Action> {
    ThreadRef thread{"C1", thread_ts};
    return {SaveMention{thread, ts, "U1", "the printer is on fire", "the printer is on fire"},
            PostMessage{"prompt:C1:" + ts, thread, PromptContent{"U1", "C1|" + thread_ts}}};
  };
  RichText with_colleague = Said({UserMention(kBot), Text(" "), UserMention("U2"), Text(" cannot print")});
  Check({
      {"an app_mention at the top starts its own thread", Message("1.1", "", kMention, true), Known(),
       answered("1.1", "1.1")},
      {"a mention inside a thread answers in that thread", Message("1.5", "1.1", kMention, true), Known(),
       answered("1.5", "1.1")},
      {"a plain message that mentions the bot counts as a mention", Message("1.1", "", kMention), Known(),
       answered("1.1", "1.1")},
      {"naming a colleague first asks Slack for their name", Message("1.1", "", with_colleague, true), Known(),
       {PrepareForm{"offer:C1:1.1", {"C1", "1.1"}, "1.1", "U1", with_colleague, kBot}}},
      {"outside allowed_channels only the author is told", Message("1.1", "", kMention, true),
       Known(std::nullopt, false),
       {PostEphemeral{"notenabled:C1:1.1", "C1", "U1", "",
                      "slackdesk is not enabled in this channel. Please ask in one of the support channels, or ask "
                      "an admin to add this one."}}},
      {"a mention in a linked thread is a reply, and is shown the ticket", Message("1.5", "1.1", kMention, true),
       Known(Linked()),
       {Comment("comment:C1:1.5", "1.5", Said({Text("the printer is on fire")})),
        PostMessage{"existing:C1:1.5", {"C1", "1.1"}, ExistingTicketContent{Linked().View()}}}},
  });
  PrepareForm prepare{"offer:C1:1.1", {"C1", "1.1"}, "1.1", "U1", with_colleague, kBot};
  FormPrepared prepared{prepare, "@Ada cannot print", "@Ada cannot print"};
  CHECK(Handle(prepared, Known()) ==
        std::vector<Action>{SaveMention{{"C1", "1.1"}, "1.1", "U1", "@Ada cannot print", "@Ada cannot print"},
                            PostMessage{"prompt:C1:1.1", {"C1", "1.1"}, PromptContent{"U1", "C1|1.1"}}});
}

TEST_CASE("behaviour 2: the button opens the form pre-filled from the mention", "[bridge][core]") {
  ButtonClicked click{"E1", "U1", kOpenFormAction, "C1|1.1", "trigger-1"};
  Facts with_mention = Known();
  with_mention.mention = SavedMention{"1.1", "Printer on fire", "Printer on fire\nsince this morning"};
  Check({
      {"the form carries the thread and the saved pre-fill", click, with_mention,
       {OpenForm{"trigger-1", {"C1", "1.1"}, "Printer on fire", "Printer on fire\nsince this morning", "1.1"}}},
      {"without a saved mention the form opens empty", click, Known(), {OpenForm{"trigger-1", {"C1", "1.1"}, "", ""}}},
      {"a thread that has its ticket gets a private note instead", click, Known(Linked()),
       {PostEphemeral{"click:E1", "C1", "U1", "1.1", "This thread already has a ticket: HD-7 https://help.test/HD-7"}}},
      {"another app's button is not ours", ButtonClicked{"E1", "U1", "other_action", "C1|1.1", "t"}, Known(), {}},
  });
  CHECK(NeededFacts(Event{click}, kBot).thread == ThreadRef{"C1", "1.1"});
  CHECK(NeededFacts(Event{click}, kBot).mention);
}

TEST_CASE("behaviour 3: a form is checked in the ack, then raises the ticket and confirms", "[bridge][core]") {
  FormSubmitted form{"E2", "V1", kRequestCallback, "U1", "C1|1.1", "Printer on fire", "It smokes.", {}};
  FormSubmitted blank = form;
  blank.summary = " \t ";
  CHECK(ValidateForm(form).empty());
  CHECK(ValidateForm(blank) == std::vector<FieldError>{{kSummaryBlock, "Please describe the problem in a few words."}});
  FormSubmitted other = blank;
  other.callback_id = "someone_else";
  CHECK(ValidateForm(other).empty());

  // The request type's fields: each checked as the form showed it, each
  // error under its own block, and the values sent trimmed.
  FormSubmitted typed = form;
  typed.private_metadata = "C1|1.1|3|10";
  typed.fields = {
      {{"priority", FieldKind::kSelect, {"2"}}, "Priority", true, 0},
      {{"labels", FieldKind::kWords, {"  vpn  outage "}}, "Labels", false, 0},
      {{"customfield_1", FieldKind::kDate, {"2026-02-28"}}, "Due", false, 0},
      {{"customfield_2", FieldKind::kNumber, {"1.5"}}, "Seats", false, 0},
      {{"customfield_3", FieldKind::kParagraph, {""}}, "Notes", false, 3000},
  };
  CHECK(ValidateForm(typed).empty());
  CreateTicket typed_create = Create();
  typed_create.target = {"3", "10"};
  typed_create.fields = {{"priority", FieldKind::kSelect, {"2"}},
                         {"labels", FieldKind::kWords, {"vpn", "outage"}},
                         {"customfield_1", FieldKind::kDate, {"2026-02-28"}},
                         {"customfield_2", FieldKind::kNumber, {"1.5"}}};
  FormSubmitted wrong = typed;
  wrong.summary = "";
  wrong.fields[0].value.values = {" "};
  wrong.fields[2].value.values = {"2026-02-30"};
  wrong.fields[3].value.values = {"1,5"};
  wrong.fields[4] = {{"customfield_3", FieldKind::kText, {std::string(256, 'x')}}, "Notes", false, 255};
  CHECK(ValidateForm(wrong) ==
        std::vector<FieldError>{{kSummaryBlock, "Please describe the problem in a few words."},
                                {"priority", "Please fill in Priority."},
                                {"customfield_1", "Please pick a date."},
                                {"customfield_2", "Please enter a number, like 42 or 1.5."},
                                {"customfield_3", "Please keep this to 255 characters or fewer."}});

  TicketLink created = Linked("Waiting for support", StatusCategory::kNew, "");
  created.comment_cursor = "";
  TicketCreated done{Create(), created};
  Check({
      {"a valid form raises the ticket, keyed by its view", form, Known(), {Create()}},
      {"the request type's fields go with it, to the form's target", typed, Known(), {typed_create}},
      {"a form still invalid after the ack raises nothing",
       wrong,
       Known(),
       {Note{"envelope=E2: form view=V1 without a thread or with invalid values; ignored"}}},
      {"the new ticket links the thread and is confirmed",
       done,
       Known(),
       {LinkThread{created}, PostMessage{"confirm:V1", {"C1", "1.1"}, ConfirmationContent{created.View()}}}},
      {"a second form of a linked thread is shown the ticket it has",
       done,
       Known(Linked()),
       {PostMessage{"existing:V1", {"C1", "1.1"}, ExistingTicketContent{Linked().View()}}}},
      {"the confirmation's ts is kept, to update it later",
       MessagePosted{PostMessage{"confirm:V1", {"C1", "1.1"}, ConfirmationContent{created.View()}}, "1.9"},
       Known(),
       {RecordConfirmation{"HD-7", "1.9"}}},
      {"other posts need nothing more",
       MessagePosted{PostMessage{"prompt:C1:1.1", {"C1", "1.1"}, PromptContent{"U1", "C1|1.1"}}, "1.2"},
       Known(),
       {}},
      {"a helpdesk that does not answer: the customer is told once it is queued",
       EffectRetrying{Create(), "timeout"},
       Known(),
       {PostMessage{
           "queued:V1",
           {"C1", "1.1"},
           NoticeContent{":hourglass_flowing_sand: The helpdesk is not answering right now (timeout). Your "
                         "request is saved and queued; I'll post the ticket here as soon as it is created."}}}},
      {"a refusal is explained in the thread",
       EffectFailed{Create(), "summary is too long"},
       Known(),
       {PostMessage{"failed:V1",
                    {"C1", "1.1"},
                    NoticeContent{":warning: Sorry, the helpdesk refused this request: summary is too long. Please "
                                  "check the details and press Submit request again, or contact support directly."}}}},
      {"a retried post needs no notice", EffectRetrying{PostMessage{}, "rate_limited"}, Known(), {}},
  });
}

TEST_CASE("behaviour 4: agents' public comments reach the thread, nothing else does", "[bridge][core]") {
  PostMessage relay{"relay:HD-7:41", {"C1", "1.1"},
                    AgentCommentContent{"Grace Hopper", "HD-7", Said({Text("Try turning it off")}), 1700000000000,
                                        "41", 1700000000000}};
  RecordSyncPosition position{"HD-7", "c9", 1700000001000};
  HelpdeskComment ours = AgentSays("43");
  ours.written_by_slackdesk = true;
  Check({
      {"a public comment is relayed, then the position kept", Activity({AgentSays("41")}), Known(Linked()),
       {relay, position}},
      {"an internal note never is", Activity({AgentSays("42", false)}), Known(Linked()), {position}},
      {"a comment by slackdesk's own account never comes back", Activity({AgentSays("44", true, "agent-bot")}),
       Known(Linked()), {position}},
      {"a comment carrying slackdesk's marker never comes back", Activity({ours}), Known(Linked()), {position}},
      {"a ticket no longer linked is left alone", Activity({AgentSays("41")}), Known(), {}},
  });
}

TEST_CASE("issue 14.2: agents' public attachments go to the thread, internal and our own never",
          "[bridge][core][files]") {
  HelpdeskAttachment shot{"10042", "screen.png", "image/png", 5000, "agent-1", "Grace Hopper", true, 1700000000500};
  HelpdeskAttachment internal = shot;
  internal.id = "10043";
  internal.is_public = false;
  HelpdeskAttachment ours = shot;
  ours.id = "10044";
  ours.author_id = "agent-bot";  // a file copied from Slack by slackdesk
  auto with = [](std::vector<HelpdeskComment> comments, std::vector<HelpdeskAttachment> attachments) {
    TicketActivity activity = Activity(std::move(comments));
    activity.attachments = std::move(attachments);
    return activity;
  };
  PostMessage relay{"relay:HD-7:41", {"C1", "1.1"},
                    AgentCommentContent{"Grace Hopper", "HD-7", Said({Text("Try turning it off")}), 1700000000000,
                                        "41", 1700000000000}};
  UploadToSlack upload{"attach:HD-7:10042", "HD-7", {"C1", "1.1"}, shot};
  RecordSyncPosition position{"HD-7", "c9", 1700000001000};
  Check({
      {"a public attachment is uploaded after the comment it came with", with({AgentSays("41")}, {shot}),
       Known(Linked()), {relay, upload, position}},
      {"one added alone is uploaded too", with({}, {shot}), Known(Linked()), {upload, position}},
      {"an internal one never is", with({}, {internal}), Known(Linked()), {position}},
      {"one slackdesk attached (a file from Slack) never comes back", with({}, {ours}), Known(Linked()), {position}},
      {"none while the channel is not served", with({}, {shot}), Known(Linked(), false),
       {RecordSyncStopped{"HD-7", true},
        PostMessage{"syncstopped:HD-7", {"C1", "1.1"},
                    NoticeContent{":no_entry: Sync with HD-7 has stopped: slackdesk no longer serves this channel. "
                                  "Replies here no longer reach the ticket, and the helpdesk's answers no longer "
                                  "appear here."}}}},
  });
  PostMessage too_large{"notcopied:attach:HD-7:10042", {"C1", "1.1"},
                        NoticeContent{":paperclip: HD-7: screen.png not copied: 1.5 GB, limit 1 GB."}};
  Check({
      {"an upload done says nothing more", AttachmentUploaded{upload, std::nullopt}, Known(), {}},
      {"one too large for Slack is told in one line",
       AttachmentUploaded{upload, NotCopied{"screen.png", 3LL << 29, 1LL << 30}}, Known(), {too_large}},
      {"one Slack refused for good is told in one line", EffectFailed{upload, "slack: not_in_channel"}, Known(),
       {PostMessage{"notcopied:attach:HD-7:10042", {"C1", "1.1"},
                    NoticeContent{":paperclip: HD-7: screen.png not copied: Slack did not take it (slack: "
                                  "not_in_channel)."}}}},
  });
}

TEST_CASE("an agent's edit or deletion of a relayed comment updates its posts in place", "[bridge][core]") {
  // Comment 41 was relayed in two posts at version 1700000000000.
  Facts relayed = Known(Linked());
  relayed.relayed = {RelayedComment{"41", 1700000000000, {"2.1", "2.2"}, false, "Grace Hopper"}};
  RecordSyncPosition position{"HD-7", "c9", 1700000001000};
  auto with_current = [](std::vector<HelpdeskComment> current) {
    TicketActivity activity = Activity({});
    activity.current = std::move(current);
    return activity;
  };
  HelpdeskComment edited = AgentSays("41");
  edited.body = Said({Text("Try turning it off and on")});
  edited.updated_ms = 1700000005000;
  HelpdeskComment made_internal = edited;
  made_internal.is_public = false;
  RelayedComment edited_kept{"41", 1700000005000, {"2.1", "2.2"}, false, "Grace Hopper"};
  RelayedComment deleted_kept{"41", 1700000000000, {"2.1", "2.2"}, true, "Grace Hopper"};
  // Who wrote it is still said (kept with the posts), the text is not.
  UpdateRelay deletion{"relaydel:HD-7:41", "C1", {"2.1", "2.2"}, "Grace Hopper", "HD-7", RichText{}, true};
  Facts already_deleted = Known(Linked());
  already_deleted.relayed = {deleted_kept};
  Check({
      {"an edit updates the posts with the new text, keyed by its version, and keeps that version",
       with_current({edited}), relayed,
       {UpdateRelay{"relayedit:HD-7:41:1700000005000", "C1", {"2.1", "2.2"}, "Grace Hopper", "HD-7", edited.body,
                    false},
        RecordRelay{"HD-7", edited_kept}, position}},
      {"the same version again changes nothing", with_current({AgentSays("41")}), relayed, {position}},
      {"a comment no longer listed was deleted: its posts say so", with_current({}), relayed,
       {deletion, RecordRelay{"HD-7", deleted_kept}, position}},
      {"an edit that made it internal is a deletion: no internal text, no stale public one",
       with_current({made_internal}), relayed, {deletion, RecordRelay{"HD-7", deleted_kept}, position}},
      {"a deletion is shown once", with_current({}), already_deleted, {position}},
      {"a backend whose comments never change says nothing of them", Activity({}), relayed, {position}},
  });
  CHECK(NeededFacts(Event{with_current({})}, kBot).relayed);
  CHECK_FALSE(NeededFacts(Event{Activity({})}, kBot).relayed);
}

TEST_CASE("a relay's posts are kept with the version they show", "[bridge][core]") {
  PostMessage relay{"relay:HD-7:41", {"C1", "1.1"},
                    AgentCommentContent{"Grace Hopper", "HD-7", Said({Text("hi")}), 1700000000000, "41",
                                        1700000000000}};
  PostMessage old_row = relay;
  std::get<AgentCommentContent>(old_row.content).comment_id = "";
  Check({
      {"every part's ts", MessagePosted{relay, "2.1", {"2.1", "2.2"}}, Known(),
       {RecordRelay{"HD-7", RelayedComment{"41", 1700000000000, {"2.1", "2.2"}, false, "Grace Hopper"}}}},
      {"a row from before the ids were kept: nothing to keep", MessagePosted{old_row, "2.1", {"2.1"}}, Known(), {}},
  });
}

TEST_CASE("behaviour 4: status changes update the confirmation and announce a resolution", "[bridge][core]") {
  TicketStatus progress{StatusCategory::kInProgress, "In progress"};
  TicketStatus resolved{StatusCategory::kDone, "Resolved"};
  TicketView in_progress = Linked().View();
  in_progress.status = "In progress";
  TicketView done = Linked().View();
  done.status = "Resolved";
  RecordSyncPosition position{"HD-7", "c9", 1700000001000};
  UpdateConfirmation show_resolved{"status:HD-7:1700000001000:Resolved", "C1", "1.9", done};
  PostMessage resolved_note{"resolved:HD-7:1700000001000:Resolved", {"C1", "1.1"},
                            NoticeContent{"HD-7 is now Resolved. If something is still wrong, just reply here: "
                                          "replies still reach the ticket."}};
  Check({
      {"a new status is recorded and shown on the confirmation", Activity({}, progress), Known(Linked()),
       {RecordStatus{"HD-7", progress},
        UpdateConfirmation{"status:HD-7:1700000001000:In progress", "C1", "1.9", in_progress}, position}},
      {"a resolution also posts one note", Activity({}, resolved), Known(Linked()),
       {RecordStatus{"HD-7", resolved}, show_resolved, resolved_note, position}},
      {"without a confirmation yet there is nothing to update", Activity({}, progress),
       Known(Linked("Waiting for support", StatusCategory::kNew, "")), {RecordStatus{"HD-7", progress}, position}},
      {"the same status again changes nothing", Activity({}), Known(Linked()), {position}},
      {"resolved in the tick it was stalled in: a key of its own", Activity({}, resolved),
       Known(Linked("Stalled", StatusCategory::kInProgress)),
       {RecordStatus{"HD-7", resolved}, show_resolved, resolved_note, position}},
  });
}

TEST_CASE("behaviour 5: a person's reply in a linked thread becomes a comment", "[bridge][core]") {
  MessageReceived reply = Message("1.5", "1.1", kReply);
  MessageReceived with_file = reply;
  with_file.subtype = "file_share";
  with_file.files = {SharedFile{"log.txt", "https://files.test/log.txt"}};
  AddComment file_comment = Comment("comment:C1:1.5", "1.5", kReply);
  file_comment.files = {SharedFile{"log.txt", "https://files.test/log.txt"}};
  CopyFiles file_copy{"files:C1:1.5", "HD-7", Marker("slackdeskfiles", "C1:1.5"), ThreadRef{"C1", "1.1"}, "U1",
                      file_comment.files};
  MessageReceived edit = reply;
  edit.subtype = "message_changed";
  edit.edited_ts = "1.7";
  edit.previous_text = Said({Text("stil broken")});
  Facts recorded = Known(Linked());
  recorded.reply_comment_id = "10042";
  AddComment edit_linked = Comment("edit:C1:1.5:1.7", "1.5", kReply, true, "1.7");
  edit_linked.earlier_comment_id = "10042";
  Check({
      {"a reply names its author and keeps its text", reply, Known(Linked()),
       {Comment("comment:C1:1.5", "1.5", kReply)}},
      {"files shared with it are listed, then copied to the ticket", with_file, Known(Linked()),
       {file_comment, file_copy}},
      {"an edit becomes a comment of its own, keyed by the edit", edit, Known(Linked()),
       {Comment("edit:C1:1.5:1.7", "1.5", kReply, true, "1.7")}},
      {"an edit that changed nothing is ignored", With(edit, [](MessageReceived& m) { m.previous_text = m.text; }),
       Known(Linked()), {}},
      {"an edit carries the comment its message became, to link to it", edit, recorded, {edit_linked}},
      {"an unfurl (no edited) is not an edit", With(edit, [](MessageReceived& m) { m.edited_ts = ""; }),
       Known(Linked()), {}},
      {"bot_message is ignored", With(reply, [](MessageReceived& m) { m.subtype = "bot_message"; }), Known(Linked()),
       {}},
      {"any bot_id is ignored", With(reply, [](MessageReceived& m) { m.bot_id = "B1"; }), Known(Linked()), {}},
      {"the bot's own messages are ignored", With(reply, [](MessageReceived& m) { m.user = kBot; }), Known(Linked()),
       {}},
      {"message_deleted is ignored", With(reply, [](MessageReceived& m) { m.subtype = "message_deleted"; }),
       Known(Linked()), {}},
      {"a top-level message is not a reply", Message("1.5", "", kReply), Known(Linked()), {}},
      {"the thread's parent is not a reply", Message("1.1", "1.1", kReply), Known(Linked()), {}},
      {"a thread without a ticket is not synced", reply, Known(), {}},
  });
}

TEST_CASE("the comment a reply (or an edit) became is kept for the next edit", "[bridge][core]") {
  AddComment reply = Comment("comment:C1:1.5", "1.5", kReply);
  AddComment edit = Comment("edit:C1:1.5:1.7", "1.5", kReply, true, "1.7");
  Check({
      {"a reply's comment", CommentAdded{reply, "10042"}, Known(), {RecordReplyComment{"C1", "1.5", "HD-7", "10042"}}},
      {"an edit's comment replaces it", CommentAdded{edit, "10043"}, Known(),
       {RecordReplyComment{"C1", "1.5", "HD-7", "10043"}}},
      {"no id, nothing kept", CommentAdded{reply, ""}, Known(), {}},
  });
  MessageReceived changed = Message("1.5", "1.1", kReply);
  changed.subtype = "message_changed";
  changed.edited_ts = "1.7";
  CHECK(NeededFacts(Event{changed}, kBot).reply_ts == "1.5");
  CHECK(NeededFacts(Event{Message("1.5", "1.1", kReply)}, kBot).reply_ts.empty());
}

TEST_CASE("a reply on a resolved ticket reopens it when the workflow allows, and says so", "[bridge][core]") {
  TicketLink resolved = Linked("Resolved", StatusCategory::kDone);
  MessageReceived reply = Message("1.5", "1.1", kReply);
  MessageReceived edit = reply;
  edit.subtype = "message_changed";
  edit.edited_ts = "1.7";
  edit.previous_text = Said({Text("stil broken")});
  ReopenTicket reopen{"reopen:C1:1.5", "HD-7", {"C1", "1.1"}};
  TicketStatus waiting{StatusCategory::kInProgress, "Waiting for support"};
  TicketStatus closed{StatusCategory::kDone, "Closed"};
  TicketView shown_waiting = resolved.View();
  shown_waiting.status = "Waiting for support";
  TicketView shown_closed = resolved.View();
  shown_closed.status = "Closed";
  const std::string cannot =
      " and cannot be reopened from Slack. Your reply was added to it, but the team may not look at it again. To "
      "raise a new request, mention me in a new message in the channel (not in this thread).";
  Check({
      {"the reply's comment goes first, then the reopen, in the ticket's lane", reply, Known(resolved),
       {Comment("comment:C1:1.5", "1.5", kReply), reopen}},
      {"a reply on an open ticket reopens nothing", reply, Known(Linked()),
       {Comment("comment:C1:1.5", "1.5", kReply)}},
      {"an edit does not reopen", edit, Known(resolved), {Comment("edit:C1:1.5:1.7", "1.5", kReply, true, "1.7")}},
      {"reopened: the status is recorded, shown on the confirmation and told",
       TicketReopened{reopen, ReopenResult::kReopened, waiting}, Known(resolved),
       {RecordStatus{"HD-7", waiting}, UpdateConfirmation{"status:reopen:C1:1.5", "C1", "1.9", shown_waiting},
        PostMessage{"reopened:reopen:C1:1.5", {"C1", "1.1"},
                    NoticeContent{":leftwards_arrow_with_hook: HD-7 was reopened by this reply; it is now Waiting "
                                  "for support."}}}},
      {"open already (an automation, an agent): only the status, when it is news",
       TicketReopened{reopen, ReopenResult::kAlreadyOpen, waiting}, Known(resolved),
       {RecordStatus{"HD-7", waiting}, UpdateConfirmation{"status:reopen:C1:1.5", "C1", "1.9", shown_waiting}}},
      {"open already and shown so: nothing", TicketReopened{reopen, ReopenResult::kAlreadyOpen, waiting},
       Known(Linked("Waiting for support", StatusCategory::kInProgress)), {}},
      {"no way back: the customer is told how to raise a new request",
       TicketReopened{reopen, ReopenResult::kNotAllowed, TicketStatus{StatusCategory::kDone, "Resolved"}},
       Known(resolved), {PostMessage{"notreopened:reopen:C1:1.5", {"C1", "1.1"},
                                     NoticeContent{":warning: HD-7 is Resolved" + cannot}}}},
      {"no way back from a status the thread had not seen yet: shown, and told",
       TicketReopened{reopen, ReopenResult::kNotAllowed, closed}, Known(resolved),
       {RecordStatus{"HD-7", closed}, UpdateConfirmation{"status:reopen:C1:1.5", "C1", "1.9", shown_closed},
        PostMessage{"notreopened:reopen:C1:1.5", {"C1", "1.1"}, NoticeContent{":warning: HD-7 is Closed" + cannot}}}},
      {"a thread no longer linked hears nothing", TicketReopened{reopen, ReopenResult::kReopened, waiting}, Known(),
       {}},
  });
}

TEST_CASE("replies written while the thread's ticket is queued reach it, in order, once it exists", "[bridge][core]") {
  Facts queued = Known();
  queued.create_pending = true;
  AddComment first = Comment("comment:C1:1.5", "1.5", kReply);
  AddComment second = Comment("comment:C1:1.6", "1.6", Said({Text("and the fax too")}));
  AddComment first_kept = first;
  first_kept.ticket_key = "";
  AddComment second_kept = second;
  second_kept.ticket_key = "";
  MessageReceived edit = Message("1.5", "1.1", kReply);
  edit.subtype = "message_changed";
  edit.edited_ts = "1.7";
  edit.previous_text = Said({Text("stil broken")});
  AddComment edit_kept = Comment("edit:C1:1.5:1.7", "1.5", kReply, true, "1.7");
  edit_kept.ticket_key = "";

  TicketLink created = Linked("Waiting for support", StatusCategory::kNew, "");
  created.comment_cursor = "";
  Facts with_kept = Known();
  with_kept.held_replies = {first_kept, second_kept};
  Facts linked_with_kept = Known(Linked());
  linked_with_kept.held_replies = {first_kept};
  Check({
      {"a reply in a thread whose create is queued is kept", Message("1.5", "1.1", kReply), queued,
       {HoldReply{{"C1", "1.1"}, first_kept}}},
      {"and so is an edit", edit, queued, {HoldReply{{"C1", "1.1"}, edit_kept}}},
      {"with no create queued, a thread without a ticket is not synced", Message("1.5", "1.1", kReply), Known(), {}},
      {"the new ticket gets the kept replies as comments, after its link, in order", TicketCreated{Create(), created},
       with_kept,
       {LinkThread{created}, PostMessage{"confirm:V1", {"C1", "1.1"}, ConfirmationContent{created.View()}}, first,
        second, ReleaseHeldReplies{{"C1", "1.1"}}}},
      {"a thread that had its ticket already gets them there", TicketCreated{Create(), std::nullopt},
       linked_with_kept,
       {PostMessage{"existing:V1", {"C1", "1.1"}, ExistingTicketContent{Linked().View()}}, first,
        ReleaseHeldReplies{{"C1", "1.1"}}}},
  });
  // The look-ups: a reply asks whether a create is queued, a new ticket
  // asks for the kept replies.
  CHECK(NeededFacts(Message("1.5", "1.1", kReply), kBot).create_pending);
  CHECK(NeededFacts(TicketCreated{Create(), created}, kBot).held_replies);
}

TEST_CASE("a top-level message that does not mention the bot needs no look-up", "[bridge][core]") {
  FactsQuery none = NeededFacts(Event{Message("1.5", "", kReply)}, kBot);
  CHECK_FALSE(none.thread);
  CHECK(none.channel.empty());
  CHECK(NeededFacts(Event{Message("1.5", "1.1", kReply)}, kBot).thread == ThreadRef{"C1", "1.1"});
  CHECK(NeededFacts(Event{Message("1.5", "", kMention)}, kBot).thread == ThreadRef{"C1", "1.5"});
  CHECK(Handle(Message("1.5", "", kReply), Known()).empty());
}

TEST_CASE("allowed_channels: every path checks the channel, a removed one stops syncing once", "[bridge][core]") {
  const Facts outside = Known(std::nullopt, false);
  const Facts linked_outside = Known(Linked(), false);
  TicketLink told = Linked();
  told.sync_stopped = true;
  const Facts told_outside = Known(told, false);
  const std::string not_enabled =
      "slackdesk is not enabled in this channel. Please ask in one of the support channels, or ask an admin to add "
      "this one.";
  const std::string no_longer =
      "slackdesk no longer serves this channel, so this request was not raised. Please ask in one of the support "
      "channels.";
  const Action stop = RecordSyncStopped{"HD-7", true};
  const Action stopped_note = PostMessage{
      "syncstopped:HD-7", ThreadRef{"C1", "1.1"},
      NoticeContent{":no_entry: Sync with HD-7 has stopped: slackdesk no longer serves this channel. Replies here no "
                    "longer reach the ticket, and the helpdesk's answers no longer appear here."}};
  FormSubmitted form{"E2", "V1", kRequestCallback, "U1", "C1|1.1", "Printer on fire", "", {}};
  ButtonClicked click{"E1", "U1", kOpenFormAction, "C1|1.1", "trigger-1"};
  Check({
      {"a click outside allowed_channels opens no form",
       click,
       outside,
       {PostEphemeral{"notenabled:E1", "C1", "U1", "1.1", not_enabled}}},
      {"a form submitted after its channel was removed raises nothing",
       form,
       outside,
       {PostEphemeral{"notenabled:V1", "C1", "U1", "1.1", no_longer}}},
      {"a reply in a removed channel's linked thread is not a comment; the thread is told once",
       Message("1.5", "1.1", kReply),
       linked_outside,
       {stop, stopped_note}},
      {"told already: nothing more", Message("1.6", "1.1", kReply), told_outside, {}},
      {"an edit there neither",
       With(Message("1.5", "1.1", kReply),
            [](MessageReceived& m) {
              m.subtype = "message_changed";
              m.edited_ts = "1.9";
            }),
       told_outside,
       {}},
      {"a mention there: its author is told, and the thread once",
       Message("1.7", "1.1", kMention, true),
       linked_outside,
       {stop, stopped_note, PostEphemeral{"notenabled:C1:1.7", "C1", "U1", "1.1", not_enabled}}},
      {"agents' comments are not relayed and the position is kept",
       Activity({AgentSays("42")}),
       linked_outside,
       {stop, stopped_note}},
      {"nor a status change", Activity({}, {StatusCategory::kDone, "Resolved"}), told_outside, {}},
      {"the sync's review of a removed channel stops it, once",
       LinkReviewed{"HD-7"},
       linked_outside,
       {stop, stopped_note}},
      {"reviewed again: nothing", LinkReviewed{"HD-7"}, told_outside, {}},
      {"the channel allowed again: sync resumes",
       LinkReviewed{"HD-7"},
       Known(told),
       {RecordSyncStopped{"HD-7", false}}},
      {"a create refused by Precheck tells the submitter",
       EffectNotAllowed{Create()},
       Known(),
       {PostEphemeral{"notenabled:V1", "C1", "U1", "1.1", no_longer}}},
  });
  // Resumed by activity too: what agents wrote meanwhile comes over.
  auto resumed = Handle(Activity({AgentSays("42")}), Known(told));
  REQUIRE(resumed.size() == 3);
  CHECK(resumed[0] == Action{RecordSyncStopped{"HD-7", false}});
  CHECK(std::get<PostMessage>(resumed[1]).key == "relay:HD-7:42");
  // A pending create of a removed channel does not run.
  CHECK(Precheck(Create(), outside) == std::optional<Event>(EffectNotAllowed{Create()}));
  CHECK(Precheck(Create(), Known(Linked(), false)) == std::optional<Event>(EffectNotAllowed{Create()}));
  // Every event that acts in a channel asks for its policy.
  CHECK(NeededFacts(Event{click}, kBot).channel == "C1");
  CHECK(NeededFacts(Event{form}, kBot).channel == "C1");
  CHECK(NeededFacts(Event{Message("1.5", "1.1", kReply)}, kBot).channel == "C1");
  CHECK(NeededFacts(Event{Activity({})}, kBot).link_channel);
  CHECK(NeededFacts(Event{LinkReviewed{"HD-7"}}, kBot).link_channel);
  CHECK(NeededFacts(Effect{Create()}).channel == "C1");
}

TEST_CASE("behaviour 6: the same cause always gives the same keys", "[bridge][core]") {
  MessageReceived mention = Message("1.1", "", kMention, true);
  CHECK(Handle(mention, Known()) == Handle(mention, Known()));
  FormSubmitted form{"E2", "V1", kRequestCallback, "U1", "C1|1.1", "Printer on fire", "", {}};
  FormSubmitted again = form;
  again.envelope_id = "E3";  // a redelivery in another envelope
  CHECK(Handle(form, Known()) == Handle(again, Known()));
  // A form of a thread that got its ticket meanwhile is not run again.
  CHECK(Precheck(Create(), Known(Linked())) == std::optional<Event>(TicketCreated{Create(), std::nullopt}));
  CHECK(Precheck(Create(), Known()) == std::nullopt);
  CHECK(Precheck(PostMessage{}, Known(Linked())) == std::nullopt);
  // Lanes: posts per channel, comments per ticket, creates per thread.
  CHECK(LaneOf(Create()) == "create:C1:1.1");
  CHECK(LaneOf(Comment("comment:C1:1.5", "1.5", kReply)) == "helpdesk:HD-7");
  CHECK(LaneOf(PostEphemeral{"k", "C9", "U1", "", "x"}) == "slack:C9");
}

TEST_CASE("behaviour 8: input that leads nowhere is noted, never acted on", "[bridge][core]") {
  FormSubmitted no_thread{"E2", "V1", kRequestCallback, "U1", "garbage", "Printer", "", {}};
  FormSubmitted blank{"E2", "V1", kRequestCallback, "U1", "C1|1.1", "  ", "", {}};
  Check({
      {"a button value naming no thread",
       ButtonClicked{"E1", "U1", kOpenFormAction, "nope", "t"},
       Known(),
       {Note{"envelope=E1: button value 'nope' names no thread; ignored"}}},
      {"a form without its thread",
       no_thread,
       Known(),
       {Note{"envelope=E2: form view=V1 without a thread or with invalid values; ignored"}}},
      {"a blank summary that slipped past the ack",
       blank,
       Known(),
       {Note{"envelope=E2: form view=V1 without a thread or with invalid values; ignored"}}},
      {"a message without a user",
       With(Message("1.5", "1.1", kReply), [](MessageReceived& m) { m.user = ""; }),
       Known(Linked()),
       {}},
  });
}

TEST_CASE("behaviour 9: text crosses as text, never as markup", "[bridge][core]") {
  // A customer's words reach the comment as the rich text Slack's parser
  // made of them: a broadcast stays a kBroadcast inline the helpdesk's
  // renderer shows inert, never raw markup the core would pass through.
  Inline broadcast{Inline::Kind::kBroadcast, "channel", "", kNoMark};
  MessageReceived reply = Message("1.5", "1.1", Said({Text("{noformat} *bold* "), broadcast}));
  auto actions = Handle(reply, Known(Linked()));
  REQUIRE(actions.size() == 1);
  const auto& comment = std::get<AddComment>(actions[0]);
  CHECK(comment.text == Said({Text("{noformat} *bold* "), broadcast}));
}

TEST_CASE("behaviour 10: a type chosen in an open form updates that form, keeping what was typed", "[bridge][core]") {
  FormTypeChosen chosen{"E5",  "U1",           "V1", "h1", "C1|1.1|3|10|1.3", "11", "Export crashes",
                        "Dies.", {{{"customfield_300", FieldKind::kParagraph, {"1. Export"}}, "Steps", true, 3000}}};
  Check({
      {"the form follows the type chosen", chosen, Known(),
       {UpdateForm{"V1", "h1", {"C1", "1.1"}, "1.3", {"3", "11"}, "Export crashes", "Dies.",
                   {{"customfield_300", FieldKind::kParagraph, {"1. Export"}}}}}},
      {"a channel no longer served gets no form", chosen, Known(std::nullopt, false), {}},
  });
  FormTypeChosen broken = chosen;
  broken.private_metadata = "garbage";
  CHECK(Handle(broken, Known()) ==
        std::vector<Action>{Note{"envelope=E5: a type chosen in view=V1 without a thread or type; ignored"}});
  CHECK(NeededFacts(Event{chosen}, kBot).channel == "C1");
}
