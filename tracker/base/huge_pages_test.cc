#include "tracker/base/huge_pages.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "gtest/gtest.h"

namespace aquatic {
namespace {

TEST(HugePagesTest, LargeBlocksAreHugePageAlignedAndUsable) {
  for (size_t bytes : {kHugePageSize, kHugePageSize + 1, 3 * kHugePageSize + 12345}) {
    void* block = MapHugePageBacked(bytes);
    ASSERT_NE(block, nullptr) << bytes;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(block) % kHugePageSize, 0u) << bytes;
    std::memset(block, 0xab, bytes);
    EXPECT_EQ(static_cast<uint8_t*>(block)[bytes - 1], 0xab);
    UnmapHugePageBacked(block, bytes);
  }
}

TEST(HugePagesTest, AllocatorServesSmallAndLargeBlocks) {
  HugePageAllocator<uint64_t> allocator;
  uint64_t* small = allocator.allocate(16);
  uint64_t* large = allocator.allocate(kHugePageSize / sizeof(uint64_t) * 2);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(large) % kHugePageSize, 0u);
  small[15] = 1;
  large[kHugePageSize / sizeof(uint64_t) * 2 - 1] = 2;
  allocator.deallocate(small, 16);
  allocator.deallocate(large, kHugePageSize / sizeof(uint64_t) * 2);
}

TEST(HugePagesTest, HashMapGrowsThroughHugeBlocksAndKeepsEveryEntry) {
  // Grows well past kHugePageSize, through several rehashes.
  absl::flat_hash_map<uint64_t, uint64_t, absl::Hash<uint64_t>, std::equal_to<uint64_t>,
                      HugePageAllocator<std::pair<const uint64_t, uint64_t>>>
      map;
  constexpr uint64_t kEntries = 400000;
  for (uint64_t i = 0; i < kEntries; ++i) map[i * 7919] = i;
  ASSERT_EQ(map.size(), kEntries);
  for (uint64_t i = 0; i < kEntries; i += 997) EXPECT_EQ(map.at(i * 7919), i);
  map.clear();
  map.rehash(0);
  EXPECT_TRUE(map.empty());
}

}  // namespace
}  // namespace aquatic
