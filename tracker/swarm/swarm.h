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
//
// Large per-peer data (a Data that declares `static constexpr bool
// kKeptApart = true`, such as a private tracker's PrivatePeerData) lives
// apart from the sorted array, in an unsorted one the entries point into by
// index: a peer joining, leaving or changing parts shifts 16-byte entries
// instead of 64-byte ones, and lookups search the small entries alone.
#ifndef AQUATIC_TRACKER_SWARM_SWARM_H_
#define AQUATIC_TRACKER_SWARM_SWARM_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "tracker/swarm/compact_vector.h"

namespace aquatic::swarm {

enum class PeerEvent : uint8_t { kNone, kStarted, kStopped, kCompleted };

// Whether a Swarm keeps `Data` apart from its sorted entries (see Swarm).
template <typename Data, typename = void>
inline constexpr bool kKeptApart = false;
template <typename Data>
inline constexpr bool kKeptApart<Data, std::void_t<decltype(Data::kKeptApart)>> =
    Data::kKeptApart;

// Where a sorted entry finds its data kept apart.
struct ApartSlot {
  uint32_t slot = 0;
};

template <typename Key, typename Data>
class Swarm {
  static constexpr bool kApart = kKeptApart<Data>;

 public:
  // One stored peer. Data (or its slot) first so an empty Data takes no
  // space.
  struct Peer : std::conditional_t<kApart, ApartSlot, Data> {
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
    return Apply(announce, [](const Data*) {});
  }

  // The data of a stored peer.
  const Data& data(const Peer& peer) const {
    if constexpr (kApart) {
      return apart_[peer.slot];
    } else {
      return peer;
    }
  }

  // As Apply(announce), first calling `previous(const Data*)` with the data
  // the swarm held for the peer (null when it had none), before the announce
  // replaces or removes it.
  template <typename Previous>
  Change Apply(const Announce& announce, Previous&& previous) {
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
    const Data* held = found                ? &data(peers_[index])
                       : moved != kNotFound ? &data(peers_[moved])
                                            : nullptr;
    previous(held);
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
      MutableData(peers_[index]) = announce.data;
    } else if (moved != kNotFound) {
      // Became a seeder (or, rarely, a leecher again): it changes parts.
      index = MoveToOtherPart(moved, announce.key);
      MutableData(peers_[index]) = announce.data;
      change.seeders = announce.seeder ? 1 : -1;
    } else {
      Peer peer;
      if constexpr (kApart) {
        peer.slot = static_cast<uint32_t>(apart_.size());
        apart_.insert(apart_.end(), announce.data);
      } else {
        static_cast<Data&>(peer) = announce.data;
      }
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
      if constexpr (kApart) CompactApart();
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
  size_t memory_bytes() const {
    size_t bytes = peers_.capacity() * sizeof(Peer);
    if constexpr (kApart) bytes += apart_.capacity() * sizeof(Data);
    return bytes;
  }

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
    if constexpr (kApart) {
      // The last apart entry fills the slot, and its peer learns where.
      const uint32_t slot = peers_[index].slot;
      const uint32_t last = static_cast<uint32_t>(apart_.size() - 1);
      if (slot != last) {
        apart_[slot] = std::move(apart_[last]);
        for (Peer& peer : peers_) {
          if (peer.slot == last) {
            peer.slot = slot;
            break;
          }
        }
      }
      apart_.erase(apart_.end() - 1);
    }
    peers_.erase(peers_.begin() + index);
  }

  Data& MutableData(Peer& peer) {
    if constexpr (kApart) {
      return apart_[peer.slot];
    } else {
      return peer;
    }
  }

  // After entries were removed: keeps the apart data of the remaining ones
  // only, in the entries' order.
  void CompactApart() {
    CompactVector<Data> kept;
    kept.reserve(peers_.size());
    for (Peer& peer : peers_) {
      kept.insert(kept.end(), std::move(apart_[peer.slot]));
      peer.slot = static_cast<uint32_t>(kept.size() - 1);
    }
    apart_ = std::move(kept);
  }

  // Grows by a quarter (CompactVector): most swarms are small, and memory
  // per peer matters more than a few extra reallocations.
  CompactVector<Peer> peers_;
  uint32_t leechers_ = 0;
  // kApart: the peers' data, in no order (Peer::slot indexes it). Otherwise
  // an empty member in what was padding.
  struct NoApart {};
  std::conditional_t<kApart, CompactVector<Data>, NoApart> apart_;
};

}  // namespace aquatic::swarm

#endif  // AQUATIC_TRACKER_SWARM_SWARM_H_
