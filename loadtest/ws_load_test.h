// The WebTorrent tracker load tester (client side of the WebSocket protocol):
// worker threads, each with its own io_context and N Beast WebSocket
// connections. Every connection is one WebTorrent client (one peer id): it
// announces with a few SDP-sized offers to torrents picked by the shared
// workload's popularity, keeps one announce in flight (the next goes out when
// the response arrives), answers a share of the offers the tracker forwards
// to it (announce with answer/to_peer_id/offer_id, no reply expected), and
// counts announce responses, offers and answers received, failure replies and
// connection errors. Messages are built and parsed with the generated codec
// (codec/ws/ws.codec.h).
#ifndef AQUATIC_LOADTEST_WS_LOAD_TEST_H_
#define AQUATIC_LOADTEST_WS_LOAD_TEST_H_

#include <cstdint>
#include <cstdio>

#include "absl/status/statusor.h"
#include "loadtest/config/ws_loadtest.pb.h"

namespace aquatic::loadtest {

// Counts over the measured window (after the warm-up).
struct WsLoadTestResult {
  double seconds = 0;
  uint64_t announce_responses = 0;
  uint64_t offers_received = 0;
  uint64_t answers_received = 0;
  // Failure replies ({"failure reason": ...}).
  uint64_t failure_responses = 0;
  // Connections that failed (connect, handshake, read, write, closed by the
  // server).
  uint64_t connection_errors = 0;
  // Messages that matched nothing expected, and offers picked for an answer
  // that did not parse (offers not answered are not parsed).
  uint64_t invalid = 0;
  uint64_t timeouts = 0;
  uint64_t announces_sent = 0;
  uint64_t offers_sent = 0;
  uint64_t answers_sent = 0;
  uint64_t dropped_answers = 0;
  // Connections open at the end.
  uint64_t connections_open = 0;
  // CPU seconds this process used in the window.
  double cpu_seconds = 0;
};

// Runs the test `config` describes with `seed` (not 0), printing a progress
// line every second (if config.progress()) to `out`.
absl::StatusOr<WsLoadTestResult> RunWsLoadTest(const WsLoadTestConfig& config, uint64_t seed,
                                               std::FILE* out);

// The summary table and the final machine-readable line:
// RESULT announce_per_s=... offers_per_s=... answers_per_s=... errors=...
//        failures=... connection_errors=... timeouts=... invalid=...
//        duration_s=... announces=... connections=... cpu_percent=...
// errors = failures + connection_errors + invalid.
void PrintWsLoadTestSummary(const WsLoadTestConfig& config, uint64_t seed,
                            const WsLoadTestResult& result, std::FILE* out);

}  // namespace aquatic::loadtest

#endif  // AQUATIC_LOADTEST_WS_LOAD_TEST_H_
