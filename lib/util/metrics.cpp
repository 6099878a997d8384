#include "util/metrics.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include <fmt/format.h>

namespace util {
namespace {

constexpr const char* kPrefix = "slackdesk_";

// std::atomic<double> has no fetch_add before C++20.
void AtomicAdd(std::atomic<double>& target, double delta) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + delta, std::memory_order_relaxed)) {
  }
}

// Go's float spelling, which Prometheus parses: +Inf, -Inf, NaN.
std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

// Backslash and newline escaped, and the double quote when `quote` (the
// exposition format 0.0.4 escapes all three in label values, only the first
// two in HELP text).
std::string Escape(const std::string& text, bool quote) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeHelp(const std::string& text) { return Escape(text, false); }
std::string EscapeLabelValue(const std::string& text) { return Escape(text, true); }

// `{a="1",b="2"}`, or "" without labels; `extra` (the le of a bucket) last.
std::string RenderLabels(const Labels& labels, const std::pair<std::string, std::string>* extra = nullptr) {
  if (labels.empty() && extra == nullptr) return "";
  std::string out = "{";
  bool first = true;
  auto add = [&](const std::pair<std::string, std::string>& label) {
    if (!first) out += ',';
    first = false;
    out += label.first + "=\"" + EscapeLabelValue(label.second) + "\"";
  };
  for (const auto& label : labels) add(label);
  if (extra != nullptr) add(*extra);
  return out + "}";
}

}  // namespace

void Gauge::Add(double delta) { AtomicAdd(value_, delta); }

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  assert(std::is_sorted(bounds_.begin(), bounds_.end()));
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double value) {
  // Buckets are few (about ten): a linear scan beats a binary search.
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, value);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::BucketCounts() const {
  std::vector<uint64_t> counts(bounds_.size() + 1);
  for (size_t i = 0; i < counts.size(); ++i) counts[i] = buckets_[i].load(std::memory_order_relaxed);
  return counts;
}

Metrics::Series& Metrics::Find(const std::string& name, const std::string& help, Type type, const Labels& labels) {
  std::lock_guard<std::mutex> lock(mutex_);
  Family* family = nullptr;
  for (auto& candidate : families_) {
    if (candidate->name == name) family = candidate.get();
  }
  if (family == nullptr) {
    families_.push_back(std::make_unique<Family>(Family{name, help, type, {}}));
    family = families_.back().get();
  }
  assert(family->type == type);
  for (auto& series : family->series) {
    if (series->labels == labels) return *series;
  }
  auto series = std::make_unique<Series>();
  series->labels = labels;
  switch (type) {
    case Type::kCounter:
      series->counter = std::make_unique<Counter>();
      break;
    case Type::kGauge:
      series->gauge = std::make_unique<Gauge>();
      break;
    case Type::kHistogram:
      break;  // GetHistogram knows the bounds
  }
  family->series.push_back(std::move(series));
  return *family->series.back();
}

Counter& Metrics::GetCounter(const std::string& name, const std::string& help, const Labels& labels) {
  return *Find(name, help, Type::kCounter, labels).counter;
}

Gauge& Metrics::GetGauge(const std::string& name, const std::string& help, const Labels& labels) {
  return *Find(name, help, Type::kGauge, labels).gauge;
}

Histogram& Metrics::GetHistogram(const std::string& name, const std::string& help, const std::vector<double>& bounds) {
  Series& series = Find(name, help, Type::kHistogram, {});
  std::lock_guard<std::mutex> lock(mutex_);
  if (!series.histogram) series.histogram = std::make_unique<Histogram>(bounds);
  return *series.histogram;
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  for (const auto& family : families_) {
    std::string name = kPrefix + family->name;
    if (family->type == Type::kCounter) name += "_total";
    const char* type = family->type == Type::kCounter ? "counter" : family->type == Type::kGauge ? "gauge" : "histogram";
    out += "# HELP " + name + " " + EscapeHelp(family->help) + "\n";
    out += "# TYPE " + name + " " + type + "\n";
    for (const auto& series : family->series) {
      if (series->counter) {
        out += name + RenderLabels(series->labels) + " " + std::to_string(series->counter->Value()) + "\n";
      } else if (series->gauge) {
        out += name + RenderLabels(series->labels) + " " + FormatValue(series->gauge->Value()) + "\n";
      } else if (series->histogram) {
        const Histogram& histogram = *series->histogram;
        // Prometheus buckets are cumulative: each counts everything <= le.
        std::vector<uint64_t> counts = histogram.BucketCounts();
        uint64_t cumulative = 0;
        for (size_t i = 0; i < counts.size(); ++i) {
          cumulative += counts[i];
          std::pair<std::string, std::string> le{
              "le", i < histogram.Bounds().size() ? FormatValue(histogram.Bounds()[i]) : "+Inf"};
          out += name + "_bucket" + RenderLabels(series->labels, &le) + " " + std::to_string(cumulative) + "\n";
        }
        // The count is the +Inf bucket, so the two always agree even when
        // an Observe() runs while this renders.
        out += name + "_sum" + RenderLabels(series->labels) + " " + FormatValue(histogram.Sum()) + "\n";
        out += name + "_count" + RenderLabels(series->labels) + " " + std::to_string(cumulative) + "\n";
      }
    }
  }
  return out;
}

void CountError(Metrics* metrics, const std::string& system, ErrorCode code) {
  if (metrics == nullptr) return;
  metrics->GetCounter("errors", "Failed Slack and helpdesk calls, by system and kind of error.",
                      {{"system", system}, {"kind", ErrorCodeName(code)}})
      .Inc();
}

}  // namespace util
