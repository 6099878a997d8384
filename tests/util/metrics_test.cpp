// util::Metrics: the registry and the exact Prometheus text it renders.
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "util/metrics.h"

TEST_CASE("a counter renders with the prefix the _total suffix and HELP and TYPE lines", "[metrics]") {
  util::Metrics metrics;
  util::Counter& counter = metrics.GetCounter("envelopes_received", "Envelopes received.");
  counter.Inc();
  counter.Inc(2);
  CHECK(metrics.Render() ==
        "# HELP slackdesk_envelopes_received_total Envelopes received.\n"
        "# TYPE slackdesk_envelopes_received_total counter\n"
        "slackdesk_envelopes_received_total 3\n");
}

TEST_CASE("labelled series share one family and the same labels return the same series", "[metrics]") {
  util::Metrics metrics;
  metrics.GetCounter("comments_synced", "Comments synced.", {{"direction", "to_slack"}}).Inc();
  metrics.GetCounter("comments_synced", "Comments synced.", {{"direction", "to_helpdesk"}}).Inc(4);
  metrics.GetCounter("comments_synced", "Comments synced.", {{"direction", "to_slack"}}).Inc();
  metrics.GetCounter("errors", "Errors.", {{"system", "slack"}, {"kind", "network"}}).Inc();
  CHECK(metrics.Render() ==
        "# HELP slackdesk_comments_synced_total Comments synced.\n"
        "# TYPE slackdesk_comments_synced_total counter\n"
        "slackdesk_comments_synced_total{direction=\"to_slack\"} 2\n"
        "slackdesk_comments_synced_total{direction=\"to_helpdesk\"} 4\n"
        "# HELP slackdesk_errors_total Errors.\n"
        "# TYPE slackdesk_errors_total counter\n"
        "slackdesk_errors_total{system=\"slack\",kind=\"network\"} 1\n");
}

TEST_CASE("label values escape quote backslash and newline and HELP escapes backslash and newline",
          "[metrics]") {
  util::Metrics metrics;
  metrics.GetCounter("odd", "Line one\nback\\slash \"quoted\".", {{"value", "a\"b\\c\nd"}}).Inc();
  CHECK(metrics.Render() ==
        "# HELP slackdesk_odd_total Line one\\nback\\\\slash \"quoted\".\n"
        "# TYPE slackdesk_odd_total counter\n"
        "slackdesk_odd_total{value=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST_CASE("a gauge renders its last value", "[metrics]") {
  util::Metrics metrics;
  util::Gauge& gauge = metrics.GetGauge("pending_side_effects", "Open intents.");
  CHECK(metrics.Render().find("slackdesk_pending_side_effects 0\n") != std::string::npos);
  gauge.Set(7);
  gauge.Add(-2);
  CHECK(gauge.Value() == 5);
  gauge.Set(1700000000.5);
  CHECK(metrics.Render() ==
        "# HELP slackdesk_pending_side_effects Open intents.\n"
        "# TYPE slackdesk_pending_side_effects gauge\n"
        "slackdesk_pending_side_effects 1700000000.5\n");
}

TEST_CASE("histogram buckets are cumulative with a +Inf bucket a sum and a count", "[metrics]") {
  util::Metrics metrics;
  util::Histogram& histogram = metrics.GetHistogram("ack_latency_seconds", "Ack latency.", {0.001, 0.01, 0.1});
  histogram.Observe(0.0005);
  histogram.Observe(0.001);  // on the bound: le is "less than or equal"
  histogram.Observe(0.05);
  histogram.Observe(2.5);
  CHECK(histogram.Count() == 4);
  CHECK(metrics.Render() ==
        "# HELP slackdesk_ack_latency_seconds Ack latency.\n"
        "# TYPE slackdesk_ack_latency_seconds histogram\n"
        "slackdesk_ack_latency_seconds_bucket{le=\"0.001\"} 2\n"
        "slackdesk_ack_latency_seconds_bucket{le=\"0.01\"} 2\n"
        "slackdesk_ack_latency_seconds_bucket{le=\"0.1\"} 3\n"
        "slackdesk_ack_latency_seconds_bucket{le=\"+Inf\"} 4\n"
        "slackdesk_ack_latency_seconds_sum 2.5515\n"
        "slackdesk_ack_latency_seconds_count 4\n");
  CHECK(&metrics.GetHistogram("ack_latency_seconds", "Ack latency.", {0.001, 0.01, 0.1}) == &histogram);
}

TEST_CASE("families render in registration order and an empty registry renders nothing", "[metrics]") {
  util::Metrics metrics;
  CHECK(metrics.Render().empty());
  metrics.GetGauge("b", "B.");
  metrics.GetCounter("a", "A.");
  std::string text = metrics.Render();
  CHECK(text.find("slackdesk_b ") < text.find("slackdesk_a_total "));
}

TEST_CASE("recording from several threads loses nothing", "[metrics]") {
  util::Metrics metrics;
  util::Counter& counter = metrics.GetCounter("hits", "Hits.");
  util::Histogram& histogram = metrics.GetHistogram("latency_seconds", "Latency.", {0.5});
  util::Gauge& gauge = metrics.GetGauge("level", "Level.");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        counter.Inc();
        histogram.Observe(1);
        gauge.Add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(counter.Value() == 40000);
  CHECK(histogram.Count() == 40000);
  CHECK(histogram.Sum() == 40000);
  CHECK(gauge.Value() == 40000);
  CHECK(metrics.Render().find("slackdesk_latency_seconds_bucket{le=\"+Inf\"} 40000\n") != std::string::npos);
}
