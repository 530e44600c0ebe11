// UdpFrontEnd: BEP 15 over UDP in a tracker process. One socket worker
// thread per `socket_workers`, each with its own SO_REUSEPORT socket per
// address family (the kit's UdpSocketWorker), answering through a
// UdpRequestHandler around the process's shared IP engine.
#ifndef AQUATIC_TRACKER_UDP_UDP_FRONT_END_H_
#define AQUATIC_TRACKER_UDP_UDP_FRONT_END_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "tracker/base/config/udp.pb.h"
#include "tracker/base/connection_id.h"
#include "tracker/base/metrics.h"
#include "tracker/server/runtime.h"
#include "tracker/server/udp_socket_worker.h"
#include "tracker/udp/udp_metrics.h"

namespace aquatic::udp {

class UdpFrontEnd final : public FrontEnd {
 public:
  // Binds every worker's sockets (before the process drops privileges).
  static absl::StatusOr<std::unique_ptr<UdpFrontEnd>> Create(
      Runtime& runtime, const config::UdpFrontEndConfig& config, absl::string_view table);
  ~UdpFrontEnd() override;

  std::string name() const override { return "udp"; }
  absl::Status Start() override;
  void Stop() override;
  std::string Describe() const override;
  void AddMetrics(PrometheusText* text) const override;
  std::vector<StatisticsReporter::RateCounter> StatisticsRates() const override;
  std::optional<RequestTotals> Totals() const override;

  // Bound ports (useful with port 0 in tests); 0 when that family is off.
  uint16_t ipv4_port() const { return ipv4_port_; }
  uint16_t ipv6_port() const { return ipv6_port_; }
  const Counters<UdpCounter>& counters() const { return *counters_; }

 private:
  UdpFrontEnd() = default;

  std::unique_ptr<ConnectionIds> connection_ids_;
  std::unique_ptr<Counters<UdpCounter>> counters_;
  std::vector<std::unique_ptr<UdpSocketWorker>> workers_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::vector<std::string> addresses_;
  uint16_t ipv4_port_ = 0;
  uint16_t ipv6_port_ = 0;
};

}  // namespace aquatic::udp

#endif  // AQUATIC_TRACKER_UDP_UDP_FRONT_END_H_
