// WsTorrentEngine: the swarm engine of the WebTorrent tracker. Peers are keyed
// by their 20-byte peer id and carry a handle to their connection (WsPeerSink)
// so offers and answers can be routed to them. IPv4 and IPv6 peers live in
// separate swarms of the same torrent (as in aquatic), and offers only go
// between peers of one family. Each torrent also remembers the offers it
// forwarded until they are answered or age out (max_offer_age), so that only
// answers to real offers are relayed.
//
// Thread-safe: socket workers call it concurrently (one lock per shard, the
// generic ShardedTorrentMap, which also keeps the counts and the completed
// downloads as for every engine). No I/O: WsPeerSink::Deliver is the only
// way out.
#ifndef AQUATIC_TRACKER_SWARM_WS_TORRENTS_H_
#define AQUATIC_TRACKER_SWARM_WS_TORRENTS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "tracker/base/info_hash.h"
#include "tracker/base/swarm_stats.h"
#include "tracker/swarm/swarm.h"
#include "tracker/swarm/torrent_map.h"

namespace aquatic::swarm {

using PeerId = std::array<uint8_t, 20>;
using OfferId = std::array<uint8_t, 20>;

// One WebSocket connection as the swarms see it. Deliver() is called from any
// socket worker thread (never under a shard lock) and must hand the message
// to the connection's own thread; it drops it if the connection is gone.
class WsPeerSink {
 public:
  virtual ~WsPeerSink() = default;
  virtual void Deliver(std::string message) = 0;
};

// The per-peer data stored in a swarm: where to send its offers and answers.
struct WsPeerData {
  std::shared_ptr<WsPeerSink> sink;
};

using WsSwarm = Swarm<PeerId, WsPeerData>;

// An offer forwarded to `receiver`, waiting for its answer.
struct PendingOffer {
  PeerId receiver{};
  uint32_t created = 0;
};

struct WsTorrent {
  WsSwarm ipv4;
  WsSwarm ipv6;
  // Downloads completed, ever (as long as the torrent is kept).
  uint32_t completed = 0;
  // Seconds on the tracker's clock of the last announce.
  uint32_t last_announce = 0;
  // Keyed by (offering peer, offer id).
  absl::flat_hash_map<std::pair<PeerId, OfferId>, PendingOffer> offers;

  bool has_peers() const { return !ipv4.empty() || !ipv6.empty(); }
  WsSwarm& swarm(bool ipv6_family) { return ipv6_family ? ipv6 : ipv4; }
  // Both families together.
  TorrentCounts counts() const {
    return TorrentCounts{ipv4.seeders() + ipv6.seeders(), ipv4.leechers() + ipv6.leechers(),
                         completed};
  }
};

class WsTorrentEngine {
 public:
  explicit WsTorrentEngine(size_t shard_count) : torrents_(shard_count) {}

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

  // As IpTorrentEngine::ListPeers: peers by peer id, without addresses.
  bool ListPeers(const InfoHash& info_hash, size_t max_peers, TorrentCounts* counts,
                 std::vector<PeerView>* peers) const {
    return torrents_.Read(info_hash, [&](const WsTorrent* torrent) {
      if (torrent == nullptr) return false;
      *counts = torrent->counts();
      for (const WsSwarm* swarm : {&torrent->ipv4, &torrent->ipv6}) {
        swarm->ForEachPeer([&](const WsSwarm::Peer& peer) {
          if (peers->size() >= max_peers) return;
          PeerView view;
          view.has_peer_id = true;
          view.peer_id = peer.key;
          view.seeder = peer.seeder;
          view.last_announce = peer.last_announce;
          peers->push_back(view);
        });
      }
      return true;
    });
  }

  // Calls `visit(const InfoHash&, TorrentCounts)` for every torrent, one
  // shard locked at a time.
  template <typename Visit>
  void ForEachTorrent(Visit&& visit) const {
    torrents_.ForEach([&visit](const InfoHash& info_hash, const WsTorrent& torrent) {
      visit(info_hash, torrent.counts());
    });
  }

  // Runs `update(TorrentUpdate<WsTorrent>&)` under the torrent's shard lock,
  // or `full()` when the torrent is new and the engine full (see
  // ShardedTorrentMap::Update); swarm changes go through
  // TorrentUpdate::Record.
  template <typename UpdateFn, typename FullFn>
  decltype(auto) Update(const InfoHash& info_hash, UpdateFn&& update, FullFn&& full) {
    return torrents_.Update(info_hash, std::forward<UpdateFn>(update), std::forward<FullFn>(full));
  }

  // Both families together; zeros for an unknown torrent.
  TorrentCounts Scrape(const InfoHash& info_hash) const {
    return torrents_.Read(info_hash, [](const WsTorrent* torrent) {
      return torrent == nullptr ? TorrentCounts{} : torrent->counts();
    });
  }

  // Removes peers that last announced before `peer_cutoff`, offers forwarded
  // before `offer_cutoff`, then torrents with nothing left to keep (see
  // ShardedTorrentMap).
  void Clean(uint32_t peer_cutoff, uint32_t offer_cutoff) {
    torrents_.UpdateAll(peer_cutoff, [&](TorrentUpdate<WsTorrent>& update) {
      WsTorrent& torrent = update.torrent();
      update.Record(false, torrent.ipv4.RemoveStale(peer_cutoff));
      update.Record(true, torrent.ipv6.RemoveStale(peer_cutoff));
      absl::erase_if(torrent.offers, [offer_cutoff](const auto& entry) {
        return entry.second.created < offer_cutoff;
      });
      if (!torrent.has_peers()) torrent.offers.clear();
    });
  }

  SwarmStats Stats() const { return torrents_.Stats(); }
  // Torrents held in memory: those with peers, and those kept for their
  // completed count.
  size_t StoredTorrents() const { return torrents_.size(); }

 private:
  ShardedTorrentMap<WsTorrent> torrents_;
};

}  // namespace aquatic::swarm

#endif  // AQUATIC_TRACKER_SWARM_WS_TORRENTS_H_
