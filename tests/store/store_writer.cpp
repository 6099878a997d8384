// Helper for the SIGKILL test: records envelopes "event:1", "event:2", … in
// batches of 1-8 and prints, after each committed batch, the highest n it
// holds. The test kills it at a random point and checks every printed n.
//
// Usage: store_writer <db path> [seed]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "store/store.h"
#include "writer_batches.h"

namespace {

// Bounds a writer whose test died without killing it.
constexpr long long kMaxEnvelopes = 200000;
constexpr auto kMaxRunTime = std::chrono::seconds(60);

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: store_writer <db path> [seed]\n");
    return 2;
  }
  auto store = store::Store::Open(argv[1]);
  if (!store) {
    std::fprintf(stderr, "store_writer: %s\n", store.error().message.c_str());
    return 1;
  }
  store_test::WriterBatches batches(
      argc == 3 ? static_cast<unsigned>(std::strtoul(argv[2], nullptr, 10))
                : 1u);
  const auto deadline = std::chrono::steady_clock::now() + kMaxRunTime;
  long long next = 1;
  while (next <= kMaxEnvelopes && std::chrono::steady_clock::now() < deadline) {
    std::vector<store::InboxEnvelope> batch(
        static_cast<size_t>(batches.Next()));
    for (auto& envelope : batch) {
      envelope.envelope_id = "e" + std::to_string(next);
      envelope.kind = "events_api";
      envelope.dedupe_keys = {"event:" + std::to_string(next)};
      envelope.payload_json = R"({"n":)" + std::to_string(next) + "}";
      envelope.received_at_ms = next;
      ++next;
    }
    auto recorded = (*store)->RecordEnvelopes(batch);
    if (!recorded) {
      std::fprintf(stderr, "store_writer: %s\n",
                   recorded.error().message.c_str());
      return 1;
    }
    for (bool is_new : *recorded) {
      if (!is_new) {
        std::fprintf(
            stderr,
            "store_writer: envelope before %lld reported as a duplicate\n",
            next);
        return 1;
      }
    }
    // Only now is the batch committed; the test may count on it.
    if (std::printf("%lld\n", next - 1) < 0 || std::fflush(stdout) != 0)
      return 1;
  }
  return 0;
}
