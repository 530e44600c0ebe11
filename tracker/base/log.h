// Leveled logging to standard error, one line per message with a UTC time
// stamp. The level comes from the config's `log_level`.
#ifndef AQUATIC_TRACKER_BASE_LOG_H_
#define AQUATIC_TRACKER_BASE_LOG_H_

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace aquatic {

enum class LogLevel { kOff = 0, kError = 1, kWarn = 2, kInfo = 3, kDebug = 4, kTrace = 5 };

void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);
void LogLine(LogLevel level, absl::string_view message);

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
