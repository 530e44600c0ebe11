// The HTTP(S) tracker load tester: worker threads, each with one epoll loop
// over a fixed number of non-blocking TCP connections (optionally TLS through
// BoringSSL, certificates not verified), send the workload's announce /
// scrape mix with a bounded number of requests in flight per connection
// (1, or pipeline_depth with keep-alive), with keep-alive or one request per
// connection, and count responses, failures, errors and timeouts. Request
// targets are written and response bodies read with the generated codec
// (codec/http/http.codec.h) only.
#ifndef AQUATIC_LOADTEST_HTTP_LOAD_TEST_H_
#define AQUATIC_LOADTEST_HTTP_LOAD_TEST_H_

#include <cstdint>
#include <cstdio>

#include "absl/status/statusor.h"
#include "loadtest/config/http_loadtest.pb.h"

namespace aquatic::loadtest {

// Counts over the measured window (after the warm-up).
struct HttpLoadTestResult {
  double seconds = 0;
  // Successful responses (bencoded bodies without `failure reason`).
  uint64_t announce = 0;
  uint64_t scrape = 0;
  // HTTP 200 bodies with `failure reason` (refused hash, bad request).
  uint64_t failures = 0;
  // Requests that got no usable answer: the connection failed or closed
  // early, a status other than 200, a body that did not parse.
  uint64_t connection_errors = 0;
  uint64_t http_status_errors = 0;
  uint64_t invalid = 0;
  uint64_t timeouts = 0;
  uint64_t sent = 0;
  uint64_t connects = 0;
  uint64_t announce_peers = 0;
  // CPU seconds this process used in the window.
  double cpu_seconds = 0;

  uint64_t errors() const { return connection_errors + http_status_errors + invalid; }
};

// Runs the test `config` describes with `seed` (not 0), printing a progress
// line every second (if config.progress()) to `out`. Fails when the setup
// fails (epoll, TLS context).
absl::StatusOr<HttpLoadTestResult> RunHttpLoadTest(const HttpLoadTestConfig& config,
                                                   uint64_t seed, std::FILE* out);

// The summary table and the final machine-readable line:
// RESULT announce_per_s=... scrape_per_s=... failure_per_s=... failures=...
//        errors=... timeouts=... avg_peers=... duration_s=... announces=...
//        sent=... connects_per_s=... cpu_percent=...
void PrintHttpLoadTestSummary(const HttpLoadTestConfig& config, uint64_t seed,
                              const HttpLoadTestResult& result, std::FILE* out);

}  // namespace aquatic::loadtest

#endif  // AQUATIC_LOADTEST_HTTP_LOAD_TEST_H_
