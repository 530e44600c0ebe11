#include "tracker/base/log.h"

#include "gtest/gtest.h"

namespace aquatic {
namespace {

// A run of failures is reported once when it starts, and its length once
// when an attempt succeeds; then the next failure starts a new run.
TEST(FailureRunTest, ReportsTheFirstFailureOfARunAndItsLengthAtTheEnd) {
  FailureRun run;
  EXPECT_EQ(run.Succeeded(), 0u);
  EXPECT_TRUE(run.Failed());
  for (int i = 0; i < 99; ++i) EXPECT_FALSE(run.Failed());
  EXPECT_EQ(run.Succeeded(), 100u);
  EXPECT_EQ(run.Succeeded(), 0u);
  EXPECT_TRUE(run.Failed());
  EXPECT_EQ(run.Succeeded(), 1u);
}

}  // namespace
}  // namespace aquatic
