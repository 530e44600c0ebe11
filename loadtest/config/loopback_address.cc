#include "loadtest/config/loopback_address.h"

#include <netinet/in.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tracker/base/socket_address.h"

namespace aquatic::loadtest {

absl::StatusOr<LoopbackAddress> ParseLoopbackAddress(absl::string_view text) {
  absl::StatusOr<SocketAddress> parsed = SocketAddress::Parse(text);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\": ", parsed.status().message()));
  }
  if (parsed->port() == 0) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\": bad port (1 to 65535)"));
  }
  const absl::Span<const uint8_t> ip = parsed->ip_bytes();
  const bool loopback = parsed->is_ipv6()
                            ? IN6_IS_ADDR_LOOPBACK(reinterpret_cast<const in6_addr*>(ip.data()))
                            : ip[0] == 127;
  if (!loopback) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is not a loopback address (only 127.0.0.0/8 and [::1] are allowed)"));
  }
  LoopbackAddress address;
  std::memcpy(&address.storage, parsed->sockaddr_ptr(), parsed->sockaddr_length());
  address.length = parsed->sockaddr_length();
  address.ipv6 = parsed->is_ipv6();
  return address;
}

}  // namespace aquatic::loadtest
