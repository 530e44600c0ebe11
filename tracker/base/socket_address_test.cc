#include "tracker/base/socket_address.h"

#include "gtest/gtest.h"

namespace aquatic {
namespace {

TEST(SocketAddressTest, ParsesIpv4) {
  absl::StatusOr<SocketAddress> address = SocketAddress::Parse("127.0.0.1:3000");
  ASSERT_TRUE(address.ok()) << address.status();
  EXPECT_TRUE(address->is_ipv4());
  EXPECT_EQ(address->port(), 3000);
  EXPECT_EQ(address->ToString(), "127.0.0.1:3000");
  EXPECT_EQ(address->sockaddr_length(), sizeof(sockaddr_in));
}

TEST(SocketAddressTest, ParsesIpv6InBrackets) {
  absl::StatusOr<SocketAddress> address = SocketAddress::Parse("[::1]:65535");
  ASSERT_TRUE(address.ok()) << address.status();
  EXPECT_TRUE(address->is_ipv6());
  EXPECT_EQ(address->port(), 65535);
  EXPECT_EQ(address->ToString(), "[::1]:65535");
}

TEST(SocketAddressTest, RejectsBadAddresses) {
  for (const char* bad : {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
                          "127.0.0.1:+80", "127.0.0.1: 80", "::1:80", "[::1]", "[nope]:80",
                          "256.0.0.1:80", "localhost:80", "[127.0.0.1]:80"}) {
    EXPECT_FALSE(SocketAddress::Parse(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace aquatic
