// WsTracker: `aquatic ws`, the WebTorrent tracker. Binds every socket
// worker's SO_REUSEPORT acceptors (IPv4 and/or IPv6), then runs the workers'
// io_contexts, the Prometheus endpoint and the periodic tasks (cleaning,
// statistics, access-list and TLS reloads) around one shared swarm engine.
#ifndef AQUATIC_TRACKER_WS_WS_TRACKER_H_
#define AQUATIC_TRACKER_WS_WS_TRACKER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tracker/base/access_list.h"
#include "tracker/server/io_workers.h"
#include "tracker/server/tls_context.h"
#include "tracker/base/config/ws.pb.h"
#include "tracker/base/metrics.h"
#include "tracker/base/tracker_runtime.h"
#include "tracker/base/prometheus_endpoint.h"
#include "tracker/base/statistics_report.h"
#include "tracker/ws/ws_session.h"
#include "tracker/ws/ws_torrents.h"

namespace aquatic::ws {

class WsTracker : public Tracker {
 public:
  // Loads the access list and TLS files and binds all acceptors (before
  // privileges drop).
  static absl::StatusOr<std::unique_ptr<WsTracker>> Create(const config::WsConfig& config);
  ~WsTracker() override;

  // Starts the socket workers (and the Prometheus endpoint if configured).
  absl::Status Start() override;
  // Stops the workers and closes every connection. Idempotent.
  void Stop() override;

  // Periodic tasks, run by the control loop (or tests).
  void Clean() override;
  void ReportStatistics() override;
  // SIGUSR1: the access list and the TLS certificate (new connections).
  void Reload() override;
  std::string Describe() const override;

  // Bound ports (useful with port 0 in tests); 0 when that family is off.
  uint16_t ipv4_port() const { return ipv4_port_; }
  uint16_t ipv6_port() const { return ipv6_port_; }
  uint16_t prometheus_port() const { return prometheus_ ? prometheus_->port() : 0; }
  std::string RenderPrometheus() const;
  const Metrics& metrics() const { return *metrics_; }
  WsTorrentEngine& engine() { return *engine_; }
  int64_t open_connections() const;

 private:
  explicit WsTracker(const config::WsConfig& config);

  config::WsConfig config_;
  WsServerSettings server_settings_;
  std::unique_ptr<WsTorrentEngine> engine_;
  std::unique_ptr<AccessListHolder> access_list_;
  std::unique_ptr<TlsContexts> tls_;
  std::unique_ptr<Metrics> metrics_;
  // Declared after everything the sessions use: Stop() destroys the
  // io_contexts (and with them every session) first.
  std::vector<std::unique_ptr<WsWorker>> workers_;
  std::unique_ptr<IoWorkers> io_;
  std::unique_ptr<PrometheusEndpoint> prometheus_;
  bool started_ = false;
  uint16_t ipv4_port_ = 0;
  uint16_t ipv6_port_ = 0;
  std::unique_ptr<StatisticsReporter> statistics_;
};

// `aquatic ws`: runs until SIGINT/SIGTERM. Errors at start-up are returned.
absl::Status RunWsTracker(const config::WsConfig& config);

}  // namespace aquatic::ws

#endif  // AQUATIC_TRACKER_WS_WS_TRACKER_H_
