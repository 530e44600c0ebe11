// PeerAddress<N>: an IP address (4 or 16 bytes, network order) and a port, the
// key of a peer in the UDP and HTTP trackers' swarms.
#ifndef AQUATIC_TRACKER_SWARM_PEER_ADDRESS_H_
#define AQUATIC_TRACKER_SWARM_PEER_ADDRESS_H_

#include <array>
#include <cstdint>
#include <cstring>

namespace aquatic::swarm {

template <size_t kIpBytes>
struct PeerAddress {
  static constexpr size_t kIpSize = kIpBytes;

  std::array<uint8_t, kIpBytes> ip{};
  // Host byte order.
  uint16_t port = 0;

  friend bool operator==(const PeerAddress& a, const PeerAddress& b) {
    return a.port == b.port && a.ip == b.ip;
  }
  friend bool operator!=(const PeerAddress& a, const PeerAddress& b) { return !(a == b); }
  // Any strict order works for the sorted swarms; this one is cheap.
  friend bool operator<(const PeerAddress& a, const PeerAddress& b) {
    const int ip_order = std::memcmp(a.ip.data(), b.ip.data(), kIpBytes);
    return ip_order != 0 ? ip_order < 0 : a.port < b.port;
  }
};

using PeerAddressV4 = PeerAddress<4>;
using PeerAddressV6 = PeerAddress<16>;

}  // namespace aquatic::swarm

#endif  // AQUATIC_TRACKER_SWARM_PEER_ADDRESS_H_
