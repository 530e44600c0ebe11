#include "tracker/base/open_files.h"

#include <sys/resource.h>

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace aquatic {

std::string OpenFilesLimit::Describe() const {
  if (!enough()) {
    return absl::StrCat("open files: soft limit ", soft, " (hard limit ", hard,
                        ") is below the ", needed,
                        " descriptors the configured connections may need; raise the hard "
                        "limit (systemd LimitNOFILE, ulimit -Hn) or lower max_connections");
  }
  if (soft != previous_soft) {
    return absl::StrCat("open files: soft limit raised from ", previous_soft, " to ", soft,
                        " (the configured connections may need ", needed, ")");
  }
  return absl::StrCat("open files: limit ", soft, " (the configured connections may need ",
                      needed, ")");
}

OpenFilesLimit RaiseOpenFilesLimit(uint64_t needed) {
  OpenFilesLimit result;
  result.needed = needed;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return result;
  result.previous_soft = result.soft = limit.rlim_cur;
  result.hard = limit.rlim_max;
  if (limit.rlim_cur < needed) {
    rlimit raised = limit;
    raised.rlim_cur = std::min<rlim_t>(needed, limit.rlim_max);
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) result.soft = raised.rlim_cur;
  }
  return result;
}

}  // namespace aquatic
