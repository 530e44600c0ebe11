#include "loadtest/config/loopback_address.h"

#include <netinet/in.h>

#include "gtest/gtest.h"

namespace aquatic::loadtest {
namespace {

TEST(LoopbackAddressTest, OnlyLoopbackAddressesWithAPort) {
  EXPECT_TRUE(ParseLoopbackAddress("127.0.0.1:3000").ok());
  EXPECT_TRUE(ParseLoopbackAddress("127.1.2.3:3000").ok());
  absl::StatusOr<LoopbackAddress> v6 = ParseLoopbackAddress("[::1]:3000");
  ASSERT_TRUE(v6.ok());
  EXPECT_TRUE(v6->ipv6);
  EXPECT_EQ(v6->length, sizeof(sockaddr_in6));
  EXPECT_FALSE(ParseLoopbackAddress("10.0.0.1:3000").ok());
  EXPECT_FALSE(ParseLoopbackAddress("0.0.0.0:3000").ok());
  EXPECT_FALSE(ParseLoopbackAddress("[::]:3000").ok());
  EXPECT_FALSE(ParseLoopbackAddress("[2001:db8::1]:3000").ok());
  EXPECT_FALSE(ParseLoopbackAddress("127.0.0.1:0").ok());
  EXPECT_FALSE(ParseLoopbackAddress("127.0.0.1").ok());
}

}  // namespace
}  // namespace aquatic::loadtest
