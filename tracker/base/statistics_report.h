// Renders a tracker's statistics for people: a one-line summary for
// `print_to_stdout` and a small HTML page for `write_html_to_file`.
#ifndef AQUATIC_TRACKER_BASE_STATISTICS_REPORT_H_
#define AQUATIC_TRACKER_BASE_STATISTICS_REPORT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

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

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_STATISTICS_REPORT_H_
