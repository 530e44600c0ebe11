// [limits] over real loopback sockets, in one process serving UDP, HTTP and
// WebTorrent: at max_torrents or max_peers an announce that would add a
// torrent or peer gets "tracker full" in every protocol and is counted,
// what the engine holds keeps being served, and room comes back when peers
// leave. Over max_connections_per_ip a TCP connection is closed at once and
// counted while other addresses are served, and a request or TLS handshake
// dribbled a byte at a time (slowloris) is closed at max_connection_idle.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

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
constexpr char kLimits[] =
    "socket_workers = 1\nlog_level = \"off\"\n"
    "[limits]\nmax_torrents = 128\nmax_peers = 192\n";

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
    absl::StatusOr<std::unique_ptr<Runtime>> runtime =
        StartServerFromToml(absl::StrCat(kLimits, kLoopbackAllProtocolsToml));
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

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// A TCP connection to 127.0.0.1:`port` from `source` (host order); -1 when
// it failed.
int ConnectFrom(uint16_t port, uint32_t source) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(source);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(port);
  remote.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0 ||
      connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof(remote)) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  return fd;
}

// Whether the server closed the connection (EOF or reset) within `timeout`;
// whatever else it sent is skipped.
bool ClosedWithin(int fd, milliseconds timeout) {
  const auto deadline = steady_clock::now() + timeout;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now()).count();
    if (left <= 0) return false;
    pollfd readable{fd, POLLIN, 0};
    if (poll(&readable, 1, static_cast<int>(left)) != 1) return false;
    char buffer[512];
    if (recv(fd, buffer, sizeof(buffer), 0) <= 0) return true;
  }
}

// Everything the server sent until it closed (bounded by 2 s).
std::string ReadUntilClosed(int fd) {
  std::string bytes;
  const auto deadline = steady_clock::now() + milliseconds(2000);
  while (steady_clock::now() < deadline) {
    pollfd readable{fd, POLLIN, 0};
    if (poll(&readable, 1, 200) != 1) continue;
    char buffer[512];
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    bytes.append(buffer, static_cast<size_t>(n));
  }
  return bytes;
}

constexpr uint32_t kOtherAddress = INADDR_LOOPBACK + 1;  // 127.0.0.2

// HTTP and WebTorrent, plain or over TLS, with two connections an address
// and a one-second idle timeout.
class ConnectionLimits {
 protected:
  void Start(bool tls) {
    const std::string tls_keys =
        tls ? "enable_tls = true\n"
              "tls_certificate_path = \"tracker/server/testdata/certificate.pem\"\n"
              "tls_private_key_path = \"tracker/server/testdata/private_key.pem\"\n"
            : "";
    absl::StatusOr<std::unique_ptr<Runtime>> runtime = StartServerFromToml(
        absl::StrCat("socket_workers = 1\nlog_level = \"off\"\n",
                     "[limits]\nmax_connections_per_ip = 2\n",
                     "[cleaning]\nmax_connection_idle = 1\n",
                     "[udp]\nenabled = false\n",
                     "[http]\nenabled = true\n",
                     "[http.network]\naddress_ipv4 = \"127.0.0.1:0\"\nuse_ipv6 = false\n",
                     tls_keys, "[ws]\nenabled = true\n",
                     "[ws.network]\naddress_ipv4 = \"127.0.0.1:0\"\nuse_ipv6 = false\n",
                     tls_keys));
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    runtime_ = *std::move(runtime);
    ports_ = {static_cast<TcpFrontEnd*>(runtime_->Find("http"))->ipv4_port(),
              static_cast<TcpFrontEnd*>(runtime_->Find("ws"))->ipv4_port()};
  }

  std::unique_ptr<Runtime> runtime_;
  std::vector<uint16_t> ports_;
};

class ConnectionLimitsTest : public ConnectionLimits, public testing::TestWithParam<bool> {
 protected:
  void SetUp() override { Start(GetParam()); }
};

class PlainConnectionLimitsTest : public ConnectionLimits, public testing::Test {
 protected:
  void SetUp() override { Start(false); }
};

TEST_P(ConnectionLimitsTest, OneAddressCannotTakeEveryConnection) {
  for (uint16_t port : ports_) {
    SCOPED_TRACE(port);
    const int first = ConnectFrom(port, INADDR_LOOPBACK);
    const int second = ConnectFrom(port, INADDR_LOOPBACK);
    const int third = ConnectFrom(port, INADDR_LOOPBACK);
    const int other = ConnectFrom(port, kOtherAddress);
    ASSERT_TRUE(first >= 0 && second >= 0 && third >= 0 && other >= 0);
    // The third from one address is closed at once, before any timeout ...
    EXPECT_TRUE(ClosedWithin(third, milliseconds(500)));
    // ... while its first two and another address's stay open.
    EXPECT_FALSE(ClosedWithin(first, milliseconds(100)));
    EXPECT_FALSE(ClosedWithin(other, milliseconds(100)));
    for (int fd : {first, second, third, other}) close(fd);
  }
  EXPECT_TRUE(absl::StrContains(runtime_->RenderPrometheus(), "result=\"refused_per_ip\""));
}

TEST_F(PlainConnectionLimitsTest, AnotherAddressIsAnsweredWhileOneIsAtItsCap) {
  const int first = ConnectFrom(ports_[0], INADDR_LOOPBACK);
  const int second = ConnectFrom(ports_[0], INADDR_LOOPBACK);
  const int other = ConnectFrom(ports_[0], kOtherAddress);
  ASSERT_TRUE(first >= 0 && second >= 0 && other >= 0);
  const std::string request = absl::StrCat("GET /announce?info_hash=", std::string(20, 'h'),
                                           "&peer_id=", std::string(20, 'p'),
                                           "&port=6881&left=0 HTTP/1.1\r\nHost: t\r\n"
                                           "Connection: close\r\n\r\n");
  ASSERT_EQ(send(other, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  EXPECT_TRUE(absl::StrContains(ReadUntilClosed(other), "8:interval")) << "no announce answer";
  for (int fd : {first, second, other}) close(fd);
}

// Slowloris: a request head (plain) or TLS handshake sent one byte every
// 200 ms never completes; the connection is closed at max_connection_idle
// (1 s, swept every second), long before the dribble would end.
TEST_P(ConnectionLimitsTest, ADribbledRequestOrHandshakeIsClosedAtTheIdleTimeout) {
  const std::string dribble =
      GetParam() ? std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) +
                       std::string(40, 'r')
                 : absl::StrCat("GET /announce?info_hash=", std::string(40, 'x'));
  for (uint16_t port : ports_) {
    SCOPED_TRACE(port);
    const int fd = ConnectFrom(port, INADDR_LOOPBACK);
    ASSERT_GE(fd, 0);
    const auto start = steady_clock::now();
    bool closed = false;
    for (size_t i = 0; i < dribble.size() && !closed; ++i) {
      if (send(fd, &dribble[i], 1, MSG_NOSIGNAL) != 1) {
        closed = true;
        break;
      }
      closed = ClosedWithin(fd, milliseconds(200));
    }
    const double seconds =
        std::chrono::duration<double>(steady_clock::now() - start).count();
    EXPECT_TRUE(closed) << "still open after dribbling " << dribble.size() << " bytes";
    // 1 s idle plus up to 1 s until the sweep, plus slack for a busy host.
    EXPECT_LT(seconds, 4.0);
    close(fd);
  }
}

INSTANTIATE_TEST_SUITE_P(PlainAndTls, ConnectionLimitsTest, testing::Bool(),
                         [](const testing::TestParamInfo<bool>& param) {
                           return param.param ? std::string("Tls") : std::string("Plain");
                         });

}  // namespace
}  // namespace aquatic
