#include "tracker/base/connection_id.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace aquatic {
namespace {

const std::vector<uint8_t> kAddress = {127, 0, 0, 1, 0x1a, 0xe1};
const std::vector<uint8_t> kOtherAddress = {127, 0, 0, 2, 0x1a, 0xe1};

TEST(ConnectionIdsTest, ValidForItsAddressAndAge) {
  ConnectionIds ids(120);
  const uint64_t id = ids.Issue(kAddress, 1000);
  EXPECT_TRUE(ids.IsValid(id, kAddress, 1000));
  EXPECT_TRUE(ids.IsValid(id, kAddress, 1120));
  EXPECT_FALSE(ids.IsValid(id, kAddress, 1121));     // too old
  EXPECT_FALSE(ids.IsValid(id, kAddress, 999));      // from the future
  EXPECT_FALSE(ids.IsValid(id, kOtherAddress, 1000));  // another address
  EXPECT_FALSE(ids.IsValid(id ^ 1, kAddress, 1000));  // tampered tag
  EXPECT_FALSE(ids.IsValid(id + (uint64_t{1} << 32), kAddress, 1001));  // tampered time
}

TEST(ConnectionIdsTest, KeysDiffer) {
  ConnectionIds a(120);
  ConnectionIds b(120);
  EXPECT_NE(a.Issue(kAddress, 1000), b.Issue(kAddress, 1000));
  ConnectionIds fixed1(120, 1, 2);
  ConnectionIds fixed2(120, 1, 2);
  EXPECT_EQ(fixed1.Issue(kAddress, 1000), fixed2.Issue(kAddress, 1000));
  EXPECT_FALSE(a.IsValid(b.Issue(kAddress, 1000), kAddress, 1000));
}

}  // namespace
}  // namespace aquatic
