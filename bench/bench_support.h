// What the benchmarks share: lists from the command line, percentiles, and
// the ratio printed next to every figure.
#pragma once

#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <map>
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

// The "--name value" pairs of a command line. Every benchmark talks to
// peers that may close their sockets: a write to one must be an error, not
// SIGPIPE, so this also ignores that signal.
class Options {
 public:
  Options(int argc, char** argv) {
    for (int i = 1; i + 1 < argc; i += 2) values_[argv[i]] = argv[i + 1];
    signal(SIGPIPE, SIG_IGN);
  }
  // The slackdesk binary to measure (--daemon).
  std::string Daemon() const { return Text("--daemon", "slackdesk"); }
  std::string Text(const std::string& name, const std::string& fallback) const {
    auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
  }
  int Number(const std::string& name, int fallback) const {
    auto it = values_.find(name);
    return it == values_.end() ? fallback : std::atoi(it->second.c_str());
  }
  std::vector<int> Sizes(const std::string& name, std::vector<int> fallback) const {
    auto it = values_.find(name);
    return it == values_.end() ? fallback : ParseSizes(it->second);
  }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace bench
