// Swarm<Key, Data>: the peers of one torrent in one address family, for any
// protocol: the UDP and HTTP trackers key peers by PeerAddress, the WebTorrent
// tracker by peer id. `Data` is what else the protocol keeps per peer (an
// empty struct for UDP, the peer id for HTTP, the connection for WebTorrent);
// empty types cost nothing (empty-base optimization).
//
// Peers live in two arrays sorted by key, leechers and seeders: lookups are
// binary searches, memory is the entries themselves (no per-peer index), and
// a random selection is a window of consecutive entries from a random start,
// as opentracker and aquatic do. The split is for seeders, who get only
// leechers back: with one array their selection walked past every seeder in
// the window, and with three seeders to a leecher (public swarms) that walk
// was the largest part of an announce's user-space time. Seeder and leecher
// counts are the arrays' sizes. Not thread-safe: the sharded torrent map locks
// around it.
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
    // Look where the announce says the peer is first: it usually still is.
    CompactVector<Peer>& same = announce.seeder ? seeders_ : leechers_;
    CompactVector<Peer>& other = announce.seeder ? leechers_ : seeders_;
    Peer* it = LowerBound(same, announce.key);
    const bool found = it != same.end() && it->key == announce.key;
    Peer* moved = nullptr;
    if (!found) {
      Peer* candidate = LowerBound(other, announce.key);
      if (candidate != other.end() && candidate->key == announce.key) moved = candidate;
    }
    if (announce.event == PeerEvent::kStopped) {
      if (found || moved != nullptr) {
        change.peers = -1;
        // A stopped seeder leaves the seeders, wherever the announce says.
        const bool was_seeder = found ? announce.seeder : !announce.seeder;
        change.seeders = was_seeder ? -1 : 0;
        if (found) {
          same.erase(it);
        } else {
          other.erase(moved);
        }
      }
      return change;
    }
    bool completion_counted = false;
    if (found) {
      static_cast<Data&>(*it) = announce.data;
    } else {
      if (moved != nullptr) {
        // Became a seeder (or, rarely, a leecher again): it changes arrays.
        completion_counted = moved->completion_counted;
        other.erase(moved);
        change.seeders = announce.seeder ? 1 : -1;
      } else {
        change.peers = 1;
        change.seeders = announce.seeder ? 1 : 0;
      }
      Peer peer;
      static_cast<Data&>(peer) = announce.data;
      peer.key = announce.key;
      peer.seeder = announce.seeder;
      peer.completion_counted = completion_counted;
      // `it` still points into `same`: erasing from `other` did not move it.
      it = same.insert(it, peer);
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
  // number) and wrapping around, over the leechers followed by the seeders.
  // A seeder gets no seeders back: its window is over the leechers only.
  template <typename Emit>
  size_t SelectPeers(const Key& exclude, bool for_seeder, size_t max_count, uint64_t random,
                     Emit&& emit) const {
    const size_t leechers = leechers_.size();
    const size_t size = for_seeder ? leechers : leechers + seeders_.size();
    if (size == 0 || max_count == 0) return 0;
    const size_t start = static_cast<size_t>(random % size);
    size_t emitted = 0;
    for (size_t step = 0; step < size && emitted < max_count; ++step) {
      size_t index = start + step;
      if (index >= size) index -= size;
      const Peer& peer = index < leechers ? leechers_[index] : seeders_[index - leechers];
      if (peer.key == exclude) continue;
      emit(peer);
      ++emitted;
    }
    return emitted;
  }

  // Removes peers whose last announce is before `cutoff`; returns the change.
  Change RemoveStale(uint32_t cutoff) {
    Change change;
    const int leechers_removed = RemoveStaleFrom(leechers_, cutoff);
    const int seeders_removed = RemoveStaleFrom(seeders_, cutoff);
    change.peers = -(leechers_removed + seeders_removed);
    change.seeders = -seeders_removed;
    return change;
  }

  const Peer* Find(const Key& key) const {
    for (const CompactVector<Peer>* peers : {&leechers_, &seeders_}) {
      const Peer* it = LowerBound(*peers, key);
      if (it != peers->end() && it->key == key) return it;
    }
    return nullptr;
  }

  size_t size() const { return leechers_.size() + seeders_.size(); }
  bool empty() const { return leechers_.empty() && seeders_.empty(); }
  uint32_t seeders() const { return static_cast<uint32_t>(seeders_.size()); }
  uint32_t leechers() const { return static_cast<uint32_t>(leechers_.size()); }
  size_t memory_bytes() const {
    return (leechers_.capacity() + seeders_.capacity()) * sizeof(Peer);
  }

 private:
  static Peer* LowerBound(CompactVector<Peer>& peers, const Key& key) {
    return std::lower_bound(peers.begin(), peers.end(), key,
                            [](const Peer& peer, const Key& k) { return peer.key < k; });
  }
  static const Peer* LowerBound(const CompactVector<Peer>& peers, const Key& key) {
    return std::lower_bound(peers.begin(), peers.end(), key,
                            [](const Peer& peer, const Key& k) { return peer.key < k; });
  }

  static int RemoveStaleFrom(CompactVector<Peer>& peers, uint32_t cutoff) {
    const size_t removed =
        peers.erase_if([cutoff](const Peer& peer) { return peer.last_announce < cutoff; });
    // Give back memory of swarms that shrank a lot.
    if (removed > 0 && peers.capacity() > 16 && peers.size() < peers.capacity() / 4) {
      peers.shrink_to_fit();
    }
    return static_cast<int>(removed);
  }

  // Grows by a quarter (CompactVector): most swarms are small, and memory
  // per peer matters more than a few extra reallocations.
  CompactVector<Peer> leechers_;
  CompactVector<Peer> seeders_;
};

}  // namespace aquatic::swarm

#endif  // AQUATIC_TRACKER_SWARM_SWARM_H_
