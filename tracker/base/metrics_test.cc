#include "tracker/base/metrics.h"

#include <memory>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace aquatic {
namespace {

#define TEST_COUNTERS(X)                                                              \
  X(kConnects, "aquatic_requests_total", "type=\"connect\"", "Requests received.")    \
  X(kAnnounces, "aquatic_requests_total", "type=\"announce\"", "Requests received.")  \
  X(kBytes, "aquatic_rx_bytes_total", "", "Bytes received.")
AQUATIC_DEFINE_COUNTERS(TestCounter, TEST_COUNTERS)

TEST(MetricsTest, TheSpecsFollowTheEnum) {
  const absl::Span<const CounterSpec> specs = CounterSpecsOf(TestCounter{});
  ASSERT_EQ(specs.size(), static_cast<size_t>(TestCounter::kCount));
  EXPECT_EQ(specs[static_cast<size_t>(TestCounter::kAnnounces)].labels, "type=\"announce\"");
  EXPECT_EQ(specs[static_cast<size_t>(TestCounter::kBytes)].name, "aquatic_rx_bytes_total");
}

TEST(MetricsTest, EachWorkerWritesItsOwnCacheLines) {
  Counters<TestCounter> counters(3);
  for (size_t worker = 0; worker < 3; ++worker) {
    const auto address = reinterpret_cast<uintptr_t>(counters.table().block(worker));
    EXPECT_EQ(address % 64, 0u) << worker;
    if (worker > 0) {
      const auto previous = reinterpret_cast<uintptr_t>(counters.table().block(worker - 1));
      // Blocks of different workers never share a line.
      EXPECT_GE(address > previous ? address - previous : previous - address, 64u);
    }
  }
}

TEST(MetricsTest, SumsWorkersAndIpVersions) {
  auto counters = std::make_unique<Counters<TestCounter>>(2);
  std::vector<std::thread> workers;
  for (size_t worker = 0; worker < 2; ++worker) {
    workers.emplace_back([&counters, worker] {
      const WorkerCounters<TestCounter> mine = counters->ForWorker(worker);
      for (int i = 0; i < 100000; ++i) mine.Add(TestCounter::kAnnounces, worker);
      mine.Add(TestCounter::kBytes, 0, 10);
    });
  }
  for (std::thread& worker : workers) worker.join();
  // Single writers: no increment is lost even without locked instructions.
  EXPECT_EQ(counters->Total(TestCounter::kAnnounces, 0), 100000u);
  EXPECT_EQ(counters->Total(TestCounter::kAnnounces, 1), 100000u);
  EXPECT_EQ(counters->Total(TestCounter::kAnnounces), 200000u);
  EXPECT_EQ(counters->Total(TestCounter::kConnects), 0u);
  EXPECT_EQ(counters->Total(TestCounter::kBytes), 20u);
}

TEST(MetricsTest, PrometheusTextGroupsEachMetricUnderOneHelpAndType) {
  Counters<TestCounter> udp(1);
  Counters<TestCounter> http(1);
  udp.ForWorker(0).Add(TestCounter::kAnnounces, 1, 5);
  http.ForWorker(0).Add(TestCounter::kConnects, 0, 2);
  PrometheusText text;
  text.AddCounters(udp.table(), "protocol=\"udp\"");
  text.AddGauge("aquatic_torrents", "Torrents.", "swarm=\"ip\"", 3);
  text.AddCounters(http.table(), "protocol=\"http\"");
  const std::string rendered = text.Render();
  EXPECT_EQ(rendered.find("# TYPE aquatic_requests_total counter"),
            rendered.rfind("# TYPE aquatic_requests_total counter"));
  EXPECT_EQ(rendered,
            "# HELP aquatic_requests_total Requests received.\n"
            "# TYPE aquatic_requests_total counter\n"
            "aquatic_requests_total{protocol=\"udp\",type=\"connect\",ip_version=\"4\"} 0\n"
            "aquatic_requests_total{protocol=\"udp\",type=\"connect\",ip_version=\"6\"} 0\n"
            "aquatic_requests_total{protocol=\"udp\",type=\"announce\",ip_version=\"4\"} 0\n"
            "aquatic_requests_total{protocol=\"udp\",type=\"announce\",ip_version=\"6\"} 5\n"
            "aquatic_requests_total{protocol=\"http\",type=\"connect\",ip_version=\"4\"} 2\n"
            "aquatic_requests_total{protocol=\"http\",type=\"connect\",ip_version=\"6\"} 0\n"
            "aquatic_requests_total{protocol=\"http\",type=\"announce\",ip_version=\"4\"} 0\n"
            "aquatic_requests_total{protocol=\"http\",type=\"announce\",ip_version=\"6\"} 0\n"
            "# HELP aquatic_rx_bytes_total Bytes received.\n"
            "# TYPE aquatic_rx_bytes_total counter\n"
            "aquatic_rx_bytes_total{protocol=\"udp\",ip_version=\"4\"} 0\n"
            "aquatic_rx_bytes_total{protocol=\"udp\",ip_version=\"6\"} 0\n"
            "aquatic_rx_bytes_total{protocol=\"http\",ip_version=\"4\"} 0\n"
            "aquatic_rx_bytes_total{protocol=\"http\",ip_version=\"6\"} 0\n"
            "# HELP aquatic_torrents Torrents.\n"
            "# TYPE aquatic_torrents gauge\n"
            "aquatic_torrents{swarm=\"ip\"} 3\n");
}

TEST(MetricsTest, JoinLabels) {
  EXPECT_EQ(JoinLabels("", ""), "");
  EXPECT_EQ(JoinLabels("a=\"1\"", ""), "a=\"1\"");
  EXPECT_EQ(JoinLabels("", "b=\"2\""), "b=\"2\"");
  EXPECT_EQ(JoinLabels("a=\"1\"", "b=\"2\""), "a=\"1\",b=\"2\"");
}

}  // namespace
}  // namespace aquatic
