// The configuration of the UDP load tester (udp_loadtest.proto): defaults,
// loading a TOML file with the trackers' config machinery, printing it with
// the schema comments, and the checks that span keys (loopback only).
#ifndef AQUATIC_LOADTEST_CONFIG_UDP_LOADTEST_CONFIG_H_
#define AQUATIC_LOADTEST_CONFIG_UDP_LOADTEST_CONFIG_H_

#include <sys/socket.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "loadtest/config/udp_loadtest.pb.h"
#include "loadtest/workload.h"

namespace aquatic::loadtest {

// A loopback socket address: 127.0.0.0/8 or ::1.
struct LoopbackAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  bool ipv6 = false;

  const sockaddr* sockaddr_ptr() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// Parses "127.0.0.1:3000" or "[::1]:3000"; refuses any other address, and
// port 0.
absl::StatusOr<LoopbackAddress> ParseLoopbackAddress(absl::string_view text);

// Checks that concern more than one key, and the loopback rule.
absl::Status ValidateLoadTestConfig(const UdpLoadTestConfig& config);

// Defaults, then the keys of the TOML text, then ValidateLoadTestConfig.
// Errors are one line naming the key.
absl::StatusOr<UdpLoadTestConfig> ParseLoadTestConfig(absl::string_view toml_text,
                                                      absl::string_view source_name);

// ParseLoadTestConfig over a file's contents; errors start with the file name.
absl::StatusOr<UdpLoadTestConfig> LoadLoadTestConfigFile(const std::string& path);

// Every key with its value and schema comment; parses back to `config`.
std::string PrintLoadTestConfig(const UdpLoadTestConfig& config);

// The workload part of the config. `seed` replaces requests.seed (which may
// be 0, "pick one").
WorkloadOptions ToWorkloadOptions(const UdpLoadTestConfig& config, uint64_t seed);

}  // namespace aquatic::loadtest

#endif  // AQUATIC_LOADTEST_CONFIG_UDP_LOADTEST_CONFIG_H_
