// TransferLedger: per-key transfer accounting of a private tracker, the
// ratio bookkeeping XBT and Ocelot do: how many bytes each key's peers
// uploaded and downloaded on each torrent, and how many downloads they
// completed.
//
// Clients report running totals since they started the torrent (BEP 3); the
// ledger keeps each peer's last report (key, torrent, peer id) and turns the
// next one into a delta:
//   - a known peer: the growth of each counter; a counter that went down
//     means the client restarted and counts from zero again, so all of it is
//     new;
//   - an unknown peer announcing `started`: its totals (normally zero);
//   - an unknown peer without `started` (the tracker restarted, or forgot
//     the peer after max_peer_age): a new baseline, delta zero. Counting its
//     totals would count again what was counted before; what it sent since
//     its last report is lost instead, which never inflates a ratio;
//   - `stopped`: the delta, then the peer is forgotten;
//   - `completed`: one completion more.
// Negative counters (UDP carries signed integers) count as zero.
//
// Deltas go to a sink (the storage, which adds them up and writes them in
// batches). Thread-safe: the peers are spread over shards, each with its own
// lock, so workers on different torrents do not wait for each other.
#ifndef AQUATIC_TRACKER_ADMISSION_TRANSFER_LEDGER_H_
#define AQUATIC_TRACKER_ADMISSION_TRANSFER_LEDGER_H_

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "tracker/base/huge_pages.h"
#include "tracker/base/info_hash.h"
#include "tracker/base/tracker_key.h"
#include "tracker/swarm/swarm.h"

namespace aquatic::admission {

struct TransferDelta {
  uint64_t uploaded = 0;
  uint64_t downloaded = 0;
  uint64_t completed = 0;
  bool empty() const { return uploaded == 0 && downloaded == 0 && completed == 0; }
};

struct TransferReport {
  const TrackerKey& key;
  const InfoHash& info_hash;
  // 20 bytes.
  absl::Span<const uint8_t> peer_id;
  int64_t uploaded = 0;
  int64_t downloaded = 0;
  swarm::PeerEvent event = swarm::PeerEvent::kNone;
  // SecondsSinceStart().
  uint32_t now = 0;
};

class TransferLedger {
 public:
  // Receives every non-empty delta; called under a shard lock.
  using Sink = std::function<void(const TrackerKey& key, const InfoHash& info_hash,
                                  const TransferDelta& delta)>;
  explicit TransferLedger(Sink sink);

  // The delta of `report` (also given to the sink).
  TransferDelta Record(const TransferReport& report);
  // A hint that a report of this peer follows soon: loads where Record will
  // look into the cache, so that a worker handling a batch of announces waits
  // for several cache misses at once instead of one after another (the
  // table outgrows the cache on a busy private tracker).
  void Prefetch(const TrackerKey& key, const InfoHash& info_hash,
                absl::Span<const uint8_t> peer_id) const;

  // Forgets peers not heard from since `oldest` (SecondsSinceStart()).
  void Clean(uint32_t oldest);
  // Peers remembered.
  size_t size() const;

 private:
  // A peer is known by a 128-bit digest of (key, info hash, peer id) rather
  // than by those 72 bytes: half the memory per peer, and lookups compare two
  // words. Two peers would share an entry only on a 128-bit collision.
  struct PeerDigest {
    uint64_t high;
    uint64_t low;
    bool operator==(const PeerDigest& other) const {
      return high == other.high && low == other.low;
    }
    template <typename H>
    friend H AbslHashValue(H state, const PeerDigest& digest) {
      return H::combine(std::move(state), digest.low);
    }
  };
  static PeerDigest DigestOf(const TrackerKey& key, const InfoHash& info_hash,
                             absl::Span<const uint8_t> peer_id);

  struct LastReport {
    uint64_t uploaded;
    uint64_t downloaded;
    uint32_t seen;
  };
  struct alignas(64) Shard {
    mutable std::mutex mutex;
    absl::flat_hash_map<PeerDigest, LastReport, absl::Hash<PeerDigest>,
                        std::equal_to<PeerDigest>,
                        HugePageAllocator<std::pair<const PeerDigest, LastReport>>>
        peers;
  };
  static constexpr size_t kShards = 64;
  // The high word picks the shard; the low word the slot in it.
  Shard& ShardOf(const PeerDigest& peer) const { return (*shards_)[peer.high % kShards]; }

  const Sink sink_;
  std::unique_ptr<std::array<Shard, kShards>> shards_;
};

}  // namespace aquatic::admission

#endif  // AQUATIC_TRACKER_ADMISSION_TRANSFER_LEDGER_H_
