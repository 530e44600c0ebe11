#include "tracker/base/open_files.h"

#include <sys/resource.h>

#include "gtest/gtest.h"

namespace aquatic {
namespace {

class OpenFilesTest : public testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &original_), 0); }
  void TearDown() override { setrlimit(RLIMIT_NOFILE, &original_); }
  rlimit original_{};
};

TEST_F(OpenFilesTest, RaisesTheSoftLimitTowardTheHardLimit) {
  if (original_.rlim_max < 600) GTEST_SKIP() << "hard limit " << original_.rlim_max;
  rlimit low = original_;
  low.rlim_cur = 256;  // as `ulimit -n 256` leaves a service
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  const OpenFilesLimit limit = RaiseOpenFilesLimit(600);
  EXPECT_EQ(limit.previous_soft, 256u);
  EXPECT_EQ(limit.soft, 600u);
  EXPECT_TRUE(limit.enough());
  EXPECT_EQ(limit.Describe(),
            "open files: soft limit raised from 256 to 600 (the configured connections may need "
            "600)");
  rlimit now{};
  getrlimit(RLIMIT_NOFILE, &now);
  EXPECT_EQ(now.rlim_cur, 600u);
  // Never lowered.
  EXPECT_EQ(RaiseOpenFilesLimit(100).soft, 600u);
}

TEST_F(OpenFilesTest, SaysWhenTheHardLimitIsTooLow) {
  rlimit low = original_;
  low.rlim_cur = 200;
  low.rlim_max = 300;  // lowering the hard limit needs no privilege
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  const OpenFilesLimit limit = RaiseOpenFilesLimit(10000);
  EXPECT_EQ(limit.soft, 300u);
  EXPECT_FALSE(limit.enough());
  EXPECT_EQ(limit.Describe(),
            "open files: soft limit 300 (hard limit 300) is below the 10000 descriptors the "
            "configured connections may need; raise the hard limit (systemd LimitNOFILE, "
            "ulimit -Hn) or lower max_connections");
}

}  // namespace
}  // namespace aquatic
