// The management API over real sockets, in a tracker process with HTTP
// announces, an allow list from a file and SQLite storage: every endpoint,
// auth failures and bad input.
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tracker/server/server_config.h"
#include "tracker/server/tcp_front_end.h"
#include "tracker/server/test_server.h"
#include "tracker/server/testing/http_client.h"

namespace aquatic {
namespace {

using http_client::HttpReply;
using http_client::HttpRequest;

constexpr char kToken[] = "operator-token-0123456789";

// Info hashes of 20 printable bytes: the same text in an announce's query
// and, as hex, in an API path.
std::string Hash(char c) { return std::string(20, c); }
std::string Hex(char c) {
  std::string hex;
  for (int i = 0; i < 20; ++i) absl::StrAppend(&hex, absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
  return hex;
}

class ApiTest : public testing::Test {
 protected:
  void SetUp() override {
    directory_ = testing::TempDir() + "/" +
                 testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::create_directories(directory_);
    std::ofstream(directory_ + "/allowed.txt") << Hex('f') << "\n";
    Start();
  }

  void Start(const std::string& extra = "") {
    runtime_.reset();
    absl::StatusOr<ServerConfig> config = ParseServerConfig(
        absl::StrCat("socket_workers = 1\nlog_level = \"off\"\n",
                     "[access_list]\nmode = \"allow\"\npath = \"", directory_, "/allowed.txt\"\n",
                     "[storage]\nbackend = \"sqlite\"\npath = \"", directory_, "/db.sqlite3\"\n",
                     "[api]\nenabled = true\naddress = \"127.0.0.1:0\"\n",
                     "access_tokens = [\"", kToken, "\"]\n", extra,
                     "[udp]\nenabled = false\n",
                     "[http]\nenabled = true\n",
                     "[http.network]\naddress_ipv4 = \"127.0.0.1:0\"\nuse_ipv6 = false\n"),
        "tracker.toml");
    ASSERT_TRUE(config.ok()) << config.status();
    absl::StatusOr<std::unique_ptr<Runtime>> runtime = StartServer(*std::move(config));
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    runtime_ = *std::move(runtime);
    api_port_ = static_cast<TcpFrontEnd*>(runtime_->Find("api"))->ipv4_port();
    http_port_ = static_cast<TcpFrontEnd*>(runtime_->Find("http"))->ipv4_port();
  }

  HttpReply Api(const std::string& method, const std::string& target, bool with_token = true) {
    absl::StatusOr<HttpReply> reply = HttpRequest(
        api_port_, method, target,
        with_token ? absl::StrCat("Authorization: Bearer ", kToken, "\r\n") : "");
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *reply : HttpReply{};
  }

  // The bencoded reply of an HTTP announce (event=completed, a seeder).
  std::string Announce(char hash, int port) {
    return http_client::HttpGet(
        http_port_, absl::StrCat("/announce?info_hash=", Hash(hash), "&peer_id=",
                                 std::string(19, 'p'), std::string(1, 'a' + port % 26),
                                 "&port=", port, "&left=0&event=completed&compact=1"));
  }

  std::string directory_;
  std::unique_ptr<Runtime> runtime_;
  uint16_t api_port_ = 0;
  uint16_t http_port_ = 0;
};

TEST_F(ApiTest, HealthNeedsNoToken) {
  for (const char* path : {"/health", "/api/health_check"}) {
    const HttpReply reply = Api("GET", path, /*with_token=*/false);
    EXPECT_EQ(reply.status, 200) << path;
    EXPECT_EQ(reply.body, R"({"status":"Ok"})");
    EXPECT_TRUE(absl::StrContains(reply.head, "Content-Type: application/json"));
  }
}

TEST_F(ApiTest, EverythingElseNeedsAValidToken) {
  HttpReply reply = Api("GET", "/api/v1/stats", /*with_token=*/false);
  EXPECT_EQ(reply.status, 401);
  EXPECT_TRUE(absl::StrContains(reply.body, R"("error":"a token is needed)")) << reply.body;
  for (const std::string& headers :
       {std::string("Authorization: Bearer wrong-token-0123456789\r\n"),
        absl::StrCat("Authorization: Bearer ", kToken, "x\r\n"),
        absl::StrCat("Authorization: Basic ", kToken, "\r\n")}) {
    absl::StatusOr<HttpReply> refused = HttpRequest(api_port_, "GET", "/api/v1/stats", headers);
    ASSERT_TRUE(refused.ok());
    EXPECT_EQ(refused->status, 401) << headers;
    EXPECT_FALSE(absl::StrContains(refused->body, kToken));
  }
  EXPECT_EQ(Api("GET", "/api/v1/stats?token=nope", false).status, 401);
  EXPECT_EQ(Api("GET", absl::StrCat("/api/v1/stats?token=", kToken), false).status, 200);
  EXPECT_EQ(Api("GET", "/api/v1/stats").status, 200);
  EXPECT_EQ(Api("GET", "/stats", false).status, 401);
  EXPECT_EQ(Api("POST", absl::StrCat("/api/v1/whitelist/", Hex('a')), false).status, 401);
  // Without a token, nothing about paths or parameters.
  EXPECT_EQ(Api("GET", "/api/v1/nothing", false).status, 401);
  EXPECT_EQ(Api("GET", "/api/v1/torrent/123", false).status, 401);
}

TEST_F(ApiTest, BadInputAndUnknownPaths) {
  HttpReply reply = Api("GET", "/api/v1/nothing");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.body, R"({"error":"no such path"})");
  reply = Api("GET", "/api/v1/torrent/123");
  EXPECT_EQ(reply.status, 400);
  EXPECT_TRUE(absl::StrContains(reply.body, "info_hash:")) << reply.body;
  reply = Api("GET", "/api/v1/torrents?limit=x");
  EXPECT_EQ(reply.status, 400);
  EXPECT_TRUE(absl::StrContains(reply.body, "limit:")) << reply.body;
  EXPECT_EQ(Api("PUT", "/api/v1/stats").status, 405);
  // A body: no endpoint takes one, and the connection closes.
  absl::StatusOr<HttpReply> with_body =
      HttpRequest(api_port_, "POST", absl::StrCat("/api/v1/whitelist/", Hex('a')),
                  "Content-Length: 5\r\n\r\nhello");
  ASSERT_TRUE(with_body.ok()) << with_body.status();
  EXPECT_EQ(with_body->status, 400);
  // Still serving.
  EXPECT_EQ(Api("GET", "/health").status, 200);
}

TEST_F(ApiTest, StatsTorrentAndTorrentsFollowAnnounces) {
  ASSERT_TRUE(absl::StrContains(Announce('f', 6001), "8:completei1e")) << Announce('f', 6001);
  HttpReply reply = Api("GET", "/api/v1/stats");
  ASSERT_EQ(reply.status, 200);
  EXPECT_TRUE(absl::StrContains(reply.body, R"("torrents":1,"seeders":1,"completed":1,"leechers":0)"))
      << reply.body;
  EXPECT_TRUE(absl::StrContains(reply.body, R"("tcp4_announces_handled":1)")) << reply.body;
  EXPECT_TRUE(absl::StrContains(reply.body, R"("udp4_announces_handled":0)")) << reply.body;
  EXPECT_TRUE(absl::StrContains(reply.body, R"("storage_up":true)")) << reply.body;

  reply = Api("GET", absl::StrCat("/api/v1/torrent/", Hex('f')));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_TRUE(absl::StrContains(
      reply.body, absl::StrCat(R"({"info_hash":")", Hex('f'),
                               R"(","seeders":1,"completed":1,"leechers":0,"peers":[)",
                               R"({"peer_id":{"id":"0x7070707070707070707070707070707070707076",)"
                               R"("client":null},"peer_addr":"127.0.0.1:6001",)")))
      << reply.body;
  EXPECT_TRUE(absl::StrContains(reply.body, R"("seeder":true}]})")) << reply.body;
  EXPECT_EQ(Api("GET", absl::StrCat("/api/v1/torrent/", Hex('e'))).status, 404);

  // Three torrents, listed in info hash order, a page at a time.
  for (char c : {'d', 'b', 'c'}) {
    ASSERT_EQ(Api("POST", absl::StrCat("/api/v1/whitelist/", Hex(c))).status, 200);
    Announce(c, 7000 + c);
  }
  reply = Api("GET", "/api/v1/torrents");
  ASSERT_EQ(reply.status, 200);
  const size_t b = reply.body.find(Hex('b'));
  const size_t c = reply.body.find(Hex('c'));
  const size_t d = reply.body.find(Hex('d'));
  const size_t f = reply.body.find(Hex('f'));
  ASSERT_NE(f, std::string::npos) << reply.body;
  EXPECT_TRUE(b < c && c < d && d < f) << reply.body;
  reply = Api("GET", "/api/v1/torrents?offset=1&limit=2");
  EXPECT_EQ(reply.body,
            absl::StrCat(R"([{"info_hash":")", Hex('c'),
                         R"(","seeders":1,"completed":1,"leechers":0},{"info_hash":")", Hex('d'),
                         R"(","seeders":1,"completed":1,"leechers":0}])"));
  EXPECT_EQ(Api("GET", "/api/v1/torrents?offset=10").body, "[]");
}

TEST_F(ApiTest, WhitelistEditsApplyAtOnceAndSurviveARestart) {
  EXPECT_TRUE(absl::StrContains(Announce('a', 6001), "failure reason")) << Announce('a', 6001);
  ASSERT_EQ(Api("POST", absl::StrCat("/api/v1/whitelist/", Hex('a'))).status, 200);
  EXPECT_TRUE(absl::StrContains(Announce('a', 6001), "8:intervali")) << Announce('a', 6001);
  // Adding twice is fine.
  EXPECT_EQ(Api("POST", absl::StrCat("/api/v1/whitelist/", Hex('a'))).status, 200);
  // An entry of the file is the file's to remove.
  HttpReply reply = Api("DELETE", absl::StrCat("/api/v1/whitelist/", Hex('f')));
  EXPECT_EQ(reply.status, 409);
  EXPECT_TRUE(absl::StrContains(reply.body, "[access_list] path")) << reply.body;

  // Kept across a restart: the storage wrote it.
  Start();
  EXPECT_TRUE(absl::StrContains(Announce('a', 6002), "8:intervali")) << Announce('a', 6002);
  ASSERT_EQ(Api("DELETE", absl::StrCat("/api/v1/whitelist/", Hex('a'))).status, 200);
  EXPECT_TRUE(absl::StrContains(Announce('a', 6003), "failure reason"));
  Start();
  EXPECT_TRUE(absl::StrContains(Announce('a', 6003), "failure reason"));
}

TEST_F(ApiTest, ReloadRereadsTheFile) {
  EXPECT_TRUE(absl::StrContains(Announce('b', 6001), "failure reason"));
  std::ofstream(directory_ + "/allowed.txt") << Hex('f') << "\n" << Hex('b') << "\n";
  EXPECT_EQ(Api("GET", "/api/v1/whitelist/reload").status, 200);
  EXPECT_TRUE(absl::StrContains(Announce('b', 6001), "8:intervali"));
  // A bad file keeps the old list and says why.
  std::ofstream(directory_ + "/allowed.txt") << "not a hash\n";
  const HttpReply reply = Api("GET", "/api/v1/whitelist/reload");
  EXPECT_EQ(reply.status, 500);
  EXPECT_TRUE(absl::StrContains(reply.body, "error")) << reply.body;
  EXPECT_TRUE(absl::StrContains(Announce('b', 6002), "8:intervali"));
}

TEST_F(ApiTest, StatisticsPage) {
  Announce('f', 6001);
  HttpReply reply = Api("GET", "/stats");
  ASSERT_EQ(reply.status, 200);
  EXPECT_TRUE(absl::StrContains(reply.head, "Content-Type: text/html")) << reply.head;
  EXPECT_TRUE(absl::StrContains(reply.body, "<table>")) << reply.body;
  Start("public_stats_page = true\n");
  EXPECT_EQ(Api("GET", "/stats", /*with_token=*/false).status, 200);
  EXPECT_EQ(Api("GET", "/api/v1/stats", /*with_token=*/false).status, 401);
}

TEST_F(ApiTest, Https) {
  Start(
      "enable_tls = true\n"
      "tls_certificate_path = \"tracker/server/testdata/certificate.pem\"\n"
      "tls_private_key_path = \"tracker/server/testdata/private_key.pem\"\n");
  absl::StatusOr<HttpReply> reply = http_client::HttpsRequest(
      api_port_, "GET", "/api/v1/stats", absl::StrCat("Authorization: Bearer ", kToken, "\r\n"));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 200);
  EXPECT_TRUE(absl::StrContains(reply->body, R"("torrents":)")) << reply->body;
  // Plain HTTP on the TLS port gets no answer.
  EXPECT_FALSE(HttpRequest(api_port_, "GET", "/health", "", 1000).ok());
}

TEST(ApiConfigTest, ErrorsNameTheKey) {
  const std::string base = "[udp.network]\naddress_ipv4 = \"127.0.0.1:0\"\nuse_ipv6 = false\n";
  absl::StatusOr<ServerConfig> config =
      ParseServerConfig(base + "[api]\nenabled = true\n", "tracker.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(absl::StrContains(config.status().message(), "[api] access_tokens"))
      << config.status();
  config = ParseServerConfig(base + "[api]\nenabled = true\naccess_tokens = [\"short\"]\n",
                             "tracker.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(absl::StrContains(config.status().message(), "at least 16")) << config.status();
  config = ParseServerConfig(
      "[udp.network]\naddress_ipv4 = \"127.0.0.1:1212\"\nuse_ipv6 = false\n[http]\nenabled = "
      "true\n[http.network]\naddress_ipv4 = \"127.0.0.1:1212\"\nuse_ipv6 = false\n"
      "[http.protocol]\n[api]\nenabled = true\naccess_tokens = [\"0123456789abcdef\"]\n",
      "tracker.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(absl::StrContains(config.status().message(), "[api] address")) << config.status();
}

}  // namespace
}  // namespace aquatic
