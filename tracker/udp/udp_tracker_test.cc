// aquatic udp over real loopback sockets, IPv4 and IPv6: the protocol as a
// client sees it, bad input, the access list and the Prometheus endpoint.
#include "tracker/server/test_server.h"
#include "tracker/udp/udp_front_end.h"
#include "tracker/udp/udp_metrics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "codec/udp/udp.codec.h"
#include "gtest/gtest.h"

namespace aquatic::udp {
namespace {

namespace wire = ::aquatic::codec::udp;

// A client socket on loopback with a receive timeout.
class Client {
 public:
  Client(bool ipv6, uint16_t port) : ipv6_(ipv6) {
    fd_ = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (ipv6) {
      sockaddr_in6 address{};
      address.sin6_family = AF_INET6;
      address.sin6_port = htons(port);
      address.sin6_addr = in6addr_loopback;
      connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    } else {
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_port = htons(port);
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    }
  }
  ~Client() { close(fd_); }

  void Send(const std::vector<uint8_t>& datagram) {
    ASSERT_EQ(send(fd_, datagram.data(), datagram.size(), 0),
              static_cast<ssize_t>(datagram.size()));
  }
  // The next datagram, or nothing within `timeout_ms`.
  std::optional<std::vector<uint8_t>> Receive(int timeout_ms = 2000) {
    pollfd readable{fd_, POLLIN, 0};
    if (poll(&readable, 1, timeout_ms) != 1) return std::nullopt;
    std::vector<uint8_t> buffer(65536);
    const ssize_t n = recv(fd_, buffer.data(), buffer.size(), 0);
    if (n < 0) return std::nullopt;
    buffer.resize(static_cast<size_t>(n));
    return buffer;
  }

  template <typename Request>
  std::optional<std::vector<uint8_t>> RoundTrip(const Request& request) {
    std::vector<uint8_t> wire_bytes(wire::SerializedSize(request));
    EXPECT_TRUE(wire::Serialize(request, absl::MakeSpan(wire_bytes)).ok());
    Send(wire_bytes);
    return Receive();
  }

  uint64_t Connect() {
    wire::ConnectRequest request;
    request.transaction_id = 77;
    std::optional<std::vector<uint8_t>> reply = RoundTrip(request);
    wire::ConnectResponse response;
    EXPECT_TRUE(reply.has_value() && wire::Parse(*reply, &response).ok());
    EXPECT_EQ(response.transaction_id, 77u);
    return response.connection_id;
  }

  bool ipv6() const { return ipv6_; }

 private:
  int fd_;
  bool ipv6_;
};

wire::AnnounceRequest Announce(uint64_t connection_id, uint8_t hash_byte, uint16_t port,
                               int64_t left, wire::AnnounceEvent event) {
  wire::AnnounceRequest request;
  request.connection_id = connection_id;
  request.transaction_id = 1000 + port;
  request.info_hash.fill(hash_byte);
  request.peer_id.fill('p');
  request.left = left;
  request.event = event;
  request.num_want = -1;
  request.port = port;
  return request;
}

class UdpTrackerTest : public testing::Test {
 protected:
  void StartTracker(const std::string& access_list_mode = "off", bool use_ipv6 = true) {
    config::UdpConfig config;
    config.set_socket_workers(2);
    config.set_log_level(config::LOG_LEVEL_OFF);
    config.mutable_network()->mutable_listen()->set_address_ipv4("127.0.0.1:0");
    config.mutable_network()->mutable_listen()->set_address_ipv6("[::1]:0");
    config.mutable_network()->mutable_listen()->set_use_ipv6(use_ipv6);
    config.mutable_network()->set_socket_recv_buffer_size(0);
    config.mutable_protocol()->set_max_scrape_torrents(3);
    config.mutable_statistics()->set_run_prometheus_endpoint(true);
    config.mutable_statistics()->set_prometheus_endpoint_address("127.0.0.1:0");
    if (access_list_mode != "off") {
      access_list_path_ = absl::StrCat(testing::TempDir(), "/udp_tracker_test_access_list");
      std::ofstream(access_list_path_) << std::string(40, 'a') << "\n";  // hash 0xaa..
      config.mutable_access_list()->set_mode(access_list_mode == "allow"
                                                 ? config::ACCESS_LIST_MODE_ALLOW
                                                 : config::ACCESS_LIST_MODE_DENY);
      config.mutable_access_list()->set_path(access_list_path_);
    }
    // The same tests as `aquatic udp` and as [udp] of an `aquatic run` serving
    // every protocol (the udp_tracker_combined_test target).
    absl::StatusOr<std::unique_ptr<Runtime>> runtime =
        std::getenv("AQUATIC_TEST_COMBINED") != nullptr ? StartCombinedServer("udp", config)
                                                         : StartServer("udp", config);
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    runtime_ = *std::move(runtime);
    tracker_ = static_cast<UdpFrontEnd*>(runtime_->Find("udp"));
    ASSERT_NE(tracker_, nullptr);
    if (std::getenv("AQUATIC_TEST_COMBINED") != nullptr) {
      ASSERT_NE(runtime_->Find("http"), nullptr);
      ASSERT_NE(runtime_->Find("ws"), nullptr);
    }
  }

  SwarmStats Stats() { return runtime_->swarms().IpStats(); }

  std::unique_ptr<Runtime> runtime_;
  UdpFrontEnd* tracker_ = nullptr;
  std::string access_list_path_;
};

TEST_F(UdpTrackerTest, ConnectAnnounceScrapeOverIpv4AndIpv6) {
  StartTracker();
  for (bool ipv6 : {false, true}) {
    SCOPED_TRACE(ipv6 ? "IPv6" : "IPv4");
    Client seeder(ipv6, ipv6 ? tracker_->ipv6_port() : tracker_->ipv4_port());
    Client leecher(ipv6, ipv6 ? tracker_->ipv6_port() : tracker_->ipv4_port());
    const uint8_t hash = ipv6 ? 0x66 : 0x44;

    std::optional<std::vector<uint8_t>> reply = seeder.RoundTrip(
        Announce(seeder.Connect(), hash, 6881, 0, wire::AnnounceEvent::kCompleted));
    ASSERT_TRUE(reply.has_value());
    reply = leecher.RoundTrip(
        Announce(leecher.Connect(), hash, 6882, 100, wire::AnnounceEvent::kStarted));
    ASSERT_TRUE(reply.has_value());
    if (ipv6) {
      wire::AnnounceResponseV6 response;
      ASSERT_TRUE(wire::Parse(*reply, &response).ok());
      EXPECT_EQ(response.transaction_id, 1000u + 6882);
      EXPECT_EQ(response.interval, 900u);
      EXPECT_EQ(response.seeders, 1u);
      EXPECT_EQ(response.leechers, 1u);
      ASSERT_EQ(response.peers.size(), 1u);  // the seeder, not the leecher itself
      EXPECT_EQ(response.peers[0].port, 6881);
      EXPECT_EQ(response.peers[0].ip[15], 1);  // ::1
    } else {
      wire::AnnounceResponseV4 response;
      ASSERT_TRUE(wire::Parse(*reply, &response).ok());
      EXPECT_EQ(response.seeders, 1u);
      EXPECT_EQ(response.leechers, 1u);
      ASSERT_EQ(response.peers.size(), 1u);
      EXPECT_EQ(response.peers[0].ip, (std::array<uint8_t, 4>{127, 0, 0, 1}));
      EXPECT_EQ(response.peers[0].port, 6881);
    }

    wire::ScrapeRequest scrape;
    scrape.connection_id = leecher.Connect();
    scrape.transaction_id = 5;
    scrape.info_hashes.resize(2);
    scrape.info_hashes[0].info_hash.fill(hash);
    scrape.info_hashes[1].info_hash.fill(0x99);  // unknown: zeros
    reply = leecher.RoundTrip(scrape);
    ASSERT_TRUE(reply.has_value());
    wire::ScrapeResponse scraped;
    ASSERT_TRUE(wire::Parse(*reply, &scraped).ok());
    ASSERT_EQ(scraped.torrents.size(), 2u);
    EXPECT_EQ(scraped.torrents[0].seeders, 1u);
    EXPECT_EQ(scraped.torrents[0].leechers, 1u);
    EXPECT_EQ(scraped.torrents[0].completed, 1u);  // the seeder's event=completed
    EXPECT_EQ(scraped.torrents[1].seeders, 0u);
    EXPECT_EQ(scraped.torrents[1].completed, 0u);
  }
  // IPv4 and IPv6 peers of one torrent never meet.
  Client v4(false, tracker_->ipv4_port());
  Client v6(true, tracker_->ipv6_port());
  v4.RoundTrip(Announce(v4.Connect(), 0x11, 1, 5, wire::AnnounceEvent::kStarted));
  std::optional<std::vector<uint8_t>> reply =
      v6.RoundTrip(Announce(v6.Connect(), 0x11, 2, 5, wire::AnnounceEvent::kStarted));
  wire::AnnounceResponseV6 response;
  ASSERT_TRUE(reply.has_value() && wire::Parse(*reply, &response).ok());
  EXPECT_TRUE(response.peers.empty());
}

// With one address family each worker blocks in recvmmsg on its one socket.
TEST_F(UdpTrackerTest, SingleSocketWorkersServeAndStop) {
  StartTracker("off", /*use_ipv6=*/false);
  EXPECT_EQ(tracker_->ipv6_port(), 0);
  Client client(false, tracker_->ipv4_port());
  for (int i = 0; i < 20; ++i) EXPECT_NE(client.Connect(), 0u);
  const auto start = std::chrono::steady_clock::now();
  runtime_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(UdpTrackerTest, StoppedRemovesThePeer) {
  StartTracker();
  Client a(false, tracker_->ipv4_port());
  Client b(false, tracker_->ipv4_port());
  a.RoundTrip(Announce(a.Connect(), 0x22, 1, 5, wire::AnnounceEvent::kStarted));
  a.RoundTrip(Announce(a.Connect(), 0x22, 1, 5, wire::AnnounceEvent::kStopped));
  std::optional<std::vector<uint8_t>> reply =
      b.RoundTrip(Announce(b.Connect(), 0x22, 2, 5, wire::AnnounceEvent::kStarted));
  wire::AnnounceResponseV4 response;
  ASSERT_TRUE(reply.has_value() && wire::Parse(*reply, &response).ok());
  EXPECT_TRUE(response.peers.empty());
  EXPECT_EQ(response.leechers, 1u);
}

TEST_F(UdpTrackerTest, BadConnectionIdsAndGarbageAreDroppedSilently) {
  StartTracker();
  Client client(false, tracker_->ipv4_port());
  // A connection id the tracker never issued.
  client.Send([] {
    std::vector<uint8_t> bytes(wire::AnnounceRequest::kFixedSize);
    wire::Serialize(Announce(0x1234, 1, 1, 0, wire::AnnounceEvent::kNone), absl::MakeSpan(bytes))
        .IgnoreError();
    return bytes;
  }());
  EXPECT_FALSE(client.Receive(300).has_value());
  // Garbage of every short length, and an oversized datagram.
  for (size_t length = 0; length < 40; ++length) client.Send(std::vector<uint8_t>(length, 0xab));
  client.Send(std::vector<uint8_t>(3000, 0));
  EXPECT_FALSE(client.Receive(300).has_value());
  // The worker still serves.
  EXPECT_NE(client.Connect(), 0u);
  EXPECT_GE(tracker_->counters().Total(UdpCounter::kDropped), 42u);
}

// BEP 15 amplification: a source that has not shown it receives at its
// address (no valid connection id) gets at most as many bytes as it sent,
// whatever it sends: only a connect is answered, 16 bytes for 16. Connection
// ids are checked statelessly, so a flood of bad ones costs no memory.
TEST_F(UdpTrackerTest, AnUnverifiedSourceNeverGetsMoreBytesThanItSent) {
  StartTracker();
  Client client(false, tracker_->ipv4_port());
  std::vector<std::vector<uint8_t>> datagrams;
  wire::ConnectRequest connect;
  connect.transaction_id = 5;
  std::vector<uint8_t> connect_bytes(wire::SerializedSize(connect));
  ASSERT_TRUE(wire::Serialize(connect, absl::MakeSpan(connect_bytes)).ok());
  datagrams.push_back(connect_bytes);
  // Announces and scrapes with made-up connection ids, whole and truncated.
  for (uint64_t made_up : {uint64_t{0}, uint64_t{0x41727101980}, ~uint64_t{0}}) {
    std::vector<uint8_t> announce(wire::AnnounceRequest::kFixedSize);
    ASSERT_TRUE(wire::Serialize(Announce(made_up, 1, 1, 0, wire::AnnounceEvent::kStarted),
                                absl::MakeSpan(announce))
                    .ok());
    datagrams.push_back(announce);
    datagrams.emplace_back(announce.begin(), announce.begin() + 20);
    wire::ScrapeRequest scrape;
    scrape.connection_id = made_up;
    scrape.transaction_id = 6;
    scrape.info_hashes.resize(70);
    std::vector<uint8_t> scrape_bytes(wire::SerializedSize(scrape));
    ASSERT_TRUE(wire::Serialize(scrape, absl::MakeSpan(scrape_bytes)).ok());
    datagrams.push_back(scrape_bytes);
  }
  // A connect with trailing bytes, and every short prefix of one.
  std::vector<uint8_t> padded = connect_bytes;
  padded.resize(200, 0);
  datagrams.push_back(padded);
  for (size_t length = 0; length < connect_bytes.size(); ++length) {
    datagrams.emplace_back(connect_bytes.begin(), connect_bytes.begin() + length);
  }
  size_t sent = 0;
  size_t received = 0;
  for (const std::vector<uint8_t>& datagram : datagrams) {
    client.Send(datagram);
    sent += datagram.size();
    while (std::optional<std::vector<uint8_t>> reply = client.Receive(100)) {
      received += reply->size();
      EXPECT_LE(reply->size(), datagram.size());
    }
  }
  EXPECT_GT(received, 0u);  // the connects were answered
  EXPECT_LE(received, sent);
}

TEST_F(UdpTrackerTest, ErrorRepliesWhereTheProtocolAllowsThem) {
  StartTracker();
  Client client(false, tracker_->ipv4_port());
  const uint64_t connection_id = client.Connect();
  // A truncated announce from a connected client: an error with its
  // transaction id.
  std::vector<uint8_t> truncated(40);
  wire::AnnounceRequest announce = Announce(connection_id, 1, 1, 0, wire::AnnounceEvent::kNone);
  std::vector<uint8_t> full(wire::AnnounceRequest::kFixedSize);
  ASSERT_TRUE(wire::Serialize(announce, absl::MakeSpan(full)).ok());
  std::copy(full.begin(), full.begin() + 40, truncated.begin());
  client.Send(truncated);
  std::optional<std::vector<uint8_t>> reply = client.Receive();
  wire::ErrorResponse error;
  ASSERT_TRUE(reply.has_value() && wire::Parse(*reply, &error).ok());
  EXPECT_EQ(error.transaction_id, announce.transaction_id);
  EXPECT_EQ(error.message, "invalid request");
  // More info hashes than max_scrape_torrents (3).
  wire::ScrapeRequest scrape;
  scrape.connection_id = connection_id;
  scrape.transaction_id = 9;
  scrape.info_hashes.resize(4);
  reply = client.RoundTrip(scrape);
  ASSERT_TRUE(reply.has_value() && wire::Parse(*reply, &error).ok());
  EXPECT_EQ(error.transaction_id, 9u);
  EXPECT_EQ(error.message, "too many info hashes in one scrape");
}

TEST_F(UdpTrackerTest, AccessListAppliesToAnnounceAndScrapeAndReloads) {
  StartTracker("allow");
  Client client(false, tracker_->ipv4_port());
  const uint64_t connection_id = client.Connect();
  // 0xaa.. is allowed.
  std::optional<std::vector<uint8_t>> reply =
      client.RoundTrip(Announce(connection_id, 0xaa, 1, 0, wire::AnnounceEvent::kStarted));
  wire::AnnounceResponseV4 response;
  ASSERT_TRUE(reply.has_value() && wire::Parse(*reply, &response).ok());
  // 0xbb.. is not.
  reply = client.RoundTrip(Announce(connection_id, 0xbb, 1, 0, wire::AnnounceEvent::kStarted));
  wire::ErrorResponse error;
  ASSERT_TRUE(reply.has_value() && wire::Parse(*reply, &error).ok());
  EXPECT_EQ(error.message, "info hash not allowed");
  // Scrape answers zeros for a denied hash.
  wire::ScrapeRequest scrape;
  scrape.connection_id = connection_id;
  scrape.info_hashes.resize(2);
  scrape.info_hashes[0].info_hash.fill(0xaa);
  scrape.info_hashes[1].info_hash.fill(0xbb);
  reply = client.RoundTrip(scrape);
  wire::ScrapeResponse scraped;
  ASSERT_TRUE(reply.has_value() && wire::Parse(*reply, &scraped).ok());
  EXPECT_EQ(scraped.torrents[0].seeders, 1u);
  EXPECT_EQ(scraped.torrents[1].seeders, 0u);
  // Reload: now only 0xbb.. is allowed.
  std::ofstream(access_list_path_) << std::string(40, 'b') << "\n";
  runtime_->Reload();
  reply = client.RoundTrip(Announce(connection_id, 0xbb, 1, 0, wire::AnnounceEvent::kStarted));
  ASSERT_TRUE(reply.has_value() && wire::Parse(*reply, &response).ok());
  // A broken file keeps the current list.
  std::ofstream(access_list_path_) << "broken\n";
  runtime_->Reload();
  reply = client.RoundTrip(Announce(connection_id, 0xbb, 1, 0, wire::AnnounceEvent::kNone));
  ASSERT_TRUE(reply.has_value() && wire::Parse(*reply, &response).ok());
}

std::string HttpGet(uint16_t port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return "";
  }
  const std::string request = absl::StrCat("GET ", path, " HTTP/1.0\r\n\r\n");
  send(fd, request.data(), request.size(), 0);
  std::string response;
  char buffer[4096];
  ssize_t n;
  while ((n = recv(fd, buffer, sizeof(buffer), 0)) > 0) response.append(buffer, n);
  close(fd);
  return response;
}

TEST_F(UdpTrackerTest, PrometheusEndpoint) {
  StartTracker();
  Client client(true, tracker_->ipv6_port());
  client.RoundTrip(Announce(client.Connect(), 0x33, 1, 0, wire::AnnounceEvent::kStarted));
  const std::string metrics = HttpGet(runtime_->prometheus_port(), "/metrics");
  EXPECT_TRUE(absl::StartsWith(metrics, "HTTP/1.0 200 OK")) << metrics;
  for (const char* expected :
       {"# HELP aquatic_requests_total ", "# TYPE aquatic_requests_total counter",
        "aquatic_requests_total{protocol=\"udp\",type=\"connect\",ip_version=\"6\"} 1",
        "aquatic_responses_total{protocol=\"udp\",type=\"announce\",ip_version=\"6\"} 1",
        "# TYPE aquatic_torrents gauge", "aquatic_torrents{swarm=\"ip\"} 1",
        "aquatic_peers{swarm=\"ip\",ip_version=\"6\"} 1", "aquatic_seeders{swarm=\"ip\"} 1",
        "aquatic_leechers{swarm=\"ip\"} 0",
        "# TYPE aquatic_completed_downloads_total counter",
        "aquatic_rx_bytes_total{protocol=\"udp\",ip_version=\"6\"} 114"}) {
    EXPECT_TRUE(absl::StrContains(metrics, expected)) << expected << "\n" << metrics;
  }
  EXPECT_TRUE(absl::StartsWith(HttpGet(runtime_->prometheus_port(), "/other"), "HTTP/1.0 404"));
}

TEST_F(UdpTrackerTest, CleaningRemovesPeersOlderThanMaxPeerAge) {
  StartTracker();
  Client client(false, tracker_->ipv4_port());
  client.RoundTrip(Announce(client.Connect(), 0x55, 1, 0, wire::AnnounceEvent::kStarted));
  EXPECT_EQ(Stats().torrents, 1);
  runtime_->Clean();  // max_peer_age (1200 s) has not passed
  EXPECT_EQ(Stats().torrents, 1);
  config::CleaningConfig cleaning;
  cleaning.set_max_peer_age(1);
  runtime_->swarms().Clean(/*now=*/UINT32_MAX, cleaning);
  EXPECT_EQ(Stats().torrents, 0);
}

}  // namespace
}  // namespace aquatic::udp
