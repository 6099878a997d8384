// slackdesk_soak: exactly once under many crashes. Runs the real daemon
// against the fake Slack and the fake Jira with live traffic (soak_traffic)
// and SIGKILLs it --kills times, at random moments or just after a side
// effect reached a fake, restarting it each time;
// then lets it drain and checks that every ticket, confirmation, relayed
// agent comment and reply comment happened exactly once. Prints the
// figures; exits 1 on any duplicate or loss. `make soak KILLS=200`; ctest
// runs a short one under the label `soak` (not part of `make test`).
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "daemon_env.h"
#include "daemon_process.h"
#include "soak_traffic.h"
#include "test_support.h"

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Options {
  std::string daemon;
  int kills = 20;
  unsigned seed = 1;
  int min_up_ms = 100;   // a kill comes this long after the daemon's hello, at the least…
  int max_up_ms = 1500;  // …and at the most
  int drain_s = 150;
  bool echo = false;     // the daemons' output to stderr, prefixed by their start number     // a create killed mid-flight waits out Jira's search-lag window (30 s)
};

bool Parse(int argc, char** argv, Options& options) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string name = argv[i];
    std::string value = argv[i + 1];
    if (name == "--daemon") {
      options.daemon = value;
    } else if (name == "--kills") {
      options.kills = std::stoi(value);
    } else if (name == "--seed") {
      options.seed = static_cast<unsigned>(std::stoul(value));
    } else if (name == "--echo") {
      options.echo = value == "1";
    } else if (name == "--max-up-ms") {
      options.max_up_ms = std::stoi(value);
    } else {
      return false;
    }
  }
  return !options.daemon.empty() && argc % 2 == 1;
}

void Say(const std::string& line) {
  std::printf("soak: %s\n", line.c_str());
  std::fflush(stdout);
}

// Starts the daemon and waits for its hello (the `starts`-th).
std::unique_ptr<fake::DaemonProcess> Start(const Options& options, const fake::DaemonProcess::Env& env,
                                           fake::FakeSlack& slack, int starts) {
  auto daemon = std::make_unique<fake::DaemonProcess>(options.daemon, std::vector<std::string>{"run"}, env,
                                                      options.echo ? fmt::format("daemon {} | ", starts) : "");
  if (!slack.WaitForHellos(starts, milliseconds(20000))) return nullptr;
  return daemon;
}

// What the daemons said about reconciling effects that a kill interrupted.
struct Reconciled {
  int tickets_found = 0;   // a create whose POST had gone out: found by its marker
  int comments_found = 0;  // a reply comment found by its marker
  int posts_found = 0;     // a Slack post found by its metadata
  int window_waits = 0;    // a create's "not found" not trusted yet (search-lag window)

  void Add(const fake::DaemonProcess& daemon) {
    for (const std::string& line : daemon.Lines()) {
      if (line.find("created before the interruption") != std::string::npos) ++tickets_found;
      if (line.find("found by its marker: added before") != std::string::npos) ++comments_found;
      if (line.find("posted before the interruption") != std::string::npos) ++posts_found;
      if (line.find("search has not caught up") != std::string::npos) ++window_waits;
    }
  }
};

void PrintLines(const std::string& title, const std::vector<std::string>& lines) {
  if (lines.empty()) return;
  Say(fmt::format("{} ({}):", title, lines.size()));
  for (size_t i = 0; i < lines.size() && i < 40; ++i) Say("  " + lines[i]);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!Parse(argc, argv, options)) {
    std::fprintf(stderr, "usage: %s --daemon PATH [--kills N] [--seed N] [--max-up-ms N] [--echo 1]\n", argv[0]);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  auto started = Clock::now();
  fake::FakeSlack slack;
  fake::FakeJira jira;
  jira.SetSearchLag(milliseconds(500));  // Jira's index lags its writes
  testing::TempDir dir;
  fake::DaemonProcess::Env env = fake::DaemonEnv(slack, jira, dir.File("state.db"));
  env["SLACKDESK_LOG_LEVEL"] = "info";  // the reconcile lines are counted
  env["SLACKDESK_POLL_INTERVAL"] = "0.5";
  soak::Traffic traffic(slack, jira, soak::TrafficOptions{}, options.seed);

  // The killer runs beside the traffic: up for a random while after each
  // hello, then SIGKILL and a restart on the same state file. The daemon
  // for the drain is started by the main thread once the killer is gone:
  // a child started by the killer would get SIGTERM as that thread ends
  // (DaemonProcess sets PR_SET_PDEATHSIG, whose "parent" is the thread),
  // and the drain would have no daemon.
  std::atomic<bool> killing_done{false};
  bool failed = false;
  int kills = 0;
  int starts = 1;
  Reconciled reconciled;
  std::unique_ptr<fake::DaemonProcess> daemon;
  std::thread killer([&] {
    std::mt19937 random(options.seed * 7919u + 1);
    std::uniform_int_distribution<int> up(options.min_up_ms, options.max_up_ms);
    daemon = Start(options, env, slack, starts);
    std::uniform_int_distribution<int> just_after(0, 4);
    // Side effects the daemon has sent: posts in Slack, requests and comments in Jira.
    auto writes = [&] { return slack.MessageTotal() + jira.CountRequests("POST", "/rest/servicedeskapi/request"); };
    // Requests created (the comments' paths go on after "request/").
    auto creates = [&] {
      return jira.CountRequests("POST", "/rest/servicedeskapi/request") -
             jira.CountRequests("POST", "/rest/servicedeskapi/request/");
    };
    while (daemon && kills < options.kills) {
      // A third of the kills land just after a side effect reached a fake,
      // and a third just after a ticket was created, before the daemon can
      // have recorded the outcome (it must reconcile it); the rest at any
      // moment. Pacing of a load generator, not synchronisation.
      auto until = Clock::now() + milliseconds(up(random));
      int mode = kills % 3;
      auto count = [&] { return mode == 1 ? writes() : mode == 2 ? static_cast<size_t>(creates()) : 0; };
      size_t before = count();
      bool targeted = mode != 0;
      while (Clock::now() < until && !(targeted && count() > before)) {
        slack.WaitFor([] { return false; }, milliseconds(2));
      }
      if (targeted) std::this_thread::sleep_for(milliseconds(just_after(random)));
      daemon->Signal(SIGKILL);
      if (daemon->Wait(milliseconds(10000)) != 128 + SIGKILL) break;
      ++kills;
      reconciled.Add(*daemon);
      daemon.reset();
      if (kills % 20 == 0) Say(fmt::format("{} kills", kills));
      if (kills < options.kills) daemon = Start(options, env, slack, ++starts);
    }
    killing_done = true;
  });
  while (!killing_done) {
    traffic.Step(false);
    slack.WaitFor([] { return false; }, milliseconds(20));  // a step every 20 ms of quiet
  }
  killer.join();
  if (kills == options.kills) daemon = Start(options, env, slack, ++starts);
  if (!daemon || kills < options.kills) {
    Say("the daemon did not come back after a kill");
    failed = true;
  }
  Say(fmt::format("{} kills in {} s; draining", kills,
                  std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started).count()));
  auto drain_until = Clock::now() + std::chrono::seconds(options.drain_s);
  auto report_at = Clock::now();
  while (!failed && Clock::now() < drain_until && !traffic.AllArrived()) {
    if (Clock::now() >= report_at) {
      Say(traffic.Progress());
      report_at += std::chrono::seconds(10);
    }
    traffic.Step(true);
    slack.WaitFor([] { return false; }, milliseconds(200));
  }
  // Whatever would come twice comes within a few polls.
  slack.WaitFor([] { return false; }, milliseconds(3000));
  soak::Tally tally = traffic.Count();
  if (daemon) reconciled.Add(*daemon);

  long long wall = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started).count();
  Say(fmt::format("kills {}, wall {} s, threads {}, tickets {}, agent comments {}, replies {} ({} written before "
                  "their ticket existed), envelopes {} ({} redelivered), clicks repeated {}",
                  kills, wall, tally.threads, tally.tickets, tally.agent_comments, tally.replies, tally.queued_replies,
                  tally.envelopes, tally.redeliveries, tally.clicks_repeated));
  Say(fmt::format("reconciled after kills: {} tickets and {} comments found by their markers, {} posts found in "
                  "their threads; {} waits for the search-lag window",
                  reconciled.tickets_found, reconciled.comments_found, reconciled.posts_found,
                  reconciled.window_waits));
  Say(fmt::format("duplicates {}, losses {}, replies out of arrival order {}", tally.duplicates.size(),
                  tally.losses.size(), tally.disorders.size()));
  PrintLines("duplicates", tally.duplicates);
  PrintLines("losses", tally.losses);
  PrintLines("out of order", tally.disorders);
  bool ok = !failed && tally.duplicates.empty() && tally.losses.empty() && tally.tickets > 0;
  Say(ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
