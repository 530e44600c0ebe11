// The process's open-files limit (RLIMIT_NOFILE) against what its sockets
// may need: systemd and shells start services with a soft limit of 1024,
// which a TCP front-end with max_connections = 4096 per worker exceeds long
// before its cap, and then accept(2) fails with EMFILE.
#ifndef AQUATIC_TRACKER_BASE_OPEN_FILES_H_
#define AQUATIC_TRACKER_BASE_OPEN_FILES_H_

#include <cstdint>
#include <string>

namespace aquatic {

struct OpenFilesLimit {
  uint64_t soft = 0;
  uint64_t hard = 0;
  // The soft limit before RaiseOpenFilesLimit changed it.
  uint64_t previous_soft = 0;
  uint64_t needed = 0;

  bool enough() const { return soft >= needed; }
  // One line for the log: what was raised, or why it is not enough.
  std::string Describe() const;
};

// Raises the soft limit toward the hard limit until it covers `needed`
// descriptors (never lowers it, never asks above the hard limit).
OpenFilesLimit RaiseOpenFilesLimit(uint64_t needed);

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_OPEN_FILES_H_
