// A private tracker in one `aquatic run` process over real loopback sockets:
// keys made, imported and revoked through the API, then used (or not) by
// UDP (BEP 41 URL data), HTTP (both keyed path shapes) and WebTorrent (the
// socket's path); the client filter in every protocol and its reload; each
// key's transfers read back through the API after the storage wrote them;
// refusals counted by reason.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "codec/http/http.codec.h"
#include "codec/udp/udp.codec.h"
#include "gtest/gtest.h"
#include "tracker/server/tcp_front_end.h"
#include "tracker/server/test_server.h"
#include "tracker/server/testing/http_client.h"
#include "tracker/server/testing/udp_client.h"
#include "tracker/udp/udp_front_end.h"
#include "tracker/testing/announce_probes.h"
#include "tracker/ws/ws_test_client.h"

namespace aquatic {
namespace {

using http_client::HttpReply;
using http_client::HttpRequest;
using announce_probes::JsonString;
using udp_client::UdpClient;
namespace udp_wire = ::aquatic::codec::udp;
namespace http_wire = ::aquatic::codec::http;

constexpr char kToken[] = "private-tracker-test-token";
constexpr char kImported[] = "YZSl4lMZupRuOpSRC3krIKR5BPB14nrJ";
constexpr char kQbittorrent[] = "-qB4650-";
constexpr char kDenied[] = "-XX0001-";

// 20 bytes: a client prefix and a fill.
std::string PeerId(absl::string_view prefix, char fill) {
  return absl::StrCat(prefix, std::string(20 - prefix.size(), fill));
}

// An info hash of 20 `fill` bytes in hex, as the API writes it.
std::string HashHex(char fill) {
  std::string hex;
  for (int i = 0; i < 20; ++i) absl::StrAppend(&hex, absl::Hex(fill, absl::kZeroPad2));
  return hex;
}

class PrivateTrackerTest : public testing::Test {
 protected:
  void SetUp() override {
    directory_ = testing::TempDir() + "/private_" +
                 testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
    std::ofstream(directory_ + "/clients.txt") << "# refused\n" << kDenied << "\n";
    Start();
  }

  // The tracker over what directory_ holds (its database included).
  void Start() {
    runtime_.reset();
    absl::StatusOr<std::unique_ptr<Runtime>> runtime = StartServerFromToml(
        absl::StrCat("socket_workers = 2\nlog_level = \"off\"\n",
                     "[private]\nmode = \"keys\"\n",
                     "[client_filter]\nmode = \"deny\"\npath = \"", directory_, "/clients.txt\"\n",
                     "[storage]\nbackend = \"sqlite\"\npath = \"", directory_, "/db.sqlite3\"\n",
                     "[api]\nenabled = true\naddress = \"127.0.0.1:0\"\n",
                     "access_tokens = [\"", kToken, "\"]\n", kLoopbackAllProtocolsToml));
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    runtime_ = *std::move(runtime);
    udp_port_ = static_cast<udp::UdpFrontEnd*>(runtime_->Find("udp"))->ipv4_port();
    http_port_ = static_cast<TcpFrontEnd*>(runtime_->Find("http"))->ipv4_port();
    ws_port_ = static_cast<TcpFrontEnd*>(runtime_->Find("ws"))->ipv4_port();
    api_port_ = static_cast<TcpFrontEnd*>(runtime_->Find("api"))->ipv4_port();
  }

  HttpReply Api(absl::string_view method, absl::string_view target) {
    absl::StatusOr<HttpReply> reply =
        HttpRequest(api_port_, method, target, absl::StrCat("Authorization: Bearer ", kToken, "\r\n"));
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *reply : HttpReply{};
  }

  // A new key valid for `seconds` (0: forever) through the API.
  std::string MakeKey(uint64_t seconds) {
    const HttpReply reply = Api("POST", absl::StrCat("/api/v1/key/", seconds));
    EXPECT_EQ(reply.status, 200) << reply.body;
    return JsonString(reply.body, "key");
  }

  static announce_probes::ProbeAnnounce Probe(absl::string_view peer_id, char hash) {
    announce_probes::ProbeAnnounce announce;
    announce.info_hash = std::string(20, hash);
    announce.peer_id = std::string(peer_id);
    return announce;
  }

  // The failure reason of an HTTP announce, or "" when it got peers.
  std::string HttpAnnounce(absl::string_view path, absl::string_view peer_id, char hash,
                           absl::string_view extra = "") {
    return announce_probes::HttpAnnounceFailure(http_port_, path, Probe(peer_id, hash), extra);
  }

  // The error message of a UDP announce with `url_data`, or "" when answered.
  std::string UdpAnnounce(absl::string_view url_data, absl::string_view peer_id, char hash) {
    return announce_probes::UdpAnnounceError(udp_port_, url_data, Probe(peer_id, hash));
  }

  // The `failure reason` of a WebTorrent announce on `socket`, or "".
  std::string WsAnnounce(ws::WsTestClient& socket, absl::string_view peer_id, char hash) {
    return announce_probes::WsAnnounceFailure(socket, Probe(peer_id, hash));
  }

  std::unique_ptr<ws::WsTestClient> WsConnect(absl::string_view target) {
    ws::WsTestClient::Options options;
    options.target = std::string(target);
    std::string error;
    std::unique_ptr<ws::WsTestClient> client = ws::WsTestClient::Connect(ws_port_, options, &error);
    EXPECT_NE(client, nullptr) << error;
    return client;
  }

  std::string directory_;
  std::unique_ptr<Runtime> runtime_;
  uint16_t udp_port_ = 0, http_port_ = 0, ws_port_ = 0, api_port_ = 0;
};

TEST_F(PrivateTrackerTest, KeysInEveryProtocol) {
  const std::string key = MakeKey(0);
  ASSERT_EQ(key.size(), 32u);
  const std::string peer = PeerId(kQbittorrent, 'a');

  // HTTP: both path shapes, scrape likewise.
  EXPECT_EQ(HttpAnnounce(absl::StrCat("/announce/", key), peer, 'h'), "");
  EXPECT_EQ(HttpAnnounce(absl::StrCat("/", key, "/announce"), peer, 'h'), "");
  EXPECT_EQ(HttpAnnounce("/announce", peer, 'h'), "private tracker: the URL carries no valid key");
  EXPECT_EQ(HttpAnnounce("/announce/not-a-key", peer, 'h'),
            "private tracker: the URL carries no valid key");
  EXPECT_EQ(HttpAnnounce(absl::StrCat("/announce/", kImported), peer, 'h'),
            "private tracker: unknown key");
  http_wire::ScrapeResponse scrape;
  ASSERT_TRUE(http_wire::Parse(http_client::HttpGet(http_port_,
                                                    absl::StrCat("/", key, "/scrape?info_hash=",
                                                                 std::string(20, 'h'))),
                               &scrape)
                  .ok());
  ASSERT_EQ(scrape.files.size(), 1u);
  EXPECT_EQ(scrape.files[0].incomplete, 1);
  http_wire::FailureResponse scrape_failure;
  ASSERT_TRUE(http_wire::Parse(http_client::HttpGet(http_port_, absl::StrCat(
                                                                    "/scrape?info_hash=",
                                                                    std::string(20, 'h'))),
                               &scrape_failure)
                  .ok());
  EXPECT_EQ(scrape_failure.failure_reason, "private tracker: the URL carries no valid key");

  // UDP: the key in BEP 41 URL data, as libtorrent sends udp://host/announce/KEY.
  EXPECT_EQ(UdpAnnounce(absl::StrCat("/announce/", key), peer, 'u'), "");
  EXPECT_EQ(UdpAnnounce(absl::StrCat("/", key, "/announce?x=1"), peer, 'u'), "");
  EXPECT_EQ(UdpAnnounce("", peer, 'u'), "private tracker: the URL carries no valid key");
  EXPECT_EQ(UdpAnnounce(absl::StrCat("/announce/", kImported), peer, 'u'),
            "private tracker: unknown key");
  {
    UdpClient client(udp_port_);
    udp_wire::ScrapeRequest request;
    request.connection_id = client.Connect();
    request.transaction_id = 9;
    request.info_hashes.push_back(udp_wire::ScrapeInfoHash{});
    const std::vector<uint8_t> reply = client.Send(request);
    udp_wire::ErrorResponse error;  // its message views `reply`
    ASSERT_TRUE(udp_wire::Parse(reply, &error).ok());
    EXPECT_TRUE(absl::StartsWith(error.message, "private tracker: a UDP scrape cannot carry a key"))
        << error.message;
  }

  // WebTorrent: the key in the socket's path.
  std::unique_ptr<ws::WsTestClient> keyed = WsConnect(absl::StrCat("/", key));
  ASSERT_NE(keyed, nullptr);
  EXPECT_EQ(WsAnnounce(*keyed, peer, 'w'), "");
  std::unique_ptr<ws::WsTestClient> bare = WsConnect("/announce");
  ASSERT_NE(bare, nullptr);
  EXPECT_EQ(WsAnnounce(*bare, peer, 'w'), "private tracker: the URL carries no valid key");

  // Revoked during the run: every protocol refuses it from the next request,
  // the open WebTorrent socket included.
  EXPECT_EQ(Api("DELETE", absl::StrCat("/api/v1/key/", key)).status, 200);
  EXPECT_EQ(Api("DELETE", absl::StrCat("/api/v1/key/", key)).status, 404);
  EXPECT_EQ(HttpAnnounce(absl::StrCat("/announce/", key), peer, 'h'),
            "private tracker: unknown key");
  EXPECT_EQ(UdpAnnounce(absl::StrCat("/announce/", key), peer, 'u'),
            "private tracker: unknown key");
  EXPECT_EQ(WsAnnounce(*keyed, peer, 'w'), "private tracker: unknown key");

  // Refusals by protocol and reason.
  const std::string metrics = runtime_->RenderPrometheus();
  for (const char* line :
       {"aquatic_refused_requests_total{protocol=\"http\",reason=\"key_missing\"} 3",
        "aquatic_refused_requests_total{protocol=\"http\",reason=\"key_unknown\"} 2",
        "aquatic_refused_requests_total{protocol=\"udp\",reason=\"key_missing\"} 2",
        "aquatic_refused_requests_total{protocol=\"udp\",reason=\"key_unknown\"} 2",
        "aquatic_refused_requests_total{protocol=\"ws\",reason=\"key_missing\"} 1",
        "aquatic_refused_requests_total{protocol=\"ws\",reason=\"key_unknown\"} 1"}) {
    EXPECT_NE(metrics.find(line), std::string::npos) << line << "\n" << metrics;
  }
}

TEST_F(PrivateTrackerTest, ImportedKeysExpire) {
  const HttpReply imported = Api("POST", absl::StrCat("/api/v1/key/1?key=", kImported));
  ASSERT_EQ(imported.status, 200) << imported.body;
  EXPECT_EQ(JsonString(imported.body, "key"), kImported);
  const std::string peer = PeerId(kQbittorrent, 'b');
  EXPECT_EQ(HttpAnnounce(absl::StrCat("/", kImported, "/announce"), peer, 'e'), "");
  EXPECT_EQ(UdpAnnounce(absl::StrCat("/announce/", kImported), peer, 'e'), "");
  // valid_until is a whole second: past it within 2.2 s.
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  EXPECT_EQ(HttpAnnounce(absl::StrCat("/", kImported, "/announce"), peer, 'e'),
            "private tracker: key expired");
  EXPECT_EQ(UdpAnnounce(absl::StrCat("/announce/", kImported), peer, 'e'),
            "private tracker: key expired");
  std::unique_ptr<ws::WsTestClient> socket = WsConnect(absl::StrCat("/", kImported));
  ASSERT_NE(socket, nullptr);
  EXPECT_EQ(WsAnnounce(*socket, peer, 'e'), "private tracker: key expired");
  // Listed with its expiry; made keys without one show null.
  MakeKey(0);
  const HttpReply keys = Api("GET", "/api/v1/keys");
  EXPECT_NE(keys.body.find(absl::StrCat("\"key\":\"", kImported, "\",\"valid_until\":")),
            std::string::npos)
      << keys.body;
  EXPECT_NE(keys.body.find("\"valid_until\":null"), std::string::npos) << keys.body;
}

TEST_F(PrivateTrackerTest, ClientFilterInEveryProtocolAndItsReload) {
  const std::string key = MakeKey(0);
  const std::string denied = PeerId(kDenied, 'c');
  const std::string allowed = PeerId(kQbittorrent, 'c');
  const std::string reason = absl::StrCat("client not allowed: peer id prefix \"", kDenied,
                                          "\" is denied");
  EXPECT_EQ(HttpAnnounce(absl::StrCat("/announce/", key), denied, 'f'), reason);
  EXPECT_EQ(UdpAnnounce(absl::StrCat("/announce/", key), denied, 'f'), reason);
  std::unique_ptr<ws::WsTestClient> socket = WsConnect(absl::StrCat("/", key));
  ASSERT_NE(socket, nullptr);
  EXPECT_EQ(WsAnnounce(*socket, denied, 'f'), reason);
  EXPECT_EQ(WsAnnounce(*socket, allowed, 'f'), "");

  // A new file through the API: the old rule goes, the new one holds.
  std::ofstream(directory_ + "/clients.txt") << "-qB\n";
  const HttpReply reloaded = Api("GET", "/api/v1/client-filter/reload");
  EXPECT_EQ(reloaded.status, 200) << reloaded.body;
  EXPECT_EQ(Api("GET", "/api/v1/client-filter").body, R"({"mode":"deny","prefixes":["-qB"]})");
  EXPECT_EQ(HttpAnnounce(absl::StrCat("/announce/", key), denied, 'f'), "");
  EXPECT_EQ(UdpAnnounce(absl::StrCat("/announce/", key), allowed, 'f'),
            "client not allowed: peer id prefix \"-qB\" is denied");
  // A bad file keeps the filter in force.
  std::ofstream(directory_ + "/clients.txt") << "-this-prefix-is-far-too-long-\n";
  EXPECT_EQ(Api("GET", "/api/v1/client-filter/reload").status, 500);
  EXPECT_EQ(HttpAnnounce(absl::StrCat("/announce/", key), allowed, 'f'),
            "client not allowed: peer id prefix \"-qB\" is denied");
  const std::string metrics = runtime_->RenderPrometheus();
  EXPECT_NE(metrics.find("aquatic_refused_requests_total{protocol=\"udp\",reason=\"client\"} 2"),
            std::string::npos)
      << metrics;
}

TEST_F(PrivateTrackerTest, TransfersPerKeyReachTheStorageAndTheApi) {
  const std::string key = MakeKey(0);
  const std::string other = MakeKey(0);
  const std::string peer = PeerId(kQbittorrent, 'd');
  const std::string path = absl::StrCat("/announce/", key);
  EXPECT_EQ(HttpAnnounce(path, peer, 't', "&event=started&uploaded=0&downloaded=0"), "");
  EXPECT_EQ(HttpAnnounce(path, peer, 't', "&uploaded=1000&downloaded=500"), "");
  EXPECT_EQ(HttpAnnounce(path, peer, 't', "&uploaded=1500&downloaded=800&event=completed"), "");
  // The client restarted: its counters went back to 100 and 0.
  EXPECT_EQ(HttpAnnounce(path, peer, 't', "&uploaded=100&downloaded=0"), "");
  EXPECT_EQ(HttpAnnounce(path, peer, 't', "&uploaded=150&downloaded=0&event=stopped"), "");
  // Another key on the same torrent is counted apart.
  EXPECT_EQ(HttpAnnounce(absl::StrCat("/announce/", other), PeerId(kQbittorrent, 'e'), 't',
                         "&event=started&uploaded=7&downloaded=7"),
            "");

  // Readable before the flush (pending) and after it (stored).
  for (int round = 0; round < 2; ++round) {
    const HttpReply stats = Api("GET", absl::StrCat("/api/v1/key/", key, "/stats"));
    ASSERT_EQ(stats.status, 200) << stats.body;
    EXPECT_NE(stats.body.find(absl::StrCat(
                  "\"key\":\"", key,
                  "\",\"revoked\":false,\"valid_until\":null,\"uploaded\":1650,"
                  "\"downloaded\":800,\"completed\":1,\"torrents\":[{\"info_hash\":\"",
                  HashHex('t'),
                  "\",\"uploaded\":1650,\"downloaded\":800,\"completed\":1}]")),
              std::string::npos)
        << stats.body;
    ASSERT_TRUE(runtime_->storage()->Flush().ok());
  }
  const HttpReply others = Api("GET", absl::StrCat("/api/v1/key/", other, "/stats"));
  EXPECT_NE(others.body.find("\"uploaded\":7,\"downloaded\":7,\"completed\":0"), std::string::npos)
      << others.body;
  // Revoked, its accounting stays readable.
  EXPECT_EQ(Api("DELETE", absl::StrCat("/api/v1/key/", key)).status, 200);
  const HttpReply revoked = Api("GET", absl::StrCat("/api/v1/key/", key, "/stats"));
  EXPECT_EQ(revoked.status, 200);
  EXPECT_NE(revoked.body.find("\"revoked\":true,\"uploaded\":1650"), std::string::npos)
      << revoked.body;
  EXPECT_EQ(Api("GET", absl::StrCat("/api/v1/key/", kImported, "/stats")).status, 404);
}

TEST_F(PrivateTrackerTest, KeysSurviveARestart) {
  const std::string key = MakeKey(0);
  Start();
  EXPECT_EQ(HttpAnnounce(absl::StrCat("/announce/", key), PeerId(kQbittorrent, 'r'), 'r'), "");
  // An edit made directly in the database reaches the tracker on reload.
  EXPECT_EQ(Api("GET", "/api/v1/keys/reload").status, 200);
  EXPECT_NE(Api("GET", "/api/v1/keys").body.find(key), std::string::npos);
}

}  // namespace
}  // namespace aquatic
