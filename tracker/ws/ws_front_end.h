// WsFrontEnd: the WebTorrent tracker (JSON over WebSocket and secure
// WebSocket) in a tracker process. Sessions run on the process's io workers,
// accepted by the kit's TcpServer, and answer and relay through
// WsRequestHandler around the process's WebTorrent engine.
#ifndef AQUATIC_TRACKER_WS_WS_FRONT_END_H_
#define AQUATIC_TRACKER_WS_WS_FRONT_END_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tracker/base/config/ws.pb.h"
#include "tracker/base/metrics.h"
#include "tracker/server/runtime.h"
#include "tracker/server/tcp_server.h"
#include "tracker/server/tls_context.h"
#include "tracker/ws/ws_metrics.h"
#include "tracker/ws/ws_session.h"

namespace aquatic::ws {

class WsFrontEnd final : public FrontEnd {
 public:
  // Loads the TLS files and binds every worker's acceptors (before the
  // process drops privileges).
  static absl::StatusOr<std::unique_ptr<WsFrontEnd>> Create(Runtime& runtime,
                                                           const config::WsFrontEndConfig& config);
  ~WsFrontEnd() override;

  std::string name() const override { return "ws"; }
  absl::Status Start() override;
  void Stop() override;
  // SIGUSR1: the TLS certificate and key (for new connections).
  void Reload() override;
  std::string Describe() const override;
  void AddMetrics(PrometheusText* text) const override;
  std::vector<StatisticsReporter::RateCounter> StatisticsRates() const override;
  std::vector<StatisticsRow> CurrentStatistics() const override;

  uint16_t ipv4_port() const { return tcp_->ipv4_port(); }
  uint16_t ipv6_port() const { return tcp_->ipv6_port(); }
  int64_t open_connections() const { return tcp_->open_connections(); }
  const Counters<WsCounter>& counters() const { return *counters_; }
  const TcpServer& tcp() const { return *tcp_; }

 private:
  WsFrontEnd() = default;

  WsServerSettings server_settings_;
  std::unique_ptr<TlsContexts> tls_;
  std::unique_ptr<Counters<WsCounter>> counters_;
  // Stable addresses: sessions refer to their worker.
  std::vector<std::unique_ptr<WsWorker>> workers_;
  std::unique_ptr<TcpServer> tcp_;
};

}  // namespace aquatic::ws

#endif  // AQUATIC_TRACKER_WS_WS_FRONT_END_H_
