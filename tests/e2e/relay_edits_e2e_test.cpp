// An agent's edit or deletion of a relayed comment, end to end: the Slack
// copy is updated in place (chat.update), never posted again, also when the
// daemon is killed around the update.
#include "flow_fixture.h"

using namespace e2e;

namespace {

// Starts the daemon polling every 0.5 s and raises SUP-1 from a thread;
// returns the thread's ts.
std::string StartWithTicket(Flow& flow) {
  flow.env["SLACKDESK_POLL_INTERVAL"] = "0.5";
  flow.Start();
  return flow.RaiseTicket("Printer prints blank pages");
}

// An agent's public comment on SUP-1, relayed to the thread `ts`; returns
// its id once its one post is there.
std::string Relayed(Flow& flow, const std::string& ts, const std::string& text) {
  std::string id = flow.jira.AddAgentComment("SUP-1", "Grace Hopper", text, true);
  REQUIRE_FALSE(id.empty());
  REQUIRE(flow.slack.WaitFor([&] { return flow.Relays(ts).size() == 1; }, kWait));
  return id;
}

// The one relay of the thread, as it is now.
fake::PostedMessage TheRelay(const Flow& flow, const std::string& ts) {
  auto relays = flow.Relays(ts);
  REQUIRE(relays.size() == 1);
  return relays[0];
}

// Waits until the relay shows `needle`.
bool WaitForRelayText(Flow& flow, const std::string& ts, const std::string& needle) {
  return flow.slack.WaitFor(
      [&] {
        auto relays = flow.Relays(ts);
        return relays.size() == 1 && relays[0].blocks_json.find(needle) != std::string::npos;
      },
      kWait);
}

// Waits for `count` more polls (searches) of the daemon.
bool WaitForPolls(const Flow& flow, int count) {
  int searches = flow.jira.CountRequests("POST", "/rest/api/3/search/jql");
  return flow.jira.WaitForRequests("POST", "/rest/api/3/search/jql", searches + count, kWait);
}

}  // namespace

TEST_CASE("an agent's edit updates the relayed post in place, marked edited", "[e2e][sync]") {
  Flow flow;
  std::string ts = StartWithTicket(flow);
  std::string id = Relayed(flow, ts, "Please restart the *spooler*");
  REQUIRE(flow.jira.EditComment("SUP-1", id, "Grace Hopper", "Please restart the *spooler* and the <printer>"));
  REQUIRE(WaitForRelayText(flow, ts, "and the &lt;printer&gt;"));
  auto relay = TheRelay(flow, ts);
  CHECK(relay.edit_count == 1);
  CHECK(relay.blocks_json.find("*spooler*") != std::string::npos);  // wiki bold is mrkdwn bold
  CHECK(relay.blocks_json.find("(edited)") != std::string::npos);
  CHECK(relay.text.find("(edited)") != std::string::npos);  // Slack shows no flag for block updates
  CHECK(relay.blocks_json.find("Grace Hopper") != std::string::npos);
  // Later polls change nothing more: the version shown is kept.
  REQUIRE(WaitForPolls(flow, 3));
  CHECK(TheRelay(flow, ts).edit_count == 1);
  flow.Stop();
}

TEST_CASE("an agent's deletion marks the relayed post deleted, keeping who and the key, not the text", "[e2e][sync]") {
  Flow flow;
  std::string ts = StartWithTicket(flow);
  std::string id = Relayed(flow, ts, "The secret code is 4711");
  REQUIRE(flow.jira.DeleteComment("SUP-1", id));
  REQUIRE(WaitForRelayText(flow, ts, "deleted in the helpdesk"));
  auto relay = TheRelay(flow, ts);
  CHECK(relay.blocks_json.find("4711") == std::string::npos);
  CHECK(relay.text.find("4711") == std::string::npos);
  CHECK(relay.blocks_json.find("Grace Hopper") != std::string::npos);
  CHECK(relay.blocks_json.find("SUP-1") != std::string::npos);
  REQUIRE(WaitForPolls(flow, 3));
  CHECK(TheRelay(flow, ts).edit_count == 1);  // marked once
  flow.Stop();
}

TEST_CASE("SIGKILL right after Slack took the chat.update: the post is updated, never posted again", "[e2e][sync]") {
  Flow flow;
  std::string ts = StartWithTicket(flow);
  std::string id = Relayed(flow, ts, "Step one: unplug it");
  REQUIRE(flow.jira.EditComment("SUP-1", id, "Grace Hopper", "Step one: unplug it for ten seconds"));
  // Killed as soon as Slack has the update: the outbox may not have marked
  // it done, so the restart carries it out again (chat.update sets a state).
  REQUIRE(flow.slack.WaitFor([&] { return TheRelay(flow, ts).edit_count >= 1; }, kWait));
  flow.Restart();
  // Sync point: a later comment is relayed, so anything repeated is there.
  flow.jira.AddAgentComment("SUP-1", "Grace Hopper", "Step two: plug it back in", true);
  REQUIRE(flow.slack.WaitFor([&] { return flow.Relays(ts).size() == 2; }, kWait));
  REQUIRE(WaitForPolls(flow, 2));
  auto relays = flow.Relays(ts);
  REQUIRE(relays.size() == 2);
  CHECK(relays[0].blocks_json.find("for ten seconds") != std::string::npos);
  CHECK(relays[0].blocks_json.find("(edited)") != std::string::npos);
  CHECK(relays[0].edit_count >= 1);
  CHECK(relays[0].edit_count <= 2);  // at most carried out again once
  CHECK(relays[1].blocks_json.find("Step two") != std::string::npos);
  CHECK(relays[1].edit_count == 0);
  flow.Stop();
}
