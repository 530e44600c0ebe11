#include "tracker/admission/transfer_ledger.h"

#include <algorithm>
#include <utility>

#include "absl/hash/hash.h"

namespace aquatic::admission {
namespace {

uint64_t NonNegative(int64_t value) { return value < 0 ? 0 : static_cast<uint64_t>(value); }

// What a counter added since `last`: all of `now` when it went down.
uint64_t Growth(uint64_t last, uint64_t now) { return now >= last ? now - last : now; }

}  // namespace

TransferLedger::TransferLedger(Sink sink)
    : sink_(std::move(sink)), shards_(std::make_unique<std::array<Shard, kShards>>()) {}

TransferLedger::PeerDigest TransferLedger::DigestOf(const TrackerKey& key,
                                                   const InfoHash& info_hash,
                                                   absl::Span<const uint8_t> peer_id) {
  const absl::string_view id(reinterpret_cast<const char*>(peer_id.data()), peer_id.size());
  // Two hashes of the same bytes under different salts.
  return PeerDigest{absl::HashOf(uint8_t{1}, key, info_hash, id),
                    absl::HashOf(uint8_t{2}, key, info_hash, id)};
}

void TransferLedger::Prefetch(const TrackerKey& key, const InfoHash& info_hash,
                              absl::Span<const uint8_t> peer_id) const {
  const PeerDigest peer = DigestOf(key, info_hash, peer_id);
  Shard& shard = ShardOf(peer);
  // Under the lock: another worker may be growing the table meanwhile.
  std::lock_guard<std::mutex> lock(shard.mutex);
  shard.peers.prefetch(peer);
}

TransferDelta TransferLedger::Record(const TransferReport& report) {
  const PeerDigest peer = DigestOf(report.key, report.info_hash, report.peer_id);
  const uint64_t uploaded = NonNegative(report.uploaded);
  const uint64_t downloaded = NonNegative(report.downloaded);
  Shard& shard = ShardOf(peer);

  TransferDelta delta;
  std::lock_guard<std::mutex> lock(shard.mutex);
  // One probe whether the peer is known or not: most announces of a busy
  // tracker come from peers it has not recorded on that torrent yet.
  auto [entry, inserted] = shard.peers.try_emplace(peer);
  LastReport& last = entry->second;
  if (!inserted) {
    delta.uploaded = Growth(last.uploaded, uploaded);
    delta.downloaded = Growth(last.downloaded, downloaded);
  } else if (report.event == swarm::PeerEvent::kStarted) {
    delta.uploaded = uploaded;
    delta.downloaded = downloaded;
  }
  if (report.event == swarm::PeerEvent::kCompleted) delta.completed = 1;
  if (report.event == swarm::PeerEvent::kStopped) {
    shard.peers.erase(entry);
  } else {
    last = LastReport{uploaded, downloaded, report.now};
  }
  if (!delta.empty() && sink_) sink_(report.key, report.info_hash, delta);
  return delta;
}

void TransferLedger::Clean(uint32_t oldest) {
  for (Shard& shard : *shards_) {
    std::lock_guard<std::mutex> lock(shard.mutex);
    for (auto it = shard.peers.begin(); it != shard.peers.end();) {
      if (it->second.seen < oldest) {
        shard.peers.erase(it++);
      } else {
        ++it;
      }
    }
  }
}

size_t TransferLedger::size() const {
  size_t total = 0;
  for (const Shard& shard : *shards_) {
    std::lock_guard<std::mutex> lock(shard.mutex);
    total += shard.peers.size();
  }
  return total;
}

}  // namespace aquatic::admission
