// The seed flow end to end: the real daemon, the fake Slack and the fake
// Jira Service Management on 127.0.0.1. Mention → button → form → ticket →
// confirmation, plus the duplicate click, validation, failures, and SIGKILL
// at the flow's side-effect boundaries.
#include <rapidjson/document.h>

#include "flow_fixture.h"

using namespace e2e;

TEST_CASE("a mention becomes a ticket raised for the customer and confirmed in the thread", "[e2e][flow]") {
  Flow flow;
  std::string ts = flow.StartWithMention("<@UBOT0001> The export fails\nwith error 500, says <@U0CUSTOMER>");
  std::string view_id = flow.OpenForm(ts);
  rapidjson::Document view;
  view.Parse(flow.slack.Views().back().view_json.c_str());
  REQUIRE(view.IsObject());
  CHECK(std::string(view["private_metadata"].GetString()) == std::string(kChannel) + "|" + ts + "|3|10|" + ts);
  CHECK(std::string(view["blocks"][1]["block_id"].GetString()) == "summary");
  CHECK(std::string(view["blocks"][1]["element"]["initial_value"].GetString()) == "The export fails");
  CHECK(std::string(view["blocks"][2]["block_id"].GetString()) == "description");
  CHECK(std::string(view["blocks"][2]["element"]["initial_value"].GetString()) ==
        "The export fails\nwith error 500, says @Ada Lovelace");

  std::string envelope = flow.Submit(view_id);
  CHECK(flow.slack.Acks().back().payload_json.empty());  // a bare ack closes the form
  REQUIRE(flow.jira.WaitFor([&] { return flow.jira.Issues().size() == 1; }, kWait));
  REQUIRE(flow.WaitForPost(ts, "SUP-1"));
  auto issue = flow.jira.Issues()[0];
  CHECK(issue.summary == "The export fails");
  CHECK(issue.reporter_account_id == flow.customer_account);  // raised on the customer's behalf
  CHECK(issue.description.find("bq. It fails with error 500 since this morning.") == 0);
  CHECK(issue.description.find("Ada Lovelace (ada@example.com)") != std::string::npos);
  CHECK(issue.description.find("https://fake.slack.test/archives/C0SUPPORT/p") != std::string::npos);
  auto confirmation = flow.Posts(ts, "SUP-1");
  REQUIRE(confirmation.size() == 1);
  CHECK(confirmation[0].blocks_json.find("/servicedesk/customer/portal/") != std::string::npos);
  CHECK(confirmation[0].text.find("Waiting for support") != std::string::npos);
  flow.Stop();
}

TEST_CASE("an empty summary is refused in the ack and creates nothing", "[e2e][flow]") {
  Flow flow;
  std::string ts = flow.StartWithMention("<@UBOT0001> help");
  std::string view_id = flow.OpenForm(ts);
  std::string envelope = flow.slack.SubmitView(view_id, kCustomer, StateValues("   ", ""));
  REQUIRE(flow.slack.WaitForAck(envelope, kWait));
  std::string ack = flow.slack.Acks().back().payload_json;
  CHECK(ack.find(R"("response_action":"errors")") != std::string::npos);
  CHECK(ack.find(R"("summary":)") != std::string::npos);
  // A valid submission afterwards still works: nothing was recorded before.
  flow.Submit(view_id, "Now with a summary");
  REQUIRE(flow.WaitForPost(ts, "SUP-1"));
  CHECK(flow.jira.Issues().size() == 1);
  flow.Stop();
}

TEST_CASE("two forms of one thread and a redelivered submission yield one ticket", "[e2e][flow]") {
  Flow flow;
  std::string ts = flow.StartWithMention("<@UBOT0001> printer on fire");
  std::string first = flow.OpenForm(ts);
  std::string second = flow.OpenForm(ts);  // the customer clicked twice
  flow.Submit(first);
  flow.Submit(first);  // the same submission again
  flow.Submit(second);
  REQUIRE(flow.WaitForPost(ts, "already has a ticket"));
  CHECK(flow.jira.Issues().size() == 1);
  CHECK(flow.Posts(ts, "Created").size() == 1);
  // A click after the ticket exists answers privately instead of a form.
  size_t views = flow.slack.Views().size();
  flow.slack.ClickButton("", kChannel, ts, kCustomer, "slackdesk_open_form", std::string(kChannel) + "|" + ts);
  REQUIRE(flow.slack.WaitFor([&] { return !flow.slack.Calls("chat.postEphemeral").empty(); }, kWait));
  CHECK(flow.slack.Views().size() == views);
  // A new mention in the thread answers with the ticket.
  fake::MessageSpec again;
  again.channel = kChannel;
  again.user = kCustomer;
  again.text = "<@UBOT0001> any news?";
  again.ts = "1700009999.000100";
  again.thread_ts = ts;
  flow.slack.SendEnvelope("events_api", fake::AppMentionPayload(again));
  REQUIRE(flow.slack.WaitFor([&] { return flow.Posts(ts, "already has a ticket").size() == 2; }, kWait));
  flow.Stop();
}

TEST_CASE("a channel that is not enabled gets a private answer only", "[e2e][flow]") {
  Flow flow;
  flow.env["SLACKDESK_ALLOWED_CHANNELS"] = kChannel;
  flow.Start();
  flow.Mention("<@UBOT0001> hello?", "C0ELSEWHERE");
  REQUIRE(flow.slack.WaitForCalls("chat.postEphemeral", 1, kWait));
  auto messages = flow.slack.Messages();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].method == "chat.postEphemeral");
  CHECK(messages[0].user == kCustomer);
  CHECK(messages[0].text.find("not enabled in this channel") != std::string::npos);
  flow.Stop();
}

TEST_CASE("a request the helpdesk refuses is explained in the thread", "[e2e][flow]") {
  Flow flow;
  std::string ts = flow.StartWithMention("<@UBOT0001> broken");
  flow.jira.FailNext("POST", "/rest/servicedeskapi/request", 400);
  flow.Submit(flow.OpenForm(ts));
  REQUIRE(flow.WaitForPost(ts, "the helpdesk refused this request"));
  CHECK(flow.jira.Issues().empty());
  flow.Stop();
}

TEST_CASE("a rate-limited helpdesk queues the request and creates it once after Retry-After", "[e2e][flow]") {
  Flow flow;
  std::string ts = flow.StartWithMention("<@UBOT0001> slow helpdesk");
  flow.jira.FailNext("POST", "/rest/servicedeskapi/request", 429, 1, 6);
  flow.Submit(flow.OpenForm(ts));
  REQUIRE(flow.WaitForPost(ts, "queued"));
  REQUIRE(flow.WaitForPost(ts, "SUP-1"));
  CHECK(flow.jira.Issues().size() == 1);
  CHECK(flow.Posts(ts, "queued").size() == 1);
  flow.Stop();
}

TEST_CASE("a create whose answer was lost is found again by its marker and not repeated", "[e2e][flow]") {
  Flow flow;
  flow.jira.SetSearchLag(milliseconds(2000));
  std::string ts = flow.StartWithMention("<@UBOT0001> lost answer");
  std::string view_id = flow.OpenForm(ts);
  flow.Submit(view_id);
  flow.KillAfterCreateExpectOneTicket(ts);
}

TEST_CASE("SIGKILL at each step of the flow loses nothing and duplicates nothing", "[e2e][flow]") {
  // The kill points, in flow order: after the mention's ack, after the
  // button post, after the form's ack, after the confirmation post.
  for (int kill_point = 0; kill_point < 4; ++kill_point) {
    INFO("kill point " << kill_point);
    Flow flow;
    auto kill_at = [&](int point) {
      if (kill_point == point) flow.Restart();
    };
    flow.Start();
    std::string ts = flow.Mention("<@UBOT0001> crash test");
    if (kill_point == 0) {
      REQUIRE(flow.slack.WaitFor([&] { return flow.slack.AckTotal() == 1; }, kWait));
      flow.Restart();
    }
    REQUIRE(flow.WaitForPost(ts, "slackdesk_open_form"));
    kill_at(1);
    std::string view_id = flow.OpenForm(ts);
    flow.Submit(view_id);
    kill_at(2);
    REQUIRE(flow.WaitForPost(ts, "SUP-1"));
    kill_at(3);
    // Sync point: a new mention in the same channel. Its button goes out
    // behind anything the restarted daemon still had for this channel (one
    // lane per channel, in order), so once it is there, a duplicate would
    // be too.
    flow.MentionForForm("<@UBOT0001> another question");
    CHECK(flow.Posts(ts, "slackdesk_open_form").size() == 1);
    CHECK(flow.jira.Issues().size() == 1);
    CHECK(flow.Posts(ts, "Created").size() == 1);
    flow.Stop();
    CHECK(flow.Posts(ts, "Created").size() == 1);
  }
}

TEST_CASE("replies written while Jira is down reach the ticket in order, raised as the search-lag window ends",
          "[e2e][flow]") {
  Flow flow;
  std::string ts = flow.StartWithMention("<@UBOT0001> the export fails");
  std::string view_id = flow.OpenForm(ts);
  flow.jira.SetOutage(true, 503);
  flow.Submit(view_id, "The export fails");
  REQUIRE(flow.WaitForPost(ts, "saved and queued"));
  const std::vector<std::string> said = {"first detail", "second detail", "third detail"};
  int kept = -1;
  for (const std::string& text : said) {
    REQUIRE(flow.slack.WaitForAck(flow.slack.PostAsUser(kChannel, kCustomer, text, ts), kWait));
    kept = flow.daemon->WaitForLog("kept until the ticket exists", kWait, static_cast<size_t>(kept + 1));
    REQUIRE(kept >= 0);
  }
  flow.jira.SetOutage(false);

  // The 503 to the POST left its outcome unknown: the ticket is raised once
  // a search can be trusted to have seen it (30 s after that POST), and not
  // much later; then the kept replies, in the order written.
  INFO(flow.Log());
  REQUIRE(flow.jira.WaitFor(
      [&] { return !flow.jira.Issues().empty() && flow.jira.Issues()[0].comments.size() == said.size(); },
      milliseconds(45000)));
  REQUIRE(flow.WaitForPost(ts, "SUP-1"));
  auto issue = flow.jira.Issues()[0];
  for (size_t i = 0; i < said.size(); ++i) CHECK(issue.comments[i].body.find(said[i]) != std::string::npos);
  CHECK(flow.jira.Issues().size() == 1);
  std::vector<fake::JiraRequest> creates;
  std::vector<fake::JiraRequest> comments;
  for (const auto& request : flow.jira.Requests()) {
    if (request.method != "POST") continue;
    if (request.path == "/rest/servicedeskapi/request") creates.push_back(request);
    if (request.path.find("/comment") != std::string::npos) comments.push_back(request);
  }
  REQUIRE(creates.size() == 2);  // the one answered 503, the one that raised the ticket
  REQUIRE(comments.size() == said.size());
  auto after_window = std::chrono::duration_cast<milliseconds>(creates[1].at - creates[0].at).count() - 30000;
  INFO("raised " << after_window << " ms after the window's end");
  // The daemon's mark precedes the POST's arrival by a hair, more on a
  // loaded machine under a sanitizer (142 ms seen under TSan in CI).
  CHECK(after_window >= -500);
  CHECK(after_window < 3000);
  CHECK(comments.front().at >= creates[1].at);
  CHECK(flow.Posts(ts, "saved and queued").size() == 1);
  flow.Stop();
}
