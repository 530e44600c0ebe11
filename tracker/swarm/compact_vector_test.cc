#include "tracker/swarm/compact_vector.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace aquatic::swarm {
namespace {

template <typename T>
std::vector<T> Items(const CompactVector<T>& v) {
  return std::vector<T>(v.begin(), v.end());
}

TEST(CompactVectorTest, IsSixteenBytes) { EXPECT_EQ(sizeof(CompactVector<int>), 16u); }

TEST(CompactVectorTest, InsertEraseAndEraseIf) {
  CompactVector<int> v;
  for (int i = 0; i < 100; ++i) v.insert(v.end(), i);
  v.insert(v.begin(), -1);
  v.insert(v.begin() + 50, 1000);
  EXPECT_EQ(v.size(), 102u);
  EXPECT_EQ(v[0], -1);
  EXPECT_EQ(v[50], 1000);
  EXPECT_EQ(v[51], 49);
  v.erase(v.begin() + 50);
  v.erase(v.begin());
  std::vector<int> expected(100);
  for (int i = 0; i < 100; ++i) expected[i] = i;
  EXPECT_EQ(Items(v), expected);
  EXPECT_EQ(v.erase_if([](int x) { return x % 2 == 1; }), 50u);
  EXPECT_EQ(v.size(), 50u);
  EXPECT_EQ(v[49], 98);
  // Growth is by a quarter, not doubling.
  EXPECT_LT(v.capacity(), 140u);
  v.shrink_to_fit();
  EXPECT_EQ(v.capacity(), 50u);
}

TEST(CompactVectorTest, NonTrivialElementsAreMovedAndDestroyed) {
  auto counter = std::make_shared<int>(0);
  {
    CompactVector<std::shared_ptr<int>> v;
    for (int i = 0; i < 20; ++i) v.insert(v.begin(), counter);
    EXPECT_EQ(counter.use_count(), 21);
    v.erase(v.begin() + 3);
    EXPECT_EQ(counter.use_count(), 20);
    v.erase_if([](const std::shared_ptr<int>&) { return true; });
    EXPECT_EQ(counter.use_count(), 1);
    for (int i = 0; i < 5; ++i) v.insert(v.end(), counter);
    CompactVector<std::shared_ptr<int>> moved(std::move(v));
    EXPECT_EQ(counter.use_count(), 6);
  }
  EXPECT_EQ(counter.use_count(), 1);
}

}  // namespace
}  // namespace aquatic::swarm
