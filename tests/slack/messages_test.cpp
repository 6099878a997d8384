// The bot's messages with hostile outside text in every field that takes
// some (contract behaviour 9): no live broadcast, mention or dressed-up
// link in the blocks or in the `text` fallback, whatever the summary,
// status, key, URL, agent name, comment or notice holds.
#include "slack/messages.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "bridge/actions.h"
#include "bridge/rich_text.h"
#include "hostile_strings.h"
#include "inert_markup.h"
#include "slack/render.h"

namespace {

std::vector<std::string> AllHostile() {
  std::vector<std::string> all = testing::HostileStrings();
  for (std::string& run : testing::LongRuns()) all.push_back(std::move(run));
  return all;
}

std::string Text(const std::string& body) {
  rapidjson::Document json;
  json.Parse(body.c_str());
  return json.IsObject() && json.HasMember("text") ? json["text"].GetString() : "";
}

}  // namespace

TEST_CASE("ticket posts carry no live markup from the summary, status, key or URL", "[messages][escaping]") {
  for (const std::string& hostile : AllHostile()) {
    INFO("hostile: " << hostile.substr(0, 200));
    slack::TicketView as_summary{"SUP-7", hostile, "Waiting for support", "https://j.test/browse/SUP-7"};
    slack::TicketView everywhere{hostile, hostile, hostile, hostile};
    for (const slack::TicketView& ticket : {as_summary, everywhere}) {
      CHECK(testing::LiveSlackMarkupInBody(slack::ConfirmationMessage("C1", "1.2", ticket, "confirm:V1")) == "");
      CHECK(testing::LiveSlackMarkupInBody(slack::ExistingTicketMessage("C1", "1.2", ticket, "existing:V1")) == "");
      CHECK(testing::LiveSlackMarkupInBody(slack::ConfirmationUpdate("C1", "1.3", ticket)) == "");
    }
  }
}

TEST_CASE("relays, notices and private notes carry no live markup", "[messages][escaping]") {
  for (const std::string& hostile : AllHostile()) {
    INFO("hostile: " << hostile.substr(0, 200));
    bridge::PostMessage relay{
        "relay:SUP-7:1", {"C1", "1.2"}, bridge::AgentCommentContent{hostile, hostile, bridge::PlainText(hostile), 0}};
    for (const auto& post : slack::RenderPost(relay)) CHECK(testing::LiveSlackMarkupInBody(post.body) == "");
    bridge::PostMessage notice{"failed:V1", {"C1", "1.2"}, bridge::NoticeContent{"refused: " + hostile}};
    for (const auto& post : slack::RenderPost(notice)) CHECK(testing::LiveSlackMarkupInBody(post.body) == "");
    CHECK(testing::LiveSlackMarkupInBody(slack::EphemeralMessage("C1", "U1", "1.2", hostile)) == "");
    CHECK(testing::LiveSlackMarkupInBody(slack::TextMessage("C1", "1.2", hostile, "")) == "");
  }
}

TEST_CASE("the prompt's greeting is the only mention, and only of a user id", "[messages][escaping]") {
  std::string prompt = slack::PromptMessage("C1", "1.2", "U0CUSTOMER", "C1|1.2", "prompt:C1:1.2");
  CHECK(prompt.find("<@U0CUSTOMER>") != std::string::npos);
  for (const char* user : {"U1>|<!channel", "<!here>", "U1 <!everyone>", "", "u123", "B0BOT", "U"}) {
    INFO("user: " << user);
    CHECK(testing::LiveSlackMarkupInBody(slack::PromptMessage("C1", "1.2", user, "C1|1.2", "prompt:C1:1.2")) == "");
  }
}

TEST_CASE("the fallbacks still read as the message", "[messages][escaping]") {
  slack::TicketView ticket{"SUP-7", "Printer <!channel> on fire & smoking", "Waiting", "https://j.test/browse/SUP-7"};
  CHECK(Text(slack::ConfirmationMessage("C1", "1.2", ticket, "")) ==
        "Created SUP-7: Printer &lt;!channel&gt; on fire &amp; smoking (Waiting) <https://j.test/browse/SUP-7>");
  slack::TicketView odd_url{"SUP-8", "x", "y", "https://j.test/a|b><!here>"};
  CHECK(Text(slack::ConfirmationMessage("C1", "1.2", odd_url, "")) ==
        "Created SUP-8: x (y) <https://j.test/a%7Cb%3E%3C!here%3E>");
  CHECK(slack::ConfirmationMessage("C1", "1.2", odd_url, "").find("<https://j.test/a%7Cb%3E%3C!here%3E|SUP-8>") !=
        std::string::npos);
  bridge::PostMessage relay{
      "relay:SUP-7:1", {"C1", "1.2"}, bridge::AgentCommentContent{"Eve <!here>", "SUP-7", bridge::PlainText("hi"), 0}};
  CHECK(Text(slack::RenderPost(relay)[0].body) == "Eve &lt;!here&gt; (SUP-7): hi");
  CHECK(Text(slack::EphemeralMessage("C1", "U1", "1.2", "no <@U1>")) == "no &lt;@U1&gt;");
}

TEST_CASE("the inertness checks see live markup when there is some", "[messages][escaping]") {
  for (const char* live :
       {"<!channel>", "hi <!here>", "<@U1>", "<#C1|x>", "<!subteam^S1|@ops>", "<https://evil.test|https://good.test>",
        "<javascript:x|y>", "<https://e.test|www.good.test>"}) {
    INFO(live);
    CHECK(testing::LiveSlackMarkup(live) != "");
  }
  CHECK(testing::LiveSlackMarkup("&lt;!channel&gt; <https://good.test/x|good.test> <mailto:a@b.test|a@b.test>") == "");
  CHECK(testing::LiveSlackMarkupInBody(
            R"({"text":"x","blocks":[{"type":"section","text":{"type":"mrkdwn","text":"<!here>"}}]})") != "");
  CHECK(testing::LiveSlackMarkupInBody(R"({"text":"<@U1>"})") != "");
  for (const char* live : {"[~admin]", "{color:red}x{color}",
                           "!a.png!",  "h1. x",
                           "  bq. x",  "H3.x",
                           "* x",      "- x",
                           "# x",      "|a|",
                           "*bold*",   "-strike-",
                           "x +ins+",  "??cite??",
                           "(x)",      "(Y)",
                           ":P",       ";)",
                           "a\\\\b",   "{noformat}a{noformat}b{noformat}",
                           "x\t-y-",   "{code}{CODE}{code}",
                           "----"}) {
    INFO(live);
    CHECK(testing::LiveWikiMarkup(live, true) != "");
  }
  CHECK(testing::LiveWikiMarkup("\\[~admin\\] well-known 5 - 3 Thanks! h\xE2\x80\x8B"
                                "1. \\(x) :\xE2\x80\x8BP") == "");
  CHECK(testing::LiveWikiMarkup("{noformat}[~admin]{code}{noformat}", true) == "");
  for (const char* live : {"[~admin]", "[a|~accountid:1]", "!x.png!", "[https://good.test|https://evil.test]",
                           "{color:red}x", "{panel}"}) {
    INFO(live);
    CHECK(testing::LiveWikiStructure(live) != "");
  }
}
