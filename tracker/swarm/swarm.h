// Swarm<Key, Data>: the peers of one torrent in one address family, for any
// protocol: the UDP and HTTP trackers key peers by PeerAddress, the WebTorrent
// tracker by peer id. `Data` is what else the protocol keeps per peer (an
// empty struct for UDP, the peer id for HTTP, the connection for WebTorrent);
// empty types cost nothing (empty-base optimization).
//
// Peers live in one array, leechers first and seeders after them, each part
// sorted by key: lookups are binary searches, memory is the entries
// themselves (no per-peer index, one allocation per swarm), and a random
// selection is a window of consecutive entries from a random start, as
// opentracker and aquatic do. The split is for seeders, who get only leechers
// back: their window is over the leechers alone, where with one sorted array
// it walked past every seeder in it, and with three seeders to a leecher
// (public swarms) that walk was the largest part of an announce's user-space
// time. Seeder and leecher counts are exact. Not thread-safe: the sharded
// torrent map locks around it.
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
    // A new peer turned away (Apply with may_add false): nothing changed.
    bool refused = false;
  };

  // `may_add`: whether a peer the swarm does not hold may join (false when
  // the engine is full); peers it holds are updated either way.
  Change Apply(const Announce& announce, bool may_add = true) {
    Change change;
    // Look where the announce says the peer is first: it usually still is.
    size_t index = LowerBound(announce.seeder, announce.key);
    const bool found = index < PartEnd(announce.seeder) && peers_[index].key == announce.key;
    size_t moved = kNotFound;
    if (!found) {
      const size_t candidate = LowerBound(!announce.seeder, announce.key);
      if (candidate < PartEnd(!announce.seeder) && peers_[candidate].key == announce.key) {
        moved = candidate;
      }
    }
    if (announce.event == PeerEvent::kStopped) {
      if (found || moved != kNotFound) {
        const size_t at = found ? index : moved;
        change.peers = -1;
        change.seeders = peers_[at].seeder ? -1 : 0;
        Erase(at);
      }
      return change;
    }
    if (found) {
      static_cast<Data&>(peers_[index]) = announce.data;
    } else if (moved != kNotFound) {
      // Became a seeder (or, rarely, a leecher again): it changes parts.
      index = MoveToOtherPart(moved, announce.key);
      static_cast<Data&>(peers_[index]) = announce.data;
      change.seeders = announce.seeder ? 1 : -1;
    } else if (!may_add) {
      change.refused = true;
      return change;
    } else {
      Peer peer;
      static_cast<Data&>(peer) = announce.data;
      peer.key = announce.key;
      peer.seeder = announce.seeder;
      peers_.insert(peers_.begin() + index, peer);
      if (!announce.seeder) ++leechers_;
      change.peers = 1;
      change.seeders = announce.seeder ? 1 : 0;
    }
    Peer& peer = peers_[index];
    peer.last_announce = announce.now;
    if (announce.event == PeerEvent::kCompleted && !peer.completion_counted) {
      peer.completion_counted = true;
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
    const size_t size = for_seeder ? leechers_ : peers_.size();
    if (size == 0 || max_count == 0) return 0;
    const size_t start = static_cast<size_t>(random % size);
    size_t emitted = 0;
    for (size_t step = 0; step < size && emitted < max_count; ++step) {
      size_t index = start + step;
      if (index >= size) index -= size;
      const Peer& peer = peers_[index];
      if (peer.key == exclude) continue;
      emit(peer);
      ++emitted;
    }
    return emitted;
  }

  // Removes peers whose last announce is before `cutoff`; returns the change.
  Change RemoveStale(uint32_t cutoff) {
    Change change;
    uint32_t leechers_removed = 0;
    const size_t removed = peers_.erase_if([&](const Peer& peer) {
      if (peer.last_announce >= cutoff) return false;
      if (peer.seeder) {
        --change.seeders;
      } else {
        ++leechers_removed;
      }
      return true;
    });
    if (removed > 0) {
      change.peers = -static_cast<int>(removed);
      leechers_ -= leechers_removed;
      // Give back memory of swarms that shrank a lot.
      if (peers_.capacity() > 16 && peers_.size() < peers_.capacity() / 4) peers_.shrink_to_fit();
    }
    return change;
  }

  // Calls `visit(const Peer&)` for every peer, leechers first.
  template <typename Visit>
  void ForEachPeer(Visit&& visit) const {
    for (const Peer& peer : peers_) visit(peer);
  }

  const Peer* Find(const Key& key) const {
    for (const bool seeder : {false, true}) {
      const size_t index = LowerBound(seeder, key);
      if (index < PartEnd(seeder) && peers_[index].key == key) return &peers_[index];
    }
    return nullptr;
  }

  size_t size() const { return peers_.size(); }
  bool empty() const { return peers_.empty(); }
  uint32_t seeders() const { return static_cast<uint32_t>(peers_.size()) - leechers_; }
  uint32_t leechers() const { return leechers_; }
  size_t memory_bytes() const { return peers_.capacity() * sizeof(Peer); }

 private:
  static constexpr size_t kNotFound = ~size_t{0};

  // The leechers are [0, leechers_), the seeders [leechers_, size).
  size_t PartBegin(bool seeders) const { return seeders ? leechers_ : 0; }
  size_t PartEnd(bool seeders) const { return seeders ? peers_.size() : leechers_; }

  // The first index of the part not below `key` (PartEnd when none).
  size_t LowerBound(bool seeders, const Key& key) const {
    const Peer* first = peers_.begin() + PartBegin(seeders);
    const Peer* last = peers_.begin() + PartEnd(seeders);
    const Peer* it = std::lower_bound(
        first, last, key, [](const Peer& peer, const Key& k) { return peer.key < k; });
    return static_cast<size_t>(it - peers_.begin());
  }

  // Moves the peer at `from` to its sorted place in the other part and flips
  // its seeder flag; returns its new index. One rotation of the entries in
  // between, where an erase and an insert would each shift a whole tail.
  size_t MoveToOtherPart(size_t from, const Key& key) {
    Peer* base = peers_.begin();
    if (base[from].seeder) {
      // Into the leechers, before the seeders: [to, from] rotates right.
      const size_t to = LowerBound(false, key);
      std::rotate(base + to, base + from, base + from + 1);
      base[to].seeder = false;
      ++leechers_;
      return to;
    }
    // Into the seeders: the leechers part loses its last slot, [from, to)
    // rotates left.
    const size_t to = LowerBound(true, key);
    std::rotate(base + from, base + from + 1, base + to);
    base[to - 1].seeder = true;
    --leechers_;
    return to - 1;
  }

  void Erase(size_t index) {
    if (!peers_[index].seeder) --leechers_;
    peers_.erase(peers_.begin() + index);
  }

  // Grows by a quarter (CompactVector): most swarms are small, and memory
  // per peer matters more than a few extra reallocations.
  CompactVector<Peer> peers_;
  uint32_t leechers_ = 0;
};

}  // namespace aquatic::swarm

#endif  // AQUATIC_TRACKER_SWARM_SWARM_H_
