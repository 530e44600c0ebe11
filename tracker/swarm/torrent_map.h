// ShardedTorrentMap<Torrent>: every torrent of an engine, split by info hash
// into shards of absl::flat_hash_map, each behind its own mutex, so socket
// workers on different torrents never wait for each other and nothing takes a
// global lock on the request path. Cleaning and statistics visit one shard at
// a time.
//
// The map keeps the invariants every engine shares, whatever its protocol:
//  - each shard's SwarmStats: torrents with peers, peers by IP version,
//    seeders, completed downloads (updates report swarm changes through
//    TorrentUpdate::Record);
//  - a torrent's `completed` count outlives its peers: a torrent with no
//    peers is erased at once when it has no completed download to remember,
//    and otherwise by cleaning once it had no announce for as long as a peer
//    may go silent (max_peer_age), so a swarm that empties and refills keeps
//    its count while memory stays bounded by the announce rate, as it is for
//    peers (counts kept for good are the storage's job);
//  - the completion hook sees every counted download (storage, accounting);
//  - with a kept-torrent limit (a storage keeps the counts), torrents kept
//    only for their count stay for the life of the process while a shard
//    holds no more of them than its share of the limit: a swarm that goes
//    quiet and comes back must not count from zero while the stored count
//    goes on. Over the limit, cleaning forgets them as above, so memory
//    stays bounded when made-up completions flood the tracker;
//  - with limits on torrents and peers ([limits]), memory stays bounded
//    under a flood of made-up info hashes or peers: each shard holds at most
//    its share of each limit, and over it an update that would add a torrent
//    runs its `full` function instead, and TorrentUpdate::room_for_peer()
//    says false. New arrivals are refused rather than old swarms evicted: a
//    flood then cannot push out the swarms being served, and room comes back
//    as cleaning removes what went silent. Refusals are counted.
//
// `Torrent` needs `bool has_peers() const` and `uint32_t completed` and
// `uint32_t last_announce` members (seconds on the tracker's clock; the
// engine sets it on every announce).
#ifndef AQUATIC_TRACKER_SWARM_TORRENT_MAP_H_
#define AQUATIC_TRACKER_SWARM_TORRENT_MAP_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "tracker/base/info_hash.h"
#include "tracker/base/swarm_stats.h"

namespace aquatic::swarm {

// Called (under the torrent's shard lock) after a download was counted, with
// the torrent's new completed count. Must be quick and must not call back
// into the engine (the storage counts it for its next write).
using CompletionHook = std::function<void(const InfoHash& info_hash, uint32_t completed)>;

// The failure reason of an announce refused because the engine is at
// [limits] max_torrents or max_peers, in every protocol.
inline constexpr char kTrackerFull[] = "tracker full";

// Swarm counts as a tracker reports them.
struct TorrentCounts {
  uint32_t seeders = 0;
  uint32_t leechers = 0;
  uint32_t completed = 0;
};

// One peer as an operator sees it (the management API).
struct PeerView {
  // IPv4 in the first 4 bytes, or IPv6; none for WebTorrent peers.
  bool has_address = false;
  bool ipv6 = false;
  std::array<uint8_t, 16> ip{};
  uint16_t port = 0;
  bool has_peer_id = false;
  std::array<uint8_t, 20> peer_id{};
  bool seeder = false;
  // Seconds on the tracker's clock.
  uint32_t last_announce = 0;
};

// Shards for an engine shared by `workers` threads: enough that workers
// rarely meet on one lock.
inline size_t ShardCountFor(size_t workers) { return 64 * (workers == 0 ? 1 : workers); }

// What an update function gets: the torrent, and the bookkeeping of its shard.
template <typename Torrent>
class TorrentUpdate {
 public:
  TorrentUpdate(const InfoHash& info_hash, Torrent& torrent, SwarmStats& stats,
                const CompletionHook& hook, int64_t peer_limit)
      : info_hash_(info_hash), torrent_(torrent), stats_(stats), hook_(hook),
        peer_limit_(peer_limit) {}

  Torrent& torrent() { return torrent_; }
  const InfoHash& info_hash() const { return info_hash_; }

  // Whether the shard may hold one more peer (pass to Swarm::Apply).
  bool room_for_peer() const {
    return peer_limit_ == 0 || stats_.peers_ipv4 + stats_.peers_ipv6 < peer_limit_;
  }

  // Records what Swarm::Apply or Swarm::RemoveStale changed in the torrent's
  // swarm of one address family: peers, seeders, a completed download.
  template <typename Change>
  void Record(bool ipv6, const Change& change) {
    if (change.refused) ++stats_.refused_peers;
    stats_.Count(ipv6, change);
    if (change.completed) {
      ++torrent_.completed;
      ++stats_.completed;
      if (hook_) hook_(info_hash_, torrent_.completed);
    }
  }

 private:
  const InfoHash& info_hash_;
  Torrent& torrent_;
  SwarmStats& stats_;
  const CompletionHook& hook_;
  const int64_t peer_limit_;
};

template <typename Torrent>
class ShardedTorrentMap {
 public:
  using Map = absl::flat_hash_map<InfoHash, Torrent>;

  explicit ShardedTorrentMap(size_t shard_count) {
    shards_.reserve(shard_count == 0 ? 1 : shard_count);
    for (size_t i = 0; i < (shard_count == 0 ? 1 : shard_count); ++i) {
      shards_.push_back(std::make_unique<Shard>());
    }
  }

  // Before the engine is shared between threads.
  void SetCompletionHook(CompletionHook hook) { hook_ = std::move(hook); }
  // Before the engine is shared: how many torrents without peers may be kept
  // for their completed count alone, however long silent (see above).
  void set_kept_torrent_limit(size_t limit) {
    kept_limit_ = limit;
    ApplyLimits();
  }
  // Before the engine is shared: most torrents and peers held (0: no limit),
  // each shard holding at most its share (rounded down, at least one). Torrents
  // kept for their count alone take at most half of a shard's torrents.
  void set_limits(uint64_t max_torrents, uint64_t max_peers) {
    max_torrents_ = max_torrents;
    max_peers_ = max_peers;
    ApplyLimits();
  }

  // A stored count, before the engine serves: the torrent's completed count
  // becomes `completed` (saturating), kept as a dormant torrent until peers
  // come. Restored torrents fill at most the share of a shard that torrents
  // kept for their count alone may take (the kept-torrent limit, and under
  // max_torrents at most half of the shard), so that a restart never starts
  // full: false when the count was left out for that (or was 0).
  bool Restore(const InfoHash& info_hash, uint64_t completed) {
    if (completed == 0) return false;
    Shard& shard = ShardOf(info_hash);
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto it = shard.torrents.find(info_hash);
    if (it == shard.torrents.end()) {
      if (shard.torrents.size() >= RestoredPerShard()) return false;
      it = shard.torrents.try_emplace(info_hash).first;
    }
    Torrent& torrent = it->second;
    const uint32_t value =
        completed > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(completed);
    shard.stats.completed = shard.stats.completed - torrent.completed + value;
    torrent.completed = value;
    return true;
  }

  // Runs `update(TorrentUpdate<Torrent>&)` on the torrent, creating it first
  // if needed, then keeps the torrent count and erases a torrent with
  // nothing left to keep. When the torrent is new and its shard holds its
  // share of max_torrents, runs and returns `full()` instead (counted).
  template <typename UpdateFn, typename FullFn>
  decltype(auto) Update(const InfoHash& info_hash, UpdateFn&& update, FullFn&& full) {
    Shard& shard = ShardOf(info_hash);
    std::lock_guard<std::mutex> lock(shard.mutex);
    typename Map::iterator it;
    bool inserted = false;
    if (shard.torrents.size() < torrents_per_shard_) {
      std::tie(it, inserted) = shard.torrents.try_emplace(info_hash);
    } else {
      it = shard.torrents.find(info_hash);
      if (it == shard.torrents.end()) {
        ++shard.stats.refused_torrents;
        return full();
      }
    }
    struct Bookkeeping {
      Shard& shard;
      typename Map::iterator it;
      bool had_peers;
      ~Bookkeeping() { Settle(shard, it, had_peers, /*dormant_cutoff=*/0); }
    } bookkeeping{shard, it, !inserted && it->second.has_peers()};
    TorrentUpdate<Torrent> context(it->first, it->second, shard.stats, hook_, peers_per_shard_);
    return update(context);
  }

  // Runs `read(const Torrent*)`, with nullptr for an unknown torrent.
  template <typename ReadFn>
  decltype(auto) Read(const InfoHash& info_hash, ReadFn&& read) const {
    const Shard& shard = ShardOf(info_hash);
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto it = shard.torrents.find(info_hash);
    return read(it == shard.torrents.end() ? nullptr : &it->second);
  }

  // Runs `update(TorrentUpdate<Torrent>&)` on every torrent, one shard locked
  // at a time, with the same bookkeeping as Update, and also erases torrents
  // without peers whose last announce is before `dormant_cutoff` (cleaning):
  // all of them without a kept-torrent limit, else only as many as the shard
  // holds beyond its share of the limit.
  template <typename UpdateFn>
  void UpdateAll(uint32_t dormant_cutoff, UpdateFn&& update) {
    for (auto& shard : shards_) {
      std::lock_guard<std::mutex> lock(shard->mutex);
      const size_t dormant = shard->torrents.size() - static_cast<size_t>(shard->stats.torrents);
      // Torrents that lose their last peer in this pass count from the next.
      size_t excess = dormant > kept_per_shard_ ? dormant - kept_per_shard_ : 0;
      for (auto it = shard->torrents.begin(); it != shard->torrents.end();) {
        const bool had_peers = it->second.has_peers();
        TorrentUpdate<Torrent> context(it->first, it->second, shard->stats, hook_,
                                       peers_per_shard_);
        update(context);
        const bool kept_for_count = !had_peers && it->second.completed > 0;
        const bool may_go = kept_limit_ == 0 || (kept_for_count && excess > 0);
        const auto next = std::next(it);
        if (Settle(*shard, it, had_peers, may_go ? dormant_cutoff : 0) && kept_for_count &&
            excess > 0) {
          --excess;
        }
        it = next;
      }
    }
  }

  // Runs `visit(const InfoHash&, const Torrent&)` on every torrent, one shard
  // locked at a time.
  template <typename Visit>
  void ForEach(Visit&& visit) const {
    for (const auto& shard : shards_) {
      std::lock_guard<std::mutex> lock(shard->mutex);
      for (const auto& [info_hash, torrent] : shard->torrents) visit(info_hash, torrent);
    }
  }

  SwarmStats Stats() const {
    SwarmStats total;
    for (const auto& shard : shards_) {
      std::lock_guard<std::mutex> lock(shard->mutex);
      total += shard->stats;
      total.held_torrents += static_cast<int64_t>(shard->torrents.size());
    }
    return total;
  }

  // Torrents held, with or without peers.
  size_t size() const {
    size_t total = 0;
    for (const auto& shard : shards_) {
      std::lock_guard<std::mutex> lock(shard->mutex);
      total += shard->torrents.size();
    }
    return total;
  }

  size_t shard_count() const { return shards_.size(); }

 private:
  // Own cache lines: workers lock different shards without false sharing.
  struct alignas(64) Shard {
    // std::mutex: a plain futex; absl::Mutex's debug hooks (deadlock
    // detection in Debian's build) showed up in profiles of the UDP path.
    mutable std::mutex mutex;
    Map torrents;
    SwarmStats stats;
  };

  // After an update of `it`: counts a torrent that gained or lost its peers,
  // and erases one with nothing to keep (absl::flat_hash_map's erase leaves
  // other iterators valid); true if it did.
  static bool Settle(Shard& shard, typename Map::iterator it, bool had_peers,
                     uint32_t dormant_cutoff) {
    const Torrent& torrent = it->second;
    const bool has_peers = torrent.has_peers();
    shard.stats.torrents += static_cast<int>(has_peers) - static_cast<int>(had_peers);
    if (!has_peers && (torrent.completed == 0 || torrent.last_announce < dormant_cutoff)) {
      shard.torrents.erase(it);
      return true;
    }
    return false;
  }

  Shard& ShardOf(const InfoHash& info_hash) { return *shards_[ShardIndex(info_hash)]; }
  const Shard& ShardOf(const InfoHash& info_hash) const {
    return *shards_[ShardIndex(info_hash)];
  }
  size_t ShardIndex(const InfoHash& info_hash) const {
    // The map hashes the whole key; the shard only needs to spread load, and
    // the last bytes are independent of the map's bucket choice.
    const uint32_t tail = static_cast<uint32_t>(info_hash[16]) << 24 |
                          static_cast<uint32_t>(info_hash[17]) << 16 |
                          static_cast<uint32_t>(info_hash[18]) << 8 | info_hash[19];
    return tail % shards_.size();
  }

  // Each shard's share of a limit: rounded down so that the shards together
  // stay under it, but at least one.
  uint64_t ShareOf(uint64_t limit) const {
    return limit == 0 ? 0 : std::max<uint64_t>(1, limit / shards_.size());
  }
  // Most torrents a shard takes from Restore: its share of the kept-torrent
  // limit (under max_torrents at most half the shard, see ApplyLimits), or
  // without one, half the shard under max_torrents.
  size_t RestoredPerShard() const {
    if (kept_limit_ != 0) return kept_per_shard_;
    return max_torrents_ == 0 ? SIZE_MAX : torrents_per_shard_ / 2;
  }
  void ApplyLimits() {
    torrents_per_shard_ = max_torrents_ == 0 ? SIZE_MAX : ShareOf(max_torrents_);
    peers_per_shard_ = static_cast<int64_t>(ShareOf(max_peers_));
    kept_per_shard_ = kept_limit_ == 0 ? 0 : (kept_limit_ + shards_.size() - 1) / shards_.size();
    // Half of a shard at most, so that kept torrents never fill it; a shard
    // of one torrent keeps none beyond max_peer_age.
    if (max_torrents_ != 0 && kept_limit_ != 0) {
      kept_per_shard_ = std::min(kept_per_shard_, torrents_per_shard_ / 2);
    }
  }

  std::vector<std::unique_ptr<Shard>> shards_;
  CompletionHook hook_;
  uint64_t kept_limit_ = 0;
  uint64_t max_torrents_ = 0;
  uint64_t max_peers_ = 0;
  size_t kept_per_shard_ = 0;
  size_t torrents_per_shard_ = SIZE_MAX;
  int64_t peers_per_shard_ = 0;
};

}  // namespace aquatic::swarm

#endif  // AQUATIC_TRACKER_SWARM_TORRENT_MAP_H_
