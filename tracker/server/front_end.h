// FrontEnd: one protocol's servers in a tracker process (the UDP sockets, the
// HTTP listeners, the WebTorrent listeners). The Runtime owns every front-end
// of the process and drives them together: one start, one reload, one
// statistics report, one Prometheus endpoint, one stop.
#ifndef AQUATIC_TRACKER_SERVER_FRONT_END_H_
#define AQUATIC_TRACKER_SERVER_FRONT_END_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "tracker/base/metrics.h"
#include "tracker/base/statistics_report.h"

namespace aquatic {

// Requests a front-end handled, by IP version (0: IPv4, 1: IPv6), as the
// management API reports them under torrust's keys
// ("udp4_announces_handled").
struct RequestTotals {
  // "udp", "tcp" (HTTP), "ws".
  std::string transport;
  uint64_t connections[2] = {0, 0};
  uint64_t announces[2] = {0, 0};
  uint64_t scrapes[2] = {0, 0};
};

class FrontEnd {
 public:
  virtual ~FrontEnd() = default;

  // "udp", "http", "ws": the protocol label of its metrics.
  virtual std::string name() const = 0;

  // Starts serving; called after every front-end bound its sockets and the
  // process dropped its privileges.
  virtual absl::Status Start() = 0;
  // Stops serving and joins its threads. Idempotent.
  virtual void Stop() = 0;
  // SIGUSR1, after the runtime reloaded what it shares (the access list): the
  // front-end's own files, such as its TLS certificate.
  virtual void Reload() {}

  // For the start-up log line, e.g. "udp on 127.0.0.1:3000, [::1]:3000".
  virtual std::string Describe() const = 0;

  // Its counters and gauges, labelled protocol="<name>".
  virtual void AddMetrics(PrometheusText* text) const = 0;
  // The counters whose rate the statistics report shows, and the values it
  // shows as they are now (open connections, ...).
  virtual std::vector<StatisticsReporter::RateCounter> StatisticsRates() const = 0;
  virtual std::vector<StatisticsRow> CurrentStatistics() const { return {}; }
  // For the management API's statistics; a front-end that serves no
  // announces (the API itself) has none.
  virtual std::optional<RequestTotals> Totals() const { return std::nullopt; }
};

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_SERVER_FRONT_END_H_
