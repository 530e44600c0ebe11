// SwarmStats: the counts an engine keeps per shard (peers by IP version,
// seeders, completed downloads, torrents), summed for statistics. Shared by
// the IP engine (UDP, HTTP) and the WebTorrent engine.
#ifndef AQUATIC_TRACKER_BASE_SWARM_STATS_H_
#define AQUATIC_TRACKER_BASE_SWARM_STATS_H_

#include <cstdint>

namespace aquatic {

struct SwarmStats {
  int64_t peers_ipv4 = 0;
  int64_t peers_ipv6 = 0;
  int64_t seeders = 0;
  uint64_t completed = 0;
  int64_t torrents = 0;
  // Torrents held in memory, those kept only for their completed count
  // included (what [limits] max_torrents bounds).
  int64_t held_torrents = 0;
  // Announces refused because the engine held [limits] max_torrents
  // torrents (a new torrent) or max_peers peers (a new peer).
  uint64_t refused_torrents = 0;
  uint64_t refused_peers = 0;

  SwarmStats& operator+=(const SwarmStats& other) {
    peers_ipv4 += other.peers_ipv4;
    peers_ipv6 += other.peers_ipv6;
    seeders += other.seeders;
    completed += other.completed;
    torrents += other.torrents;
    held_torrents += other.held_torrents;
    refused_torrents += other.refused_torrents;
    refused_peers += other.refused_peers;
    return *this;
  }

  // Adds a Swarm<...>::Change (peers and seeders gained or lost) of a swarm
  // of one address family.
  template <typename Change>
  void Count(bool ipv6, const Change& change) {
    (ipv6 ? peers_ipv6 : peers_ipv4) += change.peers;
    seeders += change.seeders;
  }
};

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_SWARM_STATS_H_
