#include "tracker/base/metrics.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace aquatic {
namespace {

TEST(MetricsTest, SumsWorkersAndRendersPrometheusText) {
  Metrics metrics({{"aquatic_requests_total", "Requests received.", "type=\"connect\""},
                   {"aquatic_requests_total", "Requests received.", "type=\"announce\""},
                   {"aquatic_bytes_received_total", "Bytes received.", ""}},
                  2);
  std::vector<std::thread> workers;
  for (size_t worker = 0; worker < 2; ++worker) {
    workers.emplace_back([&metrics, worker] {
      for (int i = 0; i < 1000; ++i) metrics.Add(worker, 1);
      metrics.Add(worker, 2, 10);
    });
  }
  for (std::thread& worker : workers) worker.join();
  EXPECT_EQ(metrics.Total(0), 0u);
  EXPECT_EQ(metrics.Total(1), 2000u);
  EXPECT_EQ(metrics.RenderPrometheus({{{"aquatic_torrents", "Torrents.", ""}, 3}}),
            "# HELP aquatic_requests_total Requests received.\n"
            "# TYPE aquatic_requests_total counter\n"
            "aquatic_requests_total{type=\"connect\"} 0\n"
            "aquatic_requests_total{type=\"announce\"} 2000\n"
            "# HELP aquatic_bytes_received_total Bytes received.\n"
            "# TYPE aquatic_bytes_received_total counter\n"
            "aquatic_bytes_received_total 20\n"
            "# HELP aquatic_torrents Torrents.\n"
            "# TYPE aquatic_torrents gauge\n"
            "aquatic_torrents 3\n");
}

TEST(MetricsTest, AddPerIpVersionAppendsIpv4ThenIpv6) {
  std::vector<MetricSpec> specs;
  AddPerIpVersion("aquatic_requests_total", "Requests.", "type=\"announce\"", &specs);
  AddPerIpVersion("aquatic_rx_bytes_total", "Bytes.", "", &specs);
  ASSERT_EQ(specs.size(), 4u);
  EXPECT_EQ(specs[0].labels, "type=\"announce\",ip_version=\"4\"");
  EXPECT_EQ(specs[1].labels, "type=\"announce\",ip_version=\"6\"");
  EXPECT_EQ(specs[2].labels, "ip_version=\"4\"");
  EXPECT_EQ(specs[3].labels, "ip_version=\"6\"");
  EXPECT_EQ(specs[3].name, "aquatic_rx_bytes_total");
  EXPECT_EQ(specs[3].help, "Bytes.");
}

}  // namespace
}  // namespace aquatic
