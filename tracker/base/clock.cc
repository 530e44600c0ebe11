#include "tracker/base/clock.h"

#include <time.h>

namespace aquatic {
namespace {

int64_t CoarseMonotonicSeconds() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  return now.tv_sec;
}

const int64_t kStart = CoarseMonotonicSeconds() - 1;

}  // namespace

uint32_t SecondsSinceStart() { return static_cast<uint32_t>(CoarseMonotonicSeconds() - kStart); }

uint64_t UnixSeconds() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME_COARSE, &now);
  return static_cast<uint64_t>(now.tv_sec);
}

}  // namespace aquatic
