#include "tracker/base/statistics_report.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tracker/base/clock.h"
#include "tracker/base/log.h"

namespace aquatic {

std::string FormatStatisticsLine(absl::string_view protocol,
                                 const std::vector<StatisticsRow>& rows) {
  std::string line = absl::StrCat("aquatic ", protocol, ":");
  for (const StatisticsRow& row : rows) {
    if (row.per_second >= 0) {
      absl::StrAppendFormat(&line, " %s %.0f/s", row.label, row.per_second);
    } else {
      absl::StrAppendFormat(&line, " %s %.0f", row.label, row.value);
    }
  }
  return line;
}

std::string FormatStatisticsHtml(absl::string_view protocol,
                                 const std::vector<StatisticsRow>& rows) {
  std::string html = absl::StrCat(
      "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>aquatic ", protocol,
      " statistics</title>\n<style>body{font-family:sans-serif}td,th{padding:2px 12px;"
      "text-align:right}th:first-child,td:first-child{text-align:left}</style></head>\n"
      "<body><h1>aquatic ",
      protocol, "</h1>\n<p>Updated at Unix time ", UnixSeconds(),
      ".</p>\n<table><tr><th>metric</th><th>total</th><th>per second</th></tr>\n");
  for (const StatisticsRow& row : rows) {
    absl::StrAppendFormat(&html, "<tr><td>%s</td><td>%.0f</td><td>%s</td></tr>\n", row.label,
                          row.value,
                          row.per_second >= 0 ? absl::StrFormat("%.1f", row.per_second) : "");
  }
  absl::StrAppend(&html, "</table></body></html>\n");
  return html;
}

absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents) {
  // The folder first, as `mkdir -p` would.
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    const std::string folder = path.substr(0, slash);
    if (mkdir(folder.c_str(), 0755) != 0 && errno != EEXIST) {
      return absl::UnavailableError(
          absl::StrCat(path, ": cannot make the folder ", folder, ": ", std::strerror(errno)));
    }
  }
  const std::string temporary = path + ".tmp";
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat(path, ": cannot write ", temporary, ": ",
                                               std::strerror(errno)));
  }
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : ENOSPC;
      close(fd);
      unlink(temporary.c_str());
      return absl::UnavailableError(absl::StrCat(path, ": write failed: ", std::strerror(error)));
    }
    written += static_cast<size_t>(n);
  }
  if (close(fd) != 0) {
    const int error = errno;
    unlink(temporary.c_str());
    return absl::UnavailableError(absl::StrCat(path, ": write failed: ", std::strerror(error)));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat(path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

StatisticsReporter::StatisticsReporter(std::string title, std::vector<RateCounter> rate_counters,
                                       const config::StatisticsConfig& config)
    : protocol_(std::move(title)),
      rate_counters_(std::move(rate_counters)),
      config_(config),
      last_totals_(rate_counters_.size(), 0),
      last_report_time_(SecondsSinceStart()) {}

void StatisticsReporter::Report(const std::vector<StatisticsRow>& current_values) {
  const uint32_t now = SecondsSinceStart();
  const double elapsed = now > last_report_time_ ? now - last_report_time_ : 1;
  last_report_time_ = now;
  std::vector<StatisticsRow> rows;
  for (size_t i = 0; i < rate_counters_.size(); ++i) {
    const uint64_t total = rate_counters_[i].table->Total(rate_counters_[i].counter);
    rows.push_back({rate_counters_[i].label, static_cast<double>(total),
                    (total - last_totals_[i]) / elapsed});
    last_totals_[i] = total;
  }
  rows.insert(rows.end(), current_values.begin(), current_values.end());
  if (config_.print_to_stdout()) {
    std::printf("%s\n", FormatStatisticsLine(protocol_, rows).c_str());
    std::fflush(stdout);
  }
  if (config_.write_html_to_file()) {
    absl::Status status =
        WriteFileAtomically(config_.html_file_path(), FormatStatisticsHtml(protocol_, rows));
    // Once per change: a full disk would otherwise log every interval.
    if (!status.ok() && !page_failing_) {
      AQUATIC_LOG(kWarn, "statistics page: ", status.message(), " (logged again when it works)");
    } else if (status.ok() && page_failing_) {
      AQUATIC_LOG(kInfo, "statistics page: written again to ", config_.html_file_path());
    }
    page_failing_ = !status.ok();
  }
}

std::vector<StatisticsRow> SwarmStatisticsRows(const SwarmStats& stats) {
  return {{"torrents", static_cast<double>(stats.torrents), -1},
          {"peers", static_cast<double>(stats.peers_ipv4 + stats.peers_ipv6), -1},
          {"seeders", static_cast<double>(stats.seeders), -1}};
}

}  // namespace aquatic
