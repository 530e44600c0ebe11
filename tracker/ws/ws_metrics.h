// The WebTorrent tracker's counters, in the order of WsMetricSpecs().
#ifndef AQUATIC_TRACKER_WS_WS_METRICS_H_
#define AQUATIC_TRACKER_WS_WS_METRICS_H_

#include <cstddef>
#include <vector>

#include "tracker/base/metrics.h"

namespace aquatic::ws {

// Counter index = base + ip_version_index (0 for IPv4, 1 for IPv6).
enum WsCounter : size_t {
  kConnectionsAccepted = 0,
  // Closed at once: the worker already had max_connections.
  kConnectionsRefused = 2,
  // Closed because their outgoing queue was full (they did not read).
  kSlowReaderDisconnects = 4,
  // Closed with 1003 because they sent a binary message.
  kBinaryMessageCloses = 6,
  kAnnounceRequests = 8,
  kScrapeRequests = 10,
  // Announces carrying an answer to a forwarded offer.
  kAnswerRequests = 12,
  kAnnounceResponses = 14,
  kScrapeResponses = 16,
  kErrorResponses = 18,
  kOffersRelayed = 20,
  kAnswersRelayed = 22,
  // Answers to no known offer, or to a peer that is gone.
  kAnswersDropped = 24,
  // Plain HTTP GET /health answered.
  kHealthChecks = 26,
  kMessagesReceived = 28,
  kMessagesSent = 30,
  kWsCounterCount = 32,
};

std::vector<MetricSpec> WsMetricSpecs();

}  // namespace aquatic::ws

#endif  // AQUATIC_TRACKER_WS_WS_METRICS_H_
