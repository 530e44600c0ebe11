#include "tracker/admission/transfer_ledger.h"

#include <cstdint>

#include "gtest/gtest.h"
#include "tracker/swarm/ip_torrents.h"
#include "tracker/swarm/ws_torrents.h"

namespace aquatic::admission {
namespace {

using swarm::PeerEvent;

const TrackerKey kKey = *ParseTrackerKey("YZSl4lMZupRuOpSRC3krIKR5BPB14nrJ");
const TrackerKey kOtherKey = *ParseTrackerKey("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
constexpr InfoHash kHash = {1, 2, 3};
constexpr InfoHash kOtherHash = {9};
constexpr char kPeerA[] = "-qB4650-aaaaaaaaaaaa";
constexpr char kPeerB[] = "-TR4060-bbbbbbbbbbbb";

absl::Span<const uint8_t> Id(const char* id) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(id), 20);
}

// Announces through a private tracker's IP engine, as the UDP and HTTP
// handlers do: the report's totals go into the swarm, its delta comes out.
class TransferLedgerTest : public ::testing::Test {
 protected:
  using Engine = swarm::IpTorrentEngine<swarm::PrivatePeerData>;

  TransferDelta Announce(const TrackerKey& key, const InfoHash& hash, const char* peer,
                         int64_t uploaded, int64_t downloaded, PeerEvent event = PeerEvent::kNone,
                         uint16_t port = 6881, uint32_t now = 10) {
    Engine::Announce<swarm::PeerAddressV4> announce;
    announce.key.ip = {127, 0, 0, 1};
    announce.key.port = port;
    announce.event = event;
    announce.now = now;
    announce.data.transfer = TotalsOf(key, Id(peer), uploaded, downloaded);
    TransferRecorder recorder(announce.data.transfer, event);
    engine_.AnnounceAndSelect<swarm::PeerAddressV4>(hash, announce, 50, 0, [](const auto&) {}, recorder);
    return recorder.delta();
  }

  size_t Peers() const { return engine_.Stats().peers_ipv4; }

  Engine engine_{4};
};

TEST_F(TransferLedgerTest, GrowthOfRunningTotals) {
  EXPECT_TRUE(Announce(kKey, kHash, kPeerA, 0, 0, PeerEvent::kStarted).empty());
  TransferDelta delta = Announce(kKey, kHash, kPeerA, 1000, 300);
  EXPECT_EQ(delta.uploaded, 1000u);
  EXPECT_EQ(delta.downloaded, 300u);
  delta = Announce(kKey, kHash, kPeerA, 1500, 300);
  EXPECT_EQ(delta.uploaded, 500u);
  EXPECT_EQ(delta.downloaded, 0u);
}

TEST_F(TransferLedgerTest, CountersThatGoBackwardsMeanARestartedClient) {
  Announce(kKey, kHash, kPeerA, 0, 0, PeerEvent::kStarted);
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
  EXPECT_EQ(Announce(kKey, kHash, kPeerB, 42, 0, PeerEvent::kStarted, 6882).uploaded, 42u);
}

TEST_F(TransferLedgerTest, StoppedCountsThenTheSwarmForgetsThePeer) {
  Announce(kKey, kHash, kPeerA, 0, 0, PeerEvent::kStarted);
  EXPECT_EQ(Peers(), 1u);
  EXPECT_EQ(Announce(kKey, kHash, kPeerA, 800, 100, PeerEvent::kStopped).uploaded, 800u);
  EXPECT_EQ(Peers(), 0u);
  // A later session starts from zero.
  EXPECT_EQ(Announce(kKey, kHash, kPeerA, 50, 0, PeerEvent::kStarted).uploaded, 50u);
}

TEST_F(TransferLedgerTest, CompletedCountsOnce) {
  Announce(kKey, kHash, kPeerA, 0, 0, PeerEvent::kStarted);
  const TransferDelta delta = Announce(kKey, kHash, kPeerA, 0, 4096, PeerEvent::kCompleted);
  EXPECT_EQ(delta.completed, 1u);
  EXPECT_EQ(delta.downloaded, 4096u);
  EXPECT_EQ(Announce(kKey, kHash, kPeerA, 0, 4096).completed, 0u);
}

TEST_F(TransferLedgerTest, TorrentsAndPeersAreApart) {
  Announce(kKey, kHash, kPeerA, 0, 0, PeerEvent::kStarted, 6881);
  Announce(kKey, kOtherHash, kPeerA, 0, 0, PeerEvent::kStarted, 6881);
  Announce(kKey, kHash, kPeerB, 0, 0, PeerEvent::kStarted, 6882);
  EXPECT_EQ(Announce(kKey, kHash, kPeerA, 100, 0, PeerEvent::kNone, 6881).uploaded, 100u);
  EXPECT_EQ(Announce(kKey, kOtherHash, kPeerA, 30, 0, PeerEvent::kNone, 6881).uploaded, 30u);
  EXPECT_EQ(Announce(kKey, kHash, kPeerB, 5, 0, PeerEvent::kNone, 6882).uploaded, 5u);
}

TEST_F(TransferLedgerTest, AnotherKeyOrClientAtTheSameAddressStartsOver) {
  Announce(kKey, kHash, kPeerA, 0, 0, PeerEvent::kStarted);
  Announce(kKey, kHash, kPeerA, 5000, 0);
  // Another user's client took over the address and port: its totals are
  // not growth of the first one's.
  EXPECT_TRUE(Announce(kOtherKey, kHash, kPeerA, 7000, 0).empty());
  EXPECT_EQ(Announce(kOtherKey, kHash, kPeerA, 7100, 0).uploaded, 100u);
  EXPECT_TRUE(Announce(kOtherKey, kHash, kPeerB, 9000, 0).empty());
  EXPECT_EQ(Announce(kOtherKey, kHash, kPeerB, 9000, 0, PeerEvent::kStopped).uploaded, 0u);
}

TEST_F(TransferLedgerTest, ASeederThatWasALeecherKeepsItsTotals) {
  Engine::Announce<swarm::PeerAddressV4> announce;
  announce.key.ip = {127, 0, 0, 1};
  announce.key.port = 6881;
  announce.event = PeerEvent::kStarted;
  announce.data.transfer = TotalsOf(kKey, Id(kPeerA), 0, 0);
  engine_.AnnounceAndSelect<swarm::PeerAddressV4>(kHash, announce, 50, 0, [](const auto&) {});
  // Done downloading: the peer moves to the seeders with its totals.
  announce.seeder = true;
  announce.event = PeerEvent::kCompleted;
  announce.data.transfer = TotalsOf(kKey, Id(kPeerA), 10, 4096);
  TransferRecorder recorder(announce.data.transfer, announce.event);
  engine_.AnnounceAndSelect<swarm::PeerAddressV4>(kHash, announce, 50, 0, [](const auto&) {}, recorder);
  EXPECT_EQ(recorder.delta().downloaded, 4096u);
  EXPECT_EQ(recorder.delta().uploaded, 10u);
  EXPECT_EQ(recorder.delta().completed, 1u);
}

TEST_F(TransferLedgerTest, NegativeCountersCountAsZero) {
  Announce(kKey, kHash, kPeerA, 0, 0, PeerEvent::kStarted);
  EXPECT_TRUE(Announce(kKey, kHash, kPeerA, -5, -1).empty());
  EXPECT_EQ(Announce(kKey, kHash, kPeerA, 10, 0).uploaded, 10u);
}

TEST_F(TransferLedgerTest, PeersTheSwarmForgotAreBaselines) {
  Announce(kKey, kHash, kPeerA, 0, 0, PeerEvent::kStarted, 6881, /*now=*/10);
  Announce(kKey, kHash, kPeerB, 0, 0, PeerEvent::kStarted, 6882, /*now=*/50);
  engine_.RemoveStale(20);
  EXPECT_EQ(Peers(), 1u);
  // Forgotten: its next report is a baseline.
  EXPECT_TRUE(Announce(kKey, kHash, kPeerA, 100, 0, PeerEvent::kNone, 6881, 60).empty());
  EXPECT_EQ(Announce(kKey, kHash, kPeerB, 100, 0, PeerEvent::kNone, 6882, 60).uploaded, 100u);
}

TEST(TransferRecorderTest, PeerDataWithoutTotalsRecordsNothing) {
  TransferRecorder recorder(TotalsOf(kKey, Id(kPeerA), 100, 0), PeerEvent::kStarted);
  const swarm::PeerIdData data;
  recorder(&data);
  recorder(static_cast<const swarm::PeerIdData*>(nullptr));
  EXPECT_TRUE(recorder.delta().empty());
}

TEST(TransferRecorderTest, WebTorrentPeersKeepTotals) {
  swarm::WsSwarm swarm;
  swarm::WsSwarm::Announce announce;
  announce.key = {1};
  announce.event = PeerEvent::kStarted;
  announce.data.transfer = TotalsOf(kKey, announce.key, 0, 0);
  swarm.Apply(announce);
  announce.event = PeerEvent::kNone;
  announce.data.transfer = TotalsOf(kKey, announce.key, 0, 2048);
  TransferRecorder recorder(announce.data.transfer, announce.event);
  swarm.Apply(announce, recorder);
  EXPECT_EQ(recorder.delta().downloaded, 2048u);
}

}  // namespace
}  // namespace aquatic::admission
