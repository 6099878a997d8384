// The seed flow's pure parts: decisions, texts and the Block Kit rendering
// (checked against the fake Slack's Block Kit limits).
#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "block_kit.h"
#include "bridge/compose.h"
#include "bridge/form.h"
#include "bridge/text.h"
#include "helpdesk/jira/wiki.h"
#include "slack/forms.h"
#include "slack/interactions.h"
#include "slack/messages.h"
#include "slack/mrkdwn.h"
#include "slack_payloads.h"

using namespace bridge;

// The mention as Slack's parser reads it, with the names SlackEffects
// looks up filled in.
RichText Mentioned(const std::string& mrkdwn, const std::map<std::string, std::string>& names) {
  RichText text = slack::ParseMrkdwn(mrkdwn);
  NameMentions(text, names);
  return text;
}

TEST_CASE("the form is pre-filled from the mention with readable names", "[bridge]") {
  std::map<std::string, std::string> names{{"U2", "Ada Lovelace"}};
  auto prefill = PrefillFromMention(
      Mentioned("<@UBOT> export fails for <@U2> in <#C9|finance> &amp; <https://x.test/a|the report>\nsecond line <!here>",
                names),
      "UBOT");
  CHECK(prefill.summary == "export fails for @Ada Lovelace in #finance & the report (https://x.test/a)");
  CHECK(prefill.description ==
        "export fails for @Ada Lovelace in #finance & the report (https://x.test/a)\nsecond line @here");
}

TEST_CASE("the summary takes the first non-empty line and at most 255 characters", "[bridge]") {
  std::string long_line(300, 'a');
  auto prefill = PrefillFromMention(Mentioned("<@UBOT|slackdesk>\n\n  " + long_line + "\nmore", {}), "UBOT");
  CHECK(CharCount(prefill.summary) == 255);
  CHECK(prefill.summary.substr(prefill.summary.size() - 3) == "\xE2\x80\xA6");
  CHECK(CharCount(PrefillFromMention(Mentioned(std::string(4000, 'b'), {}), "UBOT").description) == 3000);
}

TEST_CASE("truncation never splits a character", "[bridge]") {
  std::string text = "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9";  // four é
  CHECK(TruncateChars(text, 4) == text);
  CHECK(TruncateChars(text, 3) == "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
  CHECK(CharCount(TruncateChars(text, 3)) == 3);
}

TEST_CASE("an empty, blank or too long summary is refused with a message", "[bridge]") {
  CHECK(ValidateSummary("Printer on fire").empty());
  CHECK_FALSE(ValidateSummary("").empty());
  CHECK_FALSE(ValidateSummary(" \t\n ").empty());
  CHECK(ValidateSummary(std::string(255, 'x')).empty());
  CHECK(ValidateSummary(std::string(256, 'x')) == "The summary can be at most 255 characters (it has 256).");
}

TEST_CASE("the thread round-trips through private_metadata", "[bridge]") {
  ThreadRef thread{"C123", "1700000000.000100"};
  CHECK(DecodeThread(EncodeThread(thread)) == thread);
  CHECK_FALSE(DecodeThread("garbage").has_value());
  CHECK_FALSE(DecodeThread("|1.2").has_value());
  // The form's: the thread, its target and the mention; older forms' too.
  FormMetadata full{thread, {"3", "10"}, "1700000000.000200"};
  CHECK(DecodeFormMetadata(EncodeFormMetadata(full)) == full);
  CHECK(DecodeFormMetadata("C1|1.2") == FormMetadata{{"C1", "1.2"}, {}, ""});
  CHECK(DecodeFormMetadata("C1|1.2|3|10") == FormMetadata{{"C1", "1.2"}, {"3", "10"}, ""});
  CHECK_FALSE(DecodeFormMetadata("C1|1.2|3").has_value());
  CHECK_FALSE(DecodeFormMetadata("C1|1.2|3|10|1.3|x").has_value());
}

TEST_CASE("the ticket marker is one searchable token", "[bridge]") {
  CHECK(TicketMarker("V0A1-B2") == "slackdeskrefv0a1b2");
}

TEST_CASE("the description carries the text, requester, link and marker", "[bridge]") {
  CreateTicket request{"create:V1", {"C1", "1.2"},   "V1", "U1", "Printer on fire", "It is really on fire.", {},
                       {},          "slackdeskrefv1"};
  RichText description = ComposeTicketDescription(request, Requester{"Ada Lovelace", "ada@example.com", "", false},
                                                  "https://fake.slack.test/archives/C1/p12");
  CHECK(helpdesk::jira::RenderWiki(description) ==
        "bq. It is really on fire.\n\n----\n*Requested by:* Ada Lovelace (ada@example.com) via Slack\n"
        "*Slack thread:* [Open the conversation in Slack|https://fake.slack.test/archives/C1/p12]\n"
        "*slackdesk reference:* slackdeskrefv1");
}

TEST_CASE("a reply's comment names its author and lists its files", "[bridge]") {
  AddComment reply;
  reply.text = RichText{{Paragraph({Text("still broken")})}};
  reply.files = {SharedFile{"log.txt", "https://files.test/log.txt"}};
  RichText comment = ComposeComment(reply, Requester{"Ada Lovelace", "ada@example.com", "", false});
  CHECK(comment == RichText{{Paragraph({Text("Ada Lovelace", kBold), Text(" (ada@example.com)"), Text(" wrote in Slack:")}),
                             Paragraph({Text("still broken")}),
                             Paragraph({Text("Attached in Slack: "), Link("https://files.test/log.txt", "log.txt")})}});
  // An edit is short: the new text and a link to the comment it replaces
  // (its files were named with the message it edits).
  reply.edit = true;
  CHECK(ComposeComment(reply, Requester{"Ada", "", "", false}, "https://help.test/HD-7#c1") ==
        RichText{{Paragraph({Text("Ada", kBold), Text(" edited their message in Slack; it now reads (replacing "),
                             Link("https://help.test/HD-7#c1", "the earlier comment"), Text("):")}),
                  Paragraph({Text("still broken")})}});
  // Not known: said in words.
  CHECK(ToPlainString(ComposeComment(reply, Requester{"Ada", "", "", false})).rfind(
            "Ada edited their message in Slack; it now reads (replacing an earlier comment that could not be found):",
            0) == 0);
}

TEST_CASE("every comment and request names the Slack user's workspace, and a Slack Connect user as such",
          "[bridge]") {
  AddComment reply;
  reply.text = RichText{{Paragraph({Text("any news?")})}};
  Requester ours{"Ada Lovelace", "ada@example.com", "Acme", false};
  Requester theirs{"Eve Mallory", "eve@other.example", "Other Org", true};
  CHECK(ToPlainString(ComposeComment(reply, ours)) ==
        "Ada Lovelace (ada@example.com) of the Acme workspace wrote in Slack:\nany news?");
  CHECK(ToPlainString(ComposeComment(reply, theirs)) ==
        "Eve Mallory (eve@other.example) of the Other Org workspace (Slack Connect) wrote in Slack:\nany news?");
  CHECK(ToPlainString(ComposeComment(reply, Requester{"Mal", "", "", true})) ==
        "Mal (Slack Connect) wrote in Slack:\nany news?");
  CreateTicket request{"create:V1", {"C1", "1.2"}, "V1", "U1", "Invoice", "Wrong.", {}, {}, "slackdeskrefv1"};
  CHECK(
      ToPlainString(ComposeTicketDescription(request, theirs, ""))
          .find("Requested by: Eve Mallory (eve@other.example) of the Other Org workspace (Slack Connect) via Slack") !=
      std::string::npos);
}

TEST_CASE("the prompt, the form and the confirmation respect Block Kit's limits", "[bridge]") {
  std::string huge(5000, 'z');
  rapidjson::Document prompt;
  prompt.Parse(slack::PromptMessage("C1", "1.2", "U1", huge, "prompt:C1:1.2").c_str());
  REQUIRE(prompt.IsObject());
  CHECK(fake::ValidateMessageBlocks(prompt["blocks"]) == "");
  CHECK(std::string(prompt["thread_ts"].GetString()) == "1.2");
  CHECK(std::string(prompt["blocks"][1]["elements"][0]["action_id"].GetString()) == kOpenFormAction);
  CHECK(std::string(prompt["metadata"]["event_payload"]["key"].GetString()) == "prompt:C1:1.2");

  rapidjson::Document form;
  RequestType type{{"3", "10"}, huge, {}};
  form.Parse(
      slack::RequestFormView("trig", type, FormPrefill{huge, huge}, FormMetadata{{"C1", "1.2"}, {"3", "10"}}).c_str());
  REQUIRE(form.IsObject());
  CHECK(fake::ValidateModalView(form["view"]) == "");
  CHECK(std::string(form["view"]["title"]["text"].GetString()) == "Support request");
  CHECK(std::string(form["view"]["submit"]["text"].GetString()) == "Create");
  CHECK(std::string(form["view"]["close"]["text"].GetString()) == "Cancel");
  CHECK(std::string(form["view"]["private_metadata"].GetString()) == "C1|1.2|3|10|");

  rapidjson::Document confirmation;
  confirmation.Parse(
      slack::ConfirmationMessage("C1", "1.2", {"SUP-7", huge, "Waiting for support", "https://j/x"}, "confirm:V1")
          .c_str());
  REQUIRE(confirmation.IsObject());
  CHECK(fake::ValidateMessageBlocks(confirmation["blocks"]) == "");
  std::string fallback = confirmation["text"].GetString();
  CHECK(fallback.rfind("Created SUP-7: zzz", 0) == 0);
}

TEST_CASE("form submissions and clicks are read from Slack's payload shapes", "[bridge]") {
  // A form opened before the fields came from the request type: its
  // summary's element was "value", its severity a select no kind names.
  auto form = slack::ParseFormSubmission(
      R"({"type":"view_submission","user":{"id":"U1"},"view":{"id":"V9","callback_id":"slackdesk_request","private_metadata":"C1|1.2","blocks":[{"type":"input","block_id":"severity","label":{"type":"plain_text","text":"Severity"},"element":{"type":"static_select","action_id":"value"}}],"state":{"values":{"summary":{"value":{"type":"plain_text_input","value":"Broken"}},"description":{"value":{"type":"plain_text_input","value":null}},"severity":{"value":{"type":"static_select","selected_option":{"text":{"type":"plain_text","text":"High"},"value":"High"}}}}}}})");
  REQUIRE(form);
  CHECK(form->view_id == "V9");
  CHECK(form->summary == "Broken");
  CHECK(form->description.empty());
  CHECK(form->fields.empty());
  auto click = slack::ParseButtonClick(
      R"({"type":"block_actions","user":{"id":"U1"},"trigger_id":"t1","channel":{"id":"C1"},"actions":[{"type":"button","action_id":"slackdesk_open_form","value":"C1|1.2","action_ts":"1.3"}]})");
  REQUIRE(click);
  CHECK(click->trigger_id == "t1");
  CHECK(click->value == "C1|1.2");
  CHECK_FALSE(slack::ParseButtonClick(R"({"type":"view_submission"})"));
  fake::MessageSpec spec;
  spec.text = "<@UBOT0001> hi";
  spec.thread_ts = "1.1";
  auto message = slack::ParseMessageEvent(fake::AppMentionPayload(spec));
  REQUIRE(message);
  CHECK(message->type == "app_mention");
  CHECK(message->thread_ts == "1.1");
  CHECK_FALSE(slack::ParseMessageEvent("not json"));
}

TEST_CASE("a field error ack names each block", "[bridge]") {
  CHECK(slack::FieldErrorsResponse({{"summary", "Please describe"}, {"customfield_1", "Please pick a date."}}) ==
        R"({"response_action":"errors","errors":{"summary":"Please describe","customfield_1":"Please pick a date."}})");
}
