// The batch sizes store_writer uses for a seed, shared with the SIGKILL test
// so it can tell whether a recovered database ends on a batch boundary.
#pragma once

#include <random>

namespace store_test {

class WriterBatches {
 public:
  explicit WriterBatches(unsigned seed) : rng_(seed) {}
  int Next() { return size_(rng_); }

 private:
  std::mt19937 rng_;
  std::uniform_int_distribution<int> size_{1, 8};
};

}  // namespace store_test
