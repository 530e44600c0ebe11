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
// A peer's reports are taken in the order they are recorded. A client that
// announces over IPv4 and IPv6 at once reaches two workers, which may record
// the two in either order; had its totals grown in between, the older report
// then reads as a restart and credits its totals again. (Known limitation.)
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
#include <vector>

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

class TransferBatch;

class TransferLedger {
 public:
  // Receives every non-empty delta; called under a shard lock.
  using Sink = std::function<void(const TrackerKey& key, const InfoHash& info_hash,
                                  const TransferDelta& delta)>;
  explicit TransferLedger(Sink sink);

  // The delta of `report` (also given to the sink).
  TransferDelta Record(const TransferReport& report);
  // Records the reports of `batch` in the order they were added (a peer's
  // later report counts from its earlier one), then empties it. Starts
  // loading every entry of the batch into the cache before it updates any:
  // on a busy private tracker the table outgrows the cache, and a worker then
  // waits for the misses of a whole batch of announces at once instead of
  // one after another.
  void Record(TransferBatch* batch);

  // Forgets peers not heard from since `oldest` (SecondsSinceStart()).
  void Clean(uint32_t oldest);
  // Peers remembered.
  size_t size() const;

 private:
  // A peer is known by a 64-bit digest of (key, info hash, peer id) rather
  // than by those 72 bytes: a quarter of the memory per peer, one word to
  // compare. Two peers share an entry only when their digests collide: with
  // ten million peers remembered, about one chance in 300,000 that any pair
  // does, and the hash is seeded per process, so no client can aim for one.
  // The cost of a collision is one delta computed from the other's baseline.
  // A struct rather than a bare uint64_t: with a bare integer key, GCC 12 at
  // -O2 -DNDEBUG compiled the batch's map.prefetch() calls to nothing.
  struct PeerDigest {
    uint64_t value;
    bool operator==(const PeerDigest& other) const { return value == other.value; }
    template <typename H>
    friend H AbslHashValue(H state, const PeerDigest& digest) {
      return H::combine(std::move(state), digest.value);
    }
  };
  static PeerDigest DigestOf(const TrackerKey& key, const InfoHash& info_hash,
                             absl::Span<const uint8_t> peer_id);
  friend class TransferBatch;

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
  // Few enough that a busy ledger's shards are tables of several MiB, which
  // get huge pages (HugePageAllocator); enough that workers on different
  // torrents rarely wait for one another (a record holds a lock ~100 ns).
  static constexpr size_t kShards = 16;
  // The top bits pick the shard; the map hashes the whole digest again.
  static_assert(kShards <= 16, "ShardIndex takes the shard from the top 4 bits");
  static size_t ShardIndex(PeerDigest peer) { return (peer.value >> 60) % kShards; }

  struct Update {
    PeerDigest peer;
    uint64_t uploaded;
    uint64_t downloaded;
    swarm::PeerEvent event;
    uint32_t now;
  };
  static Update UpdateOf(const TransferReport& report);
  // Applies `update` to `shard` (locked by the caller) and gives a non-empty
  // delta to the sink.
  TransferDelta Apply(Shard& shard, const Update& update, const TrackerKey& key,
                      const InfoHash& info_hash);

  const Sink sink_;
  std::unique_ptr<std::array<Shard, kShards>> shards_;
};

// Reports one worker gathers to record together (TransferLedger::Record of a
// batch). Owns copies of what it needs; allocates only when constructed.
class TransferBatch {
 public:
  explicit TransferBatch(size_t capacity);

  // Adds `report`; the caller records the batch when it is full().
  void Add(const TransferReport& report);
  bool empty() const { return entries_.empty(); }
  bool full() const { return entries_.size() >= capacity_; }

 private:
  friend class TransferLedger;
  struct Entry {
    TransferLedger::Update update;
    TrackerKey key;
    InfoHash info_hash;
  };
  const size_t capacity_;
  std::vector<Entry> entries_;
  // Scratch of Record: entry indexes grouped by shard, in order within each.
  std::vector<uint32_t> by_shard_;
};

}  // namespace aquatic::admission

#endif  // AQUATIC_TRACKER_ADMISSION_TRANSFER_LEDGER_H_
