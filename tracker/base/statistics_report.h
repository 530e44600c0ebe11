// Renders a tracker's statistics for people: a one-line summary for
// `print_to_stdout` and a small HTML page for `write_html_to_file`.
#ifndef AQUATIC_TRACKER_BASE_STATISTICS_REPORT_H_
#define AQUATIC_TRACKER_BASE_STATISTICS_REPORT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "tracker/base/config/common.pb.h"
#include "tracker/base/metrics.h"
#include "tracker/base/swarm_stats.h"

namespace aquatic {

struct StatisticsRow {
  std::string label;
  double value = 0;
  // Per second over the last interval; negative when not a rate.
  double per_second = -1;
};

std::string FormatStatisticsLine(absl::string_view protocol,
                                 const std::vector<StatisticsRow>& rows);
std::string FormatStatisticsHtml(absl::string_view protocol,
                                 const std::vector<StatisticsRow>& rows);

// Writes `contents` to `path` through a temporary file and a rename, so a web
// server never serves half a page.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents);

// The current size of a swarm engine as report rows.
std::vector<StatisticsRow> SwarmStatisticsRows(const SwarmStats& stats);

// A process's periodic report (`[statistics] interval`): for each rate
// counter its total over both IP versions and its rate since the previous
// report, then the current values passed in; printed to stdout and/or
// written as the HTML page.
class StatisticsReporter {
 public:
  struct RateCounter {
    // e.g. "udp announce".
    std::string label;
    const CounterTable* table;
    size_t counter;
  };

  // `title` names the process in the line and the page ("udp", or the
  // front-ends it serves). `config`: print_to_stdout, write_html_to_file,
  // html_file_path.
  StatisticsReporter(std::string title, std::vector<RateCounter> rate_counters,
                     const config::StatisticsConfig& config);

  void Report(const std::vector<StatisticsRow>& current_values);

 private:
  const std::string protocol_;
  const std::vector<RateCounter> rate_counters_;
  const config::StatisticsConfig config_;
  // Totals at the previous report, one per rate counter.
  std::vector<uint64_t> last_totals_;
  uint32_t last_report_time_;
  bool page_failing_ = false;
};

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_STATISTICS_REPORT_H_
