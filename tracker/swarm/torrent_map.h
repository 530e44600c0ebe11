// ShardedTorrentMap<Torrent>: every torrent of the tracker, split by info hash
// into shards of absl::flat_hash_map, each behind its own mutex, so socket
// workers on different torrents never wait for each other and nothing takes a
// global lock on the request path. Cleaning and statistics visit one shard at
// a time.
//
// `Torrent` needs `bool empty() const`; empty torrents are erased after each
// update.
#ifndef AQUATIC_TRACKER_SWARM_TORRENT_MAP_H_
#define AQUATIC_TRACKER_SWARM_TORRENT_MAP_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "tracker/base/info_hash.h"

namespace aquatic::swarm {

template <typename Torrent, typename ShardStats>
class ShardedTorrentMap {
 public:
  using Map = absl::flat_hash_map<InfoHash, Torrent>;

  explicit ShardedTorrentMap(size_t shard_count) {
    shards_.reserve(shard_count == 0 ? 1 : shard_count);
    for (size_t i = 0; i < (shard_count == 0 ? 1 : shard_count); ++i) {
      shards_.push_back(std::make_unique<Shard>());
    }
  }

  // Runs `update(Torrent&, ShardStats&)` on the torrent, creating it first if
  // needed, and erases it afterwards if it ended up empty.
  template <typename UpdateFn>
  decltype(auto) Update(const InfoHash& info_hash, UpdateFn&& update) {
    Shard& shard = ShardOf(info_hash);
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto [it, inserted] = shard.torrents.try_emplace(info_hash);
    struct EraseIfEmpty {
      Map& map;
      typename Map::iterator it;
      ~EraseIfEmpty() {
        if (it->second.empty()) map.erase(it);
      }
    } eraser{shard.torrents, it};
    return update(it->second, shard.stats);
  }

  // Runs `read(const Torrent*)`, with nullptr for an unknown torrent.
  template <typename ReadFn>
  decltype(auto) Read(const InfoHash& info_hash, ReadFn&& read) const {
    const Shard& shard = ShardOf(info_hash);
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto it = shard.torrents.find(info_hash);
    return read(it == shard.torrents.end() ? nullptr : &it->second);
  }

  // Runs `visit(Map&, ShardStats&)` on each shard in turn, under its lock.
  template <typename Visit>
  void ForEachShard(Visit&& visit) {
    for (auto& shard : shards_) {
      std::lock_guard<std::mutex> lock(shard->mutex);
      visit(shard->torrents, shard->stats);
    }
  }

  template <typename Visit>
  void ForEachShard(Visit&& visit) const {
    for (const auto& shard : shards_) {
      std::lock_guard<std::mutex> lock(shard->mutex);
      visit(static_cast<const Map&>(shard->torrents), static_cast<const ShardStats&>(shard->stats));
    }
  }

  size_t shard_count() const { return shards_.size(); }

 private:
  // Own cache lines: workers lock different shards without false sharing.
  struct alignas(64) Shard {
    // std::mutex: a plain futex; absl::Mutex's debug hooks (deadlock
    // detection in Debian's build) showed up in profiles of the UDP path.
    mutable std::mutex mutex;
    Map torrents;
    ShardStats stats;
  };

  Shard& ShardOf(const InfoHash& info_hash) {
    return *shards_[ShardIndex(info_hash)];
  }
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

  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace aquatic::swarm

#endif  // AQUATIC_TRACKER_SWARM_TORRENT_MAP_H_
