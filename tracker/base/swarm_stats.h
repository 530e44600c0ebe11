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

  SwarmStats& operator+=(const SwarmStats& other) {
    peers_ipv4 += other.peers_ipv4;
    peers_ipv6 += other.peers_ipv6;
    seeders += other.seeders;
    completed += other.completed;
    torrents += other.torrents;
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
