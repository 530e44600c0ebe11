// The per-peer data the IP engine can keep beside a peer's address, one type
// per need, so that a tracker pays only for what it serves:
//   NoPeerData       UDP alone: the address is the peer (12 bytes an IPv4 peer).
//   PeerIdData       HTTP's non-compact responses name each peer's id.
//   PrivatePeerData  a private tracker ([private] mode = "keys"): the peer id,
//                    and the transfer totals of the peer's last report, which
//                    per-key accounting turns the next report into a delta of.
// The totals live with the swarm's peer rather than in a table of their own:
// the announce has found the peer already, under the shard's lock, so keeping
// them costs no lookup, no lock and no memory for peers the swarm forgot.
#ifndef AQUATIC_TRACKER_SWARM_PEER_DATA_H_
#define AQUATIC_TRACKER_SWARM_PEER_DATA_H_

#include <array>
#include <cstdint>
#include <type_traits>

namespace aquatic::swarm {

struct NoPeerData {};

struct PeerIdData {
  std::array<uint8_t, 20> peer_id{};
};

// A peer's running totals as of its last announce (BEP 3 `uploaded` and
// `downloaded`, negative values as zero).
struct TransferTotals {
  // Who reported them: a digest of (tracker key, peer id). Another client
  // behind the same address and port is another owner, and starts over.
  uint64_t owner = 0;
  uint64_t uploaded = 0;
  uint64_t downloaded = 0;
};

struct PrivatePeerData : PeerIdData {
  TransferTotals transfer;
  // 48 bytes: kept apart from the swarm's sorted entries (see Swarm).
  static constexpr bool kKeptApart = true;
};

// Whether peer data of type `Data` keeps transfer totals (`Data::transfer`).
template <typename Data, typename = void>
inline constexpr bool kKeepsTransfer = false;
template <typename Data>
inline constexpr bool
    kKeepsTransfer<Data, std::void_t<decltype(std::declval<Data&>().transfer)>> = true;

}  // namespace aquatic::swarm

#endif  // AQUATIC_TRACKER_SWARM_PEER_DATA_H_
