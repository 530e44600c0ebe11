#include "tracker/base/info_hash.h"

#include "gtest/gtest.h"

namespace aquatic {
namespace {

TEST(InfoHashTest, HexRoundTrips) {
  InfoHash info_hash;
  for (size_t i = 0; i < info_hash.size(); ++i) info_hash[i] = static_cast<uint8_t>(i * 13 + 7);
  const std::string hex = InfoHashToHex(info_hash);
  EXPECT_EQ(hex, "0714212e3b4855626f7c8996a3b0bdcad7e4f1fe");
  EXPECT_EQ(ParseInfoHashHex(hex), info_hash);
}

TEST(InfoHashTest, ParsesEitherCase) {
  const std::optional<InfoHash> lower = ParseInfoHashHex("0123456789abcdef0123456789abcdef01234567");
  const std::optional<InfoHash> upper = ParseInfoHashHex("0123456789ABCDEF0123456789ABCDEF01234567");
  ASSERT_TRUE(lower.has_value());
  EXPECT_EQ(lower, upper);
  EXPECT_EQ((*lower)[0], 0x01);
  EXPECT_EQ((*lower)[7], 0xef);
  EXPECT_EQ(InfoHashToHex(*upper), "0123456789abcdef0123456789abcdef01234567");
}

TEST(InfoHashTest, RejectsAnythingElse) {
  EXPECT_FALSE(ParseInfoHashHex("").has_value());
  EXPECT_FALSE(ParseInfoHashHex("0123456789abcdef0123456789abcdef0123456").has_value());
  EXPECT_FALSE(ParseInfoHashHex("0123456789abcdef0123456789abcdef012345678").has_value());
  EXPECT_FALSE(ParseInfoHashHex("0123456789abcdef0123456789abcdef0123456g").has_value());
  EXPECT_FALSE(ParseInfoHashHex("0123456789abcdef0123456789abcdef0123456 ").has_value());
  EXPECT_FALSE(ParseInfoHashHex("+123456789abcdef0123456789abcdef01234567").has_value());
}

}  // namespace
}  // namespace aquatic
