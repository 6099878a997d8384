// The app in-process: the real dispatcher, runner, poller and adapters over
// a real state file, against the recording Slack and the fake helpdesk. The
// same flows as the end-to-end suite, without sockets, in milliseconds;
// plus what only an in-process test can set up exactly (many intents
// pending at a restart, a create whose answer was lost).
#include <algorithm>
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "app/effect_codec.h"
#include "app_harness.h"
#include "bridge/form.h"
#include "slack_payloads.h"
#include "store/outbox.h"
#include "store/ticket_store.h"
#include "test_support.h"
#include "util/clock.h"

using apptest::AppHarness;
using apptest::kChannel;
using apptest::kCustomer;

namespace {

constexpr const char* kThread = "1700000000.000100";

int PostsWithKeyPrefix(const fake::RecordingSlack& slack, const std::string& prefix) {
  auto posts = slack.Posts();
  return static_cast<int>(std::count_if(posts.begin(), posts.end(), [&](const fake::PostedMessage& post) {
    return post.metadata_key.rfind(prefix, 0) == 0;
  }));
}

// What the customer says in the channel.
fake::MessageSpec Said(const std::string& text, const std::string& ts, const std::string& thread_ts) {
  fake::MessageSpec spec;
  spec.channel = kChannel;
  spec.user = kCustomer;
  spec.text = text;
  spec.ts = ts;
  spec.thread_ts = thread_ts;
  return spec;
}

std::string Mention(const std::string& text, const std::string& ts = kThread, const std::string& thread_ts = "") {
  return fake::AppMentionPayload(Said(text, ts, thread_ts));
}

std::string Reply(const std::string& text, const std::string& ts) {
  return fake::MessagePayload(Said(text, ts, kThread));
}

std::string Click() {
  fake::BlockActionsSpec spec;
  spec.channel = kChannel;
  spec.message_ts = "1700000100.000100";
  spec.thread_ts = kThread;
  spec.action_id = "slackdesk_open_form";
  spec.value = std::string(kChannel) + "|" + kThread;
  spec.trigger_id = "trigger-1";
  return fake::BlockActionsPayload(spec);
}

std::string Submit(const std::string& view_id, const std::string& summary, const std::string& thread = kThread) {
  fake::ViewSubmissionSpec spec;
  spec.view_json = R"({"id":")" + view_id + R"(","callback_id":"slackdesk_request","private_metadata":")" + kChannel +
                   "|" + thread + R"(","blocks":[]})";
  spec.state_values_json = R"({"summary":{"value":{"type":"plain_text_input","value":")" + summary +
                           R"("}},"description":{"value":{"type":"plain_text_input","value":"It smokes."}}})";
  return fake::ViewSubmissionPayload(spec);
}

// Through the form to a confirmed ticket.
void RaiseTicket(AppHarness& app, const std::string& view_id = "V1") {
  app.Receive("events_api", Mention("<@UBOT> the printer is on fire"));
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "prompt:") == 1; }));
  app.Receive("interactive", Submit(view_id, "Printer on fire"));
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "confirm:") == 1; }));
}

// Mention, prompt and form, through a create that fails once: the retry
// waits out the backoff (about a second) and reconciles before raising.
void RaiseThroughRetry(AppHarness& app) {
  app.Receive("events_api", Mention("<@UBOT> the printer is on fire"));
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "prompt:") == 1; }));
  app.Receive("interactive", Submit("V1", "Printer on fire"));
  REQUIRE(
      app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "confirm:") == 1; }, std::chrono::milliseconds(15000)));
  CHECK(app.helpdesk.Tickets().size() == 1);
  CHECK(app.helpdesk.CountCalls("FindCreatedTicket") >= 1);
}

}  // namespace

TEST_CASE("a mention, a click and a form raise the ticket on the customer's behalf", "[app]") {
  AppHarness app;
  app.slack.AddUser(kCustomer, "Ada Lovelace", "ada@example.com");
  std::string customer = app.helpdesk.AddCustomer("ada@example.com");

  app.Receive("events_api", Mention("<@UBOT> the printer is on fire"));
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "prompt:") == 1; }));
  CHECK(app.slack.Posts()[0].thread_ts == kThread);
  CHECK(app.slack.Posts()[0].body.find("slackdesk_open_form") != std::string::npos);

  app.Receive("interactive", Click());
  REQUIRE(app.RunUntil([&] { return app.slack.Calls("views.open").size() == 1; }));
  CHECK(app.slack.Calls("views.open")[0].body.find("the printer is on fire") != std::string::npos);

  app.Receive("interactive", Submit("V1", "Printer on fire"));
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "confirm:") == 1; }));
  auto tickets = app.helpdesk.Tickets();
  REQUIRE(tickets.size() == 1);
  CHECK(tickets[0].ticket.summary == "Printer on fire");
  CHECK(tickets[0].on_behalf_of == customer);
  std::string description = bridge::ToPlainString(tickets[0].description);
  CHECK(description.find("It smokes.") != std::string::npos);
  CHECK(description.find("Ada Lovelace (ada@example.com) of the Test workspace via Slack") != std::string::npos);
  CHECK(tickets[0].marker == "slackdeskrefv1");
  CHECK(app.slack.Posts().back().text.find(tickets[0].ticket.key) != std::string::npos);
  app.RunUntil([&] { return app.OpenIntents() == 0; });
  CHECK(app.OpenIntents() == 0);
}

TEST_CASE("replies become comments, agents' public comments come back, internal ones do not", "[app]") {
  AppHarness app;
  app.slack.AddUser(kCustomer, "Ada Lovelace", "");
  RaiseTicket(app);
  std::string key = app.helpdesk.Tickets()[0].ticket.key;

  app.Receive("events_api", Reply("still broken", "1700000200.000100"));
  REQUIRE(app.RunUntil([&] { return app.helpdesk.CountCalls("AddPublicComment") == 1; }));
  auto comments = app.helpdesk.Ticket(key)->comments;
  REQUIRE(comments.size() == 1);
  CHECK(bridge::ToPlainString(comments[0].comment.body) == "Ada Lovelace of the Test workspace wrote in Slack:\nstill broken");

  app.StartSync();
  app.helpdesk.AddAgentComment(key, "Grace Hopper", bridge::RichText{{bridge::Paragraph({bridge::Text("on my way")})}},
                               true);
  app.helpdesk.AddAgentComment(key, "Grace Hopper", bridge::RichText{{bridge::Paragraph({bridge::Text("secret")})}},
                               false);
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "relay:") == 1; }));
  app.RunFor(std::chrono::milliseconds(200));  // two more poll cycles: nothing else may come
  CHECK(PostsWithKeyPrefix(app.slack, "relay:") == 1);
  auto posts = app.slack.Posts();
  bool relayed_public = false;
  for (const auto& post : posts) {
    CHECK(post.body.find("secret") == std::string::npos);
    CHECK(post.body.find("still broken") == std::string::npos);  // no echo of our own comment
    relayed_public = relayed_public || post.body.find("on my way") != std::string::npos;
  }
  CHECK(relayed_public);
}

TEST_CASE("a create whose answer was lost is found again, not raised twice", "[app]") {
  AppHarness app;
  util::Error lost{util::ErrorCode::kNetwork, "connection reset after the request was sent"};
  app.helpdesk.FailNext("CreateTicket", lost, 1, /*after_effect=*/true);
  RaiseThroughRetry(app);
  CHECK(PostsWithKeyPrefix(app.slack, "queued:") == 1);
}

TEST_CASE("a form submitted twice gives one ticket and shows it to the second", "[app]") {
  AppHarness app;
  RaiseTicket(app, "V1");
  app.Receive("interactive", Submit("V2", "Printer on fire again"));
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "existing:") == 1; }));
  CHECK(app.helpdesk.Tickets().size() == 1);
  CHECK(app.helpdesk.CountCalls("CreateTicket") == 1);
}

TEST_CASE("intents pending at a restart run once each, with several workers", "[app]") {
  AppHarness app;
  constexpr int kIntents = 60;
  {
    store::Outbox outbox(app.Store());
    for (int i = 0; i < kIntents; ++i) {
      std::string channel = "C" + std::to_string(i % 6);
      bridge::PostMessage post{
          "notice:" + std::to_string(i), {channel, "1.1"}, bridge::NoticeContent{"note " + std::to_string(i)}};
      REQUIRE(outbox.Add(app::EncodeEffect(post), util::WallMillisNow()));
    }
  }
  app.Restart(4);
  REQUIRE(app.RunUntil([&] { return app.OpenIntents() == 0; }, std::chrono::milliseconds(20000)));
  std::map<std::string, int> times;
  for (const auto& post : app.slack.Posts()) ++times[post.metadata_key];
  CHECK(times.size() == static_cast<size_t>(kIntents));
  for (const auto& [key, count] : times) {
    INFO(key);
    CHECK(count == 1);
  }
  // Within a channel, in the order they were added.
  std::map<std::string, int> last;
  for (const auto& post : app.slack.Posts()) {
    int n = std::stoi(post.metadata_key.substr(post.metadata_key.find(':') + 1));
    CHECK(n > last.emplace(post.channel, -1).first->second);
    last[post.channel] = n;
  }
}

TEST_CASE("an outbox row this version cannot read is set aside, not guessed at", "[app]") {
  AppHarness app;
  {
    store::Outbox outbox(app.Store());
    REQUIRE(outbox.Add(store::Intent{"old:1", "post_message", "slack:C1", R"({"channel":"C1","text":"hi"})"},
                       util::WallMillisNow()));
  }
  app.Restart();
  REQUIRE(app.RunUntil([&] { return app.OpenIntents() == 0; }));
  CHECK(app.slack.Posts().empty());
}

TEST_CASE("an ephemeral note whose outcome was lost is not shown again", "[app]") {
  AppHarness app;
  {
    store::Outbox outbox(app.Store());
    REQUIRE(outbox.Add(app::EncodeEffect(bridge::PostEphemeral{"click:E1", kChannel, kCustomer, "", "a note"}),
                       util::WallMillisNow()));
    auto due = outbox.Due(util::WallMillisNow(), 1);
    REQUIRE(due->size() == 1);
    REQUIRE(outbox.MarkAttempted(due->front().id, util::WallMillisNow()));  // then the process died
  }
  app.Restart();
  REQUIRE(app.RunUntil([&] { return app.OpenIntents() == 0; }));
  CHECK(app.slack.Calls("chat.postEphemeral").empty());  // at most once, never twice
}

TEST_CASE("allowed_channels: clicks and forms outside it raise nothing", "[app][authz]") {
  AppHarness app;
  app.Receive("events_api", Mention("<@UBOT> the printer is on fire"));
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "prompt:") == 1; }));
  app.allowed_channels = {"C0OTHER"};  // a SIGHUP removed the channel
  app.Receive("interactive", Click());
  app.Receive("interactive", Submit("V1", "Printer on fire"));
  REQUIRE(app.RunUntil([&] { return app.slack.Calls("chat.postEphemeral").size() == 2; }));
  REQUIRE(app.RunUntil([&] { return app.OpenIntents() == 0; }));
  CHECK(app.slack.Calls("views.open").empty());
  CHECK(app.helpdesk.CountCalls("CreateTicket") == 0);
  for (const auto& call : app.slack.Calls("chat.postEphemeral")) CHECK(call.body.find(kCustomer) != std::string::npos);
}

TEST_CASE("a form submitted before its channel was removed is not raised after", "[app][authz]") {
  AppHarness app;
  // The helpdesk is down when the form comes: the create waits in the outbox.
  app.helpdesk.FailNext("CreateTicket", util::Error{util::ErrorCode::kServerError, "HTTP 503"}, 1);
  app.Receive("events_api", Mention("<@UBOT> the printer is on fire"));
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "prompt:") == 1; }));
  app.Receive("interactive", Submit("V1", "Printer on fire"));
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "queued:") == 1; }));
  app.allowed_channels = {"C0OTHER"};
  REQUIRE(app.RunUntil([&] { return app.OpenIntents() == 0; }, std::chrono::milliseconds(15000)));
  CHECK(app.helpdesk.Tickets().empty());
  CHECK(PostsWithKeyPrefix(app.slack, "confirm:") == 0);
  REQUIRE(app.slack.Calls("chat.postEphemeral").size() == 1);
  CHECK(app.slack.Calls("chat.postEphemeral")[0].body.find("no longer serves this channel") != std::string::npos);
}

TEST_CASE("a channel removed by SIGHUP stops syncing both ways, says so once, across restarts", "[app][authz]") {
  AppHarness app;
  app.slack.AddUser(kCustomer, "Ada Lovelace", "");
  RaiseTicket(app);
  std::string key = app.helpdesk.Tickets()[0].ticket.key;
  auto agent_says = [&](const std::string& text) {
    app.helpdesk.AddAgentComment(key, "Grace Hopper", bridge::RichText{{bridge::Paragraph({bridge::Text(text)})}},
                                 true);
  };
  app.StartSync();
  agent_says("on my way");
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "relay:") == 1; }));

  app.allowed_channels = {"C0OTHER"};
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "syncstopped:") == 1; }));
  CHECK(app.slack.Posts().back().thread_ts == kThread);
  agent_says("written while the channel is out");
  app.Receive("events_api", Reply("still broken", "1700000200.000100"));
  app.RunFor(std::chrono::milliseconds(300));  // several poll cycles and the reply: nothing may cross
  CHECK(PostsWithKeyPrefix(app.slack, "relay:") == 1);
  CHECK(app.helpdesk.CountCalls("AddPublicComment") == 0);
  CHECK(PostsWithKeyPrefix(app.slack, "syncstopped:") == 1);

  app.Restart();
  app.StartSync();
  app.Receive("events_api", Reply("hello?", "1700000300.000100"));
  app.RunFor(std::chrono::milliseconds(300));
  CHECK(PostsWithKeyPrefix(app.slack, "syncstopped:") == 1);  // told once, also after a restart
  CHECK(app.helpdesk.CountCalls("AddPublicComment") == 0);

  app.allowed_channels.clear();  // allowed again: what agents wrote meanwhile comes over
  agent_says("back again");
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "relay:") == 3; }));
  CHECK(PostsWithKeyPrefix(app.slack, "syncstopped:") == 1);
}

TEST_CASE("a Slack Connect user raises and replies, and their e-mail picks no customer of ours", "[app][authz]") {
  AppHarness app;
  // Another organisation set this user's profile e-mail to our customer's.
  app.slack.AddExternalUser(kCustomer, "Eve Mallory", "ada@example.com", "T0OTHER", "Other Org");
  app.helpdesk.AddCustomer("ada@example.com");
  RaiseTicket(app);
  auto ticket = app.helpdesk.Tickets().at(0);
  CHECK(ticket.on_behalf_of.empty());
  CHECK(app.helpdesk.CountCalls("FindCustomer") == 0);
  CHECK(bridge::ToPlainString(ticket.description)
            .find("Eve Mallory (ada@example.com) of the Other Org workspace (Slack Connect) via Slack") !=
        std::string::npos);
  app.Receive("events_api", Reply("any news?", "1700000200.000100"));
  REQUIRE(app.RunUntil([&] { return app.helpdesk.CountCalls("AddPublicComment") == 1; }));
  CHECK(bridge::ToPlainString(app.helpdesk.Ticket(ticket.ticket.key)->comments.at(0).comment.body) ==
        "Eve Mallory (ada@example.com) of the Other Org workspace (Slack Connect) wrote in Slack:\nany news?");
}

TEST_CASE("with trust_external_emails a Slack Connect user's e-mail picks the customer", "[app][authz]") {
  AppHarness app;
  app.trust_external_emails = true;
  app.Restart();
  app.slack.AddExternalUser(kCustomer, "Ada Lovelace", "ada@example.com", "T0OTHER", "Other Org");
  std::string customer = app.helpdesk.AddCustomer("ada@example.com");
  RaiseTicket(app);
  CHECK(app.helpdesk.Tickets().at(0).on_behalf_of == customer);
}

TEST_CASE("a users.info that hangs holds up no prompt, confirmation, comment or relay", "[app][starvation]") {
  AppHarness app(4);
  app.slack.AddUser(kCustomer, "Ada Lovelace", "");
  RaiseTicket(app);  // the customer is known (cached) from here on
  std::string key = app.helpdesk.Tickets()[0].ticket.key;
  app.StartSync();
  app.slack.Hold("users.info");
  struct Released {
    fake::RecordingSlack& slack;
    ~Released() { slack.Release("users.info"); }  // also when a check below throws
  } released{app.slack};
  // Four mentions that name someone unknown: their look-ups hang.
  for (int i = 0; i < 4; ++i) {
    std::string ts = "17000003" + std::to_string(i) + "0.000100";
    app.Receive("events_api", Mention("<@UBOT> <@U0NOBODY" + std::to_string(i) + "> cannot print", ts));
  }
  REQUIRE(app.slack.WaitForCalls("users.info", 1));
  // Elsewhere everything goes on: a prompt, a confirmation, a comment, a relay.
  const std::string other = "1700000400.000100";
  app.Receive("events_api", Mention("<@UBOT> the scanner too", other));
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "prompt:") == 2; }));
  app.Receive("interactive", Submit("V2", "Scanner", other));
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "confirm:") == 2; }));
  app.Receive("events_api", Reply("still broken", "1700000500.000100"));
  REQUIRE(app.RunUntil([&] { return app.helpdesk.CountCalls("AddPublicComment") == 1; }));
  app.helpdesk.AddAgentComment(key, "Grace Hopper", bridge::RichText{{bridge::Paragraph({bridge::Text("on it")})}},
                               true);
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "relay:") == 1; }));
  CHECK(PostsWithKeyPrefix(app.slack, "prompt:") == 2);  // the four still wait for their names
  app.slack.Release("users.info");
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "prompt:") == 6; }));
}

TEST_CASE("a mention of many people costs at most 20 look-ups, the rest are shown as ids", "[app][starvation]") {
  AppHarness app;
  std::string text = "<@UBOT> please help";
  for (int i = 0; i < 25; ++i) {
    std::string id = "U0P" + std::to_string(10 + i);
    app.slack.AddUser(id, "Person " + std::to_string(10 + i), "");
    text += " <@" + id + ">";
  }
  app.Receive("events_api", Mention(text));
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "prompt:") == 1; }));
  CHECK(app.slack.Calls("users.info").size() == 20);
  app.Receive("interactive", Click());
  REQUIRE(app.RunUntil([&] { return app.slack.Calls("views.open").size() == 1; }));
  std::string form = app.slack.Calls("views.open")[0].body;
  CHECK(form.find("Person 10") != std::string::npos);
  CHECK(form.find("U0P34") != std::string::npos);  // beyond the bound: its id
}

TEST_CASE("a create whose worker throws is logged with its intent, retried, and raises one ticket", "[app][hostile]") {
  AppHarness app;
  testing::LogCapture log;
  app.helpdesk.ThrowNext("CreateTicket");
  RaiseThroughRetry(app);  // reconciled first: the effect might have happened before the throw
  CHECK(log.Has(util::log::Level::kError, "intent create:V1 (id "));
  CHECK(log.Has(util::log::Level::kError,
                "kind create_ticket, lane create:C0SUPPORT:1700000000.000100) threw scripted throw from CreateTicket; "
                "retrying with backoff"));
}

TEST_CASE("a poll that throws is logged and the next cycle relays the comment", "[app][hostile]") {
  AppHarness app;
  testing::LogCapture log;
  RaiseTicket(app);
  std::string key = app.helpdesk.Tickets()[0].ticket.key;
  app.helpdesk.ThrowNext("ChangedSince", 2);
  app.helpdesk.AddAgentComment(key, "Grace Hopper", bridge::RichText{{bridge::Paragraph({bridge::Text("on my way")})}},
                               true);
  app.StartSync();
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "relay:") == 1; }));
  CHECK(app.helpdesk.CountCalls("ChangedSince") >= 3);
  CHECK(log.Has(util::log::Level::kWarn,
                "sync: helpdesk poll incomplete: the poll threw scripted throw from ChangedSince; trying again next "
                "cycle"));
}

TEST_CASE("replies written while the helpdesk is down reach the ticket, in order, once it exists", "[app]") {
  AppHarness app;
  util::Error down{util::ErrorCode::kNetwork, "connection refused"};
  down.not_sent = true;
  app.helpdesk.FailNext("CreateTicket", down, 1000);
  app.Receive("events_api", Mention("<@UBOT> the printer is on fire"));
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "prompt:") == 1; }));
  app.Receive("interactive", Submit("V1", "Printer on fire"));
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "queued:") == 1; }));

  const std::vector<std::string> said = {"first", "second", "third"};
  for (size_t i = 0; i < said.size(); ++i) {
    app.Receive("events_api", Reply(said[i], "170000030" + std::to_string(i) + ".000100"));
  }
  store::TicketStore tickets(app.Store());
  REQUIRE(app.RunUntil([&] { return tickets.HeldReplies(kChannel, kThread)->size() == said.size(); }));
  CHECK(app.helpdesk.CountCalls("AddPublicComment") == 0);

  app.helpdesk.FailNext("CreateTicket", down, 0);  // the helpdesk is back
  REQUIRE(app.RunUntil([&] { return app.helpdesk.CountCalls("AddPublicComment") == 3; },
                       std::chrono::milliseconds(20000)));
  REQUIRE(app.RunUntil([&] { return app.OpenIntents() == 0; }));
  // The ticket first, then the replies as its comments, in the order written.
  std::vector<std::string> order;
  for (const auto& call : app.helpdesk.Calls()) {
    if (call.method == "CreateTicket" && !call.failed) order.push_back("create");
    if (call.method == "AddPublicComment") order.push_back(call.detail.substr(call.detail.rfind('\n') + 1));
  }
  CHECK(order == std::vector<std::string>{"create", "first", "second", "third"});
  auto ticket = app.helpdesk.Tickets();
  REQUIRE(ticket.size() == 1);
  REQUIRE(ticket[0].comments.size() == 3);
  CHECK(bridge::ToPlainString(ticket[0].comments[2].comment.body).find("third") != std::string::npos);
  CHECK(PostsWithKeyPrefix(app.slack, "confirm:") == 1);
  CHECK(tickets.HeldReplies(kChannel, kThread)->empty());
  // A reply now goes straight to the ticket.
  app.Receive("events_api", Reply("fourth", "1700000400.000100"));
  REQUIRE(app.RunUntil([&] { return app.helpdesk.CountCalls("AddPublicComment") == 4; }));
}

TEST_CASE("a create lost in a crash is raised as the search-lag window ends, not a backoff later", "[app]") {
  AppHarness app;
  constexpr long long kLag = 3000;
  app.helpdesk.SetSearchLag(kLag);
  long long attempted = util::WallMillisNow();
  {
    // The process marked the create attempted just before its POST, then
    // died: the POST never reached the helpdesk.
    store::Outbox outbox(app.Store());
    bridge::CreateTicket create{
        "create:V1", {kChannel, kThread},       "V1", kCustomer, "Printer on fire", "It smokes.", {},
        {},          bridge::TicketMarker("V1")};
    REQUIRE(outbox.Add(app::EncodeEffect(create), attempted));
    long long id = outbox.Due(attempted, 1)->front().id;
    REQUIRE(outbox.MarkRunning(id));
    REQUIRE(outbox.MarkEffectAt(id, attempted));
  }
  app.Restart();
  REQUIRE(
      app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "confirm:") == 1; }, std::chrono::milliseconds(15000)));
  auto tickets = app.helpdesk.Tickets();
  REQUIRE(tickets.size() == 1);
  long long late_by = tickets[0].created_ms - (attempted + kLag);
  INFO("created " << late_by << " ms after the window's end");
  CHECK(late_by >= 0);   // never while a search could still miss it
  CHECK(late_by < 700);  // and not a backoff later
}

TEST_CASE("the search-lag window of a create counts from its POST, not from its look-ups", "[app]") {
  AppHarness app;
  app.slack.AddUser(kCustomer, "Ada Lovelace", "ada@example.com");
  app.helpdesk.AddCustomer("ada@example.com");
  app.helpdesk.SetDelay("FindCustomer", std::chrono::milliseconds(1000));  // a slow look-up before the POST
  app.helpdesk.SetDelay("CreateTicket", std::chrono::milliseconds(300));   // created, answered late
  app.Receive("events_api", Mention("<@UBOT> the printer is on fire"));
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "prompt:") == 1; }));
  long long submitted = util::WallMillisNow();
  app.Receive("interactive", Submit("V1", "Printer on fire"));
  REQUIRE(app.RunUntil([&] { return app.helpdesk.CountCalls("CreateTicket") == 1; }));
  app.Restart();  // killed while the POST's answer was on its way
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "confirm:") == 1; }));
  CHECK(app.helpdesk.Tickets().size() == 1);
  CHECK(app.helpdesk.CountCalls("CreateTicket") == 1);
  auto calls = app.helpdesk.Calls();
  auto find = std::find_if(calls.begin(), calls.end(), [](const auto& c) { return c.method == "FindCreatedTicket"; });
  REQUIRE(find != calls.end());
  long long attempted = std::stoll(find->detail.substr(std::string("attempted=").size()));
  CHECK(attempted >= submitted + 1000);  // after the look-up: when the POST went out
}
