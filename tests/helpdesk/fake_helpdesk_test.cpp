// The in-memory FakeHelpdesk the app tests use: it must behave like the
// interface says, or those tests prove nothing.
#include "fake_helpdesk.h"

#include <thread>

#include <catch2/catch.hpp>

using bridge::PlainText;
using fake::FakeHelpdesk;
using fake::HelpdeskCall;
using helpdesk::StatusCategory;

namespace {

struct Fixture {
  Fixture() {
    helpdesk.SetClock([this] { return now_ms; });
  }
  long long now_ms = 1'000'000;
  FakeHelpdesk helpdesk;

  helpdesk::Ticket Create(const std::string& summary, const std::string& marker) {
    auto ticket = helpdesk.CreateTicket(helpdesk::NewTicket{summary, PlainText("details"), marker, "", {}, {}});
    REQUIRE(ticket);
    return *ticket;
  }
};

util::Error Transient(const std::string& message) { return util::Error{util::ErrorCode::kServerError, message}; }

}  // namespace

TEST_CASE_METHOD(Fixture, "tickets get HD keys, links and a new status, and every call is recorded", "[fake_helpdesk]") {
  CHECK(helpdesk.Name() == "fake");
  auto first = Create("Printer on fire", "m1");
  auto second = Create("VPN down", "m2");
  CHECK(first.key == "HD-1");
  CHECK(second.key == "HD-2");
  CHECK(first.status == helpdesk::TicketStatus{StatusCategory::kNew, "Waiting for support"});
  CHECK_FALSE(first.web_url.empty());
  CHECK_FALSE(first.agent_url.empty());
  auto stored = helpdesk.Ticket("HD-1");
  REQUIRE(stored);
  CHECK(stored->description == PlainText("details"));
  CHECK(stored->marker == "m1");
  CHECK(stored->created_ms == 1'000'000);
  CHECK(helpdesk.Calls() == std::vector<HelpdeskCall>{{"CreateTicket", "", "m1", "Printer on fire", false},
                                                     {"CreateTicket", "", "m2", "VPN down", false}});
  CHECK(helpdesk.CountCalls("CreateTicket") == 2);
  helpdesk.ClearCalls();
  CHECK(helpdesk.CountCalls("") == 0);
}

TEST_CASE_METHOD(Fixture, "customers are found by e-mail, ignoring case", "[fake_helpdesk]") {
  std::string alice = helpdesk.AddCustomer("alice@example.com");
  auto found = helpdesk.FindCustomer("ALICE@example.com");
  REQUIRE(found);
  CHECK(*found == alice);
  auto unknown = helpdesk.FindCustomer("bob@example.com");
  REQUIRE(unknown);
  CHECK_FALSE(unknown->has_value());
  CHECK(helpdesk.Calls().back() == HelpdeskCall{"FindCustomer", "", "", "bob@example.com", false});
}

TEST_CASE_METHOD(Fixture, "scripted failures answer the next N calls, before or after the effect", "[fake_helpdesk]") {
  helpdesk.FailNext("CreateTicket", Transient("boom"), 2);
  auto failed = helpdesk.CreateTicket(helpdesk::NewTicket{"s", {}, "m1", "", {}, {}});
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message == "boom");
  CHECK_FALSE(helpdesk.CreateTicket(helpdesk::NewTicket{"s", {}, "m1", "", {}, {}}));
  CHECK(helpdesk.Tickets().empty());  // failed before the effect
  CHECK(helpdesk.CreateTicket(helpdesk::NewTicket{"s", {}, "m1", "", {}, {}}));
  auto calls = helpdesk.Calls();
  REQUIRE(calls.size() == 3);
  CHECK(calls[0].failed);
  CHECK(calls[1].failed);
  CHECK_FALSE(calls[2].failed);

  // A lost answer: the ticket exists, the caller heard an error.
  helpdesk.FailNext("CreateTicket", Transient("answer lost"), 1, true);
  CHECK_FALSE(helpdesk.CreateTicket(helpdesk::NewTicket{"lost", {}, "m2", "", {}, {}}));
  REQUIRE(helpdesk.Tickets().size() == 2);
  auto found = helpdesk.FindCreatedTicket("m2", now_ms, now_ms);
  REQUIRE(found);
  REQUIRE(found->has_value());
  CHECK((*found)->key == "HD-2");
}

TEST_CASE_METHOD(Fixture, "FindCreatedTicket finds by marker, and a search lag answers not yet in its window",
                 "[fake_helpdesk]") {
  auto none = helpdesk.FindCreatedTicket("m1", now_ms, now_ms);
  REQUIRE(none);
  CHECK_FALSE(none->has_value());  // no lag: certain at once
  helpdesk.SetSearchLag(30'000);
  long long attempted = now_ms;
  auto created = Create("s", "m1");
  auto early = helpdesk.FindCreatedTicket("m1", attempted, attempted + 10);
  REQUIRE_FALSE(early);
  CHECK(early.error().code == util::ErrorCode::kTimeout);
  CHECK(early.error().retry_after_ms > 0);
  auto later = helpdesk.FindCreatedTicket("m1", attempted, attempted + 30'000);
  REQUIRE(later);
  REQUIRE(later->has_value());
  CHECK((*later)->key == created.key);
  auto other = helpdesk.FindCreatedTicket("m9", attempted, attempted + 30'000);
  REQUIRE(other);
  CHECK_FALSE(other->has_value());
  CHECK(helpdesk.Calls().back().detail == "attempted=1000000 now=1030000");
}

TEST_CASE_METHOD(Fixture, "comments: increasing ids, an opaque cursor, public and internal", "[fake_helpdesk]") {
  auto ticket = Create("s", "m1");
  std::string first = helpdesk.AddAgentComment(ticket.key, "Ann", PlainText("hello"), true);
  std::string note = helpdesk.AddAgentComment(ticket.key, "Ann", PlainText("internal"), false);
  CHECK(std::stoll(note) > std::stoll(first));
  CHECK(helpdesk.AddAgentComment("HD-9", "Ann", PlainText("x"), true).empty());
  auto page = helpdesk.CommentsAfter(ticket.key, "");
  REQUIRE(page);
  REQUIRE(page->comments.size() == 2);
  CHECK(page->comments[0].id == first);
  CHECK(page->comments[0].is_public);
  CHECK(page->comments[0].author_name == "Ann");
  CHECK_FALSE(page->comments[1].is_public);
  CHECK(page->next != note);  // opaque: not the id
  auto again = helpdesk.CommentsAfter(ticket.key, page->next);
  REQUIRE(again);
  CHECK(again->comments.empty());
  CHECK(again->next == page->next);
  std::string third = helpdesk.AddAgentComment(ticket.key, "Ann", PlainText("more"), true);
  auto more = helpdesk.CommentsAfter(ticket.key, page->next);
  REQUIRE(more);
  REQUIRE(more->comments.size() == 1);
  CHECK(more->comments[0].id == third);
  CHECK_FALSE(helpdesk.CommentsAfter(ticket.key, first));  // an id is not a cursor
  CHECK_FALSE(helpdesk.CommentsAfter("HD-9", ""));
}

TEST_CASE_METHOD(Fixture, "AddPublicComment is ours, and FindCommentByMarker finds it", "[fake_helpdesk]") {
  auto ticket = Create("s", "m1");
  auto added = helpdesk.AddPublicComment(ticket.key, PlainText("from Slack"), "c1");
  REQUIRE(added);
  CHECK(added->written_by_slackdesk);
  CHECK(added->author_id == FakeHelpdesk::kBotId);
  CHECK(helpdesk.Calls().back() == HelpdeskCall{"AddPublicComment", ticket.key, "c1", "from Slack", false});
  auto found = helpdesk.FindCommentByMarker(ticket.key, "c1");
  REQUIRE(found);
  REQUIRE(found->has_value());
  CHECK((*found)->id == added->id);
  auto missing = helpdesk.FindCommentByMarker(ticket.key, "c2");
  REQUIRE(missing);
  CHECK_FALSE(missing->has_value());
  // A lost answer leaves the comment in place.
  helpdesk.FailNext("AddPublicComment", Transient("lost"), 1, true);
  CHECK_FALSE(helpdesk.AddPublicComment(ticket.key, PlainText("again"), "c3"));
  auto lost = helpdesk.FindCommentByMarker(ticket.key, "c3");
  REQUIRE(lost);
  CHECK(lost->has_value());
}

TEST_CASE_METHOD(Fixture, "ChangedSince reports status changes and comments at or after since", "[fake_helpdesk]") {
  auto quiet = Create("quiet", "m1");
  auto busy = Create("busy", "m2");
  now_ms += 1000;
  REQUIRE(helpdesk.SetStatus(busy.key, {StatusCategory::kDone, "Resolved"}));
  CHECK_FALSE(helpdesk.SetStatus("HD-9", {StatusCategory::kDone, "Resolved"}));
  auto changes = helpdesk.ChangedSince(now_ms, {quiet.key, busy.key});
  REQUIRE(changes);
  REQUIRE(changes->size() == 1);
  CHECK((*changes)[0].key == busy.key);
  CHECK((*changes)[0].updated_ms == now_ms);
  CHECK((*changes)[0].status == helpdesk::TicketStatus{StatusCategory::kDone, "Resolved"});
  auto all = helpdesk.ChangedSince(0, {quiet.key, busy.key});
  REQUIRE(all);
  CHECK(all->size() == 2);
  CHECK((*all)[0].key == quiet.key);  // oldest first
  auto unasked = helpdesk.ChangedSince(0, {quiet.key});
  REQUIRE(unasked);
  CHECK(unasked->size() == 1);
  CHECK(helpdesk.Calls().back().detail == "since=0 keys=HD-1");
}

TEST_CASE_METHOD(Fixture, "identity and check lines are scripted, and calls can be waited for", "[fake_helpdesk]") {
  auto me = helpdesk.WhoAmI();
  REQUIRE(me);
  CHECK(me->id == FakeHelpdesk::kBotId);
  helpdesk.SetCheckLines({{false, "fake helpdesk", "down"}});
  auto lines = helpdesk.Check();
  REQUIRE(lines.size() == 1);
  CHECK_FALSE(lines[0].ok);
  helpdesk.FailNext("WhoAmI", util::Error{util::ErrorCode::kAuth, "no"});
  CHECK_FALSE(helpdesk.WhoAmI());
  std::thread caller([this] { (void)helpdesk.FindCustomer("x@example.com"); });
  CHECK(helpdesk.WaitForCalls("FindCustomer", 1));
  caller.join();
  CHECK_FALSE(helpdesk.WaitForCalls("FindCustomer", 2, std::chrono::milliseconds(10)));
}
