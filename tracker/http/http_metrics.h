// The HTTP front-end's counters (see tracker/base/metrics.h). Connections
// accepted and refused at the cap are the TCP server's (tracker/server).
#ifndef AQUATIC_TRACKER_HTTP_HTTP_METRICS_H_
#define AQUATIC_TRACKER_HTTP_HTTP_METRICS_H_

#include "tracker/base/metrics.h"

namespace aquatic::http {

#define AQUATIC_HTTP_COUNTERS(X)                                                             \
  X(kAnnounceRequests, "aquatic_requests_total", "type=\"announce\"",                        \
    "Requests received, by type and IP version.")                                           \
  X(kScrapeRequests, "aquatic_requests_total", "type=\"scrape\"",                            \
    "Requests received, by type and IP version.")                                           \
  X(kAnnounceResponses, "aquatic_responses_total", "type=\"announce\"",                      \
    "Responses sent, by type and IP version.")                                              \
  X(kScrapeResponses, "aquatic_responses_total", "type=\"scrape\"",                          \
    "Responses sent, by type and IP version.")                                              \
  X(kFailureResponses, "aquatic_responses_total", "type=\"failure\"",                        \
    "Responses sent, by type and IP version.")                                              \
  X(kNotFound, "aquatic_responses_total", "type=\"not_found\"",                              \
    "Responses sent, by type and IP version.")                                              \
  X(kBadRequestCloses, "aquatic_forced_closes_total", "reason=\"bad_request\"",              \
    "Connections the tracker closed, by reason and IP version.")                            \
  X(kTimeoutCloses, "aquatic_forced_closes_total", "reason=\"timeout\"",                     \
    "Connections the tracker closed, by reason and IP version.")

AQUATIC_DEFINE_COUNTERS(HttpCounter, AQUATIC_HTTP_COUNTERS)

}  // namespace aquatic::http

#endif  // AQUATIC_TRACKER_HTTP_HTTP_METRICS_H_
