#include "tracker/base/per_worker_sockets.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace aquatic {
namespace {

// Binds a real SO_REUSEPORT UDP socket on loopback; returns its port.
absl::StatusOr<uint16_t> BindReusePort(const SocketAddress& address, std::vector<int>* fds) {
  const int fd = socket(address.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError("socket");
  fds->push_back(fd);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
  if (bind(fd, address.sockaddr_ptr(), address.sockaddr_length()) != 0) {
    return absl::UnavailableError("bind " + address.ToString());
  }
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
  return SocketAddress::FromSockaddr(reinterpret_cast<sockaddr*>(&bound), length).port();
}

class PerWorkerSocketsTest : public ::testing::Test {
 protected:
  ~PerWorkerSocketsTest() override {
    for (int fd : fds_) close(fd);
  }
  std::vector<int> fds_;
};

TEST_F(PerWorkerSocketsTest, PortZeroGivesEveryWorkerTheFirstOnesPort) {
  for (const char* text : {"127.0.0.1:0", "[::1]:0"}) {
    std::vector<SocketAddress> opened;
    absl::StatusOr<uint16_t> port =
        OpenPerWorker(text, Transport::kUdp, 3, [&](size_t worker, const SocketAddress& address) {
          EXPECT_EQ(worker, opened.size());
          opened.push_back(address);
          return BindReusePort(address, &fds_);
        });
    ASSERT_TRUE(port.ok()) << text << ": " << port.status();
    EXPECT_NE(*port, 0);
    ASSERT_EQ(opened.size(), 3u);
    EXPECT_EQ(opened[0].port(), 0) << "the first asks the kernel for a port";
    EXPECT_EQ(opened[1].ToString(), opened[0].WithPort(*port).ToString());
    EXPECT_EQ(opened[2].ToString(), opened[0].WithPort(*port).ToString());
  }
}

TEST_F(PerWorkerSocketsTest, AGivenPortIsUsedByAll) {
  // A free port, released and then asked for by name.
  absl::StatusOr<SocketAddress> any = SocketAddress::Parse("127.0.0.1:0");
  ASSERT_TRUE(any.ok());
  std::vector<int> probe;
  absl::StatusOr<uint16_t> free_port = BindReusePort(*any, &probe);
  ASSERT_TRUE(free_port.ok());
  close(probe[0]);
  const std::string text = "127.0.0.1:" + std::to_string(*free_port);
  std::vector<uint16_t> asked;
  absl::StatusOr<uint16_t> port =
      OpenPerWorker(text, Transport::kUdp, 2, [&](size_t, const SocketAddress& address) {
        asked.push_back(address.port());
        return BindReusePort(address, &fds_);
      });
  ASSERT_TRUE(port.ok()) << port.status();
  EXPECT_EQ(*port, *free_port);
  EXPECT_EQ(asked, (std::vector<uint16_t>{*free_port, *free_port}));
}

TEST_F(PerWorkerSocketsTest, StopsAtTheFirstError) {
  int calls = 0;
  absl::StatusOr<uint16_t> port = OpenPerWorker(
      "127.0.0.1:0", Transport::kUdp, 4, [&](size_t worker, const SocketAddress&) -> absl::StatusOr<uint16_t> {
        ++calls;
        if (worker == 1) return absl::UnavailableError("bind: address in use");
        return 4000;
      });
  EXPECT_EQ(port.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(calls, 2);
}

TEST_F(PerWorkerSocketsTest, RejectsAnUnparsableAddressBeforeOpening) {
  bool called = false;
  absl::StatusOr<uint16_t> port = OpenPerWorker(
      "localhost:80", Transport::kUdp, 2, [&](size_t, const SocketAddress&) -> absl::StatusOr<uint16_t> {
        called = true;
        return 80;
      });
  EXPECT_FALSE(port.ok());
  EXPECT_FALSE(called);
}

// A port another group holds (another process of the same user could join it
// with SO_REUSEPORT) is refused before anything is opened, for UDP and TCP,
// IPv4 and IPv6; the other transport's port of the same number is free.
TEST_F(PerWorkerSocketsTest, APortSomeoneElseHoldsIsRefused) {
  for (const char* any : {"127.0.0.1:0", "[::1]:0"}) {
    SCOPED_TRACE(any);
    std::vector<int> other;
    absl::StatusOr<uint16_t> taken = BindReusePort(*SocketAddress::Parse(any), &other);
    ASSERT_TRUE(taken.ok());
    const SocketAddress address = SocketAddress::Parse(any)->WithPort(*taken);
    bool called = false;
    absl::StatusOr<uint16_t> port = OpenPerWorker(
        address.ToString(), Transport::kUdp, 2,
        [&](size_t, const SocketAddress&) -> absl::StatusOr<uint16_t> {
          called = true;
          return *taken;
        });
    ASSERT_FALSE(port.ok());
    EXPECT_FALSE(called);
    EXPECT_EQ(port.status().message(),
              "bind " + address.ToString() +
                  " (udp): already in use by another socket (another tracker, another "
                  "front-end of this one, or another program); give each its own port");
    EXPECT_TRUE(CheckPortFree(address, Transport::kTcp).ok());
    close(other[0]);
    EXPECT_TRUE(CheckPortFree(address, Transport::kUdp).ok());

    // TCP: a listener holds it (set up as the tracker's acceptors are); a
    // connection it accepted and closed first, left in TIME_WAIT, does not,
    // so a restarted tracker gets its port back at once.
    const int listener = socket(address.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (address.is_ipv6()) setsockopt(listener, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    ASSERT_EQ(bind(listener, address.sockaddr_ptr(), address.sockaddr_length()), 0);
    ASSERT_EQ(listen(listener, 1), 0);
    EXPECT_EQ(CheckPortFree(address, Transport::kTcp).code(), absl::StatusCode::kUnavailable);
    const int client = socket(address.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_EQ(connect(client, address.sockaddr_ptr(), address.sockaddr_length()), 0);
    const int accepted = accept(listener, nullptr, nullptr);
    ASSERT_GE(accepted, 0);
    close(accepted);  // the server closes first: its side goes to TIME_WAIT
    char byte;
    EXPECT_EQ(recv(client, &byte, 1, 0), 0);
    close(client);
    close(listener);
    EXPECT_TRUE(CheckPortFree(address, Transport::kTcp).ok());
  }
  EXPECT_TRUE(CheckPortFree(*SocketAddress::Parse("127.0.0.1:0"), Transport::kTcp).ok());
}

}  // namespace
}  // namespace aquatic
