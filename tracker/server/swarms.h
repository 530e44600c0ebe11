// Swarms: the swarm engines the front-ends of one process share. UDP and
// HTTP(S) announces land in one IP engine, so a peer that announced over one
// is handed to a peer announcing over the other, and scrape counts are the
// same whichever asks; WebTorrent peers (keyed by peer id, reached through
// their WebSocket) have an engine of their own. Each engine is made when a
// front-end first asks for it.
//
// The IP engine keeps per peer only what the process needs (IpPeerData): a
// public UDP-only process keeps a peer in 12 bytes plus overhead, one that
// also serves HTTP (whose non-compact responses name peer ids) in 32, a
// private tracker also the transfer totals its accounting needs.
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
#include <tuple>
#include <vector>

#include "tracker/base/config/tracker.pb.h"
#include "tracker/base/metrics.h"
#include "tracker/base/statistics_report.h"
#include "tracker/storage/storage.h"
#include "tracker/swarm/ip_torrents.h"
#include "tracker/swarm/ws_torrents.h"

namespace aquatic {

// What the IP engine keeps per peer, as its Data type (swarm/peer_data.h).
enum class IpPeerData : uint8_t {
  kAddressOnly,  // swarm::NoPeerData
  kPeerIds,      // swarm::PeerIdData: some front-end of the process needs them
  kPrivate,      // swarm::PrivatePeerData: keys are required
};

class Swarms {
 public:
  Swarms(size_t worker_count, IpPeerData ip_peer_data)
      : shard_count_(swarm::ShardCountFor(worker_count)), ip_peer_data_(ip_peer_data) {}

  IpPeerData ip_peer_data() const { return ip_peer_data_; }

  // Before any engine is made: `storage` (which outlives this) gets every
  // counted download, `stored` is what each engine starts from, and up to
  // `kept_torrent_limit` torrents per engine are kept for their count alone.
  void KeepCompletedIn(storage::Storage* storage, std::vector<storage::StoredCount> stored,
                       size_t kept_torrent_limit) {
    storage_ = storage;
    stored_ = std::move(stored);
    kept_torrent_limit_ = kept_torrent_limit;
  }
  // After the front-ends made their engines: the stored counts are in them.
  void ReleaseStored() { std::vector<storage::StoredCount>().swap(stored_); }

  // The IP engine, as IpTorrentEngine<Data>: Data must be the type of
  // ip_peer_data().
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
  // Calls `visit(const IpTorrentEngine<Data>&)` for the IP engine, if made.
  template <typename Visit>
  void VisitIpEngine(Visit&& visit) const {
    std::apply([&](const auto&... engine) { ((engine ? visit(*engine) : void()), ...); },
               ip_engines_);
  }
  bool has_ip_engine() const;

  const size_t shard_count_;
  const IpPeerData ip_peer_data_;
  // The one of them that ip_peer_data_ names, once a front-end asked for it.
  std::tuple<std::unique_ptr<swarm::IpTorrentEngine<swarm::NoPeerData>>,
             std::unique_ptr<swarm::IpTorrentEngine<swarm::PeerIdData>>,
             std::unique_ptr<swarm::IpTorrentEngine<swarm::PrivatePeerData>>>
      ip_engines_;
  std::unique_ptr<swarm::WsTorrentEngine> webtorrent_;
  storage::Storage* storage_ = nullptr;
  std::vector<storage::StoredCount> stored_;
  size_t kept_torrent_limit_ = 0;
};

extern template swarm::IpTorrentEngine<swarm::NoPeerData>& Swarms::ip<swarm::NoPeerData>();
extern template swarm::IpTorrentEngine<swarm::PeerIdData>& Swarms::ip<swarm::PeerIdData>();
extern template swarm::IpTorrentEngine<swarm::PrivatePeerData>&
Swarms::ip<swarm::PrivatePeerData>();

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_SERVER_SWARMS_H_
