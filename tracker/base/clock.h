// The tracker's clock: whole seconds since the process started, from the
// coarse monotonic clock (cheap enough to read once per received batch).
// Swarms store peer ages in it as 32-bit values.
#ifndef AQUATIC_TRACKER_BASE_CLOCK_H_
#define AQUATIC_TRACKER_BASE_CLOCK_H_

#include <cstdint>

namespace aquatic {

// Never 0, so 0 can mean "never".
uint32_t SecondsSinceStart();

// Wall-clock seconds since the epoch (for connection id timestamps shared by
// nothing else, and statistics pages).
uint64_t UnixSeconds();

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_CLOCK_H_
