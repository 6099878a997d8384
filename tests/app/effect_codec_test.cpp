// Every kind of side effect survives the outbox: encoded to a row and read
// back equal; rows of the wrong shape are refused.
#include <catch2/catch.hpp>

#include "app/effect_codec.h"

using namespace bridge;

namespace {

RichText Rich() {
  RichText text;
  text.blocks.push_back(Paragraph({Text("bold", kBold), Text(" and "), Link("https://x.test", "a link"),
                                   UserMention("U2", "Ada"), LineBreak()}));
  Block code;
  code.kind = Block::Kind::kCode;
  code.verbatim = "{noformat}\n<!channel>";
  text.blocks.push_back(code);
  return text;
}

}  // namespace

TEST_CASE("every effect round-trips through an outbox row", "[app][codec]") {
  TicketView view{"HD-1", "Printer", "Open", "https://help.test/HD-1"};
  AddComment comment;
  comment.key = "comment:C1:1.5";
  comment.ticket_key = "HD-1";
  comment.marker = "slackdeskmsgc115";
  comment.user = "U1";
  comment.text = Rich();
  comment.files = {SharedFile{"log.txt", "https://files.test/1"},
                   SharedFile{"a|b].png", "https://files.test/2", "F2", "https://files.test/d/2", "image/png", 92582}};
  comment.channel = "C1";
  comment.ts = "1.5";
  comment.edit = true;
  comment.earlier_comment_id = "10042";
  std::vector<Effect> effects{
      PrepareForm{"offer:C1:1.1", {"C1", "1.1"}, "1.1", "U1", Rich(), "UBOT"},
      PrepareForm{"offer:C1:1.2", {"C1", "1.2"}, "1.2", "U1", Rich(), "UBOT", comment.files},
      PostMessage{"prompt:C1:1.1", {"C1", "1.1"}, PromptContent{"U1", "C1|1.1"}},
      PostMessage{"confirm:V1", {"C1", "1.1"}, ConfirmationContent{view}},
      PostMessage{"existing:V1", {"C1", "1.1"}, ExistingTicketContent{view}},
      PostMessage{"queued:V1", {"C1", "1.1"}, NoticeContent{"wait \"please\""}},
      PostMessage{"relay:HD-1:9", {"C1", "1.1"}, AgentCommentContent{"Grace", "HD-1", Rich(), 1700000000000}},
      PostMessage{"relay:HD-1:10", {"C1", "1.1"}, AgentCommentContent{"Grace", "HD-1", Rich(), 1700000000000, "10",
                                                                       1700000000500}},
      UpdateRelay{"relayedit:HD-1:10:1700000000900", "C1", {"2.1", "2.2"}, "Grace", "HD-1", Rich(), false},
      UpdateRelay{"relaydel:HD-1:10", "C1", {"2.1"}, "", "HD-1", {}, true},
      PostEphemeral{"click:E1", "C1", "U1", "", "no"},
      UpdateConfirmation{"status:HD-1:5", "C1", "1.9", view},
      CreateTicket{"create:V1", {"C1", "1.1"}, "V1", "U1", "Printer", "on fire\nsince 9", {}, {}, "slackdeskrefv1"},
      CreateTicket{"create:V2",
                   {"C1", "1.2"},
                   "V2",
                   "U1",
                   "VPN",
                   "",
                   {"2", "20"},
                   {{"priority", FieldKind::kSelect, {"3"}}, {"labels", FieldKind::kWords, {"vpn", "outage"}}},
                   "slackdeskrefv2"},
      comment,
      CopyFiles{"files:C1:1.5", "HD-1", "slackdeskfilesc115", {"C1", "1.1"}, "U1", comment.files},
      UploadToSlack{"attach:HD-1:10042",
                    "HD-1",
                    {"C1", "1.1"},
                    {"10042", "screen \"1\".png", "image/png", 5000, "acc-1", "Grace", true, 1700000000500}},
      UploadToSlack{"attach:HD-1:10043",
                    "HD-1",
                    {"C1", "1.1"},
                    {"10043", "a.txt", "", 1, "acc-1", "Grace", false, 0},
                    "F0000001"},
      ReopenTicket{"reopen:C1:1.5", "HD-1", {"C1", "1.1"}},
  };
  for (const Effect& effect : effects) {
    store::Intent row = app::EncodeEffect(effect);
    INFO(row.kind << " " << row.payload);
    CHECK(row.key == KeyOf(effect));
    CHECK(row.lane == LaneOf(effect));
    auto decoded = app::DecodeEffect(row);
    REQUIRE(decoded);
    CHECK(*decoded == effect);
  }
}

TEST_CASE("rows of the wrong shape are refused", "[app][codec]") {
  CHECK_FALSE(app::DecodeEffect({"k", "post_message", "slack:C1", R"({"channel":"C1","text":"old format"})"}));
  CHECK_FALSE(app::DecodeEffect({"k", "create_ticket", "l", R"({"channel":"C1","thread_ts":1})"}));
  CHECK_FALSE(app::DecodeEffect({"k", "no_such_kind", "l", "{}"}));
  CHECK_FALSE(app::DecodeEffect({"k", "post_ephemeral", "l", "not json"}));
  CHECK_FALSE(app::DecodeEffect({"k", "post_ephemeral", "l", "[]"}));
}

TEST_CASE("an edit's row written before the earlier comment was kept is read without it", "[app][codec]") {
  AddComment edit;
  edit.key = "edit:C1:1.5:1.7";
  edit.ticket_key = "HD-1";
  edit.text = Rich();
  edit.channel = "C1";
  edit.ts = "1.5";
  edit.edit = true;
  store::Intent row = app::EncodeEffect(edit);
  const std::string field = R"(,"earlier_comment_id":"")";
  auto at = row.payload.find(field);
  REQUIRE(at != std::string::npos);
  row.payload.erase(at, field.size());
  auto decoded = app::DecodeEffect(row);
  REQUIRE(decoded);
  CHECK(*decoded == Effect{edit});
}

TEST_CASE("open rows of slackdesk 0.1 are read after an upgrade", "[app][codec]") {
  auto comment = app::DecodeEffect(
      {"comment:C1:1.5", "add_comment", "helpdesk:HD-1",
       R"({"key":"HD-1","marker":"slackdeskmsgc115","user":"U1","text":"still *broken*","channel":"C1","ts":"1.5",)"
       R"("edit":"false","files":[{"name":"log.txt","permalink":"https://files.test/1"}]})"});
  REQUIRE(comment);
  const auto& reply = std::get<AddComment>(*comment);
  CHECK(reply.ticket_key == "HD-1");
  CHECK(reply.marker == "slackdeskmsgc115");
  CHECK(ToPlainString(reply.text) == "still broken");
  CHECK_FALSE(reply.edit);
  CHECK(reply.files == std::vector<SharedFile>{SharedFile{"log.txt", "https://files.test/1"}});

  auto offer = app::DecodeEffect({"offer:C1:1.1", "offer_form", "slack:C1",
                                  R"({"channel":"C1","thread_ts":"1.1","ts":"1.1","user":"U1",)"
                                  R"("text":"<@UBOT> help","bot_user_id":"UBOT"})"});
  REQUIRE(offer);
  CHECK(std::get<PrepareForm>(*offer).mention_ts == "1.1");
  CHECK(MentionedUserIds(std::get<PrepareForm>(*offer).text) == std::vector<std::string>{"UBOT"});

  auto create = app::DecodeEffect({"create:V1", "create_ticket", "create:C1:1.1",
                                   R"({"view_id":"V1","channel":"C1","thread_ts":"1.1","user":"U1","summary":"S",)"
                                   R"("description":"D","severity":"High","marker":"slackdeskrefv1"})"});
  REQUIRE(create);
  CHECK(std::get<CreateTicket>(*create).marker == "slackdeskrefv1");
  // The severity of a form submitted before request types had fields was a
  // line of the description: it stays one; the target is the defaults.
  CHECK(std::get<CreateTicket>(*create).description == "D\n\nSeverity: High");
  CHECK(std::get<CreateTicket>(*create).target == RequestTarget{});
  CHECK(std::get<CreateTicket>(*create).fields.empty());
}
