// The workload model every load tester shares (UDP now; HTTP and WebTorrent
// later): a fixed set of torrents with exponential popularity, a fixed set of
// peers, and the mix of request types. It knows nothing of any protocol or
// socket; a load tester turns its choices into requests.
//
// Workload is immutable after Create() and shared by all load threads; each
// thread draws from its own WorkloadSampler. Everything derives from one seed,
// so the same seed gives the same info hashes, peers and request sequence.
#ifndef AQUATIC_LOADTEST_WORKLOAD_H_
#define AQUATIC_LOADTEST_WORKLOAD_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tracker/base/fast_random.h"

namespace aquatic::loadtest {

using InfoHash = std::array<uint8_t, 20>;
using PeerId = std::array<uint8_t, 20>;

// A small, fast PRNG (xoshiro256**, seeded by SplitMix64). Unlike the
// <random> distributions its output is the same on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : random_(seed) {}

  uint64_t Next() { return random_.Next(); }
  // Uniform in [0, bound); bound > 0.
  uint64_t Below(uint64_t bound);
  // Uniform in [0, 1).
  double NextDouble();

 private:
  // The trackers' generator (xoshiro256**, SplitMix64 seeding).
  FastRandom random_;
};

enum class RequestType { kConnect, kAnnounce, kScrape };

struct WorkloadOptions {
  uint32_t number_of_torrents = 10000;
  uint32_t number_of_peers = 100000;
  // Mean of the exponential popularity distribution, as a fraction of
  // number_of_torrents: torrent rank r is chosen with probability
  // proportional to exp(-r / (mean * number_of_torrents)). Small values skew
  // requests to a few torrents; large values approach uniform.
  double torrent_popularity_mean = 0.1;
  uint32_t weight_connect = 0;
  uint32_t weight_announce = 100;
  uint32_t weight_scrape = 1;
  // Chance that an announcing peer is a seeder (left = 0).
  double peer_seeder_probability = 0.75;
  // Chance that a seeder's announce says event=completed (it just finished
  // its download): trackers count each peer's completion once and keep the
  // counts, so the load exercises that path too.
  double seeder_completed_probability = 0.01;
  // Scrapes name 1 to this many torrents (uniform).
  uint32_t scrape_max_torrents = 10;
  uint64_t seed = 1;
};

class Workload {
 public:
  // Fails on zero torrents or peers, all weights zero, probabilities out of
  // range.
  static absl::StatusOr<Workload> Create(const WorkloadOptions& options);

  const WorkloadOptions& options() const { return options_; }
  size_t number_of_torrents() const { return info_hashes_.size(); }
  size_t number_of_peers() const { return peer_ids_.size(); }

  // Torrent `rank` (0 = most popular).
  const InfoHash& info_hash(size_t rank) const { return info_hashes_[rank]; }
  const PeerId& peer_id(size_t peer) const { return peer_ids_[peer]; }
  // 1024 + peer % 64512: a peer announced to torrent peer % number_of_torrents
  // (see FillTorrent) has a port of its own in that torrent unless
  // lcm(number_of_torrents, 64512) <= number_of_peers.
  static uint16_t PeerPort(size_t peer) { return static_cast<uint16_t>(1024 + peer % 64512); }
  // The one torrent peer `peer` joins when the tracker is filled: every
  // torrent gets number_of_peers / number_of_torrents peers (+1).
  size_t FillTorrent(size_t peer) const { return peer % info_hashes_.size(); }

  // Every info hash as 40 lowercase hex digits, one a line (the access-list
  // format of aquatic and opentracker), most popular first.
  std::string InfoHashesHex() const;
  absl::Status WriteInfoHashFile(const std::string& path) const;

 private:
  explicit Workload(const WorkloadOptions& options) : options_(options) {}

  WorkloadOptions options_;
  std::vector<InfoHash> info_hashes_;
  std::vector<PeerId> peer_ids_;
};

// The random choices of one load thread. `stream` tells threads apart: the
// same (seed, stream) pair always gives the same sequence.
class WorkloadSampler {
 public:
  WorkloadSampler(const Workload& workload, uint64_t stream);

  RequestType NextRequestType();
  // A torrent rank drawn from the truncated exponential popularity.
  size_t NextTorrent();
  // A peer, uniform.
  size_t NextPeer();
  bool NextIsSeeder();
  // Whether a seeder's announce says event=completed.
  bool NextIsCompleted();
  // How many torrents the next scrape names: 1..scrape_max_torrents.
  size_t NextScrapeCount();

  Rng& rng() { return rng_; }

 private:
  const Workload& workload_;
  Rng rng_;
  uint64_t total_weight_;
  double mean_rank_;
  // 1 - exp(-number_of_torrents / mean_rank): inverse-CDF scale of the
  // truncated exponential.
  double truncation_;
};

}  // namespace aquatic::loadtest

#endif  // AQUATIC_LOADTEST_WORKLOAD_H_
