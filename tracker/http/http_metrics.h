// The HTTP tracker's counters, in the order of HttpMetricSpecs().
#ifndef AQUATIC_TRACKER_HTTP_HTTP_METRICS_H_
#define AQUATIC_TRACKER_HTTP_HTTP_METRICS_H_

#include <cstddef>
#include <vector>

#include "tracker/base/metrics.h"

namespace aquatic::http {

// Counter index = base + ip_version_index (0 for IPv4, 1 for IPv6).
enum HttpCounter : size_t {
  kAnnounceRequests = 0,
  kScrapeRequests = 2,
  kAnnounceResponses = 4,
  kScrapeResponses = 6,
  // Answers with a bencoded `failure reason`.
  kFailureResponses = 8,
  kNotFound = 10,
  kConnectionsAccepted = 12,
  // Closed for a limit: header too large, body, timeout, max_connections.
  kConnectionsRefused = 14,
};

std::vector<MetricSpec> HttpMetricSpecs();

}  // namespace aquatic::http

#endif  // AQUATIC_TRACKER_HTTP_HTTP_METRICS_H_
