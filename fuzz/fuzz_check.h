// FUZZ_CHECK: the invariant checks of fuzz targets. A failed check aborts,
// which libFuzzer reports as a crash and the corpus replay test as a failure.
#ifndef AQUATIC_FUZZ_FUZZ_CHECK_H_
#define AQUATIC_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                          \
  do {                                                                                 \
    if (!(condition)) {                                                                \
      std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__,  \
                   #condition);                                                        \
      std::abort();                                                                    \
    }                                                                                  \
  } while (false)

#endif  // AQUATIC_FUZZ_FUZZ_CHECK_H_
