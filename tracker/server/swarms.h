// Swarms: the swarm engines the front-ends of one process share. UDP and
// HTTP(S) announces land in one IP engine, so a peer that announced over one
// is handed to a peer announcing over the other, and scrape counts are the
// same whichever asks; WebTorrent peers (keyed by peer id, reached through
// their WebSocket) have an engine of their own. Each engine is made when a
// front-end first asks for it.
//
// The IP engine stores peer ids only when a front-end needs them (HTTP's
// non-compact responses): a UDP-only process keeps a peer in 12 bytes plus
// overhead instead of 32.
//
// With a storage ([storage]), each engine starts from the stored completed
// counts, reports every counted download to it, and keeps torrents with a
// count for the life of the process.
#ifndef AQUATIC_TRACKER_SERVER_SWARMS_H_
#define AQUATIC_TRACKER_SERVER_SWARMS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "tracker/base/config/tracker.pb.h"
#include "tracker/base/metrics.h"
#include "tracker/base/statistics_report.h"
#include "tracker/storage/storage.h"
#include "tracker/swarm/ip_torrents.h"
#include "tracker/swarm/ws_torrents.h"

namespace aquatic {

class Swarms {
 public:
  // `store_peer_ids`: whether the IP engine keeps peer ids (some front-end
  // of the process needs them).
  Swarms(size_t worker_count, bool store_peer_ids)
      : shard_count_(swarm::ShardCountFor(worker_count)), store_peer_ids_(store_peer_ids) {}

  bool stores_peer_ids() const { return store_peer_ids_; }

  // Before any engine is made: `storage` (which outlives this) gets every
  // counted download, `stored` is what each engine starts from, and up to
  // `kept_torrent_limit` torrents per engine are kept for their count alone.
  // Where [limits] max_torrents leaves room for only some of the stored
  // counts, the most downloaded torrents are the ones restored.
  void KeepCompletedIn(storage::Storage* storage, std::vector<storage::StoredCount> stored,
                       size_t kept_torrent_limit);
  // Before any engine is made: [limits] max_torrents and max_peers of each
  // engine (0: none).
  void SetLimits(uint64_t max_torrents, uint64_t max_peers) {
    max_torrents_ = max_torrents;
    max_peers_ = max_peers;
  }
  // After the front-ends made their engines: the stored counts are in them.
  void ReleaseStored() { std::vector<storage::StoredCount>().swap(stored_); }

  // The IP engine, as IpTorrentEngine<NoPeerData> or <PeerIdData>: Data must
  // match stores_peer_ids().
  template <typename Data>
  swarm::IpTorrentEngine<Data>& ip();
  swarm::WsTorrentEngine& webtorrent();

  // Removes peers and offers past their age ([cleaning]); `now` is
  // SecondsSinceStart().
  void Clean(uint32_t now, const config::CleaningConfig& cleaning);

  // The IP engine's counts, whichever peer data it keeps (zeros before a
  // front-end made it).
  SwarmStats IpStats() const;
  // Both engines' (those made).
  SwarmStats TotalStats() const;

  // The counts and up to `max_peers` peers of a torrent in every engine that
  // has it (summed), and which engines did; false if none.
  bool ListPeers(const InfoHash& info_hash, size_t max_peers, swarm::TorrentCounts* counts,
                 std::vector<swarm::PeerView>* peers) const;
  // Calls `visit(const InfoHash&, const swarm::TorrentCounts&)` for every
  // torrent of every engine (a torrent in both is visited twice).
  void ForEachTorrent(
      const std::function<void(const InfoHash&, const swarm::TorrentCounts&)>& visit) const;

  // Gauges per engine, labelled swarm="ip" or swarm="webtorrent".
  void AddMetrics(PrometheusText* text) const;
  std::vector<StatisticsRow> CurrentStatistics() const;

 private:
  // Storage hook-up of a new engine.
  template <typename Engine>
  void Prepare(Engine& engine, storage::SwarmKind kind);

  const size_t shard_count_;
  const bool store_peer_ids_;
  std::unique_ptr<swarm::IpTorrentEngine<swarm::NoPeerData>> ip_;
  std::unique_ptr<swarm::IpTorrentEngine<swarm::PeerIdData>> ip_with_peer_ids_;
  std::unique_ptr<swarm::WsTorrentEngine> webtorrent_;
  storage::Storage* storage_ = nullptr;
  std::vector<storage::StoredCount> stored_;
  size_t kept_torrent_limit_ = 0;
  uint64_t max_torrents_ = 0;
  uint64_t max_peers_ = 0;
};

template <>
swarm::IpTorrentEngine<swarm::NoPeerData>& Swarms::ip<swarm::NoPeerData>();
template <>
swarm::IpTorrentEngine<swarm::PeerIdData>& Swarms::ip<swarm::PeerIdData>();

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_SERVER_SWARMS_H_
