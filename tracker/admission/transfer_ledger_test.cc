#include "tracker/admission/transfer_ledger.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"

namespace aquatic::admission {
namespace {

const TrackerKey kKey = *ParseTrackerKey("YZSl4lMZupRuOpSRC3krIKR5BPB14nrJ");
const TrackerKey kOtherKey = *ParseTrackerKey("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
constexpr InfoHash kHash = {1, 2, 3};
constexpr InfoHash kOtherHash = {9};
constexpr char kPeerA[] = "-qB4650-aaaaaaaaaaaa";
constexpr char kPeerB[] = "-TR4060-bbbbbbbbbbbb";

absl::Span<const uint8_t> Id(const char* id) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(id), 20);
}

class TransferLedgerTest : public ::testing::Test {
 protected:
  TransferDelta Announce(const TrackerKey& key, const InfoHash& hash, const char* peer,
                         int64_t uploaded, int64_t downloaded,
                         swarm::PeerEvent event = swarm::PeerEvent::kNone, uint32_t now = 10) {
    return ledger_.Record(TransferReport{key, hash, Id(peer), uploaded, downloaded, event, now});
  }

  struct Sunk {
    std::string key;
    InfoHash info_hash;
    TransferDelta delta;
  };
  std::vector<Sunk> sunk_;
  TransferLedger ledger_{[this](const TrackerKey& key, const InfoHash& hash,
                                const TransferDelta& delta) {
    sunk_.push_back({key.ToString(), hash, delta});
  }};
};

TEST_F(TransferLedgerTest, GrowthOfRunningTotals) {
  TransferDelta delta = Announce(kKey, kHash, kPeerA, 0, 0, swarm::PeerEvent::kStarted);
  EXPECT_TRUE(delta.empty());
  delta = Announce(kKey, kHash, kPeerA, 1000, 300);
  EXPECT_EQ(delta.uploaded, 1000u);
  EXPECT_EQ(delta.downloaded, 300u);
  delta = Announce(kKey, kHash, kPeerA, 1500, 300);
  EXPECT_EQ(delta.uploaded, 500u);
  EXPECT_EQ(delta.downloaded, 0u);
  // Only non-empty deltas reach the sink.
  ASSERT_EQ(sunk_.size(), 2u);
  EXPECT_EQ(sunk_[1].key, kKey.ToString());
  EXPECT_EQ(sunk_[1].info_hash, kHash);
  EXPECT_EQ(sunk_[1].delta.uploaded, 500u);
}

TEST_F(TransferLedgerTest, CountersThatGoBackwardsMeanARestartedClient) {
  Announce(kKey, kHash, kPeerA, 0, 0, swarm::PeerEvent::kStarted);
  Announce(kKey, kHash, kPeerA, 5000, 7000);
  // The client restarted without `stopped` and counts from zero again.
  const TransferDelta delta = Announce(kKey, kHash, kPeerA, 200, 9000);
  EXPECT_EQ(delta.uploaded, 200u);
  EXPECT_EQ(delta.downloaded, 2000u);
}

TEST_F(TransferLedgerTest, StartedCountsItsTotalsAndAnUnknownPeerIsABaseline) {
  // After a tracker restart the peer is unknown: a baseline, nothing counted.
  EXPECT_TRUE(Announce(kKey, kHash, kPeerA, 1 << 20, 1 << 20).empty());
  EXPECT_EQ(Announce(kKey, kHash, kPeerA, (1 << 20) + 10, 1 << 20).uploaded, 10u);
  // A new session announces started with its totals (normally zero).
  EXPECT_EQ(Announce(kKey, kHash, kPeerB, 42, 0, swarm::PeerEvent::kStarted).uploaded, 42u);
}

TEST_F(TransferLedgerTest, StoppedCountsThenForgetsThePeer) {
  Announce(kKey, kHash, kPeerA, 0, 0, swarm::PeerEvent::kStarted);
  EXPECT_EQ(ledger_.size(), 1u);
  EXPECT_EQ(Announce(kKey, kHash, kPeerA, 800, 100, swarm::PeerEvent::kStopped).uploaded, 800u);
  EXPECT_EQ(ledger_.size(), 0u);
  // A later session starts from zero.
  EXPECT_EQ(Announce(kKey, kHash, kPeerA, 50, 0, swarm::PeerEvent::kStarted).uploaded, 50u);
}

TEST_F(TransferLedgerTest, CompletedCountsOnce) {
  Announce(kKey, kHash, kPeerA, 0, 0, swarm::PeerEvent::kStarted);
  const TransferDelta delta = Announce(kKey, kHash, kPeerA, 0, 4096, swarm::PeerEvent::kCompleted);
  EXPECT_EQ(delta.completed, 1u);
  EXPECT_EQ(delta.downloaded, 4096u);
  EXPECT_EQ(Announce(kKey, kHash, kPeerA, 0, 4096).completed, 0u);
}

TEST_F(TransferLedgerTest, KeysTorrentsAndPeersAreApart) {
  Announce(kKey, kHash, kPeerA, 0, 0, swarm::PeerEvent::kStarted);
  Announce(kOtherKey, kHash, kPeerA, 0, 0, swarm::PeerEvent::kStarted);
  Announce(kKey, kOtherHash, kPeerA, 0, 0, swarm::PeerEvent::kStarted);
  Announce(kKey, kHash, kPeerB, 0, 0, swarm::PeerEvent::kStarted);
  EXPECT_EQ(ledger_.size(), 4u);
  EXPECT_EQ(Announce(kKey, kHash, kPeerA, 100, 0).uploaded, 100u);
  EXPECT_EQ(Announce(kOtherKey, kHash, kPeerA, 70, 0).uploaded, 70u);
  EXPECT_EQ(Announce(kKey, kOtherHash, kPeerA, 30, 0).uploaded, 30u);
  EXPECT_EQ(Announce(kKey, kHash, kPeerB, 5, 0).uploaded, 5u);
}

TEST_F(TransferLedgerTest, NegativeCountersCountAsZero) {
  Announce(kKey, kHash, kPeerA, 0, 0, swarm::PeerEvent::kStarted);
  EXPECT_TRUE(Announce(kKey, kHash, kPeerA, -5, -1).empty());
  EXPECT_EQ(Announce(kKey, kHash, kPeerA, 10, 0).uploaded, 10u);
}

TEST_F(TransferLedgerTest, CleanForgetsSilentPeers) {
  Announce(kKey, kHash, kPeerA, 0, 0, swarm::PeerEvent::kStarted, 10);
  Announce(kKey, kHash, kPeerB, 0, 0, swarm::PeerEvent::kStarted, 50);
  ledger_.Clean(20);
  EXPECT_EQ(ledger_.size(), 1u);
  // Forgotten: its next report is a baseline.
  EXPECT_TRUE(Announce(kKey, kHash, kPeerA, 100, 0).empty());
  EXPECT_EQ(Announce(kKey, kHash, kPeerB, 100, 0).uploaded, 100u);
}

// A batch gives the sink what the same reports recorded one by one give, in
// each peer's order, across keys, torrents and shards, and leaves the ledger
// in the same state.
TEST(TransferBatchTest, RecordsLikeOneByOne) {
  struct Report {
    const TrackerKey* key;
    InfoHash hash;
    std::string peer;
    int64_t uploaded;
    int64_t downloaded;
    swarm::PeerEvent event;
  };
  std::vector<Report> reports;
  // 40 peers over 3 torrents and 2 keys (spread over most shards), each
  // reporting several times within the batch: started, growth, a restart,
  // completed, stopped.
  for (int round = 0; round < 5; ++round) {
    for (int peer = 0; peer < 40; ++peer) {
      const std::string id = "-qB4650-" + std::to_string(100 + peer) + "aaaaaaaaa";
      const swarm::PeerEvent event = round == 0   ? swarm::PeerEvent::kStarted
                                     : round == 3 ? swarm::PeerEvent::kCompleted
                                     : round == 4 && peer % 2 == 0 ? swarm::PeerEvent::kStopped
                                                                   : swarm::PeerEvent::kNone;
      const int64_t uploaded = round == 2 ? 10 : (round + 1) * 1000 + peer;
      reports.push_back(Report{peer % 2 == 0 ? &kKey : &kOtherKey,
                               InfoHash{static_cast<uint8_t>(peer % 3)}, id, uploaded,
                               round * 100, event});
    }
  }
  using Sunk = std::vector<std::tuple<std::string, InfoHash, uint64_t, uint64_t, uint64_t>>;
  auto sink_into = [](Sunk* sunk) {
    return [sunk](const TrackerKey& key, const InfoHash& hash, const TransferDelta& delta) {
      sunk->emplace_back(key.ToString(), hash, delta.uploaded, delta.downloaded, delta.completed);
    };
  };
  Sunk one_by_one;
  Sunk batched;
  TransferLedger single(sink_into(&one_by_one));
  TransferLedger ledger(sink_into(&batched));
  TransferBatch batch(reports.size());
  for (const Report& report : reports) {
    const TransferReport view{*report.key, report.hash, Id(report.peer.c_str()), report.uploaded,
                              report.downloaded, report.event, 10};
    single.Record(view);
    batch.Add(view);
  }
  EXPECT_TRUE(batch.full());
  ledger.Record(&batch);
  EXPECT_TRUE(batch.empty());

  // Grouped by shard, so the order across peers differs; per peer it holds.
  ASSERT_EQ(batched.size(), one_by_one.size());
  std::sort(batched.begin(), batched.end());
  std::sort(one_by_one.begin(), one_by_one.end());
  EXPECT_EQ(batched, one_by_one);
  EXPECT_EQ(ledger.size(), single.size());
  EXPECT_EQ(ledger.size(), 20u);
}

}  // namespace
}  // namespace aquatic::admission
