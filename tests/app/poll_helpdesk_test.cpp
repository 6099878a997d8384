// PollHelpdesk against the in-process fake helpdesk with a driven clock:
// what one poll reads and how far it counts a ticket as read, when the
// helpdesk's `updated` is coarser than the changes (RT's whole seconds).
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "app/sync_poller.h"
#include "bridge/rich_text.h"
#include "fake_helpdesk.h"

namespace {

std::vector<std::string> CommentIds(const app::SyncPoller::CycleResult& result) {
  std::vector<std::string> ids;
  for (const auto& activity : result.tickets) {
    for (const auto& comment : activity.comments) ids.push_back(comment.id);
  }
  return ids;
}

// One linked ticket on a helpdesk whose `updated` has whole seconds, and
// the position the poller keeps for it, moved as the core records it.
struct SecondsHelpdesk {
  long long helpdesk_now_ms = 1'700'000'000'300;
  fake::FakeHelpdesk helpdesk;
  std::string key;
  std::map<std::string, app::SyncPoller::Position> links;

  SecondsHelpdesk() {
    helpdesk.SetClock([this] { return helpdesk_now_ms; });
    helpdesk.SetUpdatedResolution(1000);
    helpdesk::NewTicket ticket;
    ticket.summary = "Printer jams";
    key = helpdesk.CreateTicket(ticket)->key;
    links[key] = app::SyncPoller::Position{"", 0, "C1", false, helpdesk_now_ms};
  }

  // A poll whose ticket reads start at `read_at_ms` on this machine's clock.
  app::SyncPoller::CycleResult Poll(long long read_at_ms) {
    auto result = app::PollHelpdesk(helpdesk, links, {key}, 1, 60'000, [read_at_ms] { return read_at_ms; });
    REQUIRE(result.error.empty());
    for (const auto& activity : result.tickets) {
      links[activity.ticket_key].cursor = activity.next_cursor;
      links[activity.ticket_key].last_updated_ms = activity.updated_ms;
    }
    return result;
  }
};

}  // namespace

TEST_CASE("a change in the same second as the last read is not skipped", "[app][sync]") {
  SecondsHelpdesk rt;
  const long long second = 1'700'000'000'000;  // the tick every change below falls in
  rt.helpdesk_now_ms = second + 300;
  std::string first = rt.helpdesk.AddAgentComment(rt.key, "Grace Hopper", bridge::PlainText("first"), true);

  // Read 100 ms later: `updated` reads .000 and may still hide a change.
  auto read = rt.Poll(second + 400);
  CHECK(CommentIds(read) == std::vector<std::string>{first});
  REQUIRE(read.tickets.size() == 1);
  CHECK(read.tickets[0].updated_ms == second - 1);
  CHECK(read.watermark_ms == second);

  // The agent answers later in the same second: `updated` does not move.
  rt.helpdesk_now_ms = second + 700;
  std::string second_answer = rt.helpdesk.AddAgentComment(rt.key, "Grace Hopper", bridge::PlainText("second"), true);
  REQUIRE(rt.helpdesk.Ticket(rt.key)->updated_ms == second);
  read = rt.Poll(second + 900);
  CHECK(CommentIds(read) == std::vector<std::string>{second_answer});

  // Once a read starts after the tick and the clocks' skew, the ticket is
  // read through `updated`...
  int reads = rt.helpdesk.CountCalls("CommentsAfter");
  read = rt.Poll(second + 1000 + app::kClockSkewAllowanceMs);
  CHECK(CommentIds(read).empty());
  REQUIRE(read.tickets.size() == 1);
  CHECK(read.tickets[0].updated_ms == second);
  CHECK(rt.helpdesk.CountCalls("CommentsAfter") == reads + 1);

  // ...and polls no longer read it until it changes again.
  read = rt.Poll(second + 10'000);
  CHECK(read.tickets.empty());
  CHECK(rt.helpdesk.CountCalls("CommentsAfter") == reads + 1);
  rt.helpdesk_now_ms = second + 20'000;
  std::string third = rt.helpdesk.AddAgentComment(rt.key, "Grace Hopper", bridge::PlainText("third"), true);
  read = rt.Poll(second + 30'000);
  CHECK(CommentIds(read) == std::vector<std::string>{third});
  REQUIRE(read.tickets.size() == 1);
  CHECK(read.tickets[0].updated_ms == second + 20'000);
}

TEST_CASE("a ticket read well after its change is read once", "[app][sync]") {
  SecondsHelpdesk rt;
  rt.helpdesk.SetUpdatedResolution(1);  // Jira's `updated` has milliseconds
  rt.helpdesk_now_ms += 5;
  rt.helpdesk.AddAgentComment(rt.key, "Grace Hopper", bridge::PlainText("on my way"), true);
  long long updated = rt.helpdesk.Ticket(rt.key)->updated_ms;

  auto read = rt.Poll(updated + 1 + app::kClockSkewAllowanceMs);
  REQUIRE(read.tickets.size() == 1);
  CHECK(read.tickets[0].updated_ms == updated);
  int reads = rt.helpdesk.CountCalls("CommentsAfter");
  CHECK(rt.Poll(updated + 60'000).tickets.empty());
  CHECK(rt.helpdesk.CountCalls("CommentsAfter") == reads);
}
