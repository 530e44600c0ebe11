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

TEST(SocketAddressTest, FromIpBytes) {
  const uint8_t v4[] = {127, 0, 0, 9};
  EXPECT_EQ(SocketAddress::FromIp(v4, 6881).ToString(), "127.0.0.9:6881");
  uint8_t v6[16] = {};
  v6[15] = 1;
  const SocketAddress address = SocketAddress::FromIp(v6, 443);
  EXPECT_TRUE(address.is_ipv6());
  EXPECT_EQ(address.ToString(), "[::1]:443");
  EXPECT_EQ(address.sockaddr_length(), sizeof(sockaddr_in6));
  EXPECT_EQ(SocketAddress::FromIp(absl::Span<const uint8_t>(v4, 3), 1).ToString(),
            "(unspecified)");
}

TEST(SocketAddressTest, WithPortKeepsTheAddress) {
  for (const char* text : {"127.0.0.2:0", "[::1]:0"}) {
    absl::StatusOr<SocketAddress> address = SocketAddress::Parse(text);
    ASSERT_TRUE(address.ok()) << address.status();
    const SocketAddress moved = address->WithPort(40001);
    EXPECT_EQ(moved.port(), 40001);
    EXPECT_EQ(moved.family(), address->family());
    EXPECT_EQ(moved.sockaddr_length(), address->sockaddr_length());
    EXPECT_EQ(moved.ip_bytes(), address->ip_bytes());
    EXPECT_EQ(address->port(), 0) << "the original is unchanged";
  }
}

TEST(SocketAddressTest, UnspecifiedIsEveryAddress) {
  EXPECT_TRUE(SocketAddress::Parse("0.0.0.0:3000")->is_unspecified());
  EXPECT_TRUE(SocketAddress::Parse("[::]:3000")->is_unspecified());
  EXPECT_FALSE(SocketAddress::Parse("127.0.0.1:3000")->is_unspecified());
  EXPECT_FALSE(SocketAddress::Parse("[::1]:3000")->is_unspecified());
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
