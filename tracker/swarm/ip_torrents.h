// IpTorrentEngine<Data>: the swarm engine of the UDP and HTTP trackers. Peers
// are keyed by (IP, port); IPv4 and IPv6 peers live in separate swarms of the
// same torrent and are never returned to each other; the completed-download
// count is per torrent. `Data` is the per-peer extra (empty for UDP, the peer
// id for HTTP's non-compact responses).
//
// Thread-safe: socket workers call it concurrently (one lock per shard).
#ifndef AQUATIC_TRACKER_SWARM_IP_TORRENTS_H_
#define AQUATIC_TRACKER_SWARM_IP_TORRENTS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>

#include "tracker/base/info_hash.h"
#include "tracker/swarm/peer_address.h"
#include "tracker/swarm/swarm.h"
#include "tracker/base/swarm_stats.h"
#include "tracker/swarm/torrent_map.h"

namespace aquatic::swarm {

// Counters kept per shard, summed for statistics.
using IpSwarmStats = SwarmStats;

// Most torrents only ever see IPv4 peers, so the IPv6 swarm is allocated on
// first use: a torrent is 40 bytes in its map slot instead of 72.
template <typename Data>
struct IpTorrent {
  Swarm<PeerAddressV4, Data> ipv4;
  std::unique_ptr<Swarm<PeerAddressV6, Data>> ipv6_swarm;
  uint64_t completed = 0;

  bool empty() const { return ipv4.empty() && (ipv6_swarm == nullptr || ipv6_swarm->empty()); }
  Swarm<PeerAddressV6, Data>& ipv6() {
    if (ipv6_swarm == nullptr) ipv6_swarm = std::make_unique<Swarm<PeerAddressV6, Data>>();
    return *ipv6_swarm;
  }
  uint32_t ipv6_seeders() const { return ipv6_swarm ? ipv6_swarm->seeders() : 0; }
  uint32_t ipv6_leechers() const { return ipv6_swarm ? ipv6_swarm->leechers() : 0; }
  uint32_t seeders() const { return ipv4.seeders() + ipv6_seeders(); }
  uint32_t leechers() const { return ipv4.leechers() + ipv6_leechers(); }
};

// Swarm counts as a tracker reports them.
struct TorrentCounts {
  uint32_t seeders = 0;
  uint32_t leechers = 0;
  uint64_t completed = 0;
};

template <typename Data>
class IpTorrentEngine {
 public:
  template <typename Address>
  using SwarmOf = Swarm<Address, Data>;
  template <typename Address>
  using Announce = typename SwarmOf<Address>::Announce;
  template <typename Address>
  using Peer = typename SwarmOf<Address>::Peer;

  explicit IpTorrentEngine(size_t shard_count) : torrents_(shard_count) {}

  // Applies the announce and calls `emit(const Peer<Address>&)` for up to
  // `max_peers` other peers of the same address family (none after
  // event=stopped). Returns the counts of that family's swarm and the
  // torrent's completed count.
  template <typename Address, typename Emit>
  TorrentCounts AnnounceAndSelect(const InfoHash& info_hash, const Announce<Address>& announce,
                                  size_t max_peers, uint64_t random, Emit&& emit) {
    return torrents_.Update(info_hash, [&](IpTorrent<Data>& torrent, ShardStats& stats) {
      SwarmOf<Address>& swarm = SwarmFor<Address>(torrent);
      if (torrent.empty()) ++stats.torrents;
      const auto change = swarm.Apply(announce);
      stats.Count(Address::kIpSize == 16, change);
      if (change.completed) {
        ++torrent.completed;
        ++stats.completed;
      }
      if (announce.event != PeerEvent::kStopped) {
        swarm.SelectPeers(announce.key, announce.seeder, max_peers, random, emit);
      }
      if (torrent.empty()) --stats.torrents;
      return TorrentCounts{swarm.seeders(), swarm.leechers(), torrent.completed};
    });
  }

  // Both address families together; zeros for an unknown torrent.
  TorrentCounts Scrape(const InfoHash& info_hash) const {
    return torrents_.Read(info_hash, [](const IpTorrent<Data>* torrent) {
      if (torrent == nullptr) return TorrentCounts{};
      return TorrentCounts{torrent->seeders(), torrent->leechers(), torrent->completed};
    });
  }

  // Removes peers that last announced before `cutoff`, then empty torrents.
  void RemoveStale(uint32_t cutoff) {
    torrents_.ForEachShard([cutoff](auto& torrents, ShardStats& stats) {
      for (auto it = torrents.begin(); it != torrents.end();) {
        const auto v4 = it->second.ipv4.RemoveStale(cutoff);
        const auto v6 = it->second.ipv6_swarm
                            ? it->second.ipv6_swarm->RemoveStale(cutoff)
                            : typename SwarmOf<PeerAddressV6>::Change{};
        stats.peers_ipv4 += v4.peers;
        stats.peers_ipv6 += v6.peers;
        stats.seeders += v4.seeders + v6.seeders;
        if (it->second.empty()) {
          --stats.torrents;
          torrents.erase(it++);
        } else {
          ++it;
        }
      }
    });
  }

  IpSwarmStats Stats() const {
    IpSwarmStats total;
    torrents_.ForEachShard([&total](const auto&, const ShardStats& stats) { total += stats; });
    return total;
  }

  // Calls `visit(const InfoHash&, TorrentCounts)` for every torrent, one shard
  // locked at a time (HTTP full scrape).
  template <typename Visit>
  void ForEachTorrent(Visit&& visit) const {
    torrents_.ForEachShard([&visit](const auto& torrents, const ShardStats&) {
      for (const auto& [info_hash, torrent] : torrents) {
        visit(info_hash, TorrentCounts{torrent.seeders(), torrent.leechers(), torrent.completed});
      }
    });
  }

 private:
  using ShardStats = IpSwarmStats;

  template <typename Address>
  static SwarmOf<Address>& SwarmFor(IpTorrent<Data>& torrent) {
    if constexpr (Address::kIpSize == 4) {
      return torrent.ipv4;
    } else {
      return torrent.ipv6();
    }
  }

  ShardedTorrentMap<IpTorrent<Data>, ShardStats> torrents_;
};

}  // namespace aquatic::swarm

#endif  // AQUATIC_TRACKER_SWARM_IP_TORRENTS_H_
