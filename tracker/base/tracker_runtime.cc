#include "tracker/base/tracker_runtime.h"

#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tracker/base/control_loop.h"
#include "tracker/base/log.h"
#include "tracker/base/privileges.h"

namespace aquatic {

absl::StatusOr<std::unique_ptr<AccessListHolder>> LoadAccessList(
    const config::AccessListConfig& config) {
  AccessListMode mode = AccessListMode::kOff;
  if (config.mode() == config::ACCESS_LIST_MODE_ALLOW) mode = AccessListMode::kAllow;
  if (config.mode() == config::ACCESS_LIST_MODE_DENY) mode = AccessListMode::kDeny;
  absl::StatusOr<std::shared_ptr<const AccessList>> list = AccessList::Load(mode, config.path());
  if (!list.ok()) {
    return absl::Status(list.status().code(),
                        absl::StrCat("[access_list] path: ", list.status().message()));
  }
  return std::make_unique<AccessListHolder>(mode, config.path(), *std::move(list));
}

size_t WorkerCount(uint32_t socket_workers) {
  if (socket_workers != 0) return socket_workers;
  const unsigned cpus = std::thread::hardware_concurrency();
  return cpus == 0 ? 1 : cpus;
}

std::vector<GaugeValue> SwarmGauges(const SwarmStats& stats) {
  const int64_t peers = stats.peers_ipv4 + stats.peers_ipv6;
  return {
      {{"aquatic_torrents", "Torrents with at least one peer.", ""},
       static_cast<double>(stats.torrents)},
      {{"aquatic_peers", "Peers, by IP version.", "ip_version=\"4\""},
       static_cast<double>(stats.peers_ipv4)},
      {{"aquatic_peers", "Peers, by IP version.", "ip_version=\"6\""},
       static_cast<double>(stats.peers_ipv6)},
      {{"aquatic_seeders", "Peers that have the whole torrent.", ""},
       static_cast<double>(stats.seeders)},
      {{"aquatic_leechers", "Peers still downloading.", ""},
       static_cast<double>(peers - stats.seeders)},
      {{"aquatic_completed_downloads", "Downloads completed (event=completed), ever.", ""},
       static_cast<double>(stats.completed)},
  };
}

absl::StatusOr<std::unique_ptr<PrometheusEndpoint>> StartPrometheusEndpoint(
    const config::StatisticsConfig& config, std::function<std::string()> render) {
  if (!config.run_prometheus_endpoint()) return std::unique_ptr<PrometheusEndpoint>();
  absl::StatusOr<SocketAddress> address =
      SocketAddress::Parse(config.prometheus_endpoint_address());
  if (!address.ok()) return address.status();
  return PrometheusEndpoint::Start(*address, std::move(render));
}

absl::Status RunTracker(const TrackerRunOptions& options,
                        const std::function<absl::StatusOr<std::unique_ptr<Tracker>>()>& create) {
  SetLogLevel(static_cast<LogLevel>(options.log_level));
  BlockControlSignals();
  absl::StatusOr<std::unique_ptr<Tracker>> tracker = create();
  if (!tracker.ok()) return tracker.status();
  if (options.privileges.drop_privileges()) {
    absl::Status status =
        DropPrivileges(options.privileges.chroot_path(), options.privileges.user());
    if (!status.ok()) return status;
  }
  if (absl::Status status = (*tracker)->Start(); !status.ok()) return status;
  AQUATIC_LOG(kInfo, (*tracker)->Describe());
  std::vector<PeriodicTask> tasks = {{options.cleaning_interval, [&] { (*tracker)->Clean(); }}};
  if (options.statistics.print_to_stdout() || options.statistics.write_html_to_file()) {
    tasks.push_back({options.statistics.interval(), [&] { (*tracker)->ReportStatistics(); }});
  }
  const int signal = RunControlLoop(tasks, [&] { (*tracker)->Reload(); });
  AQUATIC_LOG(kInfo, "signal ", signal, ": shutting down");
  (*tracker)->Stop();
  return absl::OkStatus();
}

}  // namespace aquatic
