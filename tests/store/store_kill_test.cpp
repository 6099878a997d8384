// Durability for real: a writer process is SIGKILLed at random points and
// every batch it reported committed must be in the reopened database.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include "store/store.h"
#include "test_util.h"
#include "writer_batches.h"

#ifndef STORE_WRITER_PATH
#error "STORE_WRITER_PATH must name the store_writer executable"
#endif

namespace {

using store_test::Envelope;
using store_test::PendingIds;
using store_test::RawDb;
using store_test::TempDir;

constexpr int kRounds = 30;
// A healthy writer prints within milliseconds; this only catches a hang.
constexpr int kReadTimeoutMs = 20000;
constexpr int kMinKillPoint = 5;
constexpr int kMaxKillPoint = 200;

// The writer process; killed and reaped on scope exit if still running, so
// a failed REQUIRE does not leave it behind.
class Writer {
 public:
  Writer(const std::string& db_path, unsigned seed) {
    const std::string seed_text = std::to_string(seed);
    // Everything the child needs is built before fork(): after it, only
    // async-signal-safe calls.
    const char* program = STORE_WRITER_PATH;
    char* const argv[] = {const_cast<char*>(program),
                          const_cast<char*>(db_path.c_str()),
                          const_cast<char*>(seed_text.c_str()), nullptr};
    int fds[2];
    REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      execv(program, argv);
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
    REQUIRE(pid_ > 0);
  }
  ~Writer() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // SIGKILLs the writer and returns its wait status.
  int Kill() {
    REQUIRE(kill(pid_, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(pid_, &status, 0) == pid_);
    pid_ = -1;
    return status;
  }

  // The next line the writer printed, or nullopt at end of output. Fails
  // the test when the writer stays silent for kReadTimeoutMs.
  std::optional<std::string> NextLine() {
    for (;;) {
      const auto newline = buffer_.find('\n');
      if (newline != std::string::npos) {
        std::string line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        return line;
      }
      if (eof_) return std::nullopt;  // a partial last line was never a report
      pollfd ready{out_, POLLIN, 0};
      const int polled = poll(&ready, 1, kReadTimeoutMs);
      if (polled < 0 && errno == EINTR) continue;
      INFO("store_writer printed nothing for " << kReadTimeoutMs << " ms");
      REQUIRE(polled == 1);
      char chunk[4096];
      const ssize_t got = read(out_, chunk, sizeof chunk);
      if (got < 0 && errno == EINTR) continue;
      REQUIRE(got >= 0);
      if (got == 0) eof_ = true;
      buffer_.append(chunk, static_cast<size_t>(got));
    }
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

long long ParseCommitted(const std::string& line) {
  char* end = nullptr;
  const long long n = std::strtoll(line.c_str(), &end, 10);
  INFO("store_writer printed: " << line);
  REQUIRE((end != line.c_str() && *end == '\0' && n > 0));
  return n;
}

// Kill points: right at startup, right after the first commit, then spread
// over [kMinKillPoint, kMaxKillPoint] in strata with a random offset each.
int KillPoint(int round, std::mt19937& rng) {
  if (round == 0) return 0;
  if (round == 1) return 1;
  const int strata = kRounds - 2;
  const int width = std::max(1, (kMaxKillPoint - kMinKillPoint + 1) / strata);
  std::uniform_int_distribution<int> offset(0, width - 1);
  return std::min(kMaxKillPoint,
                  kMinKillPoint + (round - 2) * width + offset(rng));
}

TEST_CASE("every batch reported committed survives a SIGKILL",
          "[store][slow]") {
  const unsigned seed =
      Catch::rngSeed() != 0 ? Catch::rngSeed() : std::random_device{}();
  CAPTURE(seed);
  std::mt19937 rng(seed);

  for (int round = 0; round < kRounds; ++round) {
    const int kill_point = KillPoint(round, rng);
    CAPTURE(round, kill_point);
    TempDir dir;
    const std::string path = dir.File("state.db");

    const unsigned writer_seed = seed + static_cast<unsigned>(round);
    long long committed = 0;  // the highest n the writer reported
    {
      Writer writer(path, writer_seed);
      for (int lines = 0; lines < kill_point; ++lines) {
        const auto line = writer.NextLine();
        INFO("store_writer ended early; see its stderr above");
        REQUIRE(line);
        committed = std::max(committed, ParseCommitted(*line));
      }
      const int status = writer.Kill();
      REQUIRE(WIFSIGNALED(status));
      REQUIRE(WTERMSIG(status) == SIGKILL);
      // Reports still in the pipe were committed before the kill too.
      while (const auto line = writer.NextLine())
        committed = std::max(committed, ParseCommitted(*line));
    }
    CAPTURE(committed);

    auto db = store::Store::Open(path);
    INFO((db ? std::string() : db.error().message));
    REQUIRE(db);
    REQUIRE(RawDb(path).Query("PRAGMA integrity_check") == "ok");

    // Batches commit whole and in order, so the rows are e1..eM with
    // M >= committed, and M ends one of the writer's batches.
    const auto ids = PendingIds(**db);
    const auto recovered = static_cast<long long>(ids.size());
    CAPTURE(recovered);
    REQUIRE(recovered >= committed);
    for (size_t i = 0; i < ids.size(); ++i) {
      if (ids[i] != "e" + std::to_string(i + 1))
        FAIL("row " << i << " is " << ids[i]);
    }
    store_test::WriterBatches batches(writer_seed);
    long long boundary = 0;
    while (boundary < recovered) boundary += batches.Next();
    INFO("the recovered rows end inside a batch");
    REQUIRE(boundary == recovered);
    if (committed > 0) {
      auto again = (*db)->RecordEnvelopes(
          {Envelope("again", {"event:" + std::to_string(committed)})});
      REQUIRE(again);
      REQUIRE(*again == std::vector<bool>{false});
    }
    auto next = (*db)->RecordEnvelopes(
        {Envelope("next", {"event:" + std::to_string(ids.size() + 1)})});
    REQUIRE(next);
    REQUIRE(*next == std::vector<bool>{true});
  }
}

}  // namespace
