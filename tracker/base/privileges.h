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
// lies inside `chroot_path`, as written and with its links resolved (a link
// inside the chroot must stay inside: an absolute one would point elsewhere
// from within), and `user` will be able to read it there: every folder on
// the way searchable and the file readable by the user, its group or
// everyone. Call it before dropping privileges.
absl::Status CheckReadableAfterDrop(absl::string_view key, const std::string& path,
                                    const std::string& chroot_path, const std::string& user);

// `path` made absolute against the working directory, with "." and ".."
// folded, links left alone: a reload opens the path anew and follows a link
// as it is then (a renewed certificate behind certbot's live/ link).
std::string AbsolutePath(const std::string& path);

// The path to open `host_path` (an AbsolutePath) by now: itself before
// DropPrivileges, the same path as seen from inside the chroot after it.
std::string PathForReading(const std::string& host_path);

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_PRIVILEGES_H_
