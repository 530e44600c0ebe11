// HttpTracker: `aquatic http`. Beast HTTP/1.1 sessions (plain or TLS) on
// IoWorkers, each worker with its own SO_REUSEPORT acceptors, answering
// through HttpRequestHandler around one shared swarm engine.
#ifndef AQUATIC_TRACKER_HTTP_HTTP_TRACKER_H_
#define AQUATIC_TRACKER_HTTP_HTTP_TRACKER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tracker/base/config/http.pb.h"
#include "tracker/base/metrics.h"
#include "tracker/base/tracker_runtime.h"
#include "tracker/http/request_handler.h"

namespace aquatic::http {

class HttpTracker : public Tracker {
 public:
  // Loads the access list and TLS files, binds all acceptors.
  static absl::StatusOr<std::unique_ptr<HttpTracker>> Create(const config::HttpConfig& config);
  ~HttpTracker() override;

  absl::Status Start() override;
  void Stop() override;

  void Clean() override;
  void ReportStatistics() override;
  // SIGUSR1: access list and TLS certificate/key.
  void Reload() override;
  std::string Describe() const override;

  uint16_t ipv4_port() const;
  uint16_t ipv6_port() const;
  uint16_t prometheus_port() const;
  std::string RenderPrometheus() const;
  const Metrics& metrics() const;
  HttpTorrentEngine& engine();

 private:
  HttpTracker() = default;
  struct State;
  std::unique_ptr<State> state_;
};

absl::Status RunHttpTracker(const config::HttpConfig& config);

}  // namespace aquatic::http

#endif  // AQUATIC_TRACKER_HTTP_HTTP_TRACKER_H_
