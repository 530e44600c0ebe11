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
  // Closed with 1007: a text message that is not UTF-8.
  kInvalidUtf8Closes = 8,
  kAnnounceRequests = 10,
  kScrapeRequests = 12,
  // Announces carrying an answer to a forwarded offer.
  kAnswerRequests = 14,
  kAnnounceResponses = 16,
  kScrapeResponses = 18,
  kErrorResponses = 20,
  kOffersRelayed = 22,
  kAnswersRelayed = 24,
  // Answers to no known offer, or to a peer that is gone.
  kAnswersDropped = 26,
  // Plain HTTP GET /health answered.
  kHealthChecks = 28,
  kMessagesReceived = 30,
  kMessagesSent = 32,
};

std::vector<MetricSpec> WsMetricSpecs();

}  // namespace aquatic::ws

#endif  // AQUATIC_TRACKER_WS_WS_METRICS_H_
