#include "tracker/swarm/ip_torrents.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "gtest/gtest.h"

namespace aquatic::swarm {
namespace {

struct NoData {};
using Engine = IpTorrentEngine<NoData>;

InfoHash Hash(uint8_t n) {
  InfoHash hash{};
  hash.fill(n);
  return hash;
}

PeerAddressV4 V4(uint8_t last, uint16_t port = 6881) {
  return PeerAddressV4{{127, 0, 0, last}, port};
}

PeerAddressV6 V6(uint8_t last, uint16_t port = 6881) {
  PeerAddressV6 address;
  address.ip[15] = last;
  address.port = port;
  return address;
}

template <typename Address>
Engine::Announce<Address> Announce(Address key, bool seeder, PeerEvent event = PeerEvent::kNone,
                                   uint32_t now = 1) {
  Engine::Announce<Address> announce;
  announce.key = key;
  announce.seeder = seeder;
  announce.event = event;
  announce.now = now;
  return announce;
}

template <typename AnnounceType, typename Address = decltype(AnnounceType::key)>
std::vector<Address> AnnounceAndCollect(Engine& engine, const InfoHash& hash,
                                        const AnnounceType& announce, size_t max_peers = 50,
                                        uint64_t random = 0, TorrentCounts* counts = nullptr) {
  std::vector<Address> peers;
  std::optional<TorrentCounts> result = engine.AnnounceAndSelect<Address>(
      hash, announce, max_peers, random,
      [&](const Engine::Peer<Address>& peer) { peers.push_back(peer.key); });
  EXPECT_TRUE(result.has_value()) << "refused as full";
  if (counts != nullptr && result.has_value()) *counts = *result;
  return peers;
}

// Whether the engine took the announce (false: refused as full).
template <typename AnnounceType, typename Address = decltype(AnnounceType::key)>
bool Accepted(Engine& engine, const InfoHash& hash, const AnnounceType& announce) {
  return engine.AnnounceAndSelect<Address>(hash, announce, 50, 0, [](const auto&) {}).has_value();
}

TEST(IpTorrentEngineTest, SelectionExcludesTheAnnouncer) {
  Engine engine(4);
  for (uint8_t i = 1; i <= 5; ++i) AnnounceAndCollect(engine, Hash(1), Announce(V4(i), false));
  for (uint64_t random = 0; random < 10; ++random) {
    const std::vector<PeerAddressV4> peers =
        AnnounceAndCollect(engine, Hash(1), Announce(V4(3), false), 50, random);
    EXPECT_EQ(peers.size(), 4u);
    for (const PeerAddressV4& peer : peers) EXPECT_NE(peer, V4(3));
  }
}

TEST(IpTorrentEngineTest, SelectionIsCappedAndVariesWithTheRandomStart) {
  Engine engine(1);
  for (uint8_t i = 1; i <= 100; ++i) AnnounceAndCollect(engine, Hash(1), Announce(V4(i), false));
  std::set<PeerAddressV4> seen;
  for (uint64_t random = 0; random < 100; random += 7) {
    const auto peers = AnnounceAndCollect(engine, Hash(1), Announce(V4(200), false), 10, random);
    EXPECT_EQ(peers.size(), 10u);
    seen.insert(peers.begin(), peers.end());
  }
  EXPECT_EQ(seen.size(), 100u);  // every peer is reachable
  EXPECT_TRUE(AnnounceAndCollect(engine, Hash(1), Announce(V4(200), false), 0).empty());
}

TEST(IpTorrentEngineTest, SeedersGetNoSeeders) {
  Engine engine(1);
  AnnounceAndCollect(engine, Hash(1), Announce(V4(1), true));
  AnnounceAndCollect(engine, Hash(1), Announce(V4(2), true));
  AnnounceAndCollect(engine, Hash(1), Announce(V4(3), false));
  const auto for_seeder = AnnounceAndCollect(engine, Hash(1), Announce(V4(4), true));
  ASSERT_EQ(for_seeder.size(), 1u);
  EXPECT_EQ(for_seeder[0], V4(3));
  const auto for_leecher = AnnounceAndCollect(engine, Hash(1), Announce(V4(5), false));
  EXPECT_EQ(for_leecher.size(), 4u);
}

TEST(IpTorrentEngineTest, SeedersGetOnlyLeechersFromSeederHeavySwarms) {
  Engine engine(1);
  for (uint8_t i = 1; i <= 200; ++i) AnnounceAndCollect(engine, Hash(1), Announce(V4(i), true));
  for (uint8_t i = 201; i <= 210; ++i) AnnounceAndCollect(engine, Hash(1), Announce(V4(i), false));
  for (uint64_t random = 0; random < 50; ++random) {
    const auto peers = AnnounceAndCollect(engine, Hash(1), Announce(V4(1), true), 5, random);
    ASSERT_EQ(peers.size(), 5u);
    for (const PeerAddressV4& peer : peers) EXPECT_GT(peer.ip[3], 200) << random;
  }
  // All ten leechers when asked for more; a leecher gets everyone but itself.
  EXPECT_EQ(AnnounceAndCollect(engine, Hash(1), Announce(V4(1), true), 50, 3).size(), 10u);
  const auto everyone = AnnounceAndCollect(engine, Hash(1), Announce(V4(205), false), 500, 77);
  EXPECT_EQ(everyone.size(), 209u);
  EXPECT_EQ(std::set<PeerAddressV4>(everyone.begin(), everyone.end()).size(), 209u);
  EXPECT_EQ(std::count(everyone.begin(), everyone.end(), V4(205)), 0);
}

TEST(IpTorrentEngineTest, StatusChangesKeepCountsAndTheCompletedMark) {
  Engine engine(1);
  TorrentCounts counts;
  AnnounceAndCollect(engine, Hash(1), Announce(V4(1), false), 50, 0, &counts);
  AnnounceAndCollect(engine, Hash(1), Announce(V4(1), true, PeerEvent::kCompleted), 50, 0, &counts);
  AnnounceAndCollect(engine, Hash(1), Announce(V4(1), false), 50, 0, &counts);
  // Completing again after going back to leeching is still the same peer's
  // one download.
  AnnounceAndCollect(engine, Hash(1), Announce(V4(1), true, PeerEvent::kCompleted), 50, 0, &counts);
  EXPECT_EQ(counts.completed, 1u);
  EXPECT_EQ(counts.seeders, 1u);
  EXPECT_EQ(counts.leechers, 0u);
  // A seeder that says left > 0 in its stopped announce still leaves the
  // seeders; and the other way round.
  AnnounceAndCollect(engine, Hash(1), Announce(V4(2), false), 50, 0, &counts);
  AnnounceAndCollect(engine, Hash(1), Announce(V4(1), false, PeerEvent::kStopped), 50, 0, &counts);
  EXPECT_EQ(counts.seeders, 0u);
  EXPECT_EQ(counts.leechers, 1u);
  AnnounceAndCollect(engine, Hash(1), Announce(V4(2), true, PeerEvent::kStopped), 50, 0, &counts);
  EXPECT_EQ(counts.seeders, 0u);
  EXPECT_EQ(counts.leechers, 0u);
  EXPECT_EQ(engine.Stats().peers_ipv4, 0);
  EXPECT_EQ(engine.Stats().seeders, 0);
}

TEST(SwarmTest, MatchesASimpleModelUnderRandomAnnounces) {
  // The two sorted arrays against a map of peer -> seeder, over random
  // announces with every event and status flips.
  using TestSwarm = Swarm<PeerAddressV4, NoData>;
  TestSwarm swarm;
  std::map<PeerAddressV4, bool> model;
  uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005u + 1442695040888963407u;
    return state >> 33;
  };
  for (int i = 0; i < 20000; ++i) {
    TestSwarm::Announce announce;
    announce.key = V4(static_cast<uint8_t>(next() % 64), static_cast<uint16_t>(next() % 4));
    announce.seeder = next() % 4 != 0;
    const uint64_t event = next() % 10;
    announce.event = event == 0 ? PeerEvent::kStopped
                     : event == 1 ? PeerEvent::kCompleted
                                  : PeerEvent::kNone;
    announce.now = static_cast<uint32_t>(i);
    const bool existed = model.count(announce.key) > 0;
    const bool was_seeder = existed && model[announce.key];
    const TestSwarm::Change change = swarm.Apply(announce);
    if (announce.event == PeerEvent::kStopped) {
      model.erase(announce.key);
      EXPECT_EQ(change.peers, existed ? -1 : 0);
      EXPECT_EQ(change.seeders, was_seeder ? -1 : 0);
    } else {
      model[announce.key] = announce.seeder;
      EXPECT_EQ(change.peers, existed ? 0 : 1);
      EXPECT_EQ(change.seeders, (announce.seeder ? 1 : 0) - (was_seeder ? 1 : 0));
    }
    size_t model_seeders = 0;
    for (const auto& [key, seeder] : model) model_seeders += seeder ? 1 : 0;
    ASSERT_EQ(swarm.size(), model.size()) << i;
    ASSERT_EQ(swarm.seeders(), model_seeders) << i;
    ASSERT_EQ(swarm.leechers(), model.size() - model_seeders) << i;
    const auto* found = swarm.Find(announce.key);
    ASSERT_EQ(found != nullptr, announce.event != PeerEvent::kStopped) << i;
    if (found != nullptr) {
      EXPECT_EQ(found->seeder, announce.seeder);
    }
  }
  // Selection for a leecher reaches every peer once.
  std::set<PeerAddressV4> selected;
  swarm.SelectPeers(V4(255), false, 1000, 5, [&](const TestSwarm::Peer& peer) {
    EXPECT_TRUE(selected.insert(peer.key).second);
  });
  EXPECT_EQ(selected.size(), model.size());
}

TEST(IpTorrentEngineTest, CountsFollowEveryEventOrder) {
  Engine engine(2);
  TorrentCounts counts;
  AnnounceAndCollect(engine, Hash(1), Announce(V4(1), false, PeerEvent::kStarted), 50, 0, &counts);
  EXPECT_EQ(counts.seeders, 0u);
  EXPECT_EQ(counts.leechers, 1u);
  // Re-announce without event: still one leecher.
  AnnounceAndCollect(engine, Hash(1), Announce(V4(1), false), 50, 0, &counts);
  EXPECT_EQ(counts.leechers, 1u);
  // Completed: becomes a seeder and counts one download.
  AnnounceAndCollect(engine, Hash(1), Announce(V4(1), true, PeerEvent::kCompleted), 50, 0, &counts);
  EXPECT_EQ(counts.seeders, 1u);
  EXPECT_EQ(counts.leechers, 0u);
  EXPECT_EQ(counts.completed, 1u);
  // A second completed from the same peer is not another download.
  AnnounceAndCollect(engine, Hash(1), Announce(V4(1), true, PeerEvent::kCompleted), 50, 0, &counts);
  EXPECT_EQ(counts.completed, 1u);
  // Back to leeching (e.g. a re-check), then stopped: gone, completed stays.
  AnnounceAndCollect(engine, Hash(1), Announce(V4(1), false), 50, 0, &counts);
  EXPECT_EQ(counts.seeders, 0u);
  EXPECT_EQ(counts.leechers, 1u);
  AnnounceAndCollect(engine, Hash(1), Announce(V4(2), true, PeerEvent::kCompleted), 50, 0, &counts);
  EXPECT_EQ(counts.completed, 2u);
  const auto after_stop =
      AnnounceAndCollect(engine, Hash(1), Announce(V4(1), false, PeerEvent::kStopped), 50, 0, &counts);
  EXPECT_TRUE(after_stop.empty());
  EXPECT_EQ(counts.leechers, 0u);
  EXPECT_EQ(counts.seeders, 1u);
  const TorrentCounts scraped = engine.Scrape(Hash(1));
  EXPECT_EQ(scraped.seeders, 1u);
  EXPECT_EQ(scraped.leechers, 0u);
  EXPECT_EQ(scraped.completed, 2u);
  // Stopping an unknown peer or torrent changes nothing and leaves no torrent.
  AnnounceAndCollect(engine, Hash(9), Announce(V4(1), false, PeerEvent::kStopped));
  EXPECT_EQ(engine.Stats().torrents, 1);
  const SwarmStats stats = engine.Stats();
  EXPECT_EQ(stats.peers_ipv4, 1);
  EXPECT_EQ(stats.seeders, 1);
  EXPECT_EQ(stats.completed, 2u);
}

TEST(IpTorrentEngineTest, Ipv4AndIpv6AreNeverMixed) {
  Engine engine(1);
  AnnounceAndCollect(engine, Hash(1), Announce(V4(1), false));
  AnnounceAndCollect(engine, Hash(1), Announce(V6(1), false));
  const auto v4_peers = AnnounceAndCollect(engine, Hash(1), Announce(V4(2), false));
  ASSERT_EQ(v4_peers.size(), 1u);
  EXPECT_EQ(v4_peers[0], V4(1));
  const auto v6_peers = AnnounceAndCollect(engine, Hash(1), Announce(V6(2), false));
  ASSERT_EQ(v6_peers.size(), 1u);
  EXPECT_EQ(v6_peers[0], V6(1));
  // Scrape sums both families.
  EXPECT_EQ(engine.Scrape(Hash(1)).leechers, 4u);
  EXPECT_EQ(engine.Stats().peers_ipv4, 2);
  EXPECT_EQ(engine.Stats().peers_ipv6, 2);
}

TEST(IpTorrentEngineTest, SamePortDifferentIpsAreDifferentPeers) {
  Engine engine(1);
  AnnounceAndCollect(engine, Hash(1), Announce(V4(1, 1000), false));
  AnnounceAndCollect(engine, Hash(1), Announce(V4(1, 1001), false));
  AnnounceAndCollect(engine, Hash(1), Announce(V4(2, 1000), false));
  EXPECT_EQ(engine.Scrape(Hash(1)).leechers, 3u);
}

TEST(IpTorrentEngineTest, CleaningRemovesStalePeersAndEmptyTorrents) {
  Engine engine(3);
  AnnounceAndCollect(engine, Hash(1), Announce(V4(1), true, PeerEvent::kNone, /*now=*/10));
  AnnounceAndCollect(engine, Hash(1), Announce(V4(2), false, PeerEvent::kNone, /*now=*/50));
  AnnounceAndCollect(engine, Hash(2), Announce(V6(1), false, PeerEvent::kNone, /*now=*/10));
  engine.RemoveStale(/*cutoff=*/20);
  const TorrentCounts counts = engine.Scrape(Hash(1));
  EXPECT_EQ(counts.seeders, 0u);
  EXPECT_EQ(counts.leechers, 1u);
  const TorrentCounts gone = engine.Scrape(Hash(2));
  EXPECT_EQ(gone.leechers, 0u);
  const SwarmStats stats = engine.Stats();
  EXPECT_EQ(stats.torrents, 1);
  EXPECT_EQ(stats.peers_ipv4, 1);
  EXPECT_EQ(stats.peers_ipv6, 0);
  EXPECT_EQ(stats.seeders, 0);
}

// A torrent's completed count outlives its peers (as in opentracker): its
// last peer stopping leaves the count, and a torrent with peers again counts
// on from it. Cleaning forgets a torrent without peers once it had no
// announce for max_peer_age, as it forgets silent peers. Only torrents with
// peers count as torrents.
TEST(IpTorrentEngineTest, CompletedCountSurvivesTheLastPeer) {
  Engine engine(2);
  AnnounceAndCollect(engine, Hash(1), Announce(V4(1), true, PeerEvent::kCompleted, /*now=*/10));
  AnnounceAndCollect(engine, Hash(1), Announce(V4(1), true, PeerEvent::kStopped, /*now=*/11));
  EXPECT_EQ(engine.Scrape(Hash(1)).completed, 1u);
  EXPECT_EQ(engine.Stats().torrents, 0);
  AnnounceAndCollect(engine, Hash(1), Announce(V4(2), true, PeerEvent::kCompleted, /*now=*/12));
  EXPECT_EQ(engine.Scrape(Hash(1)).completed, 2u);
  EXPECT_EQ(engine.Stats().torrents, 1);
  AnnounceAndCollect(engine, Hash(1), Announce(V4(2), true, PeerEvent::kStopped, /*now=*/20));
  engine.RemoveStale(/*cutoff=*/15);  // announced at 20: kept with its count
  EXPECT_EQ(engine.Scrape(Hash(1)).completed, 2u);
  EXPECT_EQ(engine.StoredTorrents(), 1u);
  engine.RemoveStale(/*cutoff=*/21);  // silent since 20: forgotten
  EXPECT_EQ(engine.Scrape(Hash(1)).completed, 0u);
  EXPECT_EQ(engine.StoredTorrents(), 0u);
  EXPECT_EQ(engine.Stats().completed, 2u);  // the tracker's total stays
  // A torrent that never completed leaves nothing behind.
  AnnounceAndCollect(engine, Hash(2), Announce(V4(1), false, PeerEvent::kStarted, /*now=*/30));
  AnnounceAndCollect(engine, Hash(2), Announce(V4(1), false, PeerEvent::kStopped, /*now=*/31));
  EXPECT_EQ(engine.StoredTorrents(), 0u);
  // A peer with its torrent: both go stale together.
  AnnounceAndCollect(engine, Hash(3), Announce(V4(1), true, PeerEvent::kCompleted, /*now=*/40));
  engine.RemoveStale(/*cutoff=*/41);
  EXPECT_EQ(engine.StoredTorrents(), 0u);
  EXPECT_EQ(engine.Stats().peers_ipv4, 0);
}

TEST(IpTorrentEngineTest, CompletionHookSeesEveryCountedDownload) {
  Engine engine(2);
  std::vector<std::pair<InfoHash, uint32_t>> seen;
  engine.SetCompletionHook(
      [&seen](const InfoHash& info_hash, uint32_t completed) { seen.emplace_back(info_hash, completed); });
  AnnounceAndCollect(engine, Hash(1), Announce(V4(1), true, PeerEvent::kCompleted));
  // Once per peer: a repeated event=completed is not another download.
  AnnounceAndCollect(engine, Hash(1), Announce(V4(1), true, PeerEvent::kCompleted));
  AnnounceAndCollect(engine, Hash(1), Announce(V6(1), true, PeerEvent::kCompleted));
  AnnounceAndCollect(engine, Hash(3), Announce(V4(1), true, PeerEvent::kCompleted));
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], std::make_pair(Hash(1), uint32_t{1}));
  EXPECT_EQ(seen[1], std::make_pair(Hash(1), uint32_t{2}));
  EXPECT_EQ(seen[2], std::make_pair(Hash(3), uint32_t{1}));
}

TEST(IpTorrentEngineTest, RestoredCountsAreKeptWhileStorageKeepsThem) {
  Engine engine(2);
  engine.set_kept_torrent_limit(1000);
  engine.Restore(Hash(1), 41);
  engine.Restore(Hash(2), 0);  // nothing to keep
  engine.Restore(Hash(3), uint64_t{1} << 40);  // saturates
  EXPECT_EQ(engine.Scrape(Hash(1)).completed, 41u);
  EXPECT_EQ(engine.Scrape(Hash(3)).completed, UINT32_MAX);
  EXPECT_EQ(engine.StoredTorrents(), 2u);
  EXPECT_EQ(engine.Stats().torrents, 0);
  EXPECT_EQ(engine.Stats().completed, uint64_t{41} + UINT32_MAX);
  AnnounceAndCollect(engine, Hash(1), Announce(V4(1), true, PeerEvent::kCompleted, /*now=*/10));
  EXPECT_EQ(engine.Scrape(Hash(1)).completed, 42u);
  AnnounceAndCollect(engine, Hash(1), Announce(V4(1), true, PeerEvent::kStopped, /*now=*/11));
  // Silent for far longer than any peer may be: the count stays.
  engine.RemoveStale(/*cutoff=*/1000);
  EXPECT_EQ(engine.Scrape(Hash(1)).completed, 42u);
  EXPECT_EQ(engine.StoredTorrents(), 2u);
  // Peers still go stale.
  AnnounceAndCollect(engine, Hash(4), Announce(V4(1), false, PeerEvent::kStarted, /*now=*/10));
  engine.RemoveStale(/*cutoff=*/1000);
  EXPECT_EQ(engine.Stats().peers_ipv4, 0);
  EXPECT_EQ(engine.StoredTorrents(), 2u);
}

TEST(IpTorrentEngineTest, KeptTorrentsBeyondTheLimitAreForgottenWhenSilent) {
  Engine engine(/*shard_count=*/1);
  engine.set_kept_torrent_limit(3);
  // Restoring stops at the limit.
  for (uint8_t i = 1; i <= 3; ++i) EXPECT_TRUE(engine.Restore(Hash(i), i));
  EXPECT_FALSE(engine.Restore(Hash(4), 4));
  EXPECT_EQ(engine.StoredTorrents(), 3u);
  // A torrent with peers does not count against the limit.
  AnnounceAndCollect(engine, Hash(9), Announce(V4(1), false, PeerEvent::kStarted, /*now=*/500));
  // Two more downloads counted, their peers gone: five kept for their count.
  for (uint8_t i = 6; i <= 7; ++i) {
    AnnounceAndCollect(engine, Hash(i), Announce(V4(1), true, PeerEvent::kCompleted, /*now=*/10));
    AnnounceAndCollect(engine, Hash(i), Announce(V4(1), true, PeerEvent::kStopped, /*now=*/10));
  }
  EXPECT_EQ(engine.StoredTorrents(), 6u);
  // Over the limit: as many silent ones go as it is exceeded by, no more.
  engine.RemoveStale(/*cutoff=*/100);
  EXPECT_EQ(engine.StoredTorrents(), 4u);
  EXPECT_EQ(engine.Scrape(Hash(9)).leechers, 1u);
  // At the limit, they stay.
  engine.RemoveStale(/*cutoff=*/100);
  EXPECT_EQ(engine.StoredTorrents(), 4u);
}

TEST(IpTorrentEngineTest, AShardOfOneTorrentRestoresNoneAndStaysOpen) {
  Engine engine(/*shard_count=*/1);
  engine.set_limits(/*max_torrents=*/1, /*max_peers=*/0);
  engine.set_kept_torrent_limit(10);
  EXPECT_FALSE(engine.Restore(Hash(1), 5));
  EXPECT_EQ(engine.StoredTorrents(), 0u);
  EXPECT_TRUE(Accepted(engine, Hash(2), Announce(V4(1), false, PeerEvent::kStarted, 10)));
}

TEST(IpTorrentEngineTest, NewTorrentsAreRefusedAtTheTorrentLimitAndHeldOnesServed) {
  Engine engine(/*shard_count=*/1);
  engine.set_limits(/*max_torrents=*/3, /*max_peers=*/0);
  for (uint8_t i = 1; i <= 3; ++i) {
    EXPECT_TRUE(Accepted(engine, Hash(i), Announce(V4(1), false, PeerEvent::kStarted, 10)));
  }
  // Full: a fourth torrent is refused and nothing of it is kept.
  EXPECT_FALSE(Accepted(engine, Hash(4), Announce(V4(1), false, PeerEvent::kStarted, 10)));
  EXPECT_FALSE(Accepted(engine, Hash(4), Announce(V6(1), false, PeerEvent::kStarted, 10)));
  EXPECT_EQ(engine.StoredTorrents(), 3u);
  EXPECT_EQ(engine.Scrape(Hash(4)).leechers, 0u);
  // The torrents held still take new peers, in both families.
  EXPECT_TRUE(Accepted(engine, Hash(2), Announce(V4(2), true, PeerEvent::kStarted, 20)));
  EXPECT_TRUE(Accepted(engine, Hash(2), Announce(V6(2), true, PeerEvent::kStarted, 20)));
  EXPECT_EQ(engine.Scrape(Hash(2)).seeders, 2u);
  SwarmStats stats = engine.Stats();
  EXPECT_EQ(stats.refused_torrents, 2u);
  EXPECT_EQ(stats.held_torrents, 3);
  // Room comes back once cleaning removes a silent torrent.
  engine.RemoveStale(/*cutoff=*/15);
  EXPECT_EQ(engine.StoredTorrents(), 1u);
  EXPECT_TRUE(Accepted(engine, Hash(4), Announce(V4(1), false, PeerEvent::kStarted, 30)));
  EXPECT_EQ(engine.Scrape(Hash(4)).leechers, 1u);
}

TEST(IpTorrentEngineTest, NewPeersAreRefusedAtThePeerLimitAndHeldOnesKeepAnnouncing) {
  Engine engine(/*shard_count=*/1);
  engine.set_limits(/*max_torrents=*/0, /*max_peers=*/3);
  EXPECT_TRUE(Accepted(engine, Hash(1), Announce(V4(1), false, PeerEvent::kStarted)));
  EXPECT_TRUE(Accepted(engine, Hash(1), Announce(V6(1), false, PeerEvent::kStarted)));
  EXPECT_TRUE(Accepted(engine, Hash(2), Announce(V4(1), false, PeerEvent::kStarted)));
  // Full: another peer, in any torrent or family, is refused.
  EXPECT_FALSE(Accepted(engine, Hash(1), Announce(V4(2), false)));
  EXPECT_FALSE(Accepted(engine, Hash(3), Announce(V4(2), false)));
  EXPECT_FALSE(Accepted(engine, Hash(2), Announce(V6(9), false)));
  EXPECT_EQ(engine.StoredTorrents(), 2u);
  // Held peers announce, change status and complete as before.
  TorrentCounts counts;
  const std::vector<PeerAddressV4> peers =
      AnnounceAndCollect(engine, Hash(1), Announce(V4(1), true, PeerEvent::kCompleted), 50, 0,
                         &counts);
  EXPECT_EQ(counts.seeders, 1u);
  EXPECT_EQ(counts.completed, 1u);
  SwarmStats stats = engine.Stats();
  EXPECT_EQ(stats.refused_peers, 3u);
  EXPECT_EQ(stats.peers_ipv4 + stats.peers_ipv6, 3);
  // A stop frees a place.
  AnnounceAndCollect(engine, Hash(2), Announce(V4(1), false, PeerEvent::kStopped));
  EXPECT_TRUE(Accepted(engine, Hash(3), Announce(V4(2), false)));
}

TEST(IpTorrentEngineTest, LimitsAreSplitOverShardsAndNeverExceeded) {
  Engine engine(/*shard_count=*/8);
  engine.set_limits(/*max_torrents=*/100, /*max_peers=*/0);
  size_t accepted = 0;
  for (uint32_t i = 0; i < 1000; ++i) {
    InfoHash hash{};
    for (int b = 0; b < 4; ++b) hash[19 - b] = static_cast<uint8_t>(i >> (8 * b));
    hash[0] = static_cast<uint8_t>(i);
    accepted += Accepted(engine, hash, Announce(V4(1), false, PeerEvent::kStarted));
  }
  // 8 shards of 12: 96 torrents, never more than the limit.
  EXPECT_EQ(accepted, 96u);
  EXPECT_EQ(engine.StoredTorrents(), 96u);
  EXPECT_EQ(engine.Stats().refused_torrents, 904u);
}

TEST(IpTorrentEngineTest, KeptTorrentsTakeAtMostHalfOfTheTorrentLimit) {
  Engine engine(/*shard_count=*/1);
  engine.set_kept_torrent_limit(1000);
  engine.set_limits(/*max_torrents=*/4, /*max_peers=*/0);
  // Two torrents whose peers left keep their counts; the limit holds four.
  for (uint8_t i = 1; i <= 4; ++i) {
    AnnounceAndCollect(engine, Hash(i), Announce(V4(1), true, PeerEvent::kCompleted, 10));
    AnnounceAndCollect(engine, Hash(i), Announce(V4(1), true, PeerEvent::kStopped, 10));
  }
  EXPECT_EQ(engine.StoredTorrents(), 4u);
  EXPECT_FALSE(Accepted(engine, Hash(5), Announce(V4(1), false, PeerEvent::kStarted, 20)));
  // More than half the limit dormant: cleaning forgets silent ones down to
  // half, and new torrents find room again.
  engine.RemoveStale(/*cutoff=*/15);
  EXPECT_EQ(engine.StoredTorrents(), 2u);
  EXPECT_TRUE(Accepted(engine, Hash(5), Announce(V4(1), false, PeerEvent::kStarted, 20)));
}

TEST(IpTorrentEngineTest, ListPeersShowsBothFamiliesUpToTheCap) {
  IpTorrentEngine<PeerIdData> engine(2);
  IpTorrentEngine<PeerIdData>::Announce<PeerAddressV4> v4;
  v4.key = V4(9, 7000);
  v4.data.peer_id.fill('a');
  v4.seeder = true;
  v4.now = 5;
  engine.AnnounceAndSelect<PeerAddressV4>(Hash(1), v4, 0, 0, [](const auto&) {});
  IpTorrentEngine<PeerIdData>::Announce<PeerAddressV6> v6;
  v6.key = V6(3, 7001);
  v6.data.peer_id.fill('b');
  v6.now = 6;
  engine.AnnounceAndSelect<PeerAddressV6>(Hash(1), v6, 0, 0, [](const auto&) {});

  TorrentCounts counts;
  std::vector<PeerView> peers;
  ASSERT_TRUE(engine.ListPeers(Hash(1), 10, &counts, &peers));
  EXPECT_EQ(counts.seeders, 1u);
  EXPECT_EQ(counts.leechers, 1u);
  ASSERT_EQ(peers.size(), 2u);
  EXPECT_TRUE(peers[0].has_address);
  EXPECT_FALSE(peers[0].ipv6);
  EXPECT_EQ(peers[0].ip[3], 9);
  EXPECT_EQ(peers[0].port, 7000);
  EXPECT_TRUE(peers[0].seeder);
  EXPECT_EQ(peers[0].peer_id[0], 'a');
  EXPECT_EQ(peers[0].last_announce, 5u);
  EXPECT_TRUE(peers[1].ipv6);
  EXPECT_EQ(peers[1].ip[15], 3);
  EXPECT_FALSE(peers[1].seeder);

  peers.clear();
  ASSERT_TRUE(engine.ListPeers(Hash(1), 1, &counts, &peers));
  EXPECT_EQ(peers.size(), 1u);
  EXPECT_FALSE(engine.ListPeers(Hash(2), 10, &counts, &peers));
}

TEST(IpTorrentEngineTest, UnknownTorrentScrapesAsZeros) {
  Engine engine(2);
  const TorrentCounts counts = engine.Scrape(Hash(7));
  EXPECT_EQ(counts.seeders, 0u);
  EXPECT_EQ(counts.leechers, 0u);
  EXPECT_EQ(counts.completed, 0u);
}

TEST(SwarmTest, Ipv4PeerPacksInto12Bytes) {
  EXPECT_EQ(sizeof(Engine::Peer<PeerAddressV4>), 12u);
}

}  // namespace
}  // namespace aquatic::swarm
