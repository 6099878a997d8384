// The real daemon against a fake Jira (or a proxy before it) that answers
// every call with hostile bodies for a while: wrong shapes, HTML with 200,
// 100,000 nested arrays, a gzip bomb. The daemon keeps serving Slack
// (prompts are posted), logs each error, stays small, and raises the
// ticket and relays comments once Jira answers right again.
#include "flow_fixture.h"
#include "hostile_bodies.h"

using namespace e2e;

namespace {

// Decoded 64 MiB of JSON, about 64 KiB on the wire.
fake::RawAnswer Bomb() {
  return fake::RawAnswer{200, "application/json", "{\"pad\":\"" + std::string(64u << 20, 'x') + "\"}", true};
}

}  // namespace

TEST_CASE("a Jira answering hostile bodies crashes nothing; the ticket is raised once it answers right",
          "[e2e][hostile]") {
  Flow flow;
  flow.env["SLACKDESK_POLL_INTERVAL"] = "0.5";
  flow.Start();
  std::string first = flow.RaiseTicket("printer on fire");
  std::string key = flow.jira.Issues().back().key;

  // From now on every Jira call gets one of these, in turn.
  std::vector<fake::RawAnswer> hostile = {
      {200, "application/json", R"({"comments":[1],"issues":[1,null],"values":{},"fields":null,"issueKey":7})", false},
      {200, "application/json", R"([])", false},
      {200, "text/html", "<html><title>Sign in</title></html>", false},
      {200, "application/json", testing::DeepNesting(100000), false},
      {502, "text/html", "<html><head><title>502 Bad Gateway</title></head></html>", false},
      Bomb(),
  };
  for (int round = 0; round < 40; ++round) {
    for (const fake::RawAnswer& answer : hostile) flow.jira.AnswerNext("", "/rest/", answer);
  }
  REQUIRE(flow.daemon->WaitForLog("the answer is too large", kWait) >= 0);
  REQUIRE(flow.daemon->WaitForLog("sync: helpdesk poll incomplete", kWait) >= 0);

  // Slack is still served: a new mention gets its prompt, the form opens.
  std::string second = flow.MentionForForm("<@UBOT0001> the scanner too");
  size_t before = flow.daemon->LineCount();
  flow.Submit(flow.OpenForm(second), "the scanner too");
  REQUIRE(flow.daemon->WaitForLog("retrying in", kWait, before) >= 0);

  // Jira answers right again: comments flow, and the ticket is raised once.
  // A create answered 200 with a wrong shape may have happened: it is
  // looked for by its marker and raised only when the search-lag window
  // (30 s) has passed without finding it.
  flow.jira.ClearFaults();
  flow.jira.AddAgentComment(key, "Grace Hopper", "on my way", true);
  CHECK(flow.slack.WaitFor([&] { return !flow.Posts(second, "Created").empty(); }, milliseconds(60000)));
  CHECK(flow.slack.WaitFor([&] { return flow.Relays(first).size() == 1; }, kWait));
  CHECK(flow.jira.Issues().size() == 2);
  CHECK(flow.Posts(second, "Created").size() == 1);
  // Nothing was held past the cap: 64 MiB bombs left no 64 MiB behind.
  long peak_kib = flow.daemon->PeakRssKib();
  WARN("peak RSS " << peak_kib << " KiB");
  CHECK(peak_kib < 96 * 1024);
  flow.Stop();  // exit code 0: it never crashed
}
