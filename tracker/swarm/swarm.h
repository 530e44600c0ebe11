// Swarm<Key, Data>: the peers of one torrent in one address family, for any
// protocol: the UDP and HTTP trackers key peers by PeerAddress, the WebTorrent
// tracker by peer id. `Data` is what else the protocol keeps per peer (an
// empty struct for UDP, the peer id for HTTP, the connection for WebTorrent);
// empty types cost nothing (empty-base optimization).
//
// Peers live in one array sorted by key: lookups are binary searches, memory
// is the entries themselves (no per-peer index), and a random selection is a
// window of consecutive entries from a random start, as opentracker and
// aquatic do. Seeder and leecher counts are kept exactly. Not thread-safe: the
// sharded torrent map locks around it.
#ifndef AQUATIC_TRACKER_SWARM_SWARM_H_
#define AQUATIC_TRACKER_SWARM_SWARM_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include "tracker/swarm/compact_vector.h"

namespace aquatic::swarm {

enum class PeerEvent : uint8_t { kNone, kStarted, kStopped, kCompleted };

template <typename Key, typename Data>
class Swarm {
 public:
  // One stored peer. Data first so an empty Data takes no space.
  struct Peer : Data {
    Key key;
    bool seeder = false;
    // This peer's event=completed was counted already (once per peer).
    bool completion_counted = false;
    // Seconds on the tracker's clock of the last announce. Last, so that an
    // IPv4 peer packs into 12 bytes.
    uint32_t last_announce = 0;
  };

  struct Announce {
    Key key;
    Data data;
    bool seeder = false;  // left == 0
    PeerEvent event = PeerEvent::kNone;
    uint32_t now = 0;
  };

  // What an announce changed, for the torrent's and the tracker's counters.
  struct Change {
    int peers = 0;    // +1 added, -1 removed
    int seeders = 0;  // -1, 0 or +1
    bool completed = false;  // a download to count
  };

  Change Apply(const Announce& announce) {
    Change change;
    auto it = LowerBound(announce.key);
    const bool found = it != peers_.end() && it->key == announce.key;
    if (announce.event == PeerEvent::kStopped) {
      if (found) {
        change.peers = -1;
        change.seeders = it->seeder ? -1 : 0;
        seeders_ -= it->seeder ? 1 : 0;
        peers_.erase(it);
      }
      return change;
    }
    if (!found) {
      Peer peer;
      static_cast<Data&>(peer) = announce.data;
      peer.key = announce.key;
      it = peers_.insert(it, peer);
      change.peers = 1;
    } else {
      static_cast<Data&>(*it) = announce.data;
    }
    if (it->seeder != announce.seeder) {
      change.seeders = announce.seeder ? 1 : (found ? -1 : 0);
      seeders_ += announce.seeder ? 1 : -1;
      it->seeder = announce.seeder;
    }
    it->last_announce = announce.now;
    if (announce.event == PeerEvent::kCompleted && !it->completion_counted) {
      it->completion_counted = true;
      change.completed = true;
    }
    return change;
  }

  // Calls `emit(const Peer&)` for up to `max_count` peers other than
  // `exclude`, starting at a random position (`random` is any 64-bit random
  // number) and wrapping around. A seeder gets no seeders back.
  template <typename Emit>
  size_t SelectPeers(const Key& exclude, bool for_seeder, size_t max_count, uint64_t random,
                     Emit&& emit) const {
    const size_t size = peers_.size();
    if (size == 0 || max_count == 0) return 0;
    const size_t start = static_cast<size_t>(random % size);
    size_t emitted = 0;
    for (size_t step = 0; step < size && emitted < max_count; ++step) {
      size_t index = start + step;
      if (index >= size) index -= size;
      const Peer& peer = peers_[index];
      if ((for_seeder && peer.seeder) || peer.key == exclude) continue;
      emit(peer);
      ++emitted;
    }
    return emitted;
  }

  // Removes peers whose last announce is before `cutoff`; returns the change.
  Change RemoveStale(uint32_t cutoff) {
    Change change;
    auto stale = [cutoff](const Peer& peer) { return peer.last_announce < cutoff; };
    for (const Peer& peer : peers_) {
      if (stale(peer)) {
        --change.peers;
        change.seeders -= peer.seeder ? 1 : 0;
      }
    }
    if (change.peers != 0) {
      peers_.erase_if(stale);
      seeders_ += change.seeders;
      // Give back memory of swarms that shrank a lot.
      if (peers_.capacity() > 16 && peers_.size() < peers_.capacity() / 4) peers_.shrink_to_fit();
    }
    return change;
  }

  const Peer* Find(const Key& key) const {
    auto it = std::lower_bound(peers_.begin(), peers_.end(), key,
                               [](const Peer& peer, const Key& k) { return peer.key < k; });
    return it != peers_.end() && it->key == key ? &*it : nullptr;
  }

  size_t size() const { return peers_.size(); }
  bool empty() const { return peers_.empty(); }
  uint32_t seeders() const { return seeders_; }
  uint32_t leechers() const { return static_cast<uint32_t>(peers_.size()) - seeders_; }
  size_t memory_bytes() const { return peers_.capacity() * sizeof(Peer); }

 private:
  Peer* LowerBound(const Key& key) {
    return std::lower_bound(peers_.begin(), peers_.end(), key,
                            [](const Peer& peer, const Key& k) { return peer.key < k; });
  }

  // Grows by a quarter (CompactVector): most swarms are small, and memory
  // per peer matters more than a few extra reallocations.
  CompactVector<Peer> peers_;
  uint32_t seeders_ = 0;
};

}  // namespace aquatic::swarm

#endif  // AQUATIC_TRACKER_SWARM_SWARM_H_
