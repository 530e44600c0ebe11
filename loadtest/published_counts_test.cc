#include "loadtest/published_counts.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace aquatic::loadtest {
namespace {

struct TestCounts {
  uint64_t announce = 0;
  uint64_t scrape = 0;
  uint64_t errors = 0;

  uint64_t total() const { return announce + scrape; }
};

TEST(PublishedCountsTest, SumsWhatEachWorkerPublishedLast) {
  // On the heap, as the load testers keep them: a 64-byte-aligned object on
  // the stack is not always aligned under ASan's fake stack.
  std::vector<PublishedCounts<TestCounts>> workers(2);
  workers[0].Publish({1, 2, 3});
  workers[0].Publish({10, 20, 30});  // replaces, does not add
  std::thread other([&] {
    workers[1].Publish({5, 6, 7});
    workers[1].done.store(true, std::memory_order_release);
  });
  other.join();
  TestCounts sum;
  for (const auto& worker : workers) worker.AddTo(&sum);
  EXPECT_EQ(sum.announce, 15u);
  EXPECT_EQ(sum.scrape, 26u);
  EXPECT_EQ(sum.errors, 37u);
  EXPECT_EQ(sum.total(), 41u);
  EXPECT_FALSE(workers[0].done.load());
  EXPECT_TRUE(workers[1].done.load());
}

TEST(PublishedCountsTest, MinusIsFieldByField) {
  const TestCounts window = CountsMinus(TestCounts{10, 20, 30}, TestCounts{1, 5, 30});
  EXPECT_EQ(window.announce, 9u);
  EXPECT_EQ(window.scrape, 15u);
  EXPECT_EQ(window.errors, 0u);
}

}  // namespace
}  // namespace aquatic::loadtest
