// Files on their way from Slack to the helpdesk (issue 14, item 1): which
// message's files are copied to which ticket, once, and what is said when a
// file cannot be; the sizes and lines both sides show. Pure.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "bridge/compose.h"
#include "bridge/core.h"
#include "bridge/form.h"
#include "bridge/markup_support.h"
#include "core_printers.h"

using namespace bridge;

namespace {

constexpr const char* kBot = "UBOT";

const SharedFile kLog{"vpn.log",    "https://fake.slack.test/files/U1/F1/vpn.log",
                      "F1",         "https://files.slack.com/files-pri/T1-F1/download/vpn.log",
                      "text/plain", 120};

Facts Known(std::optional<TicketLink> link = std::nullopt) {
  Facts facts;
  facts.bot_user_id = kBot;
  facts.link = std::move(link);
  return facts;
}

TicketLink Linked() {
  TicketLink link;
  link.thread = {"C1", "1.1"};
  link.ticket_key = "HD-7";
  link.web_url = "https://help.test/HD-7";
  link.status = {StatusCategory::kNew, "Waiting for support"};
  return link;
}

MessageReceived Shared(std::string ts, std::string thread_ts, RichText text, bool mention = false) {
  MessageReceived m;
  m.app_mention = mention;
  m.subtype = mention ? "" : "file_share";
  m.channel = "C1";
  m.user = "U1";
  m.ts = std::move(ts);
  m.thread_ts = std::move(thread_ts);
  m.text = std::move(text);
  m.files = {kLog};
  return m;
}

RichText Said(std::vector<Inline> inlines) { return RichText{{Paragraph(std::move(inlines))}}; }

CopyFiles Copy(const std::string& ts, const std::string& ticket = "HD-7") {
  return CopyFiles{"files:C1:" + ts, ticket, Marker("slackdeskfiles", "C1:" + ts), {"C1", "1.1"}, "U1", {kLog}};
}

}  // namespace

TEST_CASE("sizes read as people read them, cut rather than rounded up", "[bridge][files]") {
  CHECK(FormatSize(900) == "900 bytes");
  CHECK(FormatSize(1024) == "1 KB");
  CHECK(FormatSize(42LL * 1024 * 1024) == "42 MB");
  CHECK(FormatSize(10LL * 1024 * 1024) == "10 MB");
  // Just over a 10 MB limit never reads as 10 MB.
  CHECK(FormatSize(10LL * 1024 * 1024 + 450 * 1024) == "10.4 MB");
  CHECK(FormatSize(1024LL * 1024 * 1024) == "1 GB");
  CHECK(FormatSize(150LL * 1024 * 1024 + 1) == "150 MB");
}

TEST_CASE("a file not copied is one line, the same in the thread and the ticket", "[bridge][files]") {
  CHECK(NotCopiedLine(NotCopied{"disk.img", 42LL * 1024 * 1024, 10LL * 1024 * 1024}) ==
        "disk.img not copied: 42 MB, limit 10 MB");
  CHECK(NotCopiedLine(NotCopied{"jam.jpg", 0, 0, "Slack sent its sign-in page instead of the file"}) ==
        "jam.jpg not copied: Slack sent its sign-in page instead of the file");
  CHECK(NotCopiedLine(NotCopied{"", 0, 0, "gone"}) == "a file not copied: gone");
  CHECK(HasContents(kLog));
  CHECK_FALSE(HasContents(SharedFile{"stub", "https://x"}));
}

TEST_CASE("a reply's files follow its comment to the ticket, once, and an edit's do not", "[bridge][files]") {
  std::vector<Action> actions = Handle(Shared("1.5", "1.1", Said({Text("the log")})), Known(Linked()));
  REQUIRE(actions.size() == 2);
  REQUIRE(std::holds_alternative<AddComment>(actions[0]));
  CHECK(std::get<AddComment>(actions[0]).files == std::vector<SharedFile>{kLog});
  CHECK(actions[1] == Action{Copy("1.5")});
  // One key and one lane per message: a redelivery copies nothing twice, and
  // the copy runs after the comment, in the ticket's order.
  CHECK(KeyOf(Copy("1.5")) == "files:C1:1.5");
  CHECK(LaneOf(Copy("1.5")) == LaneOf(std::get<AddComment>(actions[0])));
  MessageReceived edit = Shared("1.5", "1.1", Said({Text("the log, again")}));
  edit.subtype = "message_changed";
  edit.edited_ts = "1.9";
  edit.previous_text = Said({Text("the log")});
  std::vector<Action> edited = Handle(edit, Known(Linked()));
  REQUIRE(edited.size() == 1);
  CHECK(std::holds_alternative<AddComment>(edited[0]));
}

TEST_CASE("a reply kept while the ticket is queued brings its files once the ticket exists", "[bridge][files]") {
  Facts queued = Known();
  queued.create_pending = true;
  std::vector<Action> kept = Handle(Shared("1.5", "1.1", Said({Text("the log")})), queued);
  REQUIRE(kept.size() == 1);
  const AddComment held = std::get<HoldReply>(kept[0]).comment;
  Facts with_kept = Known();
  with_kept.held_replies = {held};
  TicketLink created = Linked();
  CreateTicket create{"create:V1", {"C1", "1.1"}, "V1", "U1", "VPN", "", {}, {}, TicketMarker("V1")};
  std::vector<Action> released = Handle(TicketCreated{create, created}, with_kept);
  AddComment comment = held;
  comment.ticket_key = "HD-7";
  CHECK(released == std::vector<Action>{LinkThread{created},
                                        PostMessage{"confirm:V1", {"C1", "1.1"}, ConfirmationContent{created.View()}},
                                        comment, Copy("1.5"), ReleaseHeldReplies{{"C1", "1.1"}}});
}

TEST_CASE("the files shared with a mention become the new ticket's attachments", "[bridge][files]") {
  RichText mention = Said({UserMention(kBot), Text(" VPN drops, log attached")});
  // Kept with the mention (at once, or after the names are looked up)...
  std::vector<Action> answered = Handle(Shared("1.1", "", mention, true), Known());
  REQUIRE(!answered.empty());
  REQUIRE(std::holds_alternative<SaveMention>(answered[0]));
  CHECK(std::get<SaveMention>(answered[0]).files == std::vector<SharedFile>{kLog});
  RichText with_colleague = Said({UserMention(kBot), Text(" "), UserMention("U2"), Text(" VPN drops")});
  MessageReceived asks = Shared("1.1", "", with_colleague, true);
  std::vector<Action> prepare = Handle(asks, Known());
  REQUIRE(prepare.size() == 1);
  PrepareForm form = std::get<PrepareForm>(prepare[0]);
  CHECK(form.files == std::vector<SharedFile>{kLog});
  std::vector<Action> prepared = Handle(FormPrepared{form, "VPN drops", "VPN drops"}, Known());
  CHECK(std::get<SaveMention>(prepared[0]).files == std::vector<SharedFile>{kLog});

  // ...and copied once the form's ticket exists, after its confirmation.
  CreateTicket create{"create:V1", {"C1", "1.1"}, "V1", "U1", "VPN", "", {}, {}, TicketMarker("V1"), "1.1"};
  CHECK(NeededFacts(TicketCreated{create, Linked()}, kBot).mention);
  Facts facts = Known();
  facts.mention = SavedMention{"1.1", "VPN drops", "VPN drops", {kLog}};
  TicketLink created = Linked();
  CHECK(Handle(TicketCreated{create, created}, facts) ==
        std::vector<Action>{LinkThread{created},
                            PostMessage{"confirm:V1", {"C1", "1.1"}, ConfirmationContent{created.View()}},
                            Copy("1.1")});
  // A later mention replaced the saved one: this form's files are not its.
  facts.mention->mention_ts = "1.3";
  CHECK(Handle(TicketCreated{create, created}, facts).size() == 2);
  // A thread that had its ticket already: nothing is copied twice.
  Facts linked = Known(Linked());
  linked.mention = SavedMention{"1.1", "VPN drops", "VPN drops", {kLog}};
  CHECK(Handle(TicketCreated{create, std::nullopt}, linked).size() == 1);
}

TEST_CASE("files that did not reach the ticket are told in the thread, in one post", "[bridge][files]") {
  CHECK(Handle(FilesCopied{Copy("1.5"), {}}, Known()).empty());
  std::vector<Action> told =
      Handle(FilesCopied{Copy("1.5"),
                         {NotCopied{"disk.img", 42LL * 1024 * 1024, 10LL * 1024 * 1024},
                          NotCopied{"jam.jpg", 0, 0, "Slack sent its sign-in page instead of the file"}}},
             Known());
  // Given up on after its tries: said too.
  std::vector<Action> failed = Handle(EffectFailed{Copy("1.5"), "jira attach: HTTP 403"}, Known());
  CHECK(failed == std::vector<Action>{PostMessage{
                      "notcopied:files:C1:1.5",
                      {"C1", "1.1"},
                      NoticeContent{":paperclip: HD-7: the files of this message were not copied: jira attach: "
                                    "HTTP 403."}}});
  CHECK(told == std::vector<Action>{PostMessage{
                    "notcopied:files:C1:1.5",
                    {"C1", "1.1"},
                    NoticeContent{":paperclip: HD-7: disk.img not copied: 42 MB, limit 10 MB; jam.jpg not copied: "
                                  "Slack sent its sign-in page instead of the file."}}});
}

TEST_CASE("the ticket's note names who shared the files, each file not copied, and the marker", "[bridge][files]") {
  RichText note = ComposeFilesNote(Copy("1.5"), Requester{"Ada Lovelace", "ada@example.com", "", false}, {"vpn.log"},
                                   {NotCopied{"disk\u202e.img", 43LL << 20, 10LL << 20}});
  std::string plain = ToPlainString(note);
  CHECK(plain.find("Ada Lovelace (ada@example.com) shared in Slack (attached): vpn.log") != std::string::npos);
  // Outside names are cleaned (no bidi override) like all outside text.
  CHECK(plain.find("disk.img not copied: 43 MB, limit 10 MB") != std::string::npos);
  CHECK(plain.find(Marker("slackdeskfiles", "C1:1.5")) != std::string::npos);
  RichText none = ComposeFilesNote(Copy("1.5"), Requester{"Ada", "", "", false}, {}, {NotCopied{"a.bin", 0, 0, "x"}});
  CHECK(ToPlainString(none).find("Ada shared files in Slack.") != std::string::npos);
}
