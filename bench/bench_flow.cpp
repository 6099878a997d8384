// bench_flow: what one event costs the real daemon, against the fake Slack
// on this machine, next to the slack-go baseline measured in the same run
// (bench/slackgo_baseline: acks everything, answers each app_mention with
// one chat.postMessage, writes nothing to disk). Prints figures; asserts
// nothing. Workloads (issue 9):
//   mentions   N app_mentions, one per channel, `in_flight` unacked at most;
//              done when N replies were posted. The daemon writes durably
//              (each commit synced to disk) before every ack and effect.
//   aged       the same mentions against a state file aged like a busy
//              installation after two weeks, next to a fresh one.
//   messages   N plain channel messages (not mentions, not in a linked
//              thread: most of real traffic); done when all are acked.
// For each run: replies (or messages) per second, ack latency p50/p99/max,
// CPU ms per event (the process's user+system time over the run), and the
// peak RSS. With --repeat N, each run is made N times (slackdesk and the
// baseline in turn) and each figure is the median of the complete runs:
// single runs of either side vary by up to 30% on this shared machine.
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench_support.h"
#include "daemon_env.h"
#include "daemon_process.h"
#include "fake_slack.h"
#include "slack_payloads.h"
#include "store/store.h"
#include "test_support.h"
#include "util/clock.h"

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

enum class Workload { kMentions, kMessages };

struct Figures {
  int events = 0;
  double per_second = 0;  // replies/s (mentions) or acks/s (messages)
  double ack_p50_ms = 0, ack_p99_ms = 0, ack_max_ms = 0;
  double cpu_ms_per_event = 0;
  double peak_rss_mb = 0;
  bool complete = true;
};

std::string Channel(int i) { return fmt::format("C{:08d}", i); }

std::string Payload(Workload workload, int i) {
  fake::MessageSpec spec;
  spec.channel = workload == Workload::kMentions ? Channel(i) : Channel(i % 50);
  spec.user = "U0CUSTOMER";
  spec.ts = fmt::format("1700000000.{:06d}", i);
  spec.event_id = fmt::format("Ev{:09d}", i);
  if (workload == Workload::kMentions) {
    spec.text = "<@UBOT0001> the CSV export fails with error 500 for every report since this morning";
    return fake::AppMentionPayload(spec);
  }
  spec.text = "has anyone seen the CSV export fail this morning? it gives me an error 500";
  return fake::MessagePayload(spec);
}

// Sends `total` envelopes keeping at most `in_flight` unacked, then waits
// until the workload is done; measures from the first send.
Figures Drive(fake::FakeSlack& slack, fake::DaemonProcess& process, Workload workload, int total, int in_flight) {
  std::map<std::string, Clock::time_point> sent_at;
  size_t acked_before = slack.AckTotal();
  size_t posted_before = slack.MessageTotal();
  double cpu_before = process.CpuMillis();
  auto acked = [&] { return static_cast<int>(slack.AckTotal() - acked_before); };
  Figures f;
  f.events = total;
  auto start = Clock::now();
  for (int sent = 0; sent < total; ++sent) {
    if (!slack.WaitFor([&] { return acked() > sent - in_flight; }, milliseconds(60000))) {
      std::fprintf(stderr, "bench_flow: acks stopped coming after %d\n", acked());
      f.complete = false;
      break;
    }
    auto now = Clock::now();
    sent_at[slack.SendEnvelope("events_api", Payload(workload, sent))] = now;
  }
  auto done = [&] {
    if (acked() < total) return false;
    return workload == Workload::kMessages || static_cast<int>(slack.MessageTotal() - posted_before) >= total;
  };
  // Generous: a run that cannot finish is reported, not waited for forever.
  if (f.complete && !slack.WaitFor(done, milliseconds(30000 + 20LL * total))) f.complete = false;
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  f.cpu_ms_per_event = (process.CpuMillis() - cpu_before) / total;
  f.peak_rss_mb = static_cast<double>(process.PeakRssKib()) / 1024.0;
  std::vector<double> latencies;
  for (const fake::Ack& ack : slack.Acks()) {
    auto it = sent_at.find(ack.envelope_id);
    if (it != sent_at.end()) latencies.push_back(std::chrono::duration<double, std::milli>(ack.at - it->second).count());
  }
  f.per_second = total / seconds;
  f.ack_p50_ms = bench::Percentile(latencies, 50);
  f.ack_p99_ms = bench::Percentile(latencies, 99);
  f.ack_max_ms = latencies.empty() ? 0 : latencies.back();
  return f;
}

// A state file as a busy installation has it after two weeks: a million
// envelopes seen (inbox rows and their dedupe keys, within the 48 h that
// pruning keeps), 200,000 finished side effects and 20,000 linked threads.
void Age(const std::string& path) {
  {
    auto store = store::Store::Open(path);  // the schema, by the daemon's own migrations
    if (!store) std::exit(1);
  }
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  long long now = util::WallMillisNow();
  auto run = [&](const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::fprintf(stderr, "bench_flow: aging the state file: %s\n", error);
      std::exit(1);
    }
  };
  run("BEGIN");
  run(fmt::format(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000) "
      "INSERT INTO inbox(envelope_id, kind, payload, received_at_ms, done) "
      "SELECT 'aged-' || i, 'events_api', '{{\"event\":{{\"type\":\"message\",\"text\":\"old\"}}}}', {} + i / 100, 1 "
      "FROM n",
      now - 3600 * 1000LL));
  run(fmt::format("INSERT INTO dedupe_keys(key, inbox_id, recorded_at_ms) SELECT 'env:' || envelope_id, id, "
                  "received_at_ms FROM inbox WHERE envelope_id LIKE 'aged-%'"));
  run(fmt::format(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) "
      "INSERT INTO outbox(key, kind, lane, payload, state, attempts, result, created_at_ms) "
      "SELECT 'aged:' || i, 'post_message', 'slack:C' || (i % 500), '{{}}', 2, 1, '{{\"ts\":\"1.1\"}}', {} FROM n",
      now - 24 * 3600 * 1000LL));
  run(fmt::format(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) "
      "INSERT INTO links(channel, thread_ts, ticket_key, ticket_id, web_url, summary, status, status_category, "
      "confirmation_ts, created_at_ms) SELECT 'CAGED' || (i % 300), '1600000000.' || i, 'OLD-' || i, i, '', 'old', "
      "'Done', 'done', '', {} FROM n",
      now - 7 * 24 * 3600 * 1000LL));
  run("COMMIT");
  sqlite3_close(db);
}

// One run of `total` events against a fresh fake Slack and a fresh process.
Figures RunDaemon(const std::string& daemon_path, Workload workload, int total, int in_flight, bool aged) {
  fake::FakeSlack slack;
  testing::TempDir dir;
  std::string state = dir.File("state.db");
  if (aged) Age(state);
  fake::DaemonProcess::Env env = fake::SlackOnlyDaemonEnv(slack, "bench-token", state);
  env["SLACKDESK_LOG_LEVEL"] = "error";
  fake::DaemonProcess daemon(daemon_path, {"run"}, env);
  if (!slack.WaitForHellos(1, milliseconds(30000))) {
    std::fprintf(stderr, "bench_flow: the daemon did not connect\n");
    std::exit(1);
  }
  Figures f = Drive(slack, daemon, workload, total, in_flight);
  daemon.Signal(SIGTERM);
  daemon.Wait(milliseconds(10000));
  return f;
}

Figures RunBaseline(const std::string& baseline_path, Workload workload, int total, int in_flight) {
  fake::FakeSlack slack;
  fake::DaemonProcess::Env env{{"SLACK_APP_TOKEN", fake::FakeSlack::kAppToken},
                               {"SLACK_BOT_TOKEN", fake::FakeSlack::kBotToken},
                               {"SLACK_API_URL", slack.api_url() + "/"}};
  fake::DaemonProcess client(baseline_path, {}, env);
  if (!slack.WaitForHellos(1, milliseconds(30000))) {
    std::fprintf(stderr, "bench_flow: the slack-go baseline did not connect\n");
    std::exit(1);
  }
  Figures f = Drive(slack, client, workload, total, in_flight);
  if (!f.complete) {
    auto lines = client.Lines();
    for (size_t i = lines.size() > 40 ? lines.size() - 40 : 0; i < lines.size(); ++i) {
      std::fprintf(stderr, "slack-go: %s\n", lines[i].c_str());
    }
  }
  client.Signal(SIGTERM);
  client.Wait(milliseconds(10000));
  return f;
}

void PrintHeader(const char* title) {
  std::printf("\n%s\n", title);
  std::printf("%-26s %9s %10s %10s %10s %10s %9s %9s\n", "run", "events", "per s", "ack p50", "ack p99", "ack max",
              "CPU ms/ev", "RSS MB");
}

void Print(const std::string& name, const Figures& f) {
  std::printf("%-26s %9d %10.0f %10.1f %10.1f %10.1f %9.3f %9.1f%s\n", name.c_str(), f.events, f.per_second,
              f.ack_p50_ms, f.ack_p99_ms, f.ack_max_ms, f.cpu_ms_per_event, f.peak_rss_mb,
              f.complete ? "" : "  (incomplete)");
}

void PrintRatios(const std::string& name, const Figures& a, const Figures& b) {
  std::printf("%-26s %9s %10.2f %10.2f %10.2f %10.2f %9.2f %9.2f\n", name.c_str(), "", bench::Ratio(a.per_second, b.per_second),
              bench::Ratio(a.ack_p50_ms, b.ack_p50_ms), bench::Ratio(a.ack_p99_ms, b.ack_p99_ms),
              bench::Ratio(a.ack_max_ms, b.ack_max_ms), bench::Ratio(a.cpu_ms_per_event, b.cpu_ms_per_event),
              bench::Ratio(a.peak_rss_mb, b.peak_rss_mb));
}

// Each figure's median over the complete runs (all runs when none is);
// incomplete when any run was.
Figures Median(const std::vector<Figures>& runs) {
  std::vector<Figures> complete;
  for (const Figures& f : runs) {
    if (f.complete) complete.push_back(f);
  }
  if (complete.empty()) complete = runs;
  auto median = [&complete](double Figures::*field) {
    std::vector<double> values;
    for (const Figures& f : complete) values.push_back(f.*field);
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
  };
  Figures m = complete.front();
  for (double Figures::*field : {&Figures::per_second, &Figures::ack_p50_ms, &Figures::ack_p99_ms,
                                 &Figures::ack_max_ms, &Figures::cpu_ms_per_event, &Figures::peak_rss_mb}) {
    m.*field = median(field);
  }
  m.complete = complete.size() == runs.size();
  return m;
}

// Runs of `sizes` events of one workload, each next to the baseline when
// there is one (`repeat` times each, in turn; medians); then how the cost
// per event and the peak RSS moved from the first to the last (memory that
// grows with the run is held per event somewhere: a leak, or a map that
// keeps every channel).
void RunSeries(const char* title, const char* per_event, Workload workload, const std::vector<int>& sizes,
               const std::string& daemon_path, const std::string& baseline_path, int in_flight, int repeat) {
  if (sizes.empty() || sizes.front() <= 0) return;
  PrintHeader(title);
  std::vector<Figures> runs;
  for (int n : sizes) {
    std::vector<Figures> daemon_runs, go_runs;
    for (int i = 0; i < repeat; ++i) {
      daemon_runs.push_back(RunDaemon(daemon_path, workload, n, in_flight, false));
      if (!baseline_path.empty()) go_runs.push_back(RunBaseline(baseline_path, workload, n, in_flight));
    }
    Figures daemon = Median(daemon_runs);
    Print(fmt::format("slackdesk {}", n), daemon);
    if (!go_runs.empty()) {
      Figures go = Median(go_runs);
      Print(fmt::format("slack-go {}", n), go);
      PrintRatios("  slackdesk / slack-go", daemon, go);
    }
    runs.push_back(daemon);
  }
  if (runs.size() > 1) {
    std::printf("CPU per %s, %d vs %d: x%.2f\n", per_event, sizes.back(), sizes.front(),
                bench::Ratio(runs.back().cpu_ms_per_event, runs.front().cpu_ms_per_event));
    std::printf("peak RSS, %d vs %d %ss: x%.2f\n", sizes.back(), sizes.front(), per_event,
                bench::Ratio(runs.back().peak_rss_mb, runs.front().peak_rss_mb));
  }
}

}  // namespace

int main(int argc, char** argv) {
  bench::Options options(argc, argv);
  std::string daemon_path = options.Daemon();
  std::string baseline_path = options.Text("--baseline", "");
  std::vector<int> mentions = options.Sizes("--mentions", {2000, 50000});
  std::vector<int> messages = options.Sizes("--messages", {10000, 100000});
  int aged_mentions = options.Number("--aged", 10000);
  int in_flight = options.Number("--in-flight", 64);
  int repeat = std::max(1, options.Number("--repeat", 1));
  std::printf("bench_flow: %d envelopes in flight, every commit on disk before the ack or effect it leads to; "
              "baseline: %s; %s\n",
              in_flight,
              baseline_path.empty() ? "none (pass --baseline)" : baseline_path.c_str(),
              repeat == 1 ? "one run each (--repeat N: medians of N)" : fmt::format("medians of {} runs each", repeat).c_str());

  RunSeries("(a) app_mentions, one per channel: ack, then the reply with the Submit request button", "mention",
            Workload::kMentions, mentions, daemon_path, baseline_path, in_flight, repeat);
  if (aged_mentions > 0) {
    PrintHeader("(b) the same mentions against a fresh state file and one aged two weeks");
    std::vector<Figures> fresh_runs, aged_runs;
    for (int i = 0; i < repeat; ++i) {
      fresh_runs.push_back(RunDaemon(daemon_path, Workload::kMentions, aged_mentions, in_flight, false));
      aged_runs.push_back(RunDaemon(daemon_path, Workload::kMentions, aged_mentions, in_flight, true));
    }
    Figures fresh = Median(fresh_runs);
    Figures aged = Median(aged_runs);
    Print("slackdesk, fresh file", fresh);
    Print("slackdesk, aged file", aged);
    PrintRatios("  aged / fresh", aged, fresh);
  }
  RunSeries("(c) plain channel messages (no mention, no linked thread): ack only", "message", Workload::kMessages,
            messages, daemon_path, baseline_path, in_flight, repeat);
  std::printf("\n(ratios are slackdesk / baseline in the same run: per s higher is better, the rest lower)\n");
  return 0;
}
