#include "tracker/base/statistics_report.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace aquatic {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

TEST(StatisticsReportTest, LineAndPageFormats) {
  const std::vector<StatisticsRow> rows = {{"requests announce", 120, 12},
                                           {"torrents", 3, -1}};
  EXPECT_EQ(FormatStatisticsLine("udp", rows),
            "aquatic udp: requests announce 12/s torrents 3");
  const std::string html = FormatStatisticsHtml("udp", rows);
  EXPECT_NE(html.find("requests announce"), std::string::npos);
  EXPECT_NE(html.find("torrents"), std::string::npos);
}

TEST(StatisticsReportTest, SwarmRowsSumBothIpVersions) {
  SwarmStats stats;
  stats.torrents = 2;
  stats.peers_ipv4 = 5;
  stats.peers_ipv6 = 1;
  stats.seeders = 4;
  const std::vector<StatisticsRow> rows = SwarmStatisticsRows(stats);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].label, "torrents");
  EXPECT_EQ(rows[0].value, 2);
  EXPECT_EQ(rows[1].label, "peers");
  EXPECT_EQ(rows[1].value, 6);
  EXPECT_EQ(rows[2].label, "seeders");
  EXPECT_EQ(rows[2].value, 4);
  for (const StatisticsRow& row : rows) EXPECT_LT(row.per_second, 0);
}

// The reporter sums a counter's IPv4 and IPv6 slots, puts the rate rows
// before the current values, and writes the page where the config says.
#define TEST_COUNTERS(X)                                                                    \
  X(kRequests, "aquatic_requests_total", "type=\"announce\"", "Requests.")                   \
  X(kResponses, "aquatic_responses_total", "type=\"announce\"", "Responses.")
AQUATIC_DEFINE_COUNTERS(TestCounter, TEST_COUNTERS)

TEST(StatisticsReportTest, ReporterWritesTotalsOfBothIpVersionsToThePage) {
  Counters<TestCounter> counters(1);
  counters.ForWorker(0).Add(TestCounter::kRequests, 0, 7);
  counters.ForWorker(0).Add(TestCounter::kRequests, 1, 3);
  counters.ForWorker(0).Add(TestCounter::kResponses, 0, 9);
  const CounterTable* table = &counters.table();

  const std::string page = ::testing::TempDir() + "/statistics_report_test.html";
  config::StatisticsConfig config;
  config.set_print_to_stdout(false);
  config.set_write_html_to_file(true);
  config.set_html_file_path(page);
  StatisticsReporter reporter("udp",
                              {{"requests announce", table, 0}, {"responses", table, 1}}, config);
  reporter.Report({{"torrents", 1, -1}});
  const std::string html = ReadFile(page);
  const size_t requests = html.find("requests announce");
  const size_t responses = html.find("responses");
  const size_t torrents = html.find("torrents");
  ASSERT_NE(requests, std::string::npos) << html;
  ASSERT_NE(responses, std::string::npos);
  ASSERT_NE(torrents, std::string::npos);
  EXPECT_LT(requests, responses);
  EXPECT_LT(responses, torrents);
  EXPECT_NE(html.find(">10<"), std::string::npos) << html;  // 7 + 3
  EXPECT_NE(html.find(">9<"), std::string::npos) << html;
  std::remove(page.c_str());

  // Without write_html_to_file no page appears.
  config.set_write_html_to_file(false);
  StatisticsReporter quiet("udp", {{"requests announce", table, 0}}, config);
  quiet.Report({});
  EXPECT_NE(access(page.c_str(), F_OK), 0);
}

// The page's folder is made when missing (aquatic's default is a relative
// "tmp/statistics.html"); a failure names the system error.
TEST(StatisticsReportTest, PageFolderIsMadeAndFailuresSayWhy) {
  const std::string root = ::testing::TempDir() + "/statistics_page_test";
  const std::string page = root + "/a/b/statistics.html";
  ASSERT_TRUE(WriteFileAtomically(page, "<html></html>").ok());
  EXPECT_EQ(ReadFile(page), "<html></html>");
  // A path below a file cannot be made.
  const std::string blocked = page + "/below-a-file.html";
  const absl::Status status = WriteFileAtomically(blocked, "x");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("Not a directory"), absl::string_view::npos) << status;
  EXPECT_NE(status.message().find(blocked), absl::string_view::npos) << status;
}

}  // namespace
}  // namespace aquatic
