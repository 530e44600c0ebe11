// SocketAddress: an IPv4 or IPv6 address with a port, as written in config
// files ("0.0.0.0:3000", "[::1]:3000") and as passed to bind(2).
#ifndef AQUATIC_TRACKER_BASE_SOCKET_ADDRESS_H_
#define AQUATIC_TRACKER_BASE_SOCKET_ADDRESS_H_

#include <netinet/in.h>
#include <sys/socket.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace aquatic {

class SocketAddress {
 public:
  // Parses "a.b.c.d:port" or "[ipv6]:port". The port may be 0 (any port).
  static absl::StatusOr<SocketAddress> Parse(absl::string_view text);

  static SocketAddress FromSockaddr(const sockaddr* address, socklen_t length);
  // From address bytes in network order (4: IPv4, 16: IPv6; anything else
  // is the unspecified address) and a port.
  static SocketAddress FromIp(absl::Span<const uint8_t> ip, uint16_t port);

  bool is_ipv4() const { return storage_.ss_family == AF_INET; }
  bool is_ipv6() const { return storage_.ss_family == AF_INET6; }
  int family() const { return storage_.ss_family; }
  uint16_t port() const;
  // The same IP address with another port.
  SocketAddress WithPort(uint16_t port) const;
  // The address bytes in network order: 4 for IPv4, 16 for IPv6.
  absl::Span<const uint8_t> ip_bytes() const;
  // 0.0.0.0 or [::]: every address of the host.
  bool is_unspecified() const;

  const sockaddr* sockaddr_ptr() const {
    return reinterpret_cast<const sockaddr*>(&storage_);
  }
  socklen_t sockaddr_length() const { return length_; }

  // "1.2.3.4:80" or "[::1]:80".
  std::string ToString() const;

 private:
  SocketAddress() = default;

  sockaddr_storage storage_{};
  socklen_t length_ = 0;
};

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_SOCKET_ADDRESS_H_
