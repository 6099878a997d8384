// bench_poll: the cost of the helpdesk poll as the number of linked tickets
// grows, and the sync lag of an agent's comment, through the real daemon
// against the fake Slack and the fake Jira at poll_interval 1 s. For each
// size, comments are added to one ticket at a time; each waits for its post
// in the thread. Prints figures (the 100-ticket run is the baseline of the
// ratios); asserts nothing.
#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>
#include <thread>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench_support.h"
#include "daemon_env.h"
#include "daemon_process.h"
#include "fake_jira.h"
#include "fake_slack.h"
#include "store/store.h"
#include "store/ticket_store.h"
#include "util/clock.h"

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Figures {
  int tickets = 0;
  double requests_per_cycle = 0;
  double cpu_ms_per_cycle = 0;
  double lag_p50_ms = 0;
  double lag_p99_ms = 0;
};

int JiraRequests(const fake::FakeJira& jira) {
  return jira.CountRequests("POST", "/rest/api/3/search/jql") + jira.CountRequests("GET", "/rest/api/2/issue/");
}

Figures Run(const std::string& daemon_path, int tickets, int comments) {
  fake::FakeSlack slack;
  fake::FakeJira jira;
  char dir_template[] = "/tmp/slackdesk-bench-poll-XXXXXX";
  std::string dir = mkdtemp(dir_template);
  {
    auto store = store::Store::Open(dir + "/state.db");
    if (!store) std::exit(1);
    store::TicketStore links(**store);
    long long now = util::WallMillisNow();
    // An established installation: the tickets were created and last
    // touched well before the poll's overlap window (5 min), as they would
    // be after the first hours of running. Created "now", they would all
    // come back in every cycle's overlap.
    jira.SetClockSkew(milliseconds(-2 * 3600 * 1000));
    for (int i = 0; i < tickets; ++i) {
      std::string key = jira.CreateRequest(fmt::format("Ticket {}", i), "benchmark");
      auto issue = jira.Issue(key);
      (void)links.InsertLink({"C0BENCH", fmt::format("1700000000.{:06d}", i), key, issue->id, "", "Ticket", "Open",
                              "new", "", now, "", issue->updated_ms});
    }
    (void)links.SetState("poll_watermark", std::to_string(now));
    jira.SetClockSkew(milliseconds(0));
  }
  auto env = fake::DaemonEnv(slack, jira, dir + "/state.db");
  env["SLACKDESK_POLL_INTERVAL"] = "1";
  env["SLACKDESK_LOG_LEVEL"] = "warn";
  fake::DaemonProcess daemon(daemon_path, {"run"}, env);
  if (!slack.WaitForHellos(1, milliseconds(15000))) std::exit(1);
  // Let the first cycle (which reads the overlap) pass.
  int searches = jira.CountRequests("POST", "/rest/api/3/search/jql");
  jira.WaitForRequests("POST", "/rest/api/3/search/jql", searches + 2, milliseconds(15000));

  int requests_before = JiraRequests(jira);
  size_t trace_from = jira.Requests().size();
  int searches_before = jira.CountRequests("POST", "/rest/api/3/search/jql");
  double cpu_before = daemon.CpuMillis();
  std::vector<double> lags;
  std::mt19937 random(12345);
  for (int i = 0; i < comments; ++i) {
    // A random phase against the poll cycle, as real comments arrive; this
    // is a benchmark's pacing, not a test's synchronisation.
    std::this_thread::sleep_for(milliseconds(std::uniform_int_distribution<int>(0, 999)(random)));
    std::string key = fmt::format("{}-{}", fake::FakeJira::kProjectKey, 1 + (i * 7919) % tickets);
    std::string text = fmt::format("benchmark comment {}", i);
    auto added = Clock::now();
    jira.AddAgentComment(key, "Grace Hopper", text, true);
    bool posted = slack.WaitFor([&] {
      for (const auto& m : slack.Messages()) {
        if (m.text.find(text) != std::string::npos) return true;
      }
      return false;
    }, milliseconds(15000));
    if (!posted) std::fprintf(stderr, "bench_poll: comment %d never arrived\n", i);
    lags.push_back(std::chrono::duration<double, std::milli>(Clock::now() - added).count());
  }
  int cycles = jira.CountRequests("POST", "/rest/api/3/search/jql") - searches_before;
  if (std::getenv("BENCH_POLL_TRACE") != nullptr) {
    auto all = jira.Requests();
    for (size_t i = static_cast<size_t>(trace_from); i < all.size(); ++i) {
      std::fprintf(stderr, "%s %s %s\n", all[i].method.c_str(), all[i].path.c_str(), all[i].body.substr(0, 120).c_str());
    }
  }
  double cpu = daemon.CpuMillis() - cpu_before;
  int requests = JiraRequests(jira) - requests_before;
  daemon.Signal(SIGTERM);
  daemon.Wait(milliseconds(10000));
  std::string cleanup = "rm -rf '" + dir + "'";
  if (std::system(cleanup.c_str()) != 0) std::fprintf(stderr, "bench_poll: could not remove %s\n", dir.c_str());
  Figures f;
  f.tickets = tickets;
  f.requests_per_cycle = cycles > 0 ? static_cast<double>(requests) / cycles : 0;
  f.cpu_ms_per_cycle = cycles > 0 ? cpu / cycles : 0;
  f.lag_p50_ms = bench::Percentile(lags, 50);
  f.lag_p99_ms = bench::Percentile(lags, 99);
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  bench::Options options(argc, argv);
  std::string daemon_path = options.Daemon();
  int comments = options.Number("--comments", 10);
  std::vector<int> sizes = options.Sizes("--sizes", {100, 1000, 10000, 100000});
  std::vector<Figures> runs;
  for (int tickets : sizes) runs.push_back(Run(daemon_path, tickets, comments));
  const Figures& base = runs.front();
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  std::printf("helpdesk poll benchmark: poll_interval 1 s, one ticket changed per cycle, %d comments per size\n",
              comments);
  std::printf("%-16s %14s %14s %14s %14s %16s\n", "linked tickets", "requests/cycle", "CPU ms/cycle",
              "lag p50 (ms)", "lag p99 (ms)", "CPU vs 100");
  for (const Figures& f : runs) {
    std::printf("%-16d %14.2f %14.2f %14.0f %14.0f %16.2f\n", f.tickets, f.requests_per_cycle, f.cpu_ms_per_cycle,
                f.lag_p50_ms, f.lag_p99_ms, ratio(f.cpu_ms_per_cycle, base.cpu_ms_per_cycle));
  }
  std::printf("(requests: /search/jql + comment reads; CPU: the daemon's user+system time over the window)\n");
  return 0;
}
