#include "tracker/server/swarms.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/str_cat.h"
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
  text->AddGauge("aquatic_held_torrents",
                 "Torrents in memory, those kept only for their completed count included "
                 "([limits] max_torrents bounds them).",
                 label, static_cast<double>(stats.held_torrents));
  constexpr char kRefusedHelp[] =
      "Announces refused with \"tracker full\": the engine held [limits] max_torrents "
      "torrents or max_peers peers.";
  text->AddCounter("aquatic_refused_announces_total", kRefusedHelp,
                   JoinLabels(label, "limit=\"max_torrents\""), stats.refused_torrents);
  text->AddCounter("aquatic_refused_announces_total", kRefusedHelp,
                   JoinLabels(label, "limit=\"max_peers\""), stats.refused_peers);
}

uint32_t Cutoff(uint32_t now, uint32_t max_age) { return now > max_age ? now - max_age : 0; }

// Both front-ends of a process must use the one IP engine: asking for the
// other kind is a programming error that would split UDP and HTTP peers.
void ExpectPeerIds(bool stored, bool wanted) {
  if (stored == wanted) return;
  LogLine(LogLevel::kError,
          "internal error: the IP engine was asked for with and without peer ids");
  std::abort();
}

}  // namespace

void Swarms::KeepCompletedIn(storage::Storage* storage, std::vector<storage::StoredCount> stored,
                             size_t kept_torrent_limit) {
  storage_ = storage;
  stored_ = std::move(stored);
  std::stable_sort(stored_.begin(), stored_.end(),
                   [](const storage::StoredCount& a, const storage::StoredCount& b) {
                     return a.completed > b.completed;
                   });
  kept_torrent_limit_ = kept_torrent_limit;
}

template <typename Engine>
void Swarms::Prepare(Engine& engine, storage::SwarmKind kind) {
  engine.set_limits(max_torrents_, max_peers_);
  if (storage_ == nullptr) return;
  engine.set_kept_torrent_limit(kept_torrent_limit_);
  size_t left_out = 0;
  for (const storage::StoredCount& count : stored_) {
    if (count.swarm == kind && count.completed > 0 &&
        !engine.Restore(count.info_hash, count.completed)) {
      ++left_out;
    }
  }
  if (left_out > 0) {
    LogLine(LogLevel::kWarn,
            absl::StrCat("storage: ", left_out,
                         " stored completed counts were not restored (in each shard of the "
                         "engine, the least downloaded): torrents kept for their count alone "
                         "may take [storage] max_kept_torrents = ", kept_torrent_limit_,
                         ", and at most half of [limits] max_torrents = ", max_torrents_));
  }
  engine.SetCompletionHook([storage = storage_, kind](const InfoHash& info_hash, uint32_t) {
    storage->CountCompletion(kind, info_hash);
  });
}

template <>
swarm::IpTorrentEngine<swarm::NoPeerData>& Swarms::ip<swarm::NoPeerData>() {
  ExpectPeerIds(store_peer_ids_, false);
  if (ip_ == nullptr) {
    ip_ = std::make_unique<swarm::IpTorrentEngine<swarm::NoPeerData>>(shard_count_);
    Prepare(*ip_, storage::SwarmKind::kIp);
  }
  return *ip_;
}

template <>
swarm::IpTorrentEngine<swarm::PeerIdData>& Swarms::ip<swarm::PeerIdData>() {
  ExpectPeerIds(store_peer_ids_, true);
  if (ip_with_peer_ids_ == nullptr) {
    ip_with_peer_ids_ = std::make_unique<swarm::IpTorrentEngine<swarm::PeerIdData>>(shard_count_);
    Prepare(*ip_with_peer_ids_, storage::SwarmKind::kIp);
  }
  return *ip_with_peer_ids_;
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
  if (ip_ != nullptr) ip_->RemoveStale(peer_cutoff);
  if (ip_with_peer_ids_ != nullptr) ip_with_peer_ids_->RemoveStale(peer_cutoff);
  if (webtorrent_ != nullptr) {
    webtorrent_->Clean(peer_cutoff, Cutoff(now, cleaning.max_offer_age()));
  }
}

SwarmStats Swarms::IpStats() const {
  if (ip_ != nullptr) return ip_->Stats();
  if (ip_with_peer_ids_ != nullptr) return ip_with_peer_ids_->Stats();
  return SwarmStats{};
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
  if (ip_ != nullptr) add(*ip_);
  if (ip_with_peer_ids_ != nullptr) add(*ip_with_peer_ids_);
  if (webtorrent_ != nullptr) add(*webtorrent_);
  return found;
}

void Swarms::ForEachTorrent(
    const std::function<void(const InfoHash&, const swarm::TorrentCounts&)>& visit) const {
  if (ip_ != nullptr) ip_->ForEachTorrent(visit);
  if (ip_with_peer_ids_ != nullptr) ip_with_peer_ids_->ForEachTorrent(visit);
  if (webtorrent_ != nullptr) webtorrent_->ForEachTorrent(visit);
}

void Swarms::AddMetrics(PrometheusText* text) const {
  if (ip_ != nullptr || ip_with_peer_ids_ != nullptr) AddSwarmGauges(IpStats(), "ip", text);
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
  const bool both = (ip_ != nullptr || ip_with_peer_ids_ != nullptr) && webtorrent_ != nullptr;
  if (ip_ != nullptr || ip_with_peer_ids_ != nullptr) add(IpStats(), both ? "ip " : "");
  if (webtorrent_ != nullptr) add(webtorrent_->Stats(), both ? "webtorrent " : "");
  return rows;
}

}  // namespace aquatic
