// What the benchmarks share: lists from the command line, percentiles, and
// the ratio printed next to every figure.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

namespace bench {

// "100,1000" → {100, 1000}.
inline std::vector<int> ParseSizes(const std::string& list) {
  std::vector<int> sizes;
  for (size_t at = 0; at < list.size();) {
    size_t comma = list.find(',', at);
    if (comma == std::string::npos) comma = list.size();
    sizes.push_back(std::atoi(list.substr(at, comma - at).c_str()));
    at = comma + 1;
  }
  return sizes;
}

// The p-th percentile (0..100) of `values`, sorted in place; 0 when empty.
inline double Percentile(std::vector<double>& values, int p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, values.size() * static_cast<size_t>(p) / 100)];
}

inline double Ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

}  // namespace bench
