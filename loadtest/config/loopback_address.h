// The only addresses the load testers accept as a target: they flood it, so
// it must be this machine's loopback (127.0.0.0/8 or ::1).
#ifndef AQUATIC_LOADTEST_CONFIG_LOOPBACK_ADDRESS_H_
#define AQUATIC_LOADTEST_CONFIG_LOOPBACK_ADDRESS_H_

#include <sys/socket.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

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

}  // namespace aquatic::loadtest

#endif  // AQUATIC_LOADTEST_CONFIG_LOOPBACK_ADDRESS_H_
