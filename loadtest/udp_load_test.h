// The UDP tracker load tester (BEP 15 client side): worker threads, each with
// several non-blocking UDP sockets, send the workload's connect / announce /
// scrape mix in recvmmsg/sendmmsg batches, keep a bounded number of requests
// in flight per socket, match responses by transaction id, and count
// responses, errors and timeouts. With [requests] private_keys, each announce
// carries its peer's key (peer_keys.h) as BEP 41 URL data. Packets are built
// and parsed with the generated codec (codec/udp/udp.codec.h) only.
#ifndef AQUATIC_LOADTEST_UDP_LOAD_TEST_H_
#define AQUATIC_LOADTEST_UDP_LOAD_TEST_H_

#include <cstdint>
#include <cstdio>

#include "absl/status/statusor.h"
#include "loadtest/config/udp_loadtest.pb.h"

namespace aquatic::loadtest {

// Counts over the measured window (after the warm-up).
struct UdpLoadTestResult {
  double seconds = 0;
  uint64_t connect = 0;
  uint64_t announce = 0;
  uint64_t scrape = 0;
  uint64_t error = 0;
  uint64_t timeouts = 0;
  // Responses that matched no request in flight (late after a timeout) or
  // did not parse.
  uint64_t unmatched = 0;
  uint64_t invalid = 0;
  uint64_t sent = 0;
  uint64_t announce_peers = 0;
  // Fill mode: peers whose announce was answered (any answer).
  uint64_t filled = 0;
  // CPU seconds this process used in the window.
  double cpu_seconds = 0;
};

// Runs the test `config` describes (mode load or fill) with `seed` (not 0),
// printing a progress line every second (if config.progress()) to `out`.
// Fails when sockets cannot be set up.
absl::StatusOr<UdpLoadTestResult> RunUdpLoadTest(const UdpLoadTestConfig& config, uint64_t seed,
                                                 std::FILE* out);

// The summary table and the final machine-readable line:
// RESULT announce_per_s=... connect_per_s=... scrape_per_s=... error_per_s=...
//        errors=... timeouts=... avg_peers=... duration_s=... announces=... sent=...
//        filled=... cpu_percent=... private_keys=0|1
void PrintUdpLoadTestSummary(const UdpLoadTestConfig& config, uint64_t seed,
                             const UdpLoadTestResult& result, std::FILE* out);

}  // namespace aquatic::loadtest

#endif  // AQUATIC_LOADTEST_UDP_LOAD_TEST_H_
