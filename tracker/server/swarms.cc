#include "tracker/server/swarms.h"

#include <cstdlib>
#include <type_traits>

#include "tracker/base/log.h"

namespace aquatic {
namespace {

void AddSwarmGauges(const SwarmStats& stats, absl::string_view swarm, PrometheusText* text) {
  const std::string label = absl::StrCat("swarm=\"", swarm, "\"");
  text->AddGauge("aquatic_torrents", "Torrents with at least one peer.", label,
                 static_cast<double>(stats.torrents));
  text->AddGauge("aquatic_peers", "Peers, by IP version.",
                 JoinLabels(label, "ip_version=\"4\""), static_cast<double>(stats.peers_ipv4));
  text->AddGauge("aquatic_peers", "Peers, by IP version.",
                 JoinLabels(label, "ip_version=\"6\""), static_cast<double>(stats.peers_ipv6));
  text->AddGauge("aquatic_seeders", "Peers that have the whole torrent.", label,
                 static_cast<double>(stats.seeders));
  text->AddGauge("aquatic_leechers", "Peers still downloading.", label,
                 static_cast<double>(stats.peers_ipv4 + stats.peers_ipv6 - stats.seeders));
  text->AddCounter("aquatic_completed_downloads_total",
                   "Downloads completed (event=completed, once per peer), ever.", label,
                   stats.completed);
}

uint32_t Cutoff(uint32_t now, uint32_t max_age) { return now > max_age ? now - max_age : 0; }

template <typename Data>
constexpr IpPeerData kIpPeerDataOf = std::is_same_v<Data, swarm::NoPeerData>   ? IpPeerData::kAddressOnly
                                     : std::is_same_v<Data, swarm::PeerIdData> ? IpPeerData::kPeerIds
                                                                               : IpPeerData::kPrivate;

}  // namespace

template <typename Engine>
void Swarms::Prepare(Engine& engine, storage::SwarmKind kind) {
  if (storage_ == nullptr) return;
  engine.set_kept_torrent_limit(kept_torrent_limit_);
  for (const storage::StoredCount& count : stored_) {
    if (count.swarm == kind) engine.Restore(count.info_hash, count.completed);
  }
  engine.SetCompletionHook([storage = storage_, kind](const InfoHash& info_hash, uint32_t) {
    storage->CountCompletion(kind, info_hash);
  });
}

template <typename Data>
swarm::IpTorrentEngine<Data>& Swarms::ip() {
  // Every front-end of a process must use the one IP engine: asking for
  // another kind is a programming error that would split UDP and HTTP peers.
  if (kIpPeerDataOf<Data> != ip_peer_data_) {
    LogLine(LogLevel::kError, "internal error: the IP engine was asked for with other peer data");
    std::abort();
  }
  auto& engine = std::get<std::unique_ptr<swarm::IpTorrentEngine<Data>>>(ip_engines_);
  if (engine == nullptr) {
    engine = std::make_unique<swarm::IpTorrentEngine<Data>>(shard_count_);
    Prepare(*engine, storage::SwarmKind::kIp);
  }
  return *engine;
}

template swarm::IpTorrentEngine<swarm::NoPeerData>& Swarms::ip<swarm::NoPeerData>();
template swarm::IpTorrentEngine<swarm::PeerIdData>& Swarms::ip<swarm::PeerIdData>();
template swarm::IpTorrentEngine<swarm::PrivatePeerData>& Swarms::ip<swarm::PrivatePeerData>();

bool Swarms::has_ip_engine() const {
  bool made = false;
  VisitIpEngine([&made](const auto&) { made = true; });
  return made;
}

swarm::WsTorrentEngine& Swarms::webtorrent() {
  if (webtorrent_ == nullptr) {
    webtorrent_ = std::make_unique<swarm::WsTorrentEngine>(shard_count_);
    Prepare(*webtorrent_, storage::SwarmKind::kWebTorrent);
  }
  return *webtorrent_;
}

void Swarms::Clean(uint32_t now, const config::CleaningConfig& cleaning) {
  const uint32_t peer_cutoff = Cutoff(now, cleaning.max_peer_age());
  std::apply(
      [peer_cutoff](auto&... engine) {
        ((engine ? engine->RemoveStale(peer_cutoff) : void()), ...);
      },
      ip_engines_);
  if (webtorrent_ != nullptr) {
    webtorrent_->Clean(peer_cutoff, Cutoff(now, cleaning.max_offer_age()));
  }
}

SwarmStats Swarms::IpStats() const {
  SwarmStats stats;
  VisitIpEngine([&stats](const auto& engine) { stats = engine.Stats(); });
  return stats;
}

SwarmStats Swarms::TotalStats() const {
  SwarmStats total = IpStats();
  if (webtorrent_ != nullptr) total += webtorrent_->Stats();
  return total;
}

bool Swarms::ListPeers(const InfoHash& info_hash, size_t max_peers, swarm::TorrentCounts* counts,
                       std::vector<swarm::PeerView>* peers) const {
  *counts = {};
  bool found = false;
  auto add = [&](const auto& engine) {
    swarm::TorrentCounts one;
    if (!engine.ListPeers(info_hash, max_peers, &one, peers)) return;
    found = true;
    counts->seeders += one.seeders;
    counts->leechers += one.leechers;
    counts->completed += one.completed;
  };
  VisitIpEngine(add);
  if (webtorrent_ != nullptr) add(*webtorrent_);
  return found;
}

void Swarms::ForEachTorrent(
    const std::function<void(const InfoHash&, const swarm::TorrentCounts&)>& visit) const {
  VisitIpEngine([&visit](const auto& engine) { engine.ForEachTorrent(visit); });
  if (webtorrent_ != nullptr) webtorrent_->ForEachTorrent(visit);
}

void Swarms::AddMetrics(PrometheusText* text) const {
  if (has_ip_engine()) AddSwarmGauges(IpStats(), "ip", text);
  if (webtorrent_ != nullptr) AddSwarmGauges(webtorrent_->Stats(), "webtorrent", text);
}

std::vector<StatisticsRow> Swarms::CurrentStatistics() const {
  std::vector<StatisticsRow> rows;
  auto add = [&rows](const SwarmStats& stats, absl::string_view prefix) {
    for (StatisticsRow row : SwarmStatisticsRows(stats)) {
      row.label = absl::StrCat(prefix, row.label);
      rows.push_back(std::move(row));
    }
  };
  const bool both = has_ip_engine() && webtorrent_ != nullptr;
  if (has_ip_engine()) add(IpStats(), both ? "ip " : "");
  if (webtorrent_ != nullptr) add(webtorrent_->Stats(), both ? "webtorrent " : "");
  return rows;
}

}  // namespace aquatic
