// TcpServer over real loopback sockets: hand-over with connection slots, the
// per-worker cap, and accept loops that pause instead of spinning when the
// process runs out of file descriptors (a real EMFILE, from a lowered
// RLIMIT_NOFILE).
#include "tracker/server/tcp_server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/post.hpp>

#include "gtest/gtest.h"

namespace aquatic {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// A client connection to 127.0.0.1:`port` from `source` (host order).
int Connect(uint16_t port, uint32_t source = INADDR_LOOPBACK) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(source);
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
    close(fd);
    return -1;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// True when the server closed the connection within `timeout`.
bool ClosedByPeer(int fd, milliseconds timeout) {
  pollfd readable{fd, POLLIN, 0};
  if (poll(&readable, 1, static_cast<int>(timeout.count())) != 1) return false;
  char byte;
  return recv(fd, &byte, 1, 0) == 0;
}

template <typename Predicate>
bool WaitFor(Predicate predicate, milliseconds timeout = milliseconds(3000)) {
  const auto deadline = steady_clock::now() + timeout;
  while (!predicate()) {
    if (steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(2));
  }
  return true;
}

size_t OpenFileDescriptors() {
  size_t count = 0;
  DIR* dir = opendir("/proc/self/fd");
  while (readdir(dir) != nullptr) ++count;
  closedir(dir);
  return count - 3;  // ".", ".." and the directory's own descriptor
}

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// A server on 127.0.0.1 whose accepted connections are kept open (with their
// slots) until Release().
class TcpServerTest : public testing::Test {
 protected:
  void Listen(uint32_t max_connections, size_t workers = 1, uint32_t per_address = 0) {
    io_ = std::make_unique<IoWorkers>(workers);
    config::ListenAddresses listen;
    listen.set_address_ipv4("127.0.0.1:0");
    listen.set_use_ipv6(false);
    TcpServer::Options options;
    options.max_connections = max_connections;
    options.max_connections_per_address = per_address;
    absl::StatusOr<std::unique_ptr<TcpServer>> server = TcpServer::Listen(
        *io_, "test", listen, options,
        [this](size_t, TcpSocket socket, const SocketAddress& peer, ConnectionSlot slot) {
          EXPECT_TRUE(peer.is_ipv4());
          std::lock_guard<std::mutex> lock(mutex_);
          held_.push_back(Held{std::move(socket), std::move(slot)});
        });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    server_->Start();
    io_->Start();
  }

  // Closes every accepted connection, on the worker's thread.
  void Release() {
    std::promise<void> done;
    boost::asio::post(io_->context(0), [this, &done] {
      std::lock_guard<std::mutex> lock(mutex_);
      held_.clear();
      done.set_value();
    });
    done.get_future().wait();
  }

  void TearDown() override {
    if (io_) io_->Stop();
    if (server_) server_->Stop();
    held_.clear();
    server_.reset();
    io_.reset();
  }

  uint64_t Count(TcpCounter counter) { return server_->counters().Total(counter); }

  struct Held {
    TcpSocket socket;
    ConnectionSlot slot;
  };
  std::unique_ptr<IoWorkers> io_;
  std::unique_ptr<TcpServer> server_;
  std::mutex mutex_;
  std::vector<Held> held_;
};

TEST_F(TcpServerTest, HandsOverConnectionsAndCountsThemUntilTheirSlotsGo) {
  Listen(100);
  ASSERT_NE(server_->ipv4_port(), 0);
  EXPECT_EQ(server_->ipv6_port(), 0);
  EXPECT_EQ(server_->DescribeAddresses(), absl::StrCat("127.0.0.1:", server_->ipv4_port()));
  std::vector<int> clients;
  for (int i = 0; i < 3; ++i) clients.push_back(Connect(server_->ipv4_port()));
  ASSERT_TRUE(WaitFor([&] { return server_->open_connections() == 3; }));
  EXPECT_EQ(Count(TcpCounter::kAccepted), 3u);
  Release();
  EXPECT_EQ(server_->open_connections(), 0);
  for (int fd : clients) {
    EXPECT_TRUE(ClosedByPeer(fd, milliseconds(2000)));
    close(fd);
  }
}

TEST_F(TcpServerTest, ConnectionsOverTheCapAreClosedAtOnceAndCounted) {
  Listen(2);
  const int first = Connect(server_->ipv4_port());
  const int second = Connect(server_->ipv4_port());
  ASSERT_TRUE(WaitFor([&] { return server_->open_connections() == 2; }));
  const int third = Connect(server_->ipv4_port());
  EXPECT_TRUE(ClosedByPeer(third, milliseconds(2000)));
  EXPECT_TRUE(WaitFor([&] { return Count(TcpCounter::kRefused) == 1; }));
  EXPECT_EQ(server_->open_connections(), 2);
  // A slot freed: the next connection is taken again.
  Release();
  const int fourth = Connect(server_->ipv4_port());
  EXPECT_TRUE(WaitFor([&] { return server_->open_connections() == 1; }));
  EXPECT_FALSE(ClosedByPeer(fourth, milliseconds(100)));
  EXPECT_EQ(Count(TcpCounter::kAccepted), 3u);
  for (int fd : {first, second, third, fourth}) close(fd);
}

// One address cannot take every connection of a worker: over its own cap
// its connections are closed at once and counted apart, while other
// addresses are still taken; a slot it frees is its own again.
TEST_F(TcpServerTest, ConnectionsOverTheCapOfTheirAddressAreClosedAndCounted) {
  Listen(/*max_connections=*/100, /*workers=*/1, /*per_address=*/2);
  const uint32_t kOther = INADDR_LOOPBACK + 1;  // 127.0.0.2
  std::vector<int> clients = {Connect(server_->ipv4_port()), Connect(server_->ipv4_port())};
  ASSERT_TRUE(WaitFor([&] { return server_->open_connections() == 2; }));
  const int over = Connect(server_->ipv4_port());
  EXPECT_TRUE(ClosedByPeer(over, milliseconds(2000)));
  EXPECT_TRUE(WaitFor([&] { return Count(TcpCounter::kRefusedPerAddress) == 1; }));
  EXPECT_EQ(Count(TcpCounter::kRefused), 0u);
  // Another address has its own count.
  clients.push_back(Connect(server_->ipv4_port(), kOther));
  clients.push_back(Connect(server_->ipv4_port(), kOther));
  ASSERT_TRUE(WaitFor([&] { return server_->open_connections() == 4; }));
  EXPECT_FALSE(ClosedByPeer(clients[3], milliseconds(100)));
  // Closed connections give their address its places back.
  Release();
  const int again = Connect(server_->ipv4_port());
  EXPECT_TRUE(WaitFor([&] { return server_->open_connections() == 1; }));
  EXPECT_FALSE(ClosedByPeer(again, milliseconds(100)));
  EXPECT_EQ(Count(TcpCounter::kAccepted), 5u);
  for (int fd : clients) close(fd);
  close(over);
  close(again);
}

TEST(ClientAddressKeyTest, Ipv4WholeAndIpv6ByItsSlash64) {
  auto key = [](const char* text) { return ClientAddressKey::Of(*SocketAddress::Parse(text)); };
  EXPECT_EQ(key("127.0.0.1:1"), key("127.0.0.1:2"));
  EXPECT_FALSE(key("127.0.0.1:1") == key("127.0.0.2:1"));
  EXPECT_EQ(key("[2001:db8:1:2::1]:1"), key("[2001:db8:1:2:ffff::9]:2"));
  EXPECT_FALSE(key("[2001:db8:1:2::1]:1") == key("[2001:db8:1:3::1]:1"));
  // An IPv4 address never shares a key with an IPv6 /64, even ::/64.
  EXPECT_FALSE(key("0.0.0.0:1") == key("[::]:1"));
  EXPECT_FALSE(key("0.0.0.1:1") == key("[::1]:1"));
}

// With no descriptor left for accept(2), the listener pauses (10 ms doubling
// to 1 s) instead of failing in a loop, and accepts again once one is free.
TEST_F(TcpServerTest, OutOfDescriptorsPausesInsteadOfSpinning) {
  Listen(100);
  rlimit original{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &original), 0);
  // Room for exactly one client and its accepted socket, then one more
  // client socket whose connection the server cannot accept.
  rlimit low = original;
  low.rlim_cur = OpenFileDescriptors() + 3;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  const int first = Connect(server_->ipv4_port());
  ASSERT_GE(first, 0);
  ASSERT_TRUE(WaitFor([&] { return server_->open_connections() == 1; }));
  const int second = Connect(server_->ipv4_port());  // queued in the backlog
  ASSERT_GE(second, 0);
  ASSERT_TRUE(WaitFor([&] { return Count(TcpCounter::kAcceptErrors) > 0; }));

  // A second of EMFILE: a spinning accept loop would burn a whole core.
  const double cpu_before = ProcessCpuSeconds();
  std::this_thread::sleep_for(milliseconds(1000));
  const double cpu = ProcessCpuSeconds() - cpu_before;
  EXPECT_LT(cpu, 0.25) << "the accept loop spins on EMFILE";
  // Paused, not given up: at most a few retries a second once at 1 s.
  EXPECT_LT(Count(TcpCounter::kAcceptErrors), 20u);
  EXPECT_EQ(server_->open_connections(), 1);

  // A descriptor frees up: the queued connection is accepted within a pause.
  Release();
  close(first);
  EXPECT_TRUE(WaitFor([&] { return Count(TcpCounter::kAccepted) == 2; }, milliseconds(3000)));
  EXPECT_EQ(server_->open_connections(), 1);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &original), 0);
  close(second);
}

// The runtime's order at shutdown: the io threads stop, the server stops,
// the io contexts go (with the sessions they hold), the server goes last.
TEST_F(TcpServerTest, OutlivesItsIoContextsAfterStop) {
  Listen(100);
  const int client = Connect(server_->ipv4_port());
  ASSERT_TRUE(WaitFor([&] { return server_->open_connections() == 1; }));
  io_->Stop();
  server_->Stop();
  held_.clear();
  io_.reset();
  server_->Stop();  // again, as its destructor does: touches no io context
  server_.reset();
  close(client);
}

}  // namespace
}  // namespace aquatic
