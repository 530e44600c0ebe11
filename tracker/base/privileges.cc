#include "tracker/base/privileges.h"

#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace aquatic {
namespace {

// The host path of the folder the process chrooted into; empty before.
std::mutex g_chroot_mutex;
std::string g_chroot;

absl::StatusOr<std::string> RealPath(const std::string& path) {
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved) == nullptr) {
    return absl::NotFoundError(std::strerror(errno));
  }
  return std::string(resolved);
}

// `inner` equals `root` or lies below it ("/" holds everything).
bool Inside(const std::string& inner, const std::string& root) {
  if (root == "/") return true;
  return inner == root || absl::StartsWith(inner, absl::StrCat(root, "/"));
}

struct Identity {
  uid_t uid;
  std::vector<gid_t> groups;
};

absl::StatusOr<Identity> IdentityOf(const std::string& user) {
  const passwd* entry = getpwnam(user.c_str());
  if (entry == nullptr) {
    return absl::NotFoundError(absl::StrCat("[privileges] user: no user '", user, "'"));
  }
  Identity identity{entry->pw_uid, {entry->pw_gid}};
  // DropPrivileges keeps the primary group only (setgroups(0)).
  return identity;
}

// What `identity` may do with a file of `info`: `mask` is 4 (read) or 1
// (search), tested against owner, group and other bits as the kernel does.
bool Permits(const struct stat& info, const Identity& identity, unsigned mask) {
  if (identity.uid == 0) return true;
  if (info.st_uid == identity.uid) return (info.st_mode >> 6) & mask;
  for (gid_t group : identity.groups) {
    if (info.st_gid == group) return (info.st_mode >> 3) & mask;
  }
  return info.st_mode & mask;
}

}  // namespace

absl::Status DropPrivileges(const std::string& chroot_path, const std::string& user) {
  // Look the user up before the chroot hides /etc/passwd.
  errno = 0;
  const passwd* entry = getpwnam(user.c_str());
  if (entry == nullptr) {
    return absl::NotFoundError(absl::StrCat("[privileges] user: no user '", user, "'"));
  }
  const uid_t uid = entry->pw_uid;
  const gid_t gid = entry->pw_gid;
  absl::StatusOr<std::string> root = RealPath(chroot_path);
  if (!root.ok() || chroot(root->c_str()) != 0 || chdir("/") != 0) {
    return absl::PermissionDeniedError(absl::StrCat("[privileges] chroot_path: chroot to '",
                                                    chroot_path, "': ", std::strerror(errno)));
  }
  {
    std::lock_guard<std::mutex> lock(g_chroot_mutex);
    g_chroot = *root;
  }
  if (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("[privileges] user: switching to '", user, "': ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status CheckReadableAfterDrop(absl::string_view key, const std::string& path,
                                    const std::string& chroot_path, const std::string& user) {
  absl::StatusOr<std::string> file = RealPath(path);
  if (!file.ok()) {
    return absl::NotFoundError(absl::StrCat(key, ": '", path, "': ", file.status().message()));
  }
  absl::StatusOr<std::string> root = RealPath(chroot_path);
  if (!root.ok()) {
    return absl::NotFoundError(absl::StrCat("[privileges] chroot_path: '", chroot_path, "': ",
                                            root.status().message()));
  }
  const std::string written = AbsolutePath(path);
  for (const std::string& form : {written, *file}) {
    if (!Inside(form, *root)) {
      return absl::FailedPreconditionError(absl::StrCat(
          key, ": ", form, " is outside [privileges] chroot_path ", *root,
          ", so it cannot be re-read after the chroot; put it inside the chroot"));
    }
  }
  absl::StatusOr<Identity> identity = IdentityOf(user);
  if (!identity.ok()) return identity.status();
  // Every folder from the chroot down must be searchable, the file readable.
  for (size_t slash = root->size(); slash != std::string::npos;
       slash = file->find('/', slash + 1)) {
    const std::string folder = slash == 0 ? "/" : file->substr(0, slash);
    struct stat info {};
    if (stat(folder.c_str(), &info) != 0 || !Permits(info, *identity, 1)) {
      return absl::PermissionDeniedError(
          absl::StrCat(key, ": ", *file, ": user ", user, " cannot enter ", folder,
                       " after privileges are dropped"));
    }
  }
  struct stat info {};
  if (stat(file->c_str(), &info) != 0 || !Permits(info, *identity, 4)) {
    return absl::PermissionDeniedError(absl::StrCat(
        key, ": ", *file, " is not readable by user ", user, " (mode ",
        absl::StrFormat("%o", info.st_mode & 0777), "); it must be, to be re-read after "
        "privileges are dropped"));
  }
  return absl::OkStatus();
}

std::string PathForReading(const std::string& host_path) {
  std::string root;
  {
    std::lock_guard<std::mutex> lock(g_chroot_mutex);
    root = g_chroot;
  }
  if (root.empty() || root == "/" || !Inside(host_path, root)) return host_path;
  return host_path == root ? "/" : host_path.substr(root.size());
}

std::string AbsolutePath(const std::string& path) {
  std::string joined = path;
  if (path.empty() || path[0] != '/') {
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof(cwd)) == nullptr) return path;
    joined = absl::StrCat(cwd, "/", path);
  }
  std::vector<absl::string_view> parts;
  for (absl::string_view part : absl::StrSplit(joined, '/', absl::SkipEmpty())) {
    if (part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  return absl::StrCat("/", absl::StrJoin(parts, "/"));
}

}  // namespace aquatic
