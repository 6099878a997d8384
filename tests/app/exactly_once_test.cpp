// Exactly once across restarts, in-process: many intents of every kind
// (creates, posts, comments) pending or in flight when the process died,
// several workers per system, and a second "kill" while they run. Every
// intent must run once (no two workers on one intent) and its outcome be
// applied once (a create's outcome applied twice shows as an "existing
// ticket" post next to the confirmation).
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "app/effect_codec.h"
#include "app_harness.h"
#include "bridge/form.h"
#include "store/outbox.h"
#include "util/clock.h"

using apptest::AppHarness;
using apptest::kCustomer;

namespace {

constexpr int kEach = 30;  // intents of each kind
constexpr int kTickets = 4;
constexpr int kChannels = 5;

bridge::RichText Words(const std::string& text) { return bridge::RichText{{bridge::Paragraph({bridge::Text(text)})}}; }

std::string Channel(int i) { return "C" + std::to_string(i % kChannels); }
std::string Ts(int i) { return "1700000" + std::to_string(100 + i) + ".000100"; }

bridge::CreateTicket Create(int i) {
  std::string view = "V" + std::to_string(i);
  return bridge::CreateTicket{"create:" + view,
                              {Channel(i), Ts(i)},
                              view,
                              kCustomer,
                              "Summary " + std::to_string(i),
                              "It broke.",
                              {},
                              {},
                              bridge::TicketMarker(view)};
}

bridge::AddComment Comment(int i, const std::vector<std::string>& tickets) {
  std::string id = Channel(i) + ":" + Ts(1000 + i);
  bridge::AddComment comment;
  comment.key = "comment:" + id;
  comment.ticket_key = tickets[i % tickets.size()];
  comment.marker = bridge::Marker("slackdeskmsg", id);
  comment.user = kCustomer;
  comment.text = Words("reply " + std::to_string(i));
  comment.channel = Channel(i);
  comment.ts = Ts(1000 + i);
  return comment;
}

bridge::PostMessage Notice(int i) {
  return bridge::PostMessage{"notice:" + std::to_string(i), {Channel(i), "1.1"}, bridge::NoticeContent{"note"}};
}

std::map<std::string, int> PostsByKey(const fake::RecordingSlack& slack) {
  std::map<std::string, int> times;
  for (const auto& post : slack.Posts()) ++times[post.metadata_key];
  return times;
}

}  // namespace

TEST_CASE("at restarts, every pending or in-flight intent of every kind runs once and is applied once", "[app]") {
  AppHarness app;
  std::vector<std::string> tickets;
  for (int t = 0; t < kTickets; ++t) {
    helpdesk::NewTicket ticket;
    ticket.summary = "earlier ticket";
    ticket.marker = "earlier" + std::to_string(t);
    tickets.push_back(app.helpdesk.CreateTicket(ticket)->key);
  }
  std::map<std::string, int> happened_before;  // markers whose effect was carried out before the "crash"
  {
    store::Outbox outbox(app.Store());
    long long now = util::WallMillisNow();
    for (int i = 0; i < kEach; ++i) {
      REQUIRE(*outbox.Add(app::EncodeEffect(Create(i)), now));
      REQUIRE(*outbox.Add(app::EncodeEffect(Comment(i, tickets)), now));
      REQUIRE(*outbox.Add(app::EncodeEffect(Notice(i)), now));
    }
    // Every other lane's head was being carried out when the process died;
    // of those, every other one had taken effect (its answer was lost).
    auto heads = outbox.Due(now, 1000);
    REQUIRE(heads);
    int n = 0;
    for (const store::OutboxItem& head : *heads) {
      if (n++ % 2 != 0) continue;
      REQUIRE(outbox.MarkAttempted(head.id, now));
      if (n % 4 != 1) continue;
      auto effect = app::DecodeEffect(head.intent);
      REQUIRE(effect);
      if (const auto* create = std::get_if<bridge::CreateTicket>(&*effect)) {
        helpdesk::NewTicket ticket;
        ticket.summary = create->summary;
        ticket.marker = create->marker;
        REQUIRE(app.helpdesk.CreateTicket(ticket));
        happened_before[create->marker] = 1;
      } else if (const auto* comment = std::get_if<bridge::AddComment>(&*effect)) {
        REQUIRE(app.helpdesk.AddPublicComment(comment->ticket_key, comment->text, comment->marker));
        happened_before[comment->marker] = 1;
      }
    }
    REQUIRE(!happened_before.empty());
  }
  app.helpdesk.ClearCalls();
  const int total = 3 * kEach;

  // A start with four workers per system, "killed" once a third is done
  // (what is in flight then is dropped and reconciled), then started again.
  app.Restart(4);
  REQUIRE(app.RunUntil([&] { return app.OpenIntents() <= total - total / 3; }));
  app.Restart(4);
  REQUIRE(app.RunUntil([&] { return app.OpenIntents() == 0; }, std::chrono::milliseconds(30000)));
  app.RunFor(std::chrono::milliseconds(100));  // nothing more may follow

  std::map<std::string, int> created;  // by marker
  for (const auto& ticket : app.helpdesk.Tickets()) ++created[ticket.marker];
  std::map<std::string, int> commented;  // by marker
  for (const auto& key : tickets) {
    std::optional<fake::FakeTicket> ticket = app.helpdesk.Ticket(key);
    REQUIRE(ticket);
    for (const auto& comment : ticket->comments) ++commented[comment.marker];
  }
  std::map<std::string, int> create_calls;
  std::map<std::string, int> comment_calls;
  for (const auto& call : app.helpdesk.Calls()) {
    if (call.method == "CreateTicket") ++create_calls[call.marker];
    if (call.method == "AddPublicComment") ++comment_calls[call.marker];
  }
  std::map<std::string, int> posts = PostsByKey(app.slack);
  for (int i = 0; i < kEach; ++i) {
    bridge::CreateTicket create = Create(i);
    bridge::AddComment comment = Comment(i, tickets);
    INFO("intent " << i);
    CHECK(created[create.marker] == 1);
    CHECK(create_calls[create.marker] == 1 - static_cast<int>(happened_before.count(create.marker)));
    CHECK(posts["confirm:" + create.view_id] == 1);
    CHECK(posts.count("existing:" + create.view_id) == 0);  // a create's outcome applied twice
    CHECK(commented[comment.marker] == 1);
    CHECK(comment_calls[comment.marker] == 1 - static_cast<int>(happened_before.count(comment.marker)));
    CHECK(posts["notice:" + std::to_string(i)] == 1);
  }
  CHECK(posts.size() == static_cast<size_t>(2 * kEach));  // confirmations and notices, nothing else
}
