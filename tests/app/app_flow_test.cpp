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
#include "slack_payloads.h"
#include "store/outbox.h"
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

std::string Submit(const std::string& view_id, const std::string& summary) {
  fake::ViewSubmissionSpec spec;
  spec.view_json = R"({"id":")" + view_id + R"(","callback_id":"slackdesk_request","private_metadata":")" + kChannel +
                   "|" + kThread + R"(","blocks":[]})";
  spec.state_values_json = R"({"summary":{"value":{"type":"plain_text_input","value":")" + summary +
                           R"("}},"description":{"value":{"type":"plain_text_input","value":"It smokes."}},)"
                           R"("severity":{"value":{"type":"static_select","selected_option":{"value":"High"}}}})";
  return fake::ViewSubmissionPayload(spec);
}

// Through the form to a confirmed ticket.
void RaiseTicket(AppHarness& app, const std::string& view_id = "V1") {
  app.Receive("events_api", Mention("<@UBOT> the printer is on fire"));
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "prompt:") == 1; }));
  app.Receive("interactive", Submit(view_id, "Printer on fire"));
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "confirm:") == 1; }));
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
  CHECK(description.find("Ada Lovelace (ada@example.com) via Slack") != std::string::npos);
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
  CHECK(bridge::ToPlainString(comments[0].comment.body) == "Ada Lovelace wrote in Slack:\nstill broken");

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
  app.Receive("events_api", Mention("<@UBOT> the printer is on fire"));
  REQUIRE(app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "prompt:") == 1; }));
  app.Receive("interactive", Submit("V1", "Printer on fire"));
  // The retry waits out the backoff (about a second), then reconciles.
  REQUIRE(
      app.RunUntil([&] { return PostsWithKeyPrefix(app.slack, "confirm:") == 1; }, std::chrono::milliseconds(15000)));
  CHECK(app.helpdesk.Tickets().size() == 1);
  CHECK(app.helpdesk.CountCalls("FindCreatedTicket") >= 1);
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
