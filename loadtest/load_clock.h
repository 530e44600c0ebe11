// The clocks the load testers measure with: a cheap millisecond clock for
// timeouts on the hot loop, and the process's CPU time for the summary's
// "load tester CPU" (which tells whether the tester itself was the limit).
#ifndef AQUATIC_LOADTEST_LOAD_CLOCK_H_
#define AQUATIC_LOADTEST_LOAD_CLOCK_H_

#include <cstdint>

namespace aquatic::loadtest {

// Milliseconds on CLOCK_MONOTONIC_COARSE (no syscall; a few ms resolution).
int64_t NowMs();

// CPU seconds used by the whole process (all threads) so far.
double ProcessCpuSeconds();

}  // namespace aquatic::loadtest

#endif  // AQUATIC_LOADTEST_LOAD_CLOCK_H_
