// The swarm engine's rules written out plainly, for the session fuzzers to
// check the real engine against: Swarm::Apply and RemoveStale
// (tracker/swarm/swarm.h) and ShardedTorrentMap keeping a torrent for its
// completed count (torrent_map.h, with no kept-torrent limit).
#ifndef AQUATIC_FUZZ_SWARM_MODEL_H_
#define AQUATIC_FUZZ_SWARM_MODEL_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>

#include "tracker/swarm/swarm.h"

namespace aquatic::fuzz {

// What the engine keeps of a peer; a fuzzer may derive from it to add its own.
struct ModelPeerState {
  bool seeder = false;
  uint32_t last_announce = 0;
  // Its event=completed was counted (once per peer).
  bool completion_counted = false;
};

template <typename Key, typename Peer = ModelPeerState>
struct ModelTorrent {
  // [0] IPv4, [1] IPv6.
  std::array<std::map<Key, Peer>, 2> swarms;
  uint32_t completed = 0;
  uint32_t last_announce = 0;

  int64_t Seeders(size_t family) const {
    return std::count_if(swarms[family].begin(), swarms[family].end(),
                         [](const auto& peer) { return peer.second.seeder; });
  }
  int64_t Leechers(size_t family) const {
    return static_cast<int64_t>(swarms[family].size()) - Seeders(family);
  }
  bool HasPeers() const { return !swarms[0].empty() || !swarms[1].empty(); }

  // An announce the engine took at `now`: the peer afterwards, or nullptr
  // when it stopped.
  Peer* Apply(size_t family, const Key& key, bool seeder, swarm::PeerEvent event, uint32_t now) {
    last_announce = now;
    if (event == swarm::PeerEvent::kStopped) {
      swarms[family].erase(key);
      return nullptr;
    }
    Peer& peer = swarms[family][key];
    peer.seeder = seeder;
    peer.last_announce = now;
    if (event == swarm::PeerEvent::kCompleted && !peer.completion_counted) {
      peer.completion_counted = true;
      ++completed;
    }
    return &peer;
  }

  // Cleaning: peers silent since before `cutoff` go, then the torrent's
  // completed count if no peer is left and the torrent is as silent.
  void RemoveStale(uint32_t cutoff) {
    for (auto& swarm : swarms) {
      for (auto it = swarm.begin(); it != swarm.end();) {
        it = it->second.last_announce < cutoff ? swarm.erase(it) : std::next(it);
      }
    }
    if (!HasPeers() && last_announce < cutoff) completed = 0;
  }
};

}  // namespace aquatic::fuzz

#endif  // AQUATIC_FUZZ_SWARM_MODEL_H_
