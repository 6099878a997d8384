// Two-way sync end to end: agents' comments into the thread, customers'
// replies into the ticket, status in Slack; no leak, no echo, nothing lost
// or duplicated, also through rate limits, server errors and SIGKILL.
#include "flow_fixture.h"

using namespace e2e;

namespace {

// poll_interval for these tests; the contract's bound on a comment's trip
// is 2 x poll_interval + 2 s.
constexpr double kPollSeconds = 0.5;
constexpr milliseconds kSyncBound{static_cast<long long>(2 * kPollSeconds * 1000) + 2000};

// Starts the daemon polling every kPollSeconds and raises SUP-1 from a
// thread; returns the thread's ts.
std::string StartWithTicket(Flow& flow, const std::string& text) {
  flow.env["SLACKDESK_POLL_INTERVAL"] = "0.5";
  flow.Start();
  return flow.RaiseTicket(text);
}

// The ticket's comments, oldest first (a copy: the fake hands out snapshots).
std::vector<fake::JiraComment> Comments(const Flow& flow, const std::string& key) {
  auto issue = flow.jira.Issue(key);
  return issue ? issue->comments : std::vector<fake::JiraComment>{};
}

// Waits until SUP-1 has exactly `count` comments.
bool WaitForComments(const Flow& flow, size_t count) {
  return flow.jira.WaitFor([&] { return Comments(flow, "SUP-1").size() == count; }, kWait);
}

// The customer replies `text` in the thread `ts`; returns the reply once it
// is SUP-1's comment number `count`.
fake::JiraComment ReplyAsComment(Flow& flow, const std::string& ts, const std::string& text, size_t count) {
  flow.slack.PostAsUser(kChannel, kCustomer, text, ts);
  REQUIRE(WaitForComments(flow, count));
  return Comments(flow, "SUP-1")[count - 1];
}

// Waits for `count` more polls (searches) of the daemon.
bool WaitForPolls(const Flow& flow, int count) {
  int searches = flow.jira.CountRequests("POST", "/rest/api/3/search/jql");
  return flow.jira.WaitForRequests("POST", "/rest/api/3/search/jql", searches + count, kWait);
}

// An edit of a thread reply, as Slack sends it (message_changed), made at
// `edited_ts` (each edit has its own).
std::string EditPayload(const std::string& channel, const std::string& ts, const std::string& thread_ts,
                        const std::string& old_text, const std::string& new_text,
                        const std::string& edited_ts = "1700009000.000100") {
  return fmt::format(
      R"({{"type":"event_callback","event_id":"EvEdit{}{}","event":{{"type":"message","subtype":"message_changed","hidden":true,"channel":"{}","ts":"{}","event_ts":"{}","message":{{"type":"message","user":"{}","text":{},"ts":"{}","thread_ts":"{}","edited":{{"user":"{}","ts":"{}"}}}},"previous_message":{{"type":"message","user":"{}","text":{},"ts":"{}","thread_ts":"{}"}}}}}})",
      ts, edited_ts, channel, edited_ts, edited_ts, kCustomer, json::Quote(new_text), ts, thread_ts, kCustomer,
      edited_ts, kCustomer, json::Quote(old_text), ts, thread_ts);
}

// The link to comment `id` of SUP-1 an edit's comment carries.
std::string LinkTo(const std::string& id) { return "/browse/SUP-1?focusedCommentId=" + id + "#comment-" + id; }

}  // namespace

TEST_CASE("an agent's public comment reaches the thread in time and an internal note never does", "[e2e][sync]") {
  Flow flow;
  std::string ts = StartWithTicket(flow, "VPN drops every hour");
  auto relay = flow.RelayPublicNotInternal(ts, "Could you try *reconnecting* with {{vpn --reset}}?", kSyncBound);
  CHECK(relay.blocks_json.find("*reconnecting*") != std::string::npos);
  CHECK(relay.blocks_json.find("`vpn --reset`") != std::string::npos);
  flow.Stop();
}

TEST_CASE("a customer's reply becomes a public comment that names them and never echoes back", "[e2e][sync]") {
  Flow flow;
  std::string ts = StartWithTicket(flow, "Printer jams");
  auto comment = ReplyAsComment(flow, ts, "It still jams on *every* page, see <https://x.test/p|photo>", 1);
  CHECK(comment.is_public);
  CHECK(comment.author_account_id == fake::FakeJira::kBotAccountId);
  CHECK(comment.body.find("Ada Lovelace") != std::string::npos);
  CHECK(comment.body.find("ada@example.com") != std::string::npos);
  CHECK(comment.body.find("It still jams on *every* page, see [photo|https://x.test/p]") != std::string::npos);
  // Ignored: a top-level message, a thread without a ticket, and a bot.
  flow.slack.PostAsUser(kChannel, kCustomer, "unrelated chatter");
  flow.slack.PostAsUser(kChannel, kCustomer, "another thread", "1700000555.000100");
  fake::MessageSpec bot;
  bot.channel = kChannel;
  bot.user = "U0OTHERBOT";
  bot.thread_ts = ts;
  bot.text = "beep from another bot";
  std::string bot_payload = fake::MessagePayload(bot);
  bot_payload.insert(bot_payload.find("\"user\""), "\"bot_id\":\"B0OTHER\",");
  flow.slack.SendEnvelope("events_api", bot_payload);
  // Sync point: a later reply arrives, so the ignored ones were handled.
  ReplyAsComment(flow, ts, "second reply", 2);
  // The customer's name came from users.info once, not once per reply.
  int lookups = 0;
  for (const auto& call : flow.slack.Calls("users.info")) {
    lookups += call.body.find(kCustomer) != std::string::npos ? 1 : 0;
  }
  CHECK(lookups == 1);
  // Several polls later the daemon's own comments have not come back.
  REQUIRE(WaitForPolls(flow, 3));
  CHECK(flow.Relays(ts).empty());
  CHECK(Comments(flow, "SUP-1").size() == 2);
  flow.Stop();
}

TEST_CASE("a reply longer than Jira allows is shortened and still arrives", "[e2e][sync]") {
  Flow flow;
  std::string ts = StartWithTicket(flow, "Log dump");
  std::string huge(39000, 'x');  // Slack allows 40,000 characters, Jira 32,767
  auto comment = ReplyAsComment(flow, ts, huge, 1);
  CHECK(comment.body.size() <= 32767);
  CHECK(comment.body.find("shortened: the full message is in the Slack thread") != std::string::npos);
  flow.Stop();
}

TEST_CASE("an edited reply adds a short comment linking the one it replaces, also after a restart",
          "[e2e][sync]") {
  Flow flow;
  std::string ts = StartWithTicket(flow, "Laptop is slow");
  auto first = ReplyAsComment(flow, ts, "It takes 5 minutes to boot", 1);
  std::string reply_ts = flow.slack.UserMessages().back().ts;
  flow.slack.SendEnvelope("events_api", EditPayload(kChannel, reply_ts, ts, "It takes 5 minutes to boot",
                                                    "It takes 15 minutes to boot"));
  REQUIRE(WaitForComments(flow, 2));
  auto edited = Comments(flow, "SUP-1")[1];
  INFO(edited.body);
  CHECK(edited.body.find("edited their message") != std::string::npos);
  CHECK(edited.body.find("15 minutes") != std::string::npos);
  CHECK(edited.body.find(LinkTo(first.id)) != std::string::npos);
  // Short: not a second full reply (no footer, no reference line).
  CHECK(edited.body.find("wrote in Slack") == std::string::npos);
  // A message_changed whose text did not change (an unfurl) is no edit.
  std::string unfurl = EditPayload(kChannel, reply_ts, ts, "It takes 15 minutes to boot",
                                   "It takes 15 minutes to boot", "1700009001.000100");
  flow.slack.SendEnvelope("events_api", unfurl);
  // The edit's comment is kept across a restart: the next edit links to
  // it. (Recorded with the edit's outcome: a daemon killed before that finds
  // the comment again by its marker, but an edit decided meanwhile links the
  // version before, still an earlier comment of the same message.)
  REQUIRE(flow.daemon->WaitForLog("intent edit:" + std::string(kChannel) + ":" + reply_ts, kWait) >= 0);
  flow.Stop();
  flow.Start();
  flow.slack.SendEnvelope("events_api", EditPayload(kChannel, reply_ts, ts, "It takes 15 minutes to boot",
                                                    "It takes 20 minutes to boot", "1700009002.000100"));
  REQUIRE(WaitForComments(flow, 3));
  auto again = Comments(flow, "SUP-1")[2];
  INFO(again.body);
  CHECK(again.body.find("20 minutes") != std::string::npos);
  CHECK(again.body.find(LinkTo(edited.id)) != std::string::npos);
  REQUIRE(WaitForPolls(flow, 2));
  CHECK(Comments(flow, "SUP-1").size() == 3);
  flow.Stop();
}

TEST_CASE("status changes update the confirmation and resolution posts one note", "[e2e][sync]") {
  Flow flow;
  std::string ts = StartWithTicket(flow, "Cannot log in");
  flow.jira.SetStatus("SUP-1", "In Progress", "indeterminate");
  auto confirmation = [&] { return flow.Posts(ts, "Created").at(0); };
  REQUIRE(flow.slack.WaitFor([&] { return confirmation().text.find("In Progress") != std::string::npos; }, kWait));
  CHECK(confirmation().edit_count >= 1);
  flow.jira.SetStatus("SUP-1", "Resolved", "done");
  REQUIRE(flow.WaitForPost(ts, "is now Resolved"));
  REQUIRE(flow.slack.WaitFor([&] { return confirmation().text.find("Resolved") != std::string::npos; }, kWait));
  // A reply after resolution still reaches the ticket, and the note is not repeated.
  ReplyAsComment(flow, ts, "Still broken for me", 1);
  REQUIRE(WaitForPolls(flow, 3));
  CHECK(flow.Posts(ts, "is now Resolved").size() == 1);
  flow.Stop();
}

TEST_CASE("a reply on a resolved ticket reopens it, and the thread shows it", "[e2e][sync][reopen]") {
  Flow flow;
  std::string ts = StartWithTicket(flow, "Cannot log in");
  auto confirmation = [&] { return flow.Posts(ts, "Created").at(0); };
  flow.jira.SetStatus("SUP-1", "Resolved", "done");
  REQUIRE(flow.WaitForPost(ts, "is now Resolved"));
  ReplyAsComment(flow, ts, "It broke again", 1);
  // "Close" (done to done) comes first in the fake's workflow: passed over.
  REQUIRE(flow.jira.WaitFor([&] { return flow.jira.Issue("SUP-1")->status == "Waiting for support"; }, kWait));
  REQUIRE(flow.WaitForPost(ts, "was reopened by this reply; it is now Waiting for support"));
  REQUIRE(flow.slack.WaitFor([&] { return confirmation().text.find("Waiting for support") != std::string::npos; },
                             kWait));
  CHECK(flow.jira.CountRequests("POST", "/rest/api/2/issue/SUP-1/transitions") == 1);
  // A second reply finds it open: no second step, no second note.
  ReplyAsComment(flow, ts, "Still broken", 2);
  REQUIRE(WaitForPolls(flow, 3));
  CHECK(flow.jira.CountRequests("POST", "/rest/api/2/issue/SUP-1/transitions") == 1);
  CHECK(flow.Posts(ts, "was reopened").size() == 1);
  flow.Stop();
}

TEST_CASE("a closed ticket with no way back: the reply is kept and the customer told how to raise a new one",
          "[e2e][sync][reopen]") {
  Flow flow;
  flow.jira.SetTransitions({{"41", "Close", "done", "Closed", "done"}});
  std::string ts = StartWithTicket(flow, "Cannot log in");
  flow.jira.SetStatus("SUP-1", "Closed", "done");
  REQUIRE(flow.WaitForPost(ts, "is now Closed"));
  fake::JiraComment reply = ReplyAsComment(flow, ts, "It broke again", 1);
  CHECK(reply.body.find("It broke again") != std::string::npos);
  REQUIRE(flow.WaitForPost(ts, "SUP-1 is Closed and cannot be reopened from Slack"));
  CHECK(flow.Posts(ts, "mention me in a new message in the channel").size() == 1);
  CHECK(flow.jira.Issue("SUP-1")->status == "Closed");
  CHECK(flow.jira.CountRequests("POST", "/rest/api/2/issue/SUP-1/transitions") == 0);
  flow.Stop();
}

TEST_CASE("rate limits and server errors on both sides delay the sync and lose nothing", "[e2e][sync]") {
  Flow flow;
  std::string ts = StartWithTicket(flow, "Storm test");
  flow.jira.FailNext("POST", "/rest/api/3/search/jql", 429, 1, 2);
  flow.jira.FailNext("GET", "/rest/api/2/issue/SUP-1/comment", 500, -1, 2);
  flow.jira.FailNext("POST", "/rest/api/2/issue/SUP-1/comment", 503, -1, 2);
  flow.slack.FailNext("chat.postMessage", fake::Failure{429, "ratelimited", 1}, 2);
  flow.slack.FailNext("chat.postMessage", fake::Failure{500, "internal_error"}, 1);
  for (int i = 1; i <= 3; ++i) flow.jira.AddAgentComment("SUP-1", "Grace Hopper", fmt::format("agent note {}", i), true);
  for (int i = 1; i <= 3; ++i) flow.slack.PostAsUser(kChannel, kCustomer, fmt::format("customer note {}", i), ts);
  REQUIRE(flow.slack.WaitFor([&] { return flow.Relays(ts).size() >= 3; }, milliseconds(30000)));
  REQUIRE(flow.jira.WaitFor([&] { return Comments(flow, "SUP-1").size() >= 6; }, milliseconds(30000)));
  auto relays = flow.Relays(ts);
  REQUIRE(relays.size() == 3);
  for (int i = 0; i < 3; ++i) CHECK(relays[i].text.find(fmt::format("agent note {}", i + 1)) != std::string::npos);
  std::vector<std::string> customer_notes;
  for (const auto& c : Comments(flow, "SUP-1")) {
    if (c.body.find("customer note") != std::string::npos) customer_notes.push_back(c.body);
  }
  REQUIRE(customer_notes.size() == 3);
  for (int i = 0; i < 3; ++i) CHECK(customer_notes[i].find(fmt::format("customer note {}", i + 1)) != std::string::npos);
  flow.Stop();
}

TEST_CASE("SIGKILL at every relay boundary delivers each comment once and in order", "[e2e][sync]") {
  constexpr int kComments = 4;
  for (int kill_after = 0; kill_after < kComments; ++kill_after) {
    INFO("killed after " << kill_after << " relayed comments");
    Flow flow;
    std::string ts = StartWithTicket(flow, "Crash during sync");
    for (int i = 1; i <= kComments; ++i) {
      flow.jira.AddAgentComment("SUP-1", "Grace Hopper", fmt::format("step {} of the fix", i), true);
    }
    flow.slack.PostAsUser(kChannel, kCustomer, "customer reply during the crash", ts);
    if (kill_after == 0) {
      // Killed right after Jira took the customer's comment.
      REQUIRE(flow.jira.WaitForRequests("POST", "/rest/api/2/issue/SUP-1/comment", 1, kWait));
    } else {
      REQUIRE(flow.slack.WaitFor([&] { return static_cast<int>(flow.Relays(ts).size()) >= kill_after; }, kWait));
    }
    flow.Restart();
    REQUIRE(flow.slack.WaitFor([&] { return static_cast<int>(flow.Relays(ts).size()) >= kComments; }, kWait));
    REQUIRE(flow.jira.WaitFor([&] { return !Comments(flow, "SUP-1").empty(); }, kWait));
    // Sync point: a fresh comment and a fresh reply make it through, so
    // anything the restart might still repeat would be there by now.
    flow.jira.AddAgentComment("SUP-1", "Grace Hopper", "final word", true);
    flow.slack.PostAsUser(kChannel, kCustomer, "thanks", ts);
    REQUIRE(flow.slack.WaitFor([&] { return static_cast<int>(flow.Relays(ts).size()) >= kComments + 1; }, kWait));
    REQUIRE(flow.jira.WaitFor([&] {
      for (const auto& c : Comments(flow, "SUP-1")) {
        if (c.body.find("thanks") != std::string::npos) return true;
      }
      return false;
    }, kWait));
    auto relays = flow.Relays(ts);
    REQUIRE(relays.size() == kComments + 1);
    for (int i = 0; i < kComments; ++i) {
      CHECK(relays[i].text.find(fmt::format("step {} of the fix", i + 1)) != std::string::npos);
    }
    int customer_comments = 0;
    for (const auto& c : Comments(flow, "SUP-1")) {
      customer_comments += c.body.find("customer reply during the crash") != std::string::npos ? 1 : 0;
    }
    CHECK(customer_comments == 1);
    flow.Stop();
  }
}
