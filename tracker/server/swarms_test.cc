#include "tracker/server/swarms.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tracker/storage/storage.h"

namespace aquatic {
namespace {

InfoHash Hash(uint8_t n) {
  InfoHash hash{};
  hash.fill(n);
  return hash;
}

std::unique_ptr<storage::Storage> SqliteStorage(const std::string& name) {
  config::StorageConfig config;
  config.set_backend(config::STORAGE_BACKEND_SQLITE);
  config.set_path(absl::StrCat(::testing::TempDir(), "/swarms_test_", name, ".sqlite3"));
  absl::StatusOr<std::unique_ptr<storage::Storage>> opened = storage::Storage::Open(config);
  EXPECT_TRUE(opened.ok()) << opened.status();
  return opened.ok() ? *std::move(opened) : nullptr;
}

TEST(SwarmsTest, EachEngineStartsFromItsStoredCountsAndReportsNewOnes) {
  std::unique_ptr<storage::Storage> storage = SqliteStorage("engines");
  ASSERT_NE(storage, nullptr);
  Swarms swarms(/*worker_count=*/1, /*store_peer_ids=*/false);
  swarms.KeepCompletedIn(storage.get(),
                         {{storage::SwarmKind::kIp, Hash(1), 7},
                          {storage::SwarmKind::kWebTorrent, Hash(1), 3},
                          {storage::SwarmKind::kWebTorrent, Hash(2), 5}},
                         /*kept_torrent_limit=*/1000);
  auto& ip = swarms.ip<swarm::NoPeerData>();
  swarm::WsTorrentEngine& webtorrent = swarms.webtorrent();
  EXPECT_EQ(ip.Scrape(Hash(1)).completed, 7u);
  EXPECT_EQ(ip.Scrape(Hash(2)).completed, 0u);
  EXPECT_EQ(webtorrent.Scrape(Hash(1)).completed, 3u);
  EXPECT_EQ(webtorrent.Scrape(Hash(2)).completed, 5u);
  EXPECT_EQ(swarms.TotalStats().completed, 15u);

  // A download counted by an engine goes to the storage, under its swarm.
  swarm::IpTorrentEngine<swarm::NoPeerData>::Announce<swarm::PeerAddressV4> announce;
  announce.key = swarm::PeerAddressV4{{127, 0, 0, 1}, 6881};
  announce.seeder = true;
  announce.event = swarm::PeerEvent::kCompleted;
  announce.now = 1;
  ip.AnnounceAndSelect<swarm::PeerAddressV4>(Hash(1), announce, 0, 0, [](const auto&) {});
  EXPECT_EQ(ip.Scrape(Hash(1)).completed, 8u);
  EXPECT_EQ(storage->pending(), 1u);
  ASSERT_TRUE(storage->Flush().ok());
  absl::StatusOr<std::vector<storage::StoredCount>> stored = storage->LoadCompleted();
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].swarm, storage::SwarmKind::kIp);
  EXPECT_EQ((*stored)[0].completed, 1u);

  // Kept through cleaning, however long silent.
  config::CleaningConfig cleaning;
  cleaning.set_max_peer_age(10);
  swarms.Clean(/*now=*/100000, cleaning);
  EXPECT_EQ(ip.Scrape(Hash(1)).completed, 8u);
  EXPECT_EQ(webtorrent.Scrape(Hash(2)).completed, 5u);
}

// A hash whose shard (its last bytes modulo the shard count) is n's.
InfoHash HashInShardOrder(uint32_t n) {
  InfoHash hash{};
  hash[0] = 1;
  hash[16] = static_cast<uint8_t>(n >> 24);
  hash[17] = static_cast<uint8_t>(n >> 16);
  hash[18] = static_cast<uint8_t>(n >> 8);
  hash[19] = static_cast<uint8_t>(n);
  return hash;
}

TEST(SwarmsTest, UnderMaxTorrentsTheMostDownloadedCountsAreRestoredAndRoomIsLeft) {
  std::unique_ptr<storage::Storage> storage = SqliteStorage("restore_cap");
  ASSERT_NE(storage, nullptr);
  Swarms swarms(/*worker_count=*/1, /*store_peer_ids=*/false);
  const size_t shards = swarm::ShardCountFor(1);
  // Four torrents a shard, of which restored counts may take two; ten stored
  // counts a shard, listed least downloaded first.
  swarms.SetLimits(/*max_torrents=*/4 * shards, /*max_peers=*/0);
  std::vector<storage::StoredCount> stored;
  for (uint32_t i = 0; i < 10 * shards; ++i) {
    stored.push_back({storage::SwarmKind::kIp, HashInShardOrder(i), i + 1});
  }
  swarms.KeepCompletedIn(storage.get(), std::move(stored), /*kept_torrent_limit=*/1000);
  auto& ip = swarms.ip<swarm::NoPeerData>();

  EXPECT_EQ(swarms.IpStats().held_torrents, static_cast<int64_t>(2 * shards));
  for (uint32_t i = 0; i < 10 * shards; ++i) {
    // Each shard keeps its two most downloaded: i from 8 * shards up.
    EXPECT_EQ(ip.Scrape(HashInShardOrder(i)).completed, i >= 8 * shards ? i + 1 : 0) << i;
  }
  // The restart did not start full: new torrents are still taken in every
  // shard.
  swarm::IpTorrentEngine<swarm::NoPeerData>::Announce<swarm::PeerAddressV4> announce;
  announce.key = swarm::PeerAddressV4{{127, 0, 0, 1}, 6881};
  announce.now = 1;
  for (uint32_t i = 0; i < shards; ++i) {
    const InfoHash fresh = HashInShardOrder(100000 * shards + i);
    ip.AnnounceAndSelect<swarm::PeerAddressV4>(fresh, announce, 0, 0, [](const auto&) {});
    EXPECT_EQ(ip.Scrape(fresh).leechers, 1u) << i;
  }
  EXPECT_EQ(swarms.IpStats().refused_torrents, 0u);
}

TEST(SwarmsTest, ListPeersAndForEachTorrentSpanTheEngines) {
  Swarms swarms(1, /*store_peer_ids=*/false);
  auto& ip = swarms.ip<swarm::NoPeerData>();
  swarm::IpTorrentEngine<swarm::NoPeerData>::Announce<swarm::PeerAddressV4> announce;
  announce.key = swarm::PeerAddressV4{{127, 0, 0, 2}, 7000};
  announce.now = 1;
  ip.AnnounceAndSelect<swarm::PeerAddressV4>(Hash(3), announce, 0, 0, [](const auto&) {});
  swarms.webtorrent();

  swarm::TorrentCounts counts;
  std::vector<swarm::PeerView> peers;
  ASSERT_TRUE(swarms.ListPeers(Hash(3), 10, &counts, &peers));
  EXPECT_EQ(counts.leechers, 1u);
  ASSERT_EQ(peers.size(), 1u);
  EXPECT_EQ(peers[0].port, 7000);
  EXPECT_FALSE(swarms.ListPeers(Hash(4), 10, &counts, &peers));

  int visited = 0;
  swarms.ForEachTorrent([&](const InfoHash& info_hash, const swarm::TorrentCounts& one) {
    ++visited;
    EXPECT_EQ(info_hash, Hash(3));
    EXPECT_EQ(one.leechers, 1u);
  });
  EXPECT_EQ(visited, 1);
}

}  // namespace
}  // namespace aquatic
