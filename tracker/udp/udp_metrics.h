// The UDP tracker's counters, in the order of kUdpMetricSpecs.
#ifndef AQUATIC_TRACKER_UDP_UDP_METRICS_H_
#define AQUATIC_TRACKER_UDP_UDP_METRICS_H_

#include <cstddef>
#include <vector>

#include "tracker/base/metrics.h"

namespace aquatic::udp {

// Counter index = base + ip_version_index (0 for IPv4, 1 for IPv6).
enum UdpCounter : size_t {
  kConnectRequests = 0,
  kAnnounceRequests = 2,
  kScrapeRequests = 4,
  kConnectResponses = 6,
  kAnnounceResponses = 8,
  kScrapeResponses = 10,
  kErrorResponses = 12,
  // Datagrams dropped without an answer: unparseable, bad connection id.
  kDropped = 14,
  kBytesReceived = 16,
  kBytesSent = 18,
};

std::vector<MetricSpec> UdpMetricSpecs();

}  // namespace aquatic::udp

#endif  // AQUATIC_TRACKER_UDP_UDP_METRICS_H_
