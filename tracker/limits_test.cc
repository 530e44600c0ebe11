// [limits] over real loopback sockets, in one process serving UDP, HTTP and
// WebTorrent: at max_torrents or max_peers an announce that would add a
// torrent or peer gets "tracker full" in every protocol and is counted,
// what the engine holds keeps being served, and room comes back when peers
// leave.
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tracker/server/tcp_front_end.h"
#include "tracker/server/test_server.h"
#include "tracker/testing/announce_probes.h"
#include "tracker/udp/udp_front_end.h"
#include "tracker/ws/ws_test_client.h"

namespace aquatic {
namespace {

using announce_probes::HttpAnnounceFailure;
using announce_probes::ProbeAnnounce;
using announce_probes::UdpAnnounceError;
using announce_probes::WsAnnounceFailure;

// One socket worker: 64 shards per engine. 128 torrents and 192 peers give
// each shard 2 torrents and 3 peers.
constexpr char kConfig[] =
    "socket_workers = 1\nlog_level = \"off\"\n"
    "[limits]\nmax_torrents = 128\nmax_peers = 192\n"
    "[statistics]\nrun_prometheus_endpoint = true\n"
    "prometheus_endpoint_address = \"127.0.0.1:0\"\n"
    "[udp.network]\naddress_ipv4 = \"127.0.0.1:0\"\nuse_ipv6 = false\n"
    "socket_recv_buffer_size = 0\n"
    "[http]\nenabled = true\n"
    "[http.network]\naddress_ipv4 = \"127.0.0.1:0\"\nuse_ipv6 = false\n"
    "[ws]\nenabled = true\n"
    "[ws.network]\naddress_ipv4 = \"127.0.0.1:0\"\nuse_ipv6 = false\n";

// Info hashes that all fall in shard 0: the engines pick the shard from the
// last four bytes (big-endian) modulo the shard count, and "AAA@" is
// 0x41414140, a multiple of 64.
std::string ShardZeroHash(char name) { return absl::StrCat(std::string(16, name), "AAA@"); }

ProbeAnnounce Peer(char torrent, char peer, absl::string_view event = "") {
  ProbeAnnounce announce;
  announce.info_hash = ShardZeroHash(torrent);
  announce.peer_id = std::string(20, peer);
  announce.port = static_cast<uint16_t>(6000 + peer);
  announce.event = std::string(event);
  return announce;
}

class LimitsTest : public testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<ServerConfig> config = ParseServerConfig(kConfig, "tracker.toml");
    ASSERT_TRUE(config.ok()) << config.status();
    absl::StatusOr<std::unique_ptr<Runtime>> runtime = StartServer(*std::move(config));
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    runtime_ = *std::move(runtime);
    udp_port_ = static_cast<udp::UdpFrontEnd*>(runtime_->Find("udp"))->ipv4_port();
    http_port_ = static_cast<TcpFrontEnd*>(runtime_->Find("http"))->ipv4_port();
    ws_port_ = static_cast<TcpFrontEnd*>(runtime_->Find("ws"))->ipv4_port();
  }

  std::string Udp(const ProbeAnnounce& announce) {
    return UdpAnnounceError(udp_port_, "", announce);
  }
  std::string Http(const ProbeAnnounce& announce) {
    return HttpAnnounceFailure(http_port_, "/announce", announce);
  }

  // Whether /metrics has the line `series value`.
  bool MetricIs(absl::string_view series, int value) {
    return absl::StrContains(runtime_->RenderPrometheus(), absl::StrCat(series, " ", value, "\n"));
  }

  std::unique_ptr<Runtime> runtime_;
  uint16_t udp_port_ = 0, http_port_ = 0, ws_port_ = 0;
};

TEST_F(LimitsTest, UdpAndHttpShareTheTorrentAndPeerLimitsOfTheirEngine) {
  // Shard 0 takes its two torrents (over UDP and HTTP: one engine) ...
  EXPECT_EQ(Udp(Peer('a', '1', "started")), "");
  EXPECT_EQ(Http(Peer('b', '1', "started")), "");
  // ... and a third is refused in both protocols, leaving nothing behind.
  EXPECT_EQ(Udp(Peer('c', '1', "started")), "tracker full");
  EXPECT_EQ(Http(Peer('c', '2', "started")), "tracker full");
  EXPECT_TRUE(MetricIs(R"(aquatic_refused_announces_total{swarm="ip",limit="max_torrents"})", 2));
  EXPECT_TRUE(MetricIs(R"(aquatic_held_torrents{swarm="ip"})", 2));

  // A third peer fits (three a shard); a fourth, in a torrent held, does not.
  EXPECT_EQ(Http(Peer('a', '2')), "");
  EXPECT_EQ(Udp(Peer('a', '3')), "tracker full");
  EXPECT_EQ(Http(Peer('b', '3')), "tracker full");
  EXPECT_TRUE(MetricIs(R"(aquatic_refused_announces_total{swarm="ip",limit="max_peers"})", 2));

  // Peers held keep announcing, and become seeders, as before.
  EXPECT_EQ(Udp(Peer('a', '1')), "");
  ProbeAnnounce seeding = Peer('a', '2', "completed");
  seeding.left = 0;
  EXPECT_EQ(Http(seeding), "");

  // A peer leaving makes room for another ...
  EXPECT_EQ(Http(Peer('a', '2', "stopped")), "");
  EXPECT_EQ(Udp(Peer('a', '3')), "");
  // ... and a torrent whose last peer left (nothing completed) for a new one.
  EXPECT_EQ(Udp(Peer('b', '1', "stopped")), "");
  EXPECT_EQ(Http(Peer('c', '2', "started")), "");
}

TEST_F(LimitsTest, WebTorrentHasItsOwnEngineWithTheSameLimits) {
  // A connection announces one peer per torrent: one connection per peer.
  std::unique_ptr<ws::WsTestClient> first = ws::WsTestClient::Connect(ws_port_);
  std::unique_ptr<ws::WsTestClient> second = ws::WsTestClient::Connect(ws_port_);
  std::unique_ptr<ws::WsTestClient> third = ws::WsTestClient::Connect(ws_port_);
  ASSERT_TRUE(first != nullptr && second != nullptr && third != nullptr);
  EXPECT_EQ(WsAnnounceFailure(*first, Peer('a', '1', "started")), "");
  EXPECT_EQ(WsAnnounceFailure(*first, Peer('b', '1', "started")), "");
  EXPECT_EQ(WsAnnounceFailure(*first, Peer('c', '1', "started")), "tracker full");
  EXPECT_EQ(WsAnnounceFailure(*second, Peer('a', '2', "started")), "");
  EXPECT_EQ(WsAnnounceFailure(*third, Peer('a', '3', "started")), "tracker full");
  EXPECT_TRUE(MetricIs(
      R"(aquatic_refused_announces_total{swarm="webtorrent",limit="max_torrents"})", 1));
  EXPECT_TRUE(
      MetricIs(R"(aquatic_refused_announces_total{swarm="webtorrent",limit="max_peers"})", 1));
  // The IP engine is untouched by WebTorrent's torrents.
  EXPECT_EQ(Udp(Peer('c', '1', "started")), "");

  // Closing a connection takes its peers out of every swarm: room again.
  first->Close();
  bool answered = false;
  // The close is handled on the server's thread: retry, bounded.
  for (int attempt = 0; attempt < 50 && !answered; ++attempt) {
    answered = WsAnnounceFailure(*third, Peer('c', '3', "started")).empty();
    if (!answered) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(answered);
  EXPECT_EQ(WsAnnounceFailure(*third, Peer('a', '3', "started")), "");
}

}  // namespace
}  // namespace aquatic
