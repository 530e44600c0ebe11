// A flood of distinct info hashes over real UDP loopback sockets against
// `[limits] max_torrents = 100000`: memory stays bounded (the process's
// resident set grows by no more than the limit's worth of torrents), the
// torrents held never exceed the limit, every announce over it is refused
// with "tracker full" and counted, and a well-behaved client announcing a
// torrent the tracker holds is answered throughout.
//
// AQUATIC_FLOOD_HASHES sets how many distinct info hashes (default 1000000,
// enough that an unlimited engine would grow by ~170 MiB); the flood goes as
// fast as the tracker answers (up to kInFlight requests outstanding). For the
// figure in the README: bazel test -c opt //tracker:flood_test
//   --test_env=AQUATIC_FLOOD_HASHES=10000000 --test_output=all
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "codec/udp/udp.codec.h"
#include "gtest/gtest.h"
#include "tracker/base/config/udp.pb.h"
#include "tracker/server/test_server.h"
#include "tracker/udp/udp_front_end.h"

namespace aquatic {
namespace {

namespace wire = ::aquatic::codec::udp;
using std::chrono::steady_clock;

constexpr uint64_t kMaxTorrents = 100000;
constexpr size_t kInFlight = 256;
constexpr size_t kBatch = 32;

size_t ResidentMiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    size_t kib = 0;
    if (line.rfind("VmRSS:", 0) == 0 &&
        absl::SimpleAtoi(absl::StripAsciiWhitespace(line.substr(6, line.size() - 9)), &kib)) {
      return kib / 1024;
    }
  }
  return 0;
}

// A UDP socket connected to the tracker on 127.0.0.1.
class Socket {
 public:
  explicit Socket(uint16_t port) : fd_(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    const int buffer = 4 << 20;
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer));
  }
  ~Socket() { close(fd_); }

  template <typename Request>
  void Send(const Request& request) {
    uint8_t bytes[256];
    const absl::StatusOr<size_t> size = wire::Serialize(request, absl::MakeSpan(bytes));
    if (size.ok()) send(fd_, bytes, *size, 0);
  }
  // One datagram within `timeout_ms`, or an empty one.
  std::vector<uint8_t> Receive(int timeout_ms) {
    pollfd readable{fd_, POLLIN, 0};
    if (poll(&readable, 1, timeout_ms) != 1) return {};
    std::vector<uint8_t> reply(2048);
    const ssize_t n = recv(fd_, reply.data(), reply.size(), 0);
    reply.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return reply;
  }
  uint64_t Connect() {
    wire::ConnectRequest request;
    request.transaction_id = 1;
    Send(request);
    wire::ConnectResponse response;
    const std::vector<uint8_t> reply = Receive(2000);
    return wire::Parse(reply, &response).ok() ? response.connection_id : 0;
  }

 private:
  int fd_;
};

// The announce of flood peer `n`: its own torrent, its own port.
wire::AnnounceRequest FloodAnnounce(uint64_t connection_id, uint64_t n) {
  wire::AnnounceRequest request;
  request.connection_id = connection_id;
  request.transaction_id = static_cast<uint32_t>(n);
  request.info_hash.fill(0x5a);
  // Big-endian in the last 8 bytes, from which the engine picks the shard.
  for (int i = 0; i < 8; ++i) request.info_hash[19 - i] = static_cast<uint8_t>(n >> (8 * i));
  request.peer_id.fill('f');
  request.left = 1000;
  request.event = wire::AnnounceEvent::kStarted;
  request.num_want = 0;
  request.port = static_cast<uint16_t>(1024 + n % 60000);
  return request;
}

TEST(FloodTest, DistinctInfoHashesCannotGrowMemoryPastTheTorrentLimit) {
  uint64_t hashes = 1000000;
  if (const char* text = std::getenv("AQUATIC_FLOOD_HASHES")) {
    ASSERT_TRUE(absl::SimpleAtoi(text, &hashes)) << text;
  }
  config::UdpConfig config;
  config.set_socket_workers(1);
  config.set_log_level(config::LOG_LEVEL_OFF);
  config.mutable_network()->mutable_listen()->set_address_ipv4("127.0.0.1:0");
  config.mutable_network()->mutable_listen()->set_use_ipv6(false);
  config.mutable_network()->set_socket_recv_buffer_size(4 << 20);
  config.mutable_storage()->set_backend(config::STORAGE_BACKEND_NONE);
  config.mutable_limits()->set_max_torrents(kMaxTorrents);
  absl::StatusOr<std::unique_ptr<Runtime>> runtime = StartServer("udp", config);
  ASSERT_TRUE(runtime.ok()) << runtime.status();
  const uint16_t port = static_cast<udp::UdpFrontEnd*>((*runtime)->Find("udp"))->ipv4_port();

  // The well-behaved client's torrent, announced before the flood.
  Socket client(port);
  wire::AnnounceRequest own = FloodAnnounce(client.Connect(), ~uint64_t{0});
  own.peer_id.fill('c');
  own.transaction_id = 0xc11e47;
  auto client_answered = [&] {
    client.Send(own);
    for (int i = 0; i < 5; ++i) {
      const std::vector<uint8_t> reply = client.Receive(1000);
      wire::AnnounceResponseV4 response;
      if (wire::Parse(reply, &response).ok() && response.transaction_id == own.transaction_id) {
        return true;
      }
    }
    return false;
  };
  ASSERT_TRUE(client_answered());

  Socket flood(port);
  uint64_t connection_id = flood.Connect();
  ASSERT_NE(connection_id, 0u);
  const size_t rss_before = ResidentMiB();
  size_t rss_max = rss_before;
  uint64_t sent = 0, answered = 0, full = 0, lost = 0, client_checks = 0, client_misses = 0;
  auto outstanding = [&] { return sent - answered - full - lost; };
  const auto start = steady_clock::now();
  auto last_check = start;
  auto last_connect = start;
  // Bounded in time as well as count: 10 minutes at most.
  const auto deadline = start + std::chrono::minutes(10);
  while ((sent < hashes || outstanding() > 0) && steady_clock::now() < deadline) {
    while (sent < hashes && outstanding() < kInFlight) {
      for (size_t i = 0; i < kBatch && sent < hashes; ++i) {
        flood.Send(FloodAnnounce(connection_id, sent++));
      }
    }
    const std::vector<uint8_t> reply = flood.Receive(200);
    if (reply.empty()) {
      // 200 ms of silence: what is outstanding was dropped in a full socket
      // buffer (UDP), not refused.
      lost += outstanding();
      continue;
    }
    wire::ConnectResponse connected;
    wire::AnnounceResponseV4 response;
    wire::ErrorResponse error;
    if (wire::Parse(reply, &connected).ok()) {
      connection_id = connected.connection_id;
    } else if (wire::Parse(reply, &response).ok()) {
      ++answered;
    } else if (wire::Parse(reply, &error).ok()) {
      EXPECT_EQ(error.message, "tracker full");
      ++full;
    }
    const auto now = steady_clock::now();
    if (now - last_check > std::chrono::milliseconds(250)) {
      last_check = now;
      rss_max = std::max(rss_max, ResidentMiB());
      ++client_checks;
      if (!client_answered()) ++client_misses;
    }
    // Connection ids last max_connection_age (120 s): a new one every 30 s,
    // its answer taken in turn with the announces'.
    if (now - last_connect > std::chrono::seconds(30)) {
      last_connect = now;
      wire::ConnectRequest connect;
      connect.transaction_id = 0xc0;
      flood.Send(connect);
    }
  }
  rss_max = std::max(rss_max, ResidentMiB());
  const double seconds = std::chrono::duration<double>(steady_clock::now() - start).count();
  const SwarmStats stats = (*runtime)->swarms().IpStats();
  std::printf(
      "flood: %llu distinct info hashes in %.1f s (%.0f/s), %llu answered, %llu refused "
      "\"tracker full\", %llu lost, %lld torrents held (limit %llu), rss %zu MiB before, "
      "%zu MiB max, client answered %llu/%llu times\n",
      static_cast<unsigned long long>(sent), seconds, sent / seconds,
      static_cast<unsigned long long>(answered), static_cast<unsigned long long>(full),
      static_cast<unsigned long long>(lost),
      static_cast<long long>(stats.held_torrents), static_cast<unsigned long long>(kMaxTorrents),
      rss_before, rss_max, static_cast<unsigned long long>(client_checks - client_misses),
      static_cast<unsigned long long>(client_checks));

  EXPECT_EQ(sent, hashes) << "the flood did not finish in 10 minutes";
  EXPECT_LE(static_cast<uint64_t>(stats.held_torrents), kMaxTorrents);
  EXPECT_GE(stats.refused_torrents + lost, hashes - kMaxTorrents);
  EXPECT_LE(answered, kMaxTorrents);
  EXPECT_LT(lost, hashes / 100) << "most of the flood never reached the engine";
  // 100,000 torrents of one peer are ~17 MiB; an unlimited engine would grow
  // by ~170 MiB per million hashes.
  EXPECT_LE(rss_max, rss_before + 64) << "resident memory grew past the limit's worth";
  EXPECT_EQ(client_misses, 0u) << "the well-behaved client went unanswered during the flood";
  EXPECT_TRUE(client_answered());
}

}  // namespace
}  // namespace aquatic
