// Dropping root after the listening sockets are bound ([privileges]):
// chroot into `chroot_path`, then switch to `user`'s group and user ids.
#ifndef AQUATIC_TRACKER_BASE_PRIVILEGES_H_
#define AQUATIC_TRACKER_BASE_PRIVILEGES_H_

#include <string>

#include "absl/status/status.h"

namespace aquatic {

absl::Status DropPrivileges(const std::string& chroot_path, const std::string& user);

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_PRIVILEGES_H_
