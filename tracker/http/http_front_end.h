// HttpFrontEnd: HTTP/1.1 announce and scrape (plain or TLS) in a tracker
// process. Sessions run on the process's io workers, accepted by the kit's
// TcpServer, and answer through HttpRequestHandler around the shared IP
// engine (with peer ids, for non-compact responses).
#ifndef AQUATIC_TRACKER_HTTP_HTTP_FRONT_END_H_
#define AQUATIC_TRACKER_HTTP_HTTP_FRONT_END_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tracker/base/config/http.pb.h"
#include "tracker/base/metrics.h"
#include "tracker/http/http_metrics.h"
#include "tracker/server/runtime.h"
#include "tracker/server/tcp_server.h"

namespace aquatic::http {

class HttpFrontEnd final : public FrontEnd {
 public:
  // Loads the TLS files and binds every worker's acceptors (before the
  // process drops privileges).
  static absl::StatusOr<std::unique_ptr<HttpFrontEnd>> Create(
      Runtime& runtime, const config::HttpFrontEndConfig& config);
  ~HttpFrontEnd() override;

  std::string name() const override { return "http"; }
  absl::Status Start() override;
  void Stop() override;
  // SIGUSR1: the TLS certificate and key (for new connections).
  void Reload() override;
  std::string Describe() const override;
  void AddMetrics(PrometheusText* text) const override;
  std::vector<StatisticsReporter::RateCounter> StatisticsRates() const override;
  std::vector<StatisticsRow> CurrentStatistics() const override;

  uint16_t ipv4_port() const;
  uint16_t ipv6_port() const;
  const Counters<HttpCounter>& counters() const;
  const TcpServer& tcp() const;

 private:
  HttpFrontEnd() = default;
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace aquatic::http

#endif  // AQUATIC_TRACKER_HTTP_HTTP_FRONT_END_H_
