// UdpTracker: `aquatic udp`. Binds every socket worker's sockets, then runs
// the workers, the Prometheus endpoint and the periodic tasks (cleaning,
// statistics, access-list reloads) around one shared swarm engine.
#ifndef AQUATIC_TRACKER_UDP_UDP_TRACKER_H_
#define AQUATIC_TRACKER_UDP_UDP_TRACKER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tracker/base/access_list.h"
#include "tracker/base/connection_id.h"
#include "tracker/base/metrics.h"
#include "tracker/base/prometheus_endpoint.h"
#include "tracker/base/statistics_report.h"
#include "tracker/base/tracker_runtime.h"
#include "tracker/base/config/udp.pb.h"
#include "tracker/udp/request_handler.h"
#include "tracker/udp/socket_worker.h"

namespace aquatic::udp {

class UdpTracker : public Tracker {
 public:
  // Loads the access list and binds all sockets (before privileges drop).
  static absl::StatusOr<std::unique_ptr<UdpTracker>> Create(const config::UdpConfig& config);
  ~UdpTracker() override;

  // Starts the socket workers (and the Prometheus endpoint if configured).
  absl::Status Start() override;
  // Stops and joins the workers. Idempotent.
  void Stop() override;

  // Periodic tasks, run by the control loop (or tests).
  void Clean() override;
  void ReportStatistics() override;
  // SIGUSR1: re-reads the access list.
  void Reload() override;
  std::string Describe() const override;

  // Bound ports (useful with port 0 in tests); 0 when that family is off.
  uint16_t ipv4_port() const { return ipv4_port_; }
  uint16_t ipv6_port() const { return ipv6_port_; }
  uint16_t prometheus_port() const { return prometheus_ ? prometheus_->port() : 0; }
  std::string RenderPrometheus() const;
  const Metrics& metrics() const { return *metrics_; }
  UdpTorrentEngine& engine() { return *engine_; }

 private:
  explicit UdpTracker(const config::UdpConfig& config);

  config::UdpConfig config_;
  size_t worker_count_ = 1;
  std::unique_ptr<UdpTorrentEngine> engine_;
  std::unique_ptr<ConnectionIds> connection_ids_;
  std::unique_ptr<AccessListHolder> access_list_;
  std::unique_ptr<Metrics> metrics_;
  std::vector<std::unique_ptr<UdpSocketWorker>> workers_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::unique_ptr<PrometheusEndpoint> prometheus_;
  uint16_t ipv4_port_ = 0;
  uint16_t ipv6_port_ = 0;
  std::unique_ptr<StatisticsReporter> statistics_;
};

// `aquatic udp`: runs until SIGINT/SIGTERM. Errors at start-up are returned.
absl::Status RunUdpTracker(const config::UdpConfig& config);

}  // namespace aquatic::udp

#endif  // AQUATIC_TRACKER_UDP_UDP_TRACKER_H_
