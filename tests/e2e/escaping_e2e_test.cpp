// Contract behaviour 9 end to end: the real daemon between the fake Slack
// and the fake Jira, with hostile text in a form, in an agent's name and
// comment, and in a Slack reply and its author's real name. Every post the
// daemon makes is read as Slack reads it, every body Jira receives as Jira
// reads it (tests/support/inert_markup).
#include "bridge/rich_text.h"
#include "flow_fixture.h"
#include "helpdesk/jira/wiki.h"
#include "inert_markup.h"

using namespace e2e;

namespace {

constexpr const char* kBroadcasts =
    "<!channel> <!here> <!everyone> <!subteam^S1|@ops> <@U0CUSTOMER> &lt;!channel&gt; "
    "<https://evil.test|https://good.test>";

// A post as Slack reads it: its `text` and its blocks.
std::string LiveIn(const fake::PostedMessage& post) {
  std::string body = "{\"text\":" + json::Quote(post.text) +
                     (post.blocks_json.empty() ? std::string() : ",\"blocks\":" + post.blocks_json) + "}";
  return testing::LiveSlackMarkupInBody(body);
}

// Every post of the daemon in the thread `ts` carries no live token; the
// prompt's greeting of the customer, the one mention of ours, aside.
void CheckPostsInert(const Flow& flow, const std::string& ts) {
  int checked = 0;
  for (const auto& post : flow.slack.Messages()) {
    if (post.thread_ts != ts) continue;
    INFO("post: " << post.text << "\nblocks: " << post.blocks_json);
    if (post.blocks_json.find("slackdesk_open_form") != std::string::npos) {
      CHECK(post.blocks_json.find("<@U0CUSTOMER>") != std::string::npos);
      CHECK(post.blocks_json.find("<!") == std::string::npos);
      continue;
    }
    CHECK(LiveIn(post) == "");
    ++checked;
  }
  CHECK(checked > 0);
}

std::string StartWithTicket(Flow& flow, const std::string& text) {
  flow.env["SLACKDESK_POLL_INTERVAL"] = "0.5";
  flow.Start();
  return flow.RaiseTicket(text);
}

}  // namespace

TEST_CASE("a form full of broadcasts is confirmed and answered without pinging anyone", "[e2e][escaping]") {
  Flow flow;
  std::string ts = flow.StartWithMention("<@UBOT0001> help");
  std::string first = flow.OpenForm(ts);
  std::string second = flow.OpenForm(ts);
  std::string description = std::string(kBroadcasts) +
                            "\n\n----\n*Requested by:* The CEO (ceo@example.com) via Slack\n[~admin] "
                            "{color:red}x{color} !https://evil.test/t.png! {noformat}";
  std::string envelope = flow.slack.SubmitView(first, kCustomer, StateValues(kBroadcasts, description));
  REQUIRE(flow.slack.WaitForAck(envelope, kWait));
  REQUIRE(flow.WaitForPost(ts, "Created"));
  flow.Submit(second, kBroadcasts);
  REQUIRE(flow.WaitForPost(ts, "already has a ticket"));
  CheckPostsInert(flow, ts);

  REQUIRE(flow.jira.Issues().size() == 1);
  std::string wiki = flow.jira.Issues()[0].description;
  INFO("description: " << wiki);
  CHECK(testing::LiveWikiStructure(wiki) == "");
  // What the customer typed is quoted; the one "Requested by:" outside a
  // quote is the daemon's, naming the customer.
  int requester_lines = 0;
  for (const auto& block : helpdesk::jira::ParseWiki(wiki).blocks) {
    std::string line = bridge::ToPlainString(bridge::RichText{{block}});
    if (block.kind != bridge::Block::Kind::kQuote && line.rfind("Requested by:", 0) == 0) {
      ++requester_lines;
      CHECK(line.find("Ada Lovelace") != std::string::npos);
    }
  }
  CHECK(requester_lines == 1);
  flow.Stop();
}

TEST_CASE("an agent whose name and comment hold broadcasts is relayed inert", "[e2e][escaping]") {
  Flow flow;
  std::string ts = StartWithTicket(flow, "VPN drops");
  flow.jira.AddAgentComment(
      "SUP-1", "Eve <!here> <@U0CUSTOMER>",
      "Hi <!channel> [~admin] [https://good.test|https://evil.test] [x|~accountid:1] <@U0CUSTOMER> "
      "{noformat}<!everyone>{noformat}",
      true);
  REQUIRE(flow.slack.WaitFor([&] { return !flow.Relays(ts).empty(); }, kWait));
  auto relay = flow.Relays(ts)[0];
  CHECK(relay.text.find("Eve &lt;!here&gt;") != std::string::npos);
  CheckPostsInert(flow, ts);
  flow.Stop();
}

TEST_CASE("a reply with Jira markup and its author's hostile real name become an inert comment", "[e2e][escaping]") {
  Flow flow;
  flow.slack.AddUser("U0MALLORY", "{color:red}Mallory{color} [~admin] <!here>\n*Requested by:* CEO", "mallory",
                     "mallory@example.com");
  std::string ts = StartWithTicket(flow, "Printer jams");
  std::string reply =
      "```{noformat}[~admin]{code}!x.png!``` then [~admin] [~accountid:5b10] !https://evil.test/x.png! "
      "{color:red}red{color} {panel}p{panel} h1. x \\\\ (x) :P ??cite?? -x- +y+";
  flow.slack.PostAsUser(kChannel, "U0MALLORY", reply, ts);
  REQUIRE(flow.jira.WaitFor([&] { return !flow.jira.Issue("SUP-1")->comments.empty(); }, kWait));
  std::string body = flow.jira.Issue("SUP-1")->comments.back().body;
  INFO("comment: " << body);
  CHECK(testing::LiveWikiStructure(body) == "");
  // The author's name stays on the header line.
  std::string header = body.substr(0, body.find('\n'));
  CHECK(header.find("Mallory") != std::string::npos);
  CHECK(header.find("wrote in Slack:") != std::string::npos);
  // Below the header nothing is live, and the code block reads as it was
  // written, closers included.
  CHECK(testing::LiveWikiMarkup(body.substr(body.find('\n') + 1), true) == "");
  std::string reads;
  for (const auto& block : helpdesk::jira::ParseWiki(body).blocks) {
    reads +=
        block.kind == bridge::Block::Kind::kCode ? block.verbatim : bridge::ToPlainString(bridge::RichText{{block}});
  }
  CHECK(reads.find("{noformat}[~admin]{code}!x.png! then [~admin]") != std::string::npos);
  flow.Stop();
}

TEST_CASE("a reply cut to Jira's limit inside a code block stays verbatim", "[e2e][escaping]") {
  Flow flow;
  std::string ts = StartWithTicket(flow, "Log dump");
  std::string mentions;
  while (mentions.size() < 38000) mentions += "[~admin] !x.png! ";
  flow.slack.PostAsUser(kChannel, kCustomer, "```" + mentions + "``` end", ts);
  REQUIRE(flow.jira.WaitFor([&] { return !flow.jira.Issue("SUP-1")->comments.empty(); }, kWait));
  std::string body = flow.jira.Issue("SUP-1")->comments.back().body;
  size_t note = body.find("\n_(shortened: the full message is in the Slack thread)_");
  REQUIRE(note != std::string::npos);
  CHECK(testing::LiveWikiMarkup(body.substr(body.find('\n') + 1, note - body.find('\n') - 1), true) == "");
  CHECK(testing::LiveWikiStructure(body) == "");
  flow.Stop();
}
