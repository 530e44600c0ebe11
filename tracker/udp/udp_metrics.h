// The UDP front-end's counters (see tracker/base/metrics.h).
#ifndef AQUATIC_TRACKER_UDP_UDP_METRICS_H_
#define AQUATIC_TRACKER_UDP_UDP_METRICS_H_

#include "tracker/base/metrics.h"

namespace aquatic::udp {

#define AQUATIC_UDP_COUNTERS(X)                                                              \
  X(kConnectRequests, "aquatic_requests_total", "type=\"connect\"",                          \
    "Requests received, by type and IP version.")                                           \
  X(kAnnounceRequests, "aquatic_requests_total", "type=\"announce\"",                        \
    "Requests received, by type and IP version.")                                           \
  X(kScrapeRequests, "aquatic_requests_total", "type=\"scrape\"",                            \
    "Requests received, by type and IP version.")                                           \
  X(kConnectResponses, "aquatic_responses_total", "type=\"connect\"",                        \
    "Responses sent, by type and IP version.")                                              \
  X(kAnnounceResponses, "aquatic_responses_total", "type=\"announce\"",                      \
    "Responses sent, by type and IP version.")                                              \
  X(kScrapeResponses, "aquatic_responses_total", "type=\"scrape\"",                          \
    "Responses sent, by type and IP version.")                                              \
  X(kErrorResponses, "aquatic_responses_total", "type=\"error\"",                            \
    "Responses sent, by type and IP version.")                                              \
  X(kDropped, "aquatic_dropped_datagrams_total", "",                                         \
    "Datagrams dropped without an answer (unparseable, bad connection id).")                \
  X(kBytesReceived, "aquatic_rx_bytes_total", "", "Bytes received in datagrams.")            \
  X(kBytesSent, "aquatic_tx_bytes_total", "", "Bytes sent in datagrams.")

AQUATIC_DEFINE_COUNTERS(UdpCounter, AQUATIC_UDP_COUNTERS)

}  // namespace aquatic::udp

#endif  // AQUATIC_TRACKER_UDP_UDP_METRICS_H_
