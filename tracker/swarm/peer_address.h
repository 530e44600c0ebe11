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

  // Swarm lookups compare addresses in a binary search on every announce:
  // compare them as integers, not with memcmp calls. Any strict order works
  // for the sorted swarms, so the integers need no byte swapping.
  friend bool operator==(const PeerAddress& a, const PeerAddress& b) {
    return a.port == b.port && a.Word(0) == b.Word(0) && a.Word(1) == b.Word(1);
  }
  friend bool operator!=(const PeerAddress& a, const PeerAddress& b) { return !(a == b); }
  friend bool operator<(const PeerAddress& a, const PeerAddress& b) {
    if (a.Word(0) != b.Word(0)) return a.Word(0) < b.Word(0);
    if (a.Word(1) != b.Word(1)) return a.Word(1) < b.Word(1);
    return a.port < b.port;
  }

 private:
  // The IP as two 64-bit words (an IPv4 address fills the low half of the
  // first; the second is 0).
  uint64_t Word(size_t index) const {
    uint64_t word = 0;
    if constexpr (kIpBytes == 4) {
      if (index == 0) std::memcpy(&word, ip.data(), 4);
    } else {
      std::memcpy(&word, ip.data() + 8 * index, 8);
    }
    return word;
  }
};

using PeerAddressV4 = PeerAddress<4>;
using PeerAddressV6 = PeerAddress<16>;

}  // namespace aquatic::swarm

#endif  // AQUATIC_TRACKER_SWARM_PEER_ADDRESS_H_
