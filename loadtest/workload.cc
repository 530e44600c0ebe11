#include "loadtest/workload.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "tracker/base/info_hash.h"

namespace aquatic::loadtest {
namespace {

// Distinct, fixed salts so info hashes, peer ids and sampler streams never
// share a PRNG sequence.
constexpr uint64_t kInfoHashSalt = 0x1f0a5c3e9b7d2461ULL;
constexpr uint64_t kPeerIdSalt = 0x6c2e8f4a0d1b3957ULL;
constexpr uint64_t kStreamSalt = 0x3a91d7c5e2f06b48ULL;

template <size_t N>
void FillRandom(Rng* rng, std::array<uint8_t, N>* bytes) {
  for (size_t i = 0; i < N; i += 8) {
    const uint64_t value = rng->Next();
    const size_t n = N - i < 8 ? N - i : 8;
    std::memcpy(bytes->data() + i, &value, n);
  }
}

}  // namespace

uint64_t Rng::Below(uint64_t bound) {
  // Lemire's multiply-shift; the bias (< bound / 2^64) is irrelevant here.
  return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * bound) >> 64);
}

double Rng::NextDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

absl::StatusOr<Workload> Workload::Create(const WorkloadOptions& options) {
  if (options.number_of_torrents == 0) {
    return absl::InvalidArgumentError("number_of_torrents must be at least 1");
  }
  if (options.number_of_peers == 0) {
    return absl::InvalidArgumentError("number_of_peers must be at least 1");
  }
  if (uint64_t{options.weight_connect} + options.weight_announce + options.weight_scrape == 0) {
    return absl::InvalidArgumentError(
        "weight_connect, weight_announce, weight_scrape: all are 0, so no request would be sent");
  }
  if (!(options.peer_seeder_probability >= 0.0 && options.peer_seeder_probability <= 1.0)) {
    return absl::InvalidArgumentError("peer_seeder_probability must be between 0 and 1");
  }
  if (!(options.seeder_completed_probability >= 0.0 &&
        options.seeder_completed_probability <= 1.0)) {
    return absl::InvalidArgumentError("seeder_completed_probability must be between 0 and 1");
  }
  if (!(options.torrent_popularity_mean > 0.0)) {
    return absl::InvalidArgumentError("torrent_popularity_mean must be above 0");
  }
  if (options.scrape_max_torrents == 0) {
    return absl::InvalidArgumentError("scrape_max_torrents must be at least 1");
  }
  Workload workload(options);
  Rng hash_rng(options.seed ^ kInfoHashSalt);
  workload.info_hashes_.resize(options.number_of_torrents);
  for (InfoHash& hash : workload.info_hashes_) FillRandom(&hash_rng, &hash);
  Rng peer_rng(options.seed ^ kPeerIdSalt);
  workload.peer_ids_.resize(options.number_of_peers);
  for (PeerId& id : workload.peer_ids_) {
    FillRandom(&peer_rng, &id);
    // An Azureus-style client prefix, as real peers send.
    std::memcpy(id.data(), "-AQ0001-", 8);
  }
  return workload;
}

std::string Workload::InfoHashesHex() const {
  std::string out;
  out.reserve(info_hashes_.size() * 41);
  for (const InfoHash& hash : info_hashes_) absl::StrAppend(&out, InfoHashToHex(hash), "\n");
  return out;
}

absl::Status Workload::WriteInfoHashFile(const std::string& path) const {
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) {
    return absl::UnavailableError(absl::StrCat(path, ": cannot write: ", std::strerror(errno)));
  }
  const std::string text = InfoHashesHex();
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  const bool closed = std::fclose(file) == 0;
  if (!written || !closed) {
    return absl::DataLossError(absl::StrCat(path, ": write error"));
  }
  return absl::OkStatus();
}

WorkloadSampler::WorkloadSampler(const Workload& workload, uint64_t stream)
    : workload_(workload),
      rng_(workload.options().seed ^ kStreamSalt ^ (stream * 0x9e3779b97f4a7c15ULL)),
      total_weight_(uint64_t{workload.options().weight_connect} +
                    workload.options().weight_announce + workload.options().weight_scrape),
      mean_rank_(workload.options().torrent_popularity_mean *
                 static_cast<double>(workload.number_of_torrents())),
      truncation_(-std::expm1(-static_cast<double>(workload.number_of_torrents()) / mean_rank_)) {}

RequestType WorkloadSampler::NextRequestType() {
  const WorkloadOptions& options = workload_.options();
  uint64_t pick = rng_.Below(total_weight_);
  if (pick < options.weight_announce) return RequestType::kAnnounce;
  pick -= options.weight_announce;
  if (pick < options.weight_scrape) return RequestType::kScrape;
  return RequestType::kConnect;
}

size_t WorkloadSampler::NextTorrent() {
  // Inverse CDF of the exponential truncated to [0, number_of_torrents).
  const double u = rng_.NextDouble();
  const double rank = -mean_rank_ * std::log1p(-u * truncation_);
  const size_t last = workload_.number_of_torrents() - 1;
  if (!(rank >= 0.0)) return 0;
  const size_t index = static_cast<size_t>(rank);
  return index > last ? last : index;
}

size_t WorkloadSampler::NextPeer() { return rng_.Below(workload_.number_of_peers()); }

bool WorkloadSampler::NextIsSeeder() {
  return rng_.NextDouble() < workload_.options().peer_seeder_probability;
}

bool WorkloadSampler::NextIsCompleted() {
  return rng_.NextDouble() < workload_.options().seeder_completed_probability;
}

size_t WorkloadSampler::NextScrapeCount() {
  return 1 + rng_.Below(workload_.options().scrape_max_torrents);
}

}  // namespace aquatic::loadtest
