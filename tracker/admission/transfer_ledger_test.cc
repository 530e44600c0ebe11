#include "tracker/admission/transfer_ledger.h"

#include <string>
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

}  // namespace
}  // namespace aquatic::admission
