// `aquatic run`'s config and process with every protocol linked in: the
// registry, the file's shape, the checks across front-ends, and the shared
// swarms over real loopback sockets (a peer announced over HTTP is handed
// out over UDP, and scrape counts agree whichever protocol asks).
#include "tracker/server/server_config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "codec/http/http.codec.h"
#include "codec/udp/udp.codec.h"
#include "gtest/gtest.h"
#include "tracker/base/config/http.pb.h"
#include "tracker/base/config/udp.pb.h"
#include "tracker/base/config/ws.pb.h"
#include "tracker/http/http_front_end.h"
#include "tracker/server/test_server.h"
#include "tracker/server/testing/http_client.h"
#include "tracker/server/testing/udp_client.h"
#include "tracker/udp/udp_front_end.h"

namespace aquatic {
namespace {

using google::protobuf::util::MessageDifferencer;
using http_client::HttpGet;
using udp_client::UdpClient;

std::string ErrorOf(absl::string_view toml) {
  absl::StatusOr<ServerConfig> config = ParseServerConfig(toml, "tracker.toml");
  return config.ok() ? "OK" : std::string(config.status().message());
}

std::string ProtocolErrorOf(absl::string_view protocol, absl::string_view toml) {
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> config =
      ParseProtocolConfig(*FindProtocol(protocol), toml, "own.toml");
  return config.ok() ? "OK" : std::string(config.status().message());
}

TEST(ProtocolRegistryTest, EveryProtocolInOrder) {
  std::vector<std::string> names;
  for (const Protocol* protocol : Protocols()) names.emplace_back(protocol->name());
  EXPECT_EQ(names, (std::vector<std::string>{"udp", "http", "ws"}));
  EXPECT_EQ(FindProtocol("http")->name(), "http");
  EXPECT_EQ(FindProtocol("ftp"), nullptr);
  EXPECT_TRUE(FindProtocol("http")->StoresPeerIds());
  EXPECT_FALSE(FindProtocol("udp")->StoresPeerIds());
}

TEST(ServerConfigTest, DefaultsServeUdpAlone) {
  const ServerConfig config = DefaultServerConfig();
  ASSERT_EQ(config.front_ends.size(), 3u);
  EXPECT_TRUE(config.front_ends[0].protocol->Enabled(*config.front_ends[0].config));
  EXPECT_FALSE(config.front_ends[1].protocol->Enabled(*config.front_ends[1].config));
  EXPECT_FALSE(config.front_ends[2].protocol->Enabled(*config.front_ends[2].config));
  EXPECT_TRUE(ValidateServerConfig(config).ok());
}

TEST(ServerConfigTest, PrintedDefaultsParseBackToDefaults) {
  const ServerConfig defaults = DefaultServerConfig();
  const std::string printed = PrintServerConfig(defaults);
  for (const char* table : {"\n[udp]\n", "\n[udp.network]\n", "\n[http]\n", "\n[http.protocol]\n",
                            "\n[ws]\n", "\n[ws.network]\n", "\n[cleaning]\n", "\n[statistics]\n"}) {
    EXPECT_TRUE(absl::StrContains(printed, table)) << table;
  }
  // The shared keys come before any table.
  EXPECT_LT(printed.find("socket_workers = "), printed.find("\n[udp]\n"));
  absl::StatusOr<ServerConfig> parsed = ParseServerConfig(printed, "-p");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(MessageDifferencer::Equivalent(parsed->shared, defaults.shared));
  for (size_t i = 0; i < defaults.front_ends.size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equivalent(*parsed->front_ends[i].config,
                                           *defaults.front_ends[i].config));
  }
}

TEST(ServerConfigTest, TablesConfigureTheirFrontEnds) {
  absl::StatusOr<ServerConfig> config = ParseServerConfig(
      "socket_workers = 2\n"
      "[cleaning]\nmax_peer_age = 1000\n"
      "[udp.network]\naddress_ipv4 = \"127.0.0.1:7000\"\n"
      "[http]\nenabled = true\n"
      "[http.network]\naddress_ipv4 = \"127.0.0.1:7000\"\nkeep_alive = false\n"
      "[http.protocol]\nmax_response_peers = 10\n",
      "tracker.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->shared.socket_workers(), 2u);
  EXPECT_EQ(config->shared.cleaning().max_peer_age(), 1000u);
  const auto& udp = static_cast<const config::UdpFrontEndConfig&>(*config->front_ends[0].config);
  const auto& http = static_cast<const config::HttpFrontEndConfig&>(*config->front_ends[1].config);
  EXPECT_EQ(udp.network().listen().address_ipv4(), "127.0.0.1:7000");
  EXPECT_TRUE(http.enabled());
  EXPECT_FALSE(http.network().keep_alive());
  EXPECT_EQ(http.protocol().max_response_peers(), 10u);
}

TEST(ServerConfigTest, ErrorsNameTheTableAndKey) {
  EXPECT_EQ(ErrorOf("[udp.network]\nport = 1\n"), "unknown key 'port' in [udp.network]");
  EXPECT_EQ(ErrorOf("[udp.network]\nuse_ipv4 = false\nuse_ipv6 = false\n"),
            "[udp.network] use_ipv4, use_ipv6: both are false, so the tracker would listen "
            "nowhere");
  EXPECT_EQ(ErrorOf("[http]\nenabled = true\n[http.network]\naddress_ipv4 = \"127.0.0.1:1\"\n"
                    "enable_tls = true\n"),
            "[http.network] enable_tls: needs tls_certificate_path and tls_private_key_path");
  EXPECT_EQ(ErrorOf("[ws]\nenabled = true\n[ws.network]\nwebsocket_max_frame_size = 100000\n"),
            "[ws.network] websocket_max_frame_size: larger than websocket_max_message_size");
  // Peers asked to announce less often than cleaning forgets them.
  EXPECT_EQ(ErrorOf("[cleaning]\nmax_peer_age = 600\n[udp.protocol]\npeer_announce_interval = 900\n"),
            "[udp.protocol] peer_announce_interval: 900 is not below [cleaning] max_peer_age (600), "
            "so peers would be removed before they announce again");
  // Limits the codecs export.
  EXPECT_EQ(ErrorOf("[udp.protocol]\nmax_scrape_torrents = 75\n"),
            "[udp.protocol] max_scrape_torrents: 75 is more than one UDP scrape request can "
            "carry (74)");
  EXPECT_EQ(ErrorOf("[udp.protocol]\nmax_response_peers = 201\n"),
            "[udp.protocol] max_response_peers: 201 is more than one UDP announce response can "
            "carry (200)");
  EXPECT_EQ(ErrorOf("[http]\nenabled = true\n[http.protocol]\nmax_scrape_torrents = 10000\n"),
            "[http.protocol] max_scrape_torrents: 10000 is more than one HTTP scrape request can "
            "carry (1024)");
  EXPECT_EQ(ErrorOf("[ws]\nenabled = true\n[ws.protocol]\nmax_scrape_torrents = 257\n"),
            "[ws.protocol] max_scrape_torrents: 257 is more than one WebTorrent scrape can carry "
            "(256)");
  EXPECT_EQ(ErrorOf("[ws]\nenabled = true\n[ws.protocol]\nmax_offers = 101\n"),
            "[ws.protocol] max_offers: 101 is more than one WebTorrent announce can carry (100)");
  EXPECT_EQ(ProtocolErrorOf("udp", "[protocol]\nmax_scrape_torrents = 255\n"),
            "[protocol] max_scrape_torrents: 255 is more than one UDP scrape request can carry "
            "(74)");
  EXPECT_EQ(ErrorOf("[udp.protocol]\nmax_scrape_torrents = 74\nmax_response_peers = 200\n"),
            "OK");
  // A disabled front-end's table is not checked.
  EXPECT_EQ(ErrorOf("[ws.network]\nwebsocket_max_frame_size = 100000\n"), "OK");
  EXPECT_EQ(ErrorOf("[udp]\nenabled = false\n"),
            "no front-end is enabled: set enabled = true in [udp], [http] or [ws]");
}

// SO_REUSEPORT would let two front-ends of one transport share a port and
// the kernel spread clients over both: refused at load time.
TEST(ServerConfigTest, TwoTcpFrontEndsCannotShareAPort) {
  EXPECT_EQ(ErrorOf("[http]\nenabled = true\n[ws]\nenabled = true\n"),
            "[http.network] address_ipv4 and [ws.network] address_ipv4: both listen on "
            "0.0.0.0:3000 (TCP); give them different ports");
  EXPECT_EQ(ErrorOf("[http]\nenabled = true\n[http.network]\nuse_ipv6 = false\n"
                    "address_ipv4 = \"127.0.0.1:4000\"\n"
                    "[ws]\nenabled = true\n[ws.network]\nuse_ipv6 = false\n"
                    "address_ipv4 = \"0.0.0.0:4000\"\n"),
            "[http.network] address_ipv4 and [ws.network] address_ipv4: both listen on "
            "0.0.0.0:4000 (TCP); give them different ports");
  // UDP and TCP on one port number, other ports, or port 0 (any) are fine.
  EXPECT_EQ(ErrorOf("[http]\nenabled = true\n"), "OK");
  EXPECT_EQ(ErrorOf("[http]\nenabled = true\n[ws]\nenabled = true\n[ws.network]\n"
                    "address_ipv4 = \"0.0.0.0:3001\"\naddress_ipv6 = \"[::]:3001\"\n"),
            "OK");
  EXPECT_EQ(ErrorOf("[http]\nenabled = true\n[http.network]\naddress_ipv4 = \"127.0.0.1:0\"\n"
                    "address_ipv6 = \"[::1]:0\"\n"
                    "[ws]\nenabled = true\n[ws.network]\naddress_ipv4 = \"127.0.0.1:0\"\n"
                    "address_ipv6 = \"[::1]:0\"\n"),
            "OK");
}

TEST(ServerConfigTest, AProtocolsOwnFileServesItAlone) {
  config::HttpConfig own;
  own.set_socket_workers(3);
  own.mutable_cleaning()->set_max_connection_idle(7);
  own.mutable_cleaning()->set_max_peer_age(99);
  own.mutable_network()->set_keep_alive(false);
  const ServerConfig config = ServerConfigFor(*FindProtocol("http"), own);
  EXPECT_FALSE(config.combined);
  ASSERT_EQ(config.front_ends.size(), 1u);
  EXPECT_EQ(config.shared.socket_workers(), 3u);
  EXPECT_EQ(config.shared.cleaning().max_connection_idle(), 7u);
  EXPECT_EQ(config.shared.cleaning().max_peer_age(), 99u);
  const auto& http = static_cast<const config::HttpFrontEndConfig&>(*config.front_ends[0].config);
  EXPECT_TRUE(http.enabled());
  EXPECT_FALSE(http.network().keep_alive());
  // Its errors name its own sections.
  EXPECT_EQ(ProtocolErrorOf("http", "[network]\nenable_tls = true\n"),
            "[network] enable_tls: needs tls_certificate_path and tls_private_key_path");
  EXPECT_EQ(ProtocolErrorOf("udp", "[network]\nuse_ipv4 = false\nuse_ipv6 = false\n"),
            "[network] use_ipv4, use_ipv6: both are false, so the tracker would listen "
            "nowhere");
  EXPECT_EQ(ProtocolErrorOf("ws", "[network]\nwebsocket_max_frame_size = 100000\n"),
            "[network] websocket_max_frame_size: larger than websocket_max_message_size");
}

// --- The process over real sockets --------------------------------------------

namespace udp_wire = ::aquatic::codec::udp;
namespace http_wire = ::aquatic::codec::http;

// One request on a fresh connection; the body of the answer.
class CombinedServerTest : public testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Runtime>> runtime = StartServerFromToml(
        absl::StrCat("socket_workers = 2\nlog_level = \"off\"\n", kLoopbackAllProtocolsToml));
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    runtime_ = *std::move(runtime);
    udp_ = static_cast<udp::UdpFrontEnd*>(runtime_->Find("udp"));
    http_ = static_cast<http::HttpFrontEnd*>(runtime_->Find("http"));
    ASSERT_NE(udp_, nullptr);
    ASSERT_NE(http_, nullptr);
    ASSERT_NE(runtime_->Find("ws"), nullptr);
  }

  std::unique_ptr<Runtime> runtime_;
  udp::UdpFrontEnd* udp_ = nullptr;
  http::HttpFrontEnd* http_ = nullptr;
};

TEST_F(CombinedServerTest, UdpAndHttpShareSwarms) {
  const std::string hash(20, 'C');
  // A seeder announces over HTTP only ...
  http_wire::AnnounceResponse seeded;
  ASSERT_TRUE(http_wire::Parse(HttpGet(http_->ipv4_port(),
                                       absl::StrCat("/announce?info_hash=", hash, "&peer_id=",
                                                    std::string(20, 's'),
                                                    "&port=6001&left=0&event=completed&compact=1")),
                               &seeded)
                  .ok());
  // ... and a leecher over UDP only gets it back.
  UdpClient client(udp_->ipv4_port());
  udp_wire::AnnounceRequest announce;
  announce.connection_id = client.Connect();
  announce.transaction_id = 9;
  std::copy(hash.begin(), hash.end(), announce.info_hash.begin());
  announce.peer_id.fill('l');
  announce.left = 100;
  announce.event = udp_wire::AnnounceEvent::kStarted;
  announce.num_want = -1;
  announce.port = 6002;
  udp_wire::AnnounceResponseV4 response;
  ASSERT_TRUE(client.RoundTrip(announce, &response));
  EXPECT_EQ(response.seeders, 1u);
  EXPECT_EQ(response.leechers, 1u);
  ASSERT_EQ(response.peers.size(), 1u);
  EXPECT_EQ(response.peers[0].port, 6001);

  // The HTTP side sees the UDP leecher, with its peer id (non-compact).
  http_wire::AnnounceResponse dictionary;
  ASSERT_TRUE(http_wire::Parse(HttpGet(http_->ipv4_port(),
                                       absl::StrCat("/announce?info_hash=", hash, "&peer_id=",
                                                    std::string(20, 'x'),
                                                    "&port=6003&left=0&compact=0")),
                               &dictionary)
                  .ok());
  ASSERT_TRUE(dictionary.peers.has_value());
  ASSERT_EQ(dictionary.peers->size(), 1u);  // a seeder gets leechers only
  EXPECT_EQ((*dictionary.peers)[0].port, 6002);
  ASSERT_TRUE((*dictionary.peers)[0].peer_id.has_value());
  const std::array<uint8_t, 20> peer_id = *(*dictionary.peers)[0].peer_id;
  EXPECT_EQ(std::string(peer_id.begin(), peer_id.end()), std::string(20, 'l'));

  // Scrape counts agree whichever protocol asks.
  http_wire::ScrapeResponse http_scrape;
  ASSERT_TRUE(http_wire::Parse(HttpGet(http_->ipv4_port(),
                                       absl::StrCat("/scrape?info_hash=", hash)),
                               &http_scrape)
                  .ok());
  ASSERT_EQ(http_scrape.files.size(), 1u);
  udp_wire::ScrapeRequest scrape;
  scrape.connection_id = client.Connect();
  scrape.info_hashes.resize(1);
  std::copy(hash.begin(), hash.end(), scrape.info_hashes[0].info_hash.begin());
  udp_wire::ScrapeResponse udp_scrape;
  ASSERT_TRUE(client.RoundTrip(scrape, &udp_scrape));
  EXPECT_EQ(udp_scrape.torrents[0].seeders, 2u);
  EXPECT_EQ(udp_scrape.torrents[0].leechers, 1u);
  EXPECT_EQ(udp_scrape.torrents[0].completed, 1u);
  EXPECT_EQ(http_scrape.files[0].complete, 2);
  EXPECT_EQ(http_scrape.files[0].incomplete, 1);
  EXPECT_EQ(http_scrape.files[0].downloaded, 1);
}

TEST_F(CombinedServerTest, OneEndpointLabelsEveryProtocol) {
  const std::string text = runtime_->RenderPrometheus();
  for (const char* expected :
       {"aquatic_requests_total{protocol=\"udp\",type=\"connect\",ip_version=\"4\"} 0",
        "aquatic_requests_total{protocol=\"http\",type=\"announce\",ip_version=\"4\"} 0",
        "aquatic_requests_total{protocol=\"ws\",type=\"announce\",ip_version=\"4\"} 0",
        "aquatic_open_connections{protocol=\"http\"} 0",
        "aquatic_connections_total{protocol=\"ws\",result=\"accepted\",ip_version=\"4\"} 0",
        "aquatic_torrents{swarm=\"ip\"} 0", "aquatic_torrents{swarm=\"webtorrent\"} 0"}) {
    EXPECT_TRUE(absl::StrContains(text, expected)) << expected << "\n" << text;
  }
  // One HELP and TYPE per metric name, whichever front-ends it spans.
  size_t helps = 0;
  for (size_t at = text.find("# TYPE aquatic_requests_total "); at != std::string::npos;
       at = text.find("# TYPE aquatic_requests_total ", at + 1)) {
    ++helps;
  }
  EXPECT_EQ(helps, 1u);
  EXPECT_NE(runtime_->prometheus_port(), 0);
  EXPECT_TRUE(absl::StrContains(runtime_->Describe(), "udp on 127.0.0.1:")) << runtime_->Describe();
  EXPECT_TRUE(absl::StrContains(runtime_->Describe(), "http on 127.0.0.1:"));
  EXPECT_TRUE(absl::StrContains(runtime_->Describe(), "ws on 127.0.0.1:"));
}

}  // namespace
}  // namespace aquatic
