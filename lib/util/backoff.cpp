#include "util/backoff.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace util {

Millis BackoffDelay(const BackoffPolicy& policy, int attempt, double unit_random) {
  if (attempt < 1) attempt = 1;
  double base = static_cast<double>(policy.initial.count()) *
                std::pow(policy.factor, static_cast<double>(std::min(attempt - 1, 30)));
  base = std::min(base, static_cast<double>(policy.max.count()));
  double jittered = base * (0.5 + 0.5 * std::clamp(unit_random, 0.0, 1.0));
  return Millis(static_cast<long long>(jittered));
}

double UnitRandom() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

}  // namespace util
