// aquatic http over real loopback sockets: every response field, compact and
// not, IPv6, keep-alive and pipelining, TLS, errors, limits, reverse proxy.
#include "tracker/http/http_front_end.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "codec/http/http.codec.h"
#include "codec/runtime/query_string.h"
#include "gtest/gtest.h"
#include "tracker/http/gzip_encoding.h"
#include "tracker/http/http_metrics.h"
#include "tracker/server/test_server.h"

namespace aquatic::http {
namespace {

namespace wire = ::aquatic::codec::http;

constexpr char kCertificate[] = "tracker/server/testdata/certificate.pem";
constexpr char kKey[] = "tracker/server/testdata/private_key.pem";

int ConnectTcp(bool ipv6, uint16_t port) {
  const int fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int result;
  if (ipv6) {
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(port);
    address.sin6_addr = in6addr_loopback;
    result = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  } else {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    result = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  }
  EXPECT_EQ(result, 0);
  return fd;
}

// Reads until the peer closes or `timeout_ms` of silence.
std::string ReadAll(int fd, int timeout_ms = 2000) {
  std::string data;
  char buffer[8192];
  while (true) {
    pollfd readable{fd, POLLIN, 0};
    if (poll(&readable, 1, timeout_ms) != 1) break;
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    data.append(buffer, static_cast<size_t>(n));
  }
  return data;
}

// True when the server closed the connection within `timeout_ms`.
bool ClosedWithin(int fd, int timeout_ms) {
  pollfd readable{fd, POLLIN, 0};
  if (poll(&readable, 1, timeout_ms) != 1) return false;
  char byte;
  return recv(fd, &byte, 1, 0) == 0;
}

std::string Body(const std::string& response) {
  const size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

std::string AnnounceTarget(char hash, char peer, uint16_t port, int64_t left,
                           const std::string& extra = "") {
  return absl::StrCat("/announce?info_hash=", std::string(20, hash),
                      "&peer_id=", std::string(20, peer), "&port=", port, "&left=", left, extra);
}

class HttpTrackerTest : public testing::Test {
 protected:
  void StartTracker(const std::function<void(config::HttpConfig&)>& adjust = nullptr) {
    config::HttpConfig config;
    config.set_socket_workers(2);
    config.set_log_level(config::LOG_LEVEL_OFF);
    config.mutable_network()->mutable_listen()->set_address_ipv4("127.0.0.1:0");
    config.mutable_network()->mutable_listen()->set_address_ipv6("[::1]:0");
    config.mutable_protocol()->set_max_scrape_torrents(2);
    if (adjust) adjust(config);
    // The same tests as `aquatic http` and as [http] of an `aquatic run` serving
    // every protocol (the http_tracker_combined_test target).
    absl::StatusOr<std::unique_ptr<Runtime>> runtime =
        std::getenv("AQUATIC_TEST_COMBINED") != nullptr ? StartCombinedServer("http", config)
                                                         : StartServer("http", config);
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    runtime_ = *std::move(runtime);
    tracker_ = static_cast<HttpFrontEnd*>(runtime_->Find("http"));
    ASSERT_NE(tracker_, nullptr);
    if (std::getenv("AQUATIC_TEST_COMBINED") != nullptr) {
      ASSERT_NE(runtime_->Find("udp"), nullptr);
      ASSERT_NE(runtime_->Find("ws"), nullptr);
    }
  }

  // One request on a fresh connection (Connection: close); the raw response.
  std::string Get(const std::string& target, bool ipv6 = false, const std::string& headers = "") {
    const int fd = ConnectTcp(ipv6, ipv6 ? tracker_->ipv6_port() : tracker_->ipv4_port());
    const std::string request = absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: t\r\n", headers,
                                             "Connection: close\r\n\r\n");
    send(fd, request.data(), request.size(), 0);
    std::string response = ReadAll(fd);
    close(fd);
    return response;
  }

  std::unique_ptr<Runtime> runtime_;
  HttpFrontEnd* tracker_ = nullptr;
};

TEST_F(HttpTrackerTest, CompactAnnounceResponse) {
  StartTracker();
  Get(AnnounceTarget('a', 's', 6881, 0, "&event=completed"));
  const std::string response = Get(AnnounceTarget('a', 'l', 6882, 100, "&event=started"));
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 200 OK\r\n")) << response;
  EXPECT_TRUE(absl::StrContains(response, "Content-Type: text/plain\r\n"));
  const std::string body = Body(response);
  EXPECT_TRUE(absl::StrContains(response, absl::StrCat("Content-Length: ", body.size(), "\r\n")));
  wire::AnnounceResponse announce;
  ASSERT_TRUE(wire::Parse(body, &announce).ok()) << body;
  EXPECT_EQ(announce.complete, 1);
  EXPECT_EQ(announce.incomplete, 1);
  EXPECT_EQ(announce.interval, 120);
  EXPECT_EQ(announce.min_interval, 120);
  ASSERT_TRUE(announce.peers_compact.has_value());
  EXPECT_EQ(*announce.peers_compact, std::string("\x7f\x00\x00\x01\x1a\xe1", 6));
  EXPECT_FALSE(announce.peers.has_value());
  // The completed download shows in scrape.
  wire::ScrapeResponse scrape;
  ASSERT_TRUE(wire::Parse(Body(Get(absl::StrCat("/scrape?info_hash=", std::string(20, 'a'),
                                                "&info_hash=", std::string(20, 'z')))),
                          &scrape)
                  .ok());
  ASSERT_EQ(scrape.files.size(), 2u);
  EXPECT_EQ(scrape.files[0].complete, 1);
  EXPECT_EQ(scrape.files[0].incomplete, 1);
  EXPECT_EQ(scrape.files[0].downloaded, 1);
  EXPECT_EQ(scrape.files[1].complete, 0);  // unknown: zeros
}

TEST_F(HttpTrackerTest, DictionaryPeersWithAndWithoutPeerIds) {
  StartTracker();
  Get(AnnounceTarget('b', 's', 6881, 0));
  wire::AnnounceResponse announce;
  ASSERT_TRUE(wire::Parse(Body(Get(AnnounceTarget('b', 'l', 6882, 1, "&compact=0"))), &announce).ok());
  ASSERT_TRUE(announce.peers.has_value());
  ASSERT_EQ(announce.peers->size(), 1u);
  EXPECT_EQ((*announce.peers)[0].ip, "127.0.0.1");
  EXPECT_EQ((*announce.peers)[0].port, 6881);
  ASSERT_TRUE((*announce.peers)[0].peer_id.has_value());
  EXPECT_EQ(*(*announce.peers)[0].peer_id, (std::array<uint8_t, 20>{
      's', 's', 's', 's', 's', 's', 's', 's', 's', 's', 's', 's', 's', 's', 's', 's', 's', 's',
      's', 's'}));
  ASSERT_TRUE(wire::Parse(Body(Get(AnnounceTarget('b', 'm', 6883, 1, "&compact=0&no_peer_id=1"))),
                          &announce)
                  .ok());
  ASSERT_EQ(announce.peers->size(), 2u);
  EXPECT_FALSE((*announce.peers)[0].peer_id.has_value());
}

TEST_F(HttpTrackerTest, Ipv6PeersComeInPeers6) {
  StartTracker();
  Get(AnnounceTarget('c', 's', 6881, 0), /*ipv6=*/true);
  Get(AnnounceTarget('c', 'v', 7000, 0), /*ipv6=*/false);  // never shown to IPv6 peers
  wire::AnnounceResponse announce;
  ASSERT_TRUE(wire::Parse(Body(Get(AnnounceTarget('c', 'l', 6882, 1), true)), &announce).ok());
  ASSERT_TRUE(announce.peers6.has_value());
  std::string expected(16, '\0');
  expected[15] = 1;
  expected += std::string("\x1a\xe1", 2);
  EXPECT_EQ(*announce.peers6, expected);
  EXPECT_EQ(announce.peers_compact, "");
}

TEST_F(HttpTrackerTest, KeepAliveAndPipelining) {
  StartTracker();
  const int fd = ConnectTcp(false, tracker_->ipv4_port());
  // Three requests in one write; answers come in order on one connection.
  std::string requests;
  for (char hash : {'p', 'q', 'r'}) {
    absl::StrAppend(&requests, "GET ", AnnounceTarget(hash, 'x', 1, 0), " HTTP/1.1\r\nHost: t\r\n\r\n");
  }
  send(fd, requests.data(), requests.size(), 0);
  std::string responses;
  for (int i = 0; i < 50; ++i) {
    pollfd readable{fd, POLLIN, 0};
    if (poll(&readable, 1, 200) != 1) break;
    char buffer[8192];
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    responses.append(buffer, static_cast<size_t>(n));
  }
  size_t count = 0;
  for (size_t at = responses.find("HTTP/1.1 200 OK"); at != std::string::npos;
       at = responses.find("HTTP/1.1 200 OK", at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 3u) << responses;
  // The connection is still open for a fourth request.
  const std::string fourth = absl::StrCat("GET ", AnnounceTarget('s', 'x', 1, 0),
                                          " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  send(fd, fourth.data(), fourth.size(), 0);
  EXPECT_TRUE(absl::StartsWith(ReadAll(fd), "HTTP/1.1 200 OK"));
  close(fd);
}

TEST_F(HttpTrackerTest, ErrorsAreBencodedFailures) {
  StartTracker([](config::HttpConfig& config) {
    config.mutable_access_list()->set_mode(config::ACCESS_LIST_MODE_DENY);
    const std::string path = absl::StrCat(testing::TempDir(), "/http_deny_list");
    std::FILE* file = std::fopen(path.c_str(), "w");
    std::fputs("6464646464646464646464646464646464646464\n", file);  // "dddd..."
    std::fclose(file);
    config.mutable_access_list()->set_path(path);
  });
  auto failure = [&](const std::string& target) {
    const std::string response = Get(target);
    EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 200 OK")) << response;
    wire::FailureResponse failure_response;
    EXPECT_TRUE(wire::Parse(Body(response), &failure_response).ok()) << response;
    return failure_response.failure_reason;
  };
  EXPECT_EQ(failure("/announce?peer_id=bbbbbbbbbbbbbbbbbbbb&port=1"),
            "invalid announce: AnnounceRequest.info_hash: missing");
  EXPECT_EQ(failure("/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&port=1"),
            "invalid announce: AnnounceRequest.peer_id: missing");
  EXPECT_EQ(failure("/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=bbbbbbbbbbbbbbbbbbbb"),
            "invalid announce: AnnounceRequest.port: missing");
  EXPECT_EQ(failure("/announce?info_hash=%zz&peer_id=bbbbbbbbbbbbbbbbbbbb&port=1"),
            "invalid announce: AnnounceRequest.info_hash: bad percent-encoding or too long");
  EXPECT_EQ(failure(AnnounceTarget('d', 'x', 1, 0)), "info hash not allowed");
  EXPECT_EQ(failure("/scrape?info_hash=aaaaaaaaaaaaaaaaaaaa&info_hash=bbbbbbbbbbbbbbbbbbbb"
                    "&info_hash=cccccccccccccccccccc"),
            "too many info hashes (at most 2)");
  EXPECT_EQ(failure("/scrape"), "full scrape is disabled: ask for info_hash values");
  // A key in the path routes to announce (and is ignored without [private]).
  EXPECT_EQ(failure("/announce/secret?x=1"), "invalid announce: AnnounceRequest.info_hash: missing");
  EXPECT_TRUE(absl::StartsWith(Get("/announce/secret/more?x=1"), "HTTP/1.1 404 Not Found"));
  EXPECT_TRUE(absl::StartsWith(Get("/"), "HTTP/1.1 404 Not Found"));
}

TEST_F(HttpTrackerTest, FullScrapeWhenEnabled) {
  StartTracker([](config::HttpConfig& config) {
    config.mutable_protocol()->set_enable_full_scrape(true);
  });
  Get(AnnounceTarget('e', 'x', 1, 0));
  Get(AnnounceTarget('f', 'x', 1, 5));
  const std::string plain = Get("/scrape");
  EXPECT_EQ(plain.find("Content-Encoding"), std::string::npos);
  EXPECT_NE(plain.find("Vary: Accept-Encoding\r\n"), std::string::npos);
  wire::ScrapeResponse scrape;
  ASSERT_TRUE(wire::Parse(Body(plain), &scrape).ok());
  ASSERT_EQ(scrape.files.size(), 2u);
  EXPECT_EQ(scrape.files[0].complete + scrape.files[1].complete, 1);

  // A client that accepts gzip gets the same bencode, gzipped.
  const std::string gzipped = Get("/scrape", false, "Accept-Encoding: deflate, gzip\r\n");
  EXPECT_NE(gzipped.find("Content-Encoding: gzip\r\n"), std::string::npos);
  const std::string compressed = Body(gzipped);
  EXPECT_NE(gzipped.find(absl::StrCat("Content-Length: ", compressed.size(), "\r\n")),
            std::string::npos);
  absl::StatusOr<std::string> inflated = GzipDecompress(compressed, 64 * 1024);
  ASSERT_TRUE(inflated.ok()) << inflated.status();
  EXPECT_EQ(*inflated, Body(plain));

  // gzip;q=0 refuses it; a scrape of named hashes is never gzipped.
  EXPECT_EQ(Get("/scrape", false, "Accept-Encoding: gzip;q=0\r\n").find("Content-Encoding"),
            std::string::npos);
  const std::string named = Get(absl::StrCat("/scrape?info_hash=", std::string(20, 'e')), false,
                                "Accept-Encoding: gzip\r\n");
  EXPECT_EQ(named.find("Content-Encoding"), std::string::npos);
}

TEST_F(HttpTrackerTest, LimitsCloseConnections) {
  StartTracker([](config::HttpConfig& config) {
    config.set_socket_workers(1);
    config.mutable_network()->set_max_connections(3);
    config.mutable_cleaning()->set_max_connection_idle(1);
  });
  // A header block over 4 KiB.
  {
    const int fd = ConnectTcp(false, tracker_->ipv4_port());
    const std::string request = absl::StrCat("GET /announce HTTP/1.1\r\nX-Big: ",
                                             std::string(5000, 'x'), "\r\n\r\n");
    send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    EXPECT_EQ(ReadAll(fd), "");
    close(fd);
  }
  // A request with a body.
  {
    const int fd = ConnectTcp(false, tracker_->ipv4_port());
    const std::string request = "POST /announce HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
    send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    EXPECT_FALSE(absl::StartsWith(ReadAll(fd), "HTTP/1.1 200"));
    close(fd);
  }
  // A slow client that never finishes its request is closed after the idle
  // timeout (1 s).
  {
    const int fd = ConnectTcp(false, tracker_->ipv4_port());
    send(fd, "GET /ann", 8, 0);
    EXPECT_TRUE(ClosedWithin(fd, 3000));
    close(fd);
  }
  // max_connections = 3: the fourth connection is closed at once.
  {
    int open_fds[3];
    for (int& fd : open_fds) fd = ConnectTcp(false, tracker_->ipv4_port());
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const int extra = ConnectTcp(false, tracker_->ipv4_port());
    EXPECT_TRUE(ClosedWithin(extra, 2000));
    close(extra);
    for (int fd : open_fds) close(fd);
  }
  // The header block, the body and the idle timeout; the fourth connection.
  EXPECT_GE(tracker_->counters().Total(HttpCounter::kBadRequestCloses), 2u);
  EXPECT_EQ(tracker_->counters().Total(HttpCounter::kTimeoutCloses), 1u);
  EXPECT_EQ(tracker_->tcp().counters().Total(TcpCounter::kRefused), 1u);
  // And the tracker still serves.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(absl::StartsWith(Get(AnnounceTarget('g', 'x', 1, 0)), "HTTP/1.1 200 OK"));
}

TEST_F(HttpTrackerTest, ReverseProxyHeader) {
  StartTracker([](config::HttpConfig& config) {
    config.mutable_network()->set_runs_behind_reverse_proxy(true);
  });
  // The last address wins.
  Get(AnnounceTarget('h', 's', 6881, 0), false, "X-Forwarded-For: 10.9.9.9, 192.0.2.7\r\n");
  wire::AnnounceResponse announce;
  ASSERT_TRUE(wire::Parse(Body(Get(AnnounceTarget('h', 'l', 6882, 1), false,
                                   "X-Forwarded-For: 198.51.100.1\r\n")),
                          &announce)
                  .ok());
  EXPECT_EQ(*announce.peers_compact, std::string("\xc0\x00\x02\x07\x1a\xe1", 6));
  // IPv6 in the header makes an IPv6 peer.
  ASSERT_TRUE(wire::Parse(Body(Get(AnnounceTarget('h', 'm', 6883, 1), false,
                                   "X-Forwarded-For: 2001:db8::1\r\n")),
                          &announce)
                  .ok());
  EXPECT_TRUE(announce.peers6.has_value());
  // Missing or unparseable: a failure reason, never a crash.
  wire::FailureResponse failure;
  ASSERT_TRUE(wire::Parse(Body(Get(AnnounceTarget('h', 'n', 1, 1))), &failure).ok());
  EXPECT_EQ(failure.failure_reason, "the reverse proxy sent no usable peer address header");
  ASSERT_TRUE(wire::Parse(Body(Get(AnnounceTarget('h', 'n', 1, 1), false,
                                   "X-Forwarded-For: not-an-ip\r\n")),
                          &failure)
                  .ok());
}

TEST_F(HttpTrackerTest, TlsHandshakeAndRequests) {
  StartTracker([](config::HttpConfig& config) {
    config.mutable_network()->mutable_tls()->set_enable_tls(true);
    config.mutable_network()->mutable_tls()->set_tls_certificate_path(kCertificate);
    config.mutable_network()->mutable_tls()->set_tls_private_key_path(kKey);
  });
  for (uint16_t version : {uint16_t{TLS1_2_VERSION}, uint16_t{TLS1_3_VERSION}}) {
    SSL_CTX* context = SSL_CTX_new(TLS_method());
    SSL_CTX_set_min_proto_version(context, version);
    SSL_CTX_set_max_proto_version(context, version);
    SSL* ssl = SSL_new(context);
    const int fd = ConnectTcp(false, tracker_->ipv4_port());
    SSL_set_fd(ssl, fd);
    ASSERT_EQ(SSL_connect(ssl), 1) << "TLS version " << version;
    EXPECT_EQ(SSL_version(ssl), version);
    const std::string request = absl::StrCat("GET ", AnnounceTarget('t', 'x', 1, 0),
                                             " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    SSL_write(ssl, request.data(), static_cast<int>(request.size()));
    std::string response;
    char buffer[4096];
    int n;
    while ((n = SSL_read(ssl, buffer, sizeof(buffer))) > 0) response.append(buffer, n);
    EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 200 OK")) << response;
    wire::AnnounceResponse announce;
    EXPECT_TRUE(wire::Parse(Body(response), &announce).ok());
    SSL_free(ssl);
    SSL_CTX_free(context);
    close(fd);
  }
  // Plain HTTP on the TLS port gets nothing useful and is closed.
  const int fd = ConnectTcp(false, tracker_->ipv4_port());
  const std::string request = "GET /announce HTTP/1.1\r\n\r\n";
  send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  EXPECT_FALSE(absl::StrContains(ReadAll(fd), "200 OK"));
  close(fd);
}

TEST(HttpTrackerCreateTest, BadTlsFilesFailAtStart) {
  config::HttpConfig config;
  config.mutable_network()->mutable_listen()->set_address_ipv4("127.0.0.1:0");
  config.mutable_network()->mutable_listen()->set_use_ipv6(false);
  config.mutable_network()->mutable_tls()->set_enable_tls(true);
  config.mutable_network()->mutable_tls()->set_tls_certificate_path("/nonexistent.pem");
  config.mutable_network()->mutable_tls()->set_tls_private_key_path(kKey);
  absl::StatusOr<std::unique_ptr<Runtime>> runtime = StartServer("http", config);
  ASSERT_FALSE(runtime.ok());
  EXPECT_TRUE(absl::StartsWith(runtime.status().message(), "[network] tls_certificate_path:"))
      << runtime.status();
}

}  // namespace
}  // namespace aquatic::http
