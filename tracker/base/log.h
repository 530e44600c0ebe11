// Leveled logging to standard error, one line per message with a UTC time
// stamp. The level comes from the config's `log_level`.
#ifndef AQUATIC_TRACKER_BASE_LOG_H_
#define AQUATIC_TRACKER_BASE_LOG_H_

#include <atomic>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace aquatic {

enum class LogLevel { kOff = 0, kError = 1, kWarn = 2, kInfo = 3, kDebug = 4, kTrace = 5 };

void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);
void LogLine(LogLevel level, absl::string_view message);

// The state of something that is retried and may keep failing (a reload of
// a bad file, a write to a full disk), so that it is logged once per change
// of state rather than at every attempt: a bad file reloaded 100 times a
// second gives one ERROR line, and one more line when a good one is read.
// Thread-safe.
class FailureRun {
 public:
  // A failed attempt: true for the first of a run (log it).
  bool Failed() { return failures_.fetch_add(1, std::memory_order_relaxed) == 0; }
  // A successful attempt: how many failed in a row before it (0: none).
  uint64_t Succeeded() { return failures_.exchange(0, std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> failures_{0};
};

}  // namespace aquatic

// AQUATIC_LOG(kWarn, "granted ", bytes, " bytes"): arguments are only
// formatted when the level is enabled.
#define AQUATIC_LOG(level, ...)                                                   \
  do {                                                                            \
    if (::aquatic::LogEnabled(::aquatic::LogLevel::level)) {                      \
      ::aquatic::LogLine(::aquatic::LogLevel::level, ::absl::StrCat(__VA_ARGS__)); \
    }                                                                             \
  } while (false)

#endif  // AQUATIC_TRACKER_BASE_LOG_H_
