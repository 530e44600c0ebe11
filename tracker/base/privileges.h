// Dropping root after the listening sockets are bound ([privileges]):
// chroot into `chroot_path`, then switch to `user`'s group and user ids.
//
// Files the tracker re-reads on reload (the access list, TLS certificate and
// key) are named as on the host. After the chroot the process sees only what
// lies inside it, as `user`: CheckReadableAfterDrop refuses, at start, a file
// outside the chroot or one `user` cannot read, and PathForReading turns a
// host path into the path that reaches the same file from inside.
#ifndef AQUATIC_TRACKER_BASE_PRIVILEGES_H_
#define AQUATIC_TRACKER_BASE_PRIVILEGES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace aquatic {

absl::Status DropPrivileges(const std::string& chroot_path, const std::string& user);

// `path` (a config value, named `key` in errors, e.g. "[access_list] path")
// lies inside `chroot_path`, and `user` will be able to read it there: every
// folder on the way searchable and the file readable by the user, its group
// or everyone. Call it before dropping privileges.
absl::Status CheckReadableAfterDrop(absl::string_view key, const std::string& path,
                                    const std::string& chroot_path, const std::string& user);

// `path` made absolute with links resolved (as given when that fails). Files
// re-read after the chroot keep this form, taken while the host is visible.
std::string CanonicalPath(const std::string& path);

// The path to open `host_path` (a CanonicalPath) by now: itself before
// DropPrivileges, the same file as seen from inside the chroot after it.
std::string PathForReading(const std::string& host_path);

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_PRIVILEGES_H_
