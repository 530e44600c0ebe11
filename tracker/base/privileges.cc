#include "tracker/base/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace aquatic {

absl::Status DropPrivileges(const std::string& chroot_path, const std::string& user) {
  // Look the user up before the chroot hides /etc/passwd.
  errno = 0;
  const passwd* entry = getpwnam(user.c_str());
  if (entry == nullptr) {
    return absl::NotFoundError(absl::StrCat("[privileges] user: no user '", user, "'"));
  }
  const uid_t uid = entry->pw_uid;
  const gid_t gid = entry->pw_gid;
  if (chroot(chroot_path.c_str()) != 0 || chdir("/") != 0) {
    return absl::PermissionDeniedError(absl::StrCat("[privileges] chroot_path: chroot to '",
                                                    chroot_path, "': ", std::strerror(errno)));
  }
  if (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("[privileges] user: switching to '", user, "': ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace aquatic
