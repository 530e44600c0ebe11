// IpTorrentEngine<Data>: the swarm engine of the UDP and HTTP front-ends,
// one engine for both when they share a process. Peers are keyed by (IP,
// port); IPv4 and IPv6 peers live in separate swarms of the same torrent and
// are never returned to each other; the completed-download count is per
// torrent. `Data` is the per-peer extra: NoPeerData where only UDP serves the
// engine, PeerIdData where HTTP's non-compact responses need peer ids.
//
// Thread-safe: socket workers call it concurrently (one lock per shard).
#ifndef AQUATIC_TRACKER_SWARM_IP_TORRENTS_H_
#define AQUATIC_TRACKER_SWARM_IP_TORRENTS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "tracker/base/info_hash.h"
#include "tracker/swarm/peer_address.h"
#include "tracker/swarm/swarm.h"
#include "tracker/base/swarm_stats.h"
#include "tracker/swarm/torrent_map.h"

namespace aquatic::swarm {

struct NoPeerData {};
struct PeerIdData {
  std::array<uint8_t, 20> peer_id{};
};

// Most torrents only ever see IPv4 peers, so the IPv6 swarm is allocated on
// first use: a torrent is 40 bytes in its map slot instead of 72.
template <typename Data>
struct IpTorrent {
  Swarm<PeerAddressV4, Data> ipv4;
  std::unique_ptr<Swarm<PeerAddressV6, Data>> ipv6_swarm;
  // Downloads completed, ever (as long as the torrent is kept).
  uint32_t completed = 0;
  // Seconds on the tracker's clock of the last announce to either swarm.
  uint32_t last_announce = 0;

  bool has_peers() const {
    return !ipv4.empty() || (ipv6_swarm != nullptr && !ipv6_swarm->empty());
  }
  Swarm<PeerAddressV6, Data>& ipv6() {
    if (ipv6_swarm == nullptr) ipv6_swarm = std::make_unique<Swarm<PeerAddressV6, Data>>();
    return *ipv6_swarm;
  }
  uint32_t ipv6_seeders() const { return ipv6_swarm ? ipv6_swarm->seeders() : 0; }
  uint32_t ipv6_leechers() const { return ipv6_swarm ? ipv6_swarm->leechers() : 0; }
  uint32_t seeders() const { return ipv4.seeders() + ipv6_seeders(); }
  uint32_t leechers() const { return ipv4.leechers() + ipv6_leechers(); }
  // Both families together.
  TorrentCounts counts() const { return TorrentCounts{seeders(), leechers(), completed}; }
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

  // See CompletionHook; before the engine is shared.
  void SetCompletionHook(CompletionHook hook) { torrents_.SetCompletionHook(std::move(hook)); }
  // See ShardedTorrentMap.
  void set_kept_torrent_limit(size_t limit) { torrents_.set_kept_torrent_limit(limit); }
  void set_limits(uint64_t max_torrents, uint64_t max_peers) {
    torrents_.set_limits(max_torrents, max_peers);
  }
  bool Restore(const InfoHash& info_hash, uint64_t completed) {
    return torrents_.Restore(info_hash, completed);
  }

  // The torrent's counts and up to `max_peers` of its peers (appended to
  // `peers`); false for an unknown torrent.
  bool ListPeers(const InfoHash& info_hash, size_t max_peers, TorrentCounts* counts,
                 std::vector<PeerView>* peers) const {
    return torrents_.Read(info_hash, [&](const IpTorrent<Data>* torrent) {
      if (torrent == nullptr) return false;
      *counts = torrent->counts();
      AppendPeers(torrent->ipv4, max_peers, peers);
      if (torrent->ipv6_swarm) AppendPeers(*torrent->ipv6_swarm, max_peers, peers);
      return true;
    });
  }

  // Applies the announce and calls `emit(const Peer<Address>&)` for up to
  // `max_peers` other peers of the same address family (none after
  // event=stopped). Returns the counts of that family's swarm and the
  // torrent's completed count, or nothing when the engine is full: the
  // announce would have added a torrent or peer over [limits] and changed
  // nothing.
  template <typename Address, typename Emit>
  std::optional<TorrentCounts> AnnounceAndSelect(const InfoHash& info_hash,
                                                 const Announce<Address>& announce,
                                                 size_t max_peers, uint64_t random, Emit&& emit) {
    return torrents_.Update(
        info_hash,
        [&](TorrentUpdate<IpTorrent<Data>>& update) -> std::optional<TorrentCounts> {
          IpTorrent<Data>& torrent = update.torrent();
          SwarmOf<Address>& swarm = SwarmFor<Address>(torrent);
          const auto change = swarm.Apply(announce, update.room_for_peer());
          update.Record(Address::kIpSize == 16, change);
          if (change.refused) return std::nullopt;
          torrent.last_announce = announce.now;
          if (announce.event != PeerEvent::kStopped) {
            swarm.SelectPeers(announce.key, announce.seeder, max_peers, random, emit);
          }
          return TorrentCounts{swarm.seeders(), swarm.leechers(), torrent.completed};
        },
        []() -> std::optional<TorrentCounts> { return std::nullopt; });
  }

  // Both address families together; zeros for an unknown torrent.
  TorrentCounts Scrape(const InfoHash& info_hash) const {
    return torrents_.Read(info_hash, [](const IpTorrent<Data>* torrent) {
      return torrent == nullptr ? TorrentCounts{} : torrent->counts();
    });
  }

  // Removes peers that last announced before `cutoff`, then torrents with
  // nothing left to keep (see ShardedTorrentMap: a completed count is kept
  // until its torrent, too, had no announce since `cutoff`).
  void RemoveStale(uint32_t cutoff) {
    torrents_.UpdateAll(cutoff, [cutoff](TorrentUpdate<IpTorrent<Data>>& update) {
      IpTorrent<Data>& torrent = update.torrent();
      update.Record(false, torrent.ipv4.RemoveStale(cutoff));
      if (torrent.ipv6_swarm) update.Record(true, torrent.ipv6_swarm->RemoveStale(cutoff));
    });
  }

  SwarmStats Stats() const { return torrents_.Stats(); }
  // Torrents held in memory: those with peers, and those kept for their
  // completed count.
  size_t StoredTorrents() const { return torrents_.size(); }

  // Calls `visit(const InfoHash&, TorrentCounts)` for every torrent, one shard
  // locked at a time (HTTP full scrape).
  template <typename Visit>
  void ForEachTorrent(Visit&& visit) const {
    torrents_.ForEach([&visit](const InfoHash& info_hash, const IpTorrent<Data>& torrent) {
      visit(info_hash, torrent.counts());
    });
  }

 private:
  template <typename Address>
  static void AppendPeers(const SwarmOf<Address>& swarm, size_t max_peers,
                          std::vector<PeerView>* peers) {
    swarm.ForEachPeer([&](const Peer<Address>& peer) {
      if (peers->size() >= max_peers) return;
      PeerView view;
      view.has_address = true;
      view.ipv6 = Address::kIpSize == 16;
      std::memcpy(view.ip.data(), peer.key.ip.data(), Address::kIpSize);
      view.port = peer.key.port;
      if constexpr (std::is_same_v<Data, PeerIdData>) {
        view.has_peer_id = true;
        view.peer_id = peer.peer_id;
      }
      view.seeder = peer.seeder;
      view.last_announce = peer.last_announce;
      peers->push_back(view);
    });
  }

  template <typename Address>
  static SwarmOf<Address>& SwarmFor(IpTorrent<Data>& torrent) {
    if constexpr (Address::kIpSize == 4) {
      return torrent.ipv4;
    } else {
      return torrent.ipv6();
    }
  }

  ShardedTorrentMap<IpTorrent<Data>> torrents_;
};

}  // namespace aquatic::swarm

#endif  // AQUATIC_TRACKER_SWARM_IP_TORRENTS_H_
