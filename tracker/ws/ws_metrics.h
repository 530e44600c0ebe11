// The WebTorrent front-end's counters (see tracker/base/metrics.h).
// Connections accepted and refused at the cap are the TCP server's
// (tracker/server).
#ifndef AQUATIC_TRACKER_WS_WS_METRICS_H_
#define AQUATIC_TRACKER_WS_WS_METRICS_H_

#include "tracker/base/metrics.h"

namespace aquatic::ws {

#define AQUATIC_WS_COUNTERS(X)                                                               \
  /* Closed because their outgoing queue was full (they did not read). */                   \
  X(kSlowReaderDisconnects, "aquatic_forced_closes_total", "reason=\"slow_reader\"",         \
    "Connections the tracker closed, by reason and IP version.")                            \
  /* Closed with 1003 because they sent a binary message. */                                \
  X(kBinaryMessageCloses, "aquatic_forced_closes_total", "reason=\"binary_message\"",        \
    "Connections the tracker closed, by reason and IP version.")                            \
  /* Closed with 1007: a text message that is not UTF-8. */                                 \
  X(kInvalidUtf8Closes, "aquatic_forced_closes_total", "reason=\"invalid_utf8\"",            \
    "Connections the tracker closed, by reason and IP version.")                            \
  X(kAnnounceRequests, "aquatic_requests_total", "type=\"announce\"",                        \
    "Requests received, by type and IP version.")                                           \
  X(kScrapeRequests, "aquatic_requests_total", "type=\"scrape\"",                            \
    "Requests received, by type and IP version.")                                           \
  /* Announces carrying an answer to a forwarded offer. */                                  \
  X(kAnswerRequests, "aquatic_requests_total", "type=\"answer\"",                            \
    "Requests received, by type and IP version.")                                           \
  X(kAnnounceResponses, "aquatic_responses_total", "type=\"announce\"",                      \
    "Responses sent, by type and IP version.")                                              \
  X(kScrapeResponses, "aquatic_responses_total", "type=\"scrape\"",                          \
    "Responses sent, by type and IP version.")                                              \
  X(kErrorResponses, "aquatic_responses_total", "type=\"error\"",                            \
    "Responses sent, by type and IP version.")                                              \
  X(kOffersRelayed, "aquatic_relayed_total", "type=\"offer\"",                               \
    "WebRTC offers and answers forwarded to another peer.")                                 \
  X(kAnswersRelayed, "aquatic_relayed_total", "type=\"answer\"",                             \
    "WebRTC offers and answers forwarded to another peer.")                                 \
  X(kAnswersDropped, "aquatic_dropped_answers_total", "",                                    \
    "Answers to no pending offer or to a peer no longer in the swarm.")                     \
  X(kHealthChecks, "aquatic_health_checks_total", "",                                        \
    "Plain HTTP GET /health requests answered.")                                            \
  X(kMessagesReceived, "aquatic_rx_messages_total", "", "WebSocket messages received.")      \
  X(kMessagesSent, "aquatic_tx_messages_total", "",                                          \
    "WebSocket messages sent (written for the socket).")

AQUATIC_DEFINE_COUNTERS(WsCounter, AQUATIC_WS_COUNTERS)

}  // namespace aquatic::ws

#endif  // AQUATIC_TRACKER_WS_WS_METRICS_H_
