#include "loadtest/workload.h"

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace aquatic::loadtest {
namespace {

Workload MakeWorkload(const WorkloadOptions& options) {
  absl::StatusOr<Workload> workload = Workload::Create(options);
  EXPECT_TRUE(workload.ok()) << workload.status();
  return *std::move(workload);
}

TEST(RngTest, SameSeedSameSequence) {
  Rng a(42);
  Rng b(42);
  Rng c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    differs |= x != c.Next();
  }
  EXPECT_TRUE(differs);
}

TEST(RngTest, BelowAndDoubleStayInRange) {
  Rng rng(7);
  for (int i = 0; i < 10000; ++i) {
    EXPECT_LT(rng.Below(13), 13u);
    const double d = rng.NextDouble();
    EXPECT_GE(d, 0.0);
    EXPECT_LT(d, 1.0);
  }
}

TEST(WorkloadTest, RejectsBadOptions) {
  WorkloadOptions options;
  options.number_of_torrents = 0;
  EXPECT_FALSE(Workload::Create(options).ok());
  options = WorkloadOptions();
  options.number_of_peers = 0;
  EXPECT_FALSE(Workload::Create(options).ok());
  options = WorkloadOptions();
  options.weight_announce = options.weight_scrape = options.weight_connect = 0;
  EXPECT_FALSE(Workload::Create(options).ok());
  options = WorkloadOptions();
  options.peer_seeder_probability = 1.5;
  EXPECT_FALSE(Workload::Create(options).ok());
  options = WorkloadOptions();
  options.torrent_popularity_mean = 0;
  EXPECT_FALSE(Workload::Create(options).ok());
}

TEST(WorkloadTest, SeedDeterminesHashesPeersAndSamples) {
  WorkloadOptions options;
  options.number_of_torrents = 100;
  options.number_of_peers = 50;
  options.seed = 1234;
  const Workload a = MakeWorkload(options);
  const Workload b = MakeWorkload(options);
  EXPECT_EQ(a.InfoHashesHex(), b.InfoHashesHex());
  for (size_t i = 0; i < 50; ++i) EXPECT_EQ(a.peer_id(i), b.peer_id(i));

  WorkloadSampler sa(a, 3);
  WorkloadSampler sb(b, 3);
  WorkloadSampler other_stream(a, 4);
  bool streams_differ = false;
  for (int i = 0; i < 1000; ++i) {
    const size_t torrent = sa.NextTorrent();
    EXPECT_EQ(torrent, sb.NextTorrent());
    streams_differ |= torrent != other_stream.NextTorrent();
    EXPECT_EQ(sa.NextPeer(), sb.NextPeer());
    EXPECT_EQ(sa.NextRequestType(), sb.NextRequestType());
    EXPECT_EQ(sa.NextIsSeeder(), sb.NextIsSeeder());
  }
  EXPECT_TRUE(streams_differ);

  options.seed = 1235;
  EXPECT_NE(MakeWorkload(options).InfoHashesHex(), a.InfoHashesHex());
}

TEST(WorkloadTest, InfoHashesAreDistinctHexLines) {
  WorkloadOptions options;
  options.number_of_torrents = 1000;
  const Workload workload = MakeWorkload(options);
  const std::string hex = workload.InfoHashesHex();
  ASSERT_EQ(hex.size(), 1000u * 41);
  std::set<std::string> lines;
  for (size_t i = 0; i < 1000; ++i) {
    const std::string line = hex.substr(i * 41, 40);
    EXPECT_EQ(line.find_first_not_of("0123456789abcdef"), std::string::npos) << line;
    EXPECT_EQ(hex[i * 41 + 40], '\n');
    lines.insert(line);
  }
  EXPECT_EQ(lines.size(), 1000u);
}

TEST(WorkloadTest, PopularityIsExponentiallySkewed) {
  WorkloadOptions options;
  options.number_of_torrents = 10000;
  options.torrent_popularity_mean = 0.1;  // mean rank 1000
  const Workload workload = MakeWorkload(options);
  WorkloadSampler sampler(workload, 0);
  constexpr int kDraws = 200000;
  int top_tenth = 0;
  int bottom_half = 0;
  double rank_sum = 0;
  for (int i = 0; i < kDraws; ++i) {
    const size_t rank = sampler.NextTorrent();
    ASSERT_LT(rank, 10000u);
    top_tenth += rank < 1000;
    bottom_half += rank >= 5000;
    rank_sum += static_cast<double>(rank);
  }
  // P(rank < mean) = 1 - 1/e ~ 0.632 (truncation at 10 means is negligible).
  EXPECT_NEAR(static_cast<double>(top_tenth) / kDraws, 1 - std::exp(-1.0), 0.01);
  // P(rank >= 5 means) = e^-5 ~ 0.0067.
  EXPECT_NEAR(static_cast<double>(bottom_half) / kDraws, std::exp(-5.0), 0.002);
  EXPECT_NEAR(rank_sum / kDraws, 1000.0, 30.0);
}

TEST(WorkloadTest, LargeMeanApproachesUniformAndStaysInRange) {
  WorkloadOptions options;
  options.number_of_torrents = 10;
  options.torrent_popularity_mean = 1000;
  const Workload workload = MakeWorkload(options);
  WorkloadSampler sampler(workload, 0);
  std::vector<int> counts(10);
  for (int i = 0; i < 100000; ++i) ++counts[sampler.NextTorrent()];
  for (int count : counts) EXPECT_NEAR(count, 10000, 600);
}

TEST(WorkloadTest, RequestTypesFollowWeights) {
  WorkloadOptions options;
  options.weight_announce = 100;
  options.weight_scrape = 1;
  options.weight_connect = 9;
  const Workload workload = MakeWorkload(options);
  WorkloadSampler sampler(workload, 0);
  int announce = 0;
  int scrape = 0;
  int connect = 0;
  constexpr int kDraws = 110000;
  for (int i = 0; i < kDraws; ++i) {
    switch (sampler.NextRequestType()) {
      case RequestType::kAnnounce: ++announce; break;
      case RequestType::kScrape: ++scrape; break;
      case RequestType::kConnect: ++connect; break;
    }
  }
  EXPECT_NEAR(announce, 100000, 1000);
  EXPECT_NEAR(scrape, 1000, 150);
  EXPECT_NEAR(connect, 9000, 400);

  options.weight_scrape = 0;
  options.weight_connect = 0;
  const Workload announce_only = MakeWorkload(options);
  WorkloadSampler only(announce_only, 0);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(only.NextRequestType(), RequestType::kAnnounce);
}

TEST(WorkloadTest, SeederProbability) {
  WorkloadOptions options;
  options.peer_seeder_probability = 0.75;
  const Workload workload = MakeWorkload(options);
  WorkloadSampler sampler(workload, 0);
  int seeders = 0;
  for (int i = 0; i < 100000; ++i) seeders += sampler.NextIsSeeder();
  EXPECT_NEAR(seeders, 75000, 600);

  options.peer_seeder_probability = 0;
  const Workload none = MakeWorkload(options);
  WorkloadSampler never(none, 0);
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(never.NextIsSeeder());
}

TEST(WorkloadTest, ScrapeCountsAndPeersInRange) {
  WorkloadOptions options;
  options.number_of_peers = 17;
  options.scrape_max_torrents = 5;
  const Workload workload = MakeWorkload(options);
  WorkloadSampler sampler(workload, 0);
  std::set<size_t> counts;
  for (int i = 0; i < 10000; ++i) {
    const size_t count = sampler.NextScrapeCount();
    counts.insert(count);
    EXPECT_LT(sampler.NextPeer(), 17u);
  }
  EXPECT_EQ(counts, (std::set<size_t>{1, 2, 3, 4, 5}));
}

TEST(WorkloadTest, FillGivesEachPeerOfATorrentItsOwnPort) {
  WorkloadOptions options;
  options.number_of_torrents = 1000;
  options.number_of_peers = 20000;
  const Workload workload = MakeWorkload(options);
  std::vector<std::set<uint16_t>> ports(1000);
  for (size_t peer = 0; peer < 20000; ++peer) {
    EXPECT_TRUE(ports[workload.FillTorrent(peer)].insert(Workload::PeerPort(peer)).second);
  }
  for (const auto& torrent_ports : ports) EXPECT_EQ(torrent_ports.size(), 20u);
}

}  // namespace
}  // namespace aquatic::loadtest
