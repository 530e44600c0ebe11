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
  return PeerDigest{absl::HashOf(key, info_hash, id)};
}

TransferLedger::Update TransferLedger::UpdateOf(const TransferReport& report) {
  return Update{DigestOf(report.key, report.info_hash, report.peer_id),
                NonNegative(report.uploaded), NonNegative(report.downloaded), report.event,
                report.now};
}

TransferDelta TransferLedger::Record(const TransferReport& report) {
  const Update update = UpdateOf(report);
  Shard& shard = (*shards_)[ShardIndex(update.peer)];
  std::lock_guard<std::mutex> lock(shard.mutex);
  return Apply(shard, update, report.key, report.info_hash);
}

void TransferLedger::Record(TransferBatch* batch) {
  std::vector<TransferBatch::Entry>& entries = batch->entries_;
  // Emptied however this returns: should the sink throw, the entries not yet
  // applied are lost rather than the applied ones counted twice next time.
  struct ClearOnExit {
    std::vector<TransferBatch::Entry>& entries;
    ~ClearOnExit() { entries.clear(); }
  } clear_on_exit{entries};
  // A counting sort of the entries by shard, stable so that each peer's
  // reports keep their order.
  std::array<uint32_t, kShards + 1> starts{};
  for (const TransferBatch::Entry& entry : entries) ++starts[ShardIndex(entry.update.peer) + 1];
  for (size_t shard = 1; shard <= kShards; ++shard) starts[shard] += starts[shard - 1];
  std::array<uint32_t, kShards> next{};
  std::copy(starts.begin(), starts.end() - 1, next.begin());
  std::vector<uint32_t>& by_shard = batch->by_shard_;
  by_shard.resize(entries.size());
  for (uint32_t i = 0; i < entries.size(); ++i) {
    by_shard[next[ShardIndex(entries[i].update.peer)]++] = i;
  }

  // First every entry of the batch is asked for, then updated: the misses
  // overlap across shards too. Each shard is locked twice, as a table may
  // grow in between (a prefetch then fetched a stale address, which is
  // harmless); its prefetches need the lock as much as its updates.
  for (size_t index = 0; index < kShards; ++index) {
    if (starts[index] == starts[index + 1]) continue;
    Shard& shard = (*shards_)[index];
    std::lock_guard<std::mutex> lock(shard.mutex);
    for (uint32_t at = starts[index]; at < starts[index + 1]; ++at) {
      shard.peers.prefetch(entries[by_shard[at]].update.peer);
    }
  }
  for (size_t index = 0; index < kShards; ++index) {
    if (starts[index] == starts[index + 1]) continue;
    Shard& shard = (*shards_)[index];
    std::lock_guard<std::mutex> lock(shard.mutex);
    for (uint32_t at = starts[index]; at < starts[index + 1]; ++at) {
      const TransferBatch::Entry& entry = entries[by_shard[at]];
      Apply(shard, entry.update, entry.key, entry.info_hash);
    }
  }
}

TransferDelta TransferLedger::Apply(Shard& shard, const Update& update, const TrackerKey& key,
                                    const InfoHash& info_hash) {
  TransferDelta delta;
  // One probe whether the peer is known or not: most announces of a busy
  // tracker come from peers it has not recorded on that torrent yet.
  auto [entry, inserted] = shard.peers.try_emplace(update.peer);
  LastReport& last = entry->second;
  if (!inserted) {
    delta.uploaded = Growth(last.uploaded, update.uploaded);
    delta.downloaded = Growth(last.downloaded, update.downloaded);
  } else if (update.event == swarm::PeerEvent::kStarted) {
    delta.uploaded = update.uploaded;
    delta.downloaded = update.downloaded;
  }
  if (update.event == swarm::PeerEvent::kCompleted) delta.completed = 1;
  if (update.event == swarm::PeerEvent::kStopped) {
    shard.peers.erase(entry);
  } else {
    last = LastReport{update.uploaded, update.downloaded, update.now};
  }
  if (!delta.empty() && sink_) sink_(key, info_hash, delta);
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

TransferBatch::TransferBatch(size_t capacity) : capacity_(capacity) {
  entries_.reserve(capacity);
  by_shard_.reserve(capacity);
}

void TransferBatch::Add(const TransferReport& report) {
  entries_.push_back(Entry{TransferLedger::UpdateOf(report), report.key, report.info_hash});
}

}  // namespace aquatic::admission
