// PrometheusEndpoint: a minimal HTTP/1.0 server on its own thread that answers
// `GET /metrics` with the text a callback renders ([statistics]
// run_prometheus_endpoint). One request per connection, small bounded reads,
// a read timeout: a scraper, not a web server.
#ifndef AQUATIC_TRACKER_BASE_PROMETHEUS_ENDPOINT_H_
#define AQUATIC_TRACKER_BASE_PROMETHEUS_ENDPOINT_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "tracker/base/socket_address.h"

namespace aquatic {

class PrometheusEndpoint {
 public:
  static absl::StatusOr<std::unique_ptr<PrometheusEndpoint>> Start(
      const SocketAddress& address, std::function<std::string()> render);
  ~PrometheusEndpoint();

  // The bound port (useful with port 0).
  uint16_t port() const { return port_; }

 private:
  PrometheusEndpoint(int listen_fd, uint16_t port, std::function<std::string()> render);
  void Serve();
  void HandleConnection(int fd);

  int listen_fd_;
  uint16_t port_;
  std::function<std::string()> render_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_PROMETHEUS_ENDPOINT_H_
