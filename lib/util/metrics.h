// A small metrics registry rendered in the Prometheus text exposition
// format 0.0.4. Thread rule: registration and Render() take a mutex;
// recording on a Counter, Gauge or Histogram is lock-free (atomics), so a
// component looks its series up once and records on the hot path.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "util/error.h"

namespace util {

// Label names and values of one series, in the order they are rendered.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta);
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `bounds`: the upper bounds of the buckets in seconds, ascending; the
  // +Inf bucket is implicit.
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  const std::vector<double>& Bounds() const { return bounds_; }
  // Per bucket, not cumulative; the last entry is the +Inf bucket.
  std::vector<uint64_t> BucketCounts() const;
  uint64_t Count() const { return count_.load(std::memory_order_relaxed); }
  double Sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

class Metrics {
 public:
  // Each returns the series `name` with `labels`, creating it (and its
  // family, with `help`) on first use; later calls return the same object,
  // which lives as long as this registry. `name` is without the
  // `slackdesk_` prefix and, for counters, without `_total`.
  // REQUIRES: a name is used with one metric type (and one set of bounds).
  Counter& GetCounter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& GetGauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& GetHistogram(const std::string& name, const std::string& help, const std::vector<double>& bounds);

  // Every family in registration order, with # HELP and # TYPE lines.
  std::string Render() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Series {
    Labels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    std::string name;
    std::string help;
    Type type;
    std::vector<std::unique_ptr<Series>> series;
  };

  Series& Find(const std::string& name, const std::string& help, Type type, const Labels& labels);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Family>> families_;
};

// Counts one failed call as slackdesk_errors_total{system, kind}: `system`
// is "slack" or "helpdesk", the kind is ErrorCodeName(code). Does nothing
// when `metrics` is null (metrics off). Takes the registry's mutex: for
// failures, not for the hot path.
void CountError(Metrics* metrics, const std::string& system, ErrorCode code);

}  // namespace util
