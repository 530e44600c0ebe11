// What the UDP, HTTP and WebTorrent trackers share around their servers: the
// access list from config, the worker count, the Prometheus gauges of the
// swarm engines and the endpoint serving them, and the main loop (log level, signals, privileges, periodic
// cleaning and statistics, reloads, shutdown).
#ifndef AQUATIC_TRACKER_BASE_TRACKER_RUNTIME_H_
#define AQUATIC_TRACKER_BASE_TRACKER_RUNTIME_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tracker/base/access_list.h"
#include "tracker/base/config/common.pb.h"
#include "tracker/base/metrics.h"
#include "tracker/base/prometheus_endpoint.h"
#include "tracker/base/swarm_stats.h"

namespace aquatic {

// The [access_list] section as the holder the workers share; a bad file is an
// error naming the key.
absl::StatusOr<std::unique_ptr<AccessListHolder>> LoadAccessList(
    const config::AccessListConfig& config);

// `socket_workers`, with 0 meaning one per CPU.
size_t WorkerCount(uint32_t socket_workers);

// Torrents, peers by IP version, seeders, leechers and completed downloads.
std::vector<GaugeValue> SwarmGauges(const SwarmStats& stats);

// The Prometheus endpoint of [statistics], serving `render()`; nullptr when
// run_prometheus_endpoint is off.
absl::StatusOr<std::unique_ptr<PrometheusEndpoint>> StartPrometheusEndpoint(
    const config::StatisticsConfig& config, std::function<std::string()> render);

// A tracker as its main loop drives it.
class Tracker {
 public:
  virtual ~Tracker() = default;
  virtual absl::Status Start() = 0;
  virtual void Stop() = 0;
  // Periodic: stale peers and empty torrents.
  virtual void Clean() = 0;
  // Periodic: the stdout line and the HTML page.
  virtual void ReportStatistics() = 0;
  // SIGUSR1: access list (and TLS files where there are some).
  virtual void Reload() = 0;
  // For the start-up log line, e.g. "udp tracker serving: ipv4 port 3000".
  virtual std::string Describe() const = 0;
};

struct TrackerRunOptions {
  int log_level = 2;
  uint32_t cleaning_interval = 60;
  config::StatisticsConfig statistics;
  config::PrivilegesConfig privileges;
};

// Sets the log level and blocks the control signals (before any thread
// starts), creates the tracker (binding its sockets), drops privileges if
// configured, starts it and runs the control loop until SIGINT/SIGTERM.
absl::Status RunTracker(const TrackerRunOptions& options,
                        const std::function<absl::StatusOr<std::unique_ptr<Tracker>>()>& create);

// RunTracker for `ProtocolTracker::Create(config)`, with the options every
// protocol's config has (log_level, [cleaning], [statistics], [privileges]).
template <typename ProtocolTracker, typename Config>
absl::Status RunTrackerWithConfig(const Config& config) {
  TrackerRunOptions options;
  options.log_level = config.log_level();
  options.cleaning_interval = config.cleaning().torrent_cleaning_interval();
  options.statistics = config.statistics();
  options.privileges = config.privileges();
  return RunTracker(options, [&config]() -> absl::StatusOr<std::unique_ptr<Tracker>> {
    absl::StatusOr<std::unique_ptr<ProtocolTracker>> tracker = ProtocolTracker::Create(config);
    if (!tracker.ok()) return tracker.status();
    return std::unique_ptr<Tracker>(*std::move(tracker));
  });
}

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_TRACKER_RUNTIME_H_
