#include "tracker/base/privileges.h"

#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace aquatic {
namespace {

// Runs `body` in a forked child (privileges cannot be regained); returns its
// exit code.
template <typename Body>
int InChild(Body body) {
  const pid_t pid = fork();
  if (pid == 0) _exit(body());
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

TEST(PrivilegesTest, AbsolutePathFoldsDotsAndKeepsLinks) {
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
  EXPECT_EQ(AbsolutePath("a/../b/./c.pem"), std::string(cwd) + "/b/c.pem");
  EXPECT_EQ(AbsolutePath("/etc//aquatic/../aquatic/./x"), "/etc/aquatic/x");
  EXPECT_EQ(AbsolutePath("/.."), "/");
  // Before any chroot a path reads as itself.
  EXPECT_EQ(PathForReading("/srv/aquatic/etc/allow.txt"), "/srv/aquatic/etc/allow.txt");
}

TEST(PrivilegesTest, ReloadedFilesMustBeInsideTheChrootAndReadable) {
  ASSERT_EQ(getuid(), 0u) << "this test needs root (tests run as root in CI)";
  const std::string jail = AbsolutePath(testing::TempDir() + "/privileges_check_jail");
  mkdir(jail.c_str(), 0755);
  mkdir((jail + "/etc").c_str(), 0755);
  std::ofstream(jail + "/etc/ok.txt") << "x";
  chmod((jail + "/etc/ok.txt").c_str(), 0644);
  EXPECT_TRUE(CheckReadableAfterDrop("[access_list] path", jail + "/etc/ok.txt", jail, "nobody").ok());
  // Readable by root only.
  std::ofstream(jail + "/etc/secret.txt") << "x";
  chmod((jail + "/etc/secret.txt").c_str(), 0600);
  absl::Status status =
      CheckReadableAfterDrop("[access_list] path", jail + "/etc/secret.txt", jail, "nobody");
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StrContains(status.message(), "is not readable by user nobody (mode 600)"))
      << status;
  // A folder nobody cannot enter.
  mkdir((jail + "/private").c_str(), 0700);
  std::ofstream(jail + "/private/list.txt") << "x";
  chmod((jail + "/private/list.txt").c_str(), 0644);
  status = CheckReadableAfterDrop("[access_list] path", jail + "/private/list.txt", jail, "nobody");
  EXPECT_TRUE(absl::StrContains(status.message(), "cannot enter " + jail + "/private")) << status;
  // Outside, or a link inside pointing outside.
  const std::string outside = AbsolutePath(testing::TempDir() + "/privileges_outside.txt");
  std::ofstream(outside) << "x";
  status = CheckReadableAfterDrop("[access_list] path", outside, jail, "nobody");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StartsWith(status.message(), "[access_list] path: " + outside +
                                                     " is outside [privileges] chroot_path"))
      << status;
  std::remove((jail + "/etc/link.txt").c_str());
  ASSERT_EQ(symlink(outside.c_str(), (jail + "/etc/link.txt").c_str()), 0);
  status = CheckReadableAfterDrop("[access_list] path", jail + "/etc/link.txt", jail, "nobody");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  // After the chroot, a host path inside it reads through it.
  const int exit_code = InChild([&] {
    if (!DropPrivileges(jail, "nobody").ok()) return 1;
    if (PathForReading(AbsolutePath(jail + "/etc/ok.txt")) != "/etc/ok.txt") return 2;
    std::ifstream file(PathForReading(jail + "/etc/ok.txt"));
    return file ? 0 : 3;
  });
  EXPECT_EQ(exit_code, 0);
}

TEST(PrivilegesTest, UnknownUserIsAnErrorNamingTheKey) {
  const absl::Status status = DropPrivileges("/", "no-such-user-aquatic");
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StartsWith(status.message(), "[privileges] user:")) << status;
}

TEST(PrivilegesTest, ChrootsAndSwitchesUser) {
  // Trackers start as root to bind low ports; CI runs as root.
  ASSERT_EQ(getuid(), 0u) << "this test needs root (tests run as root in CI)";
  const passwd* nobody = getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  const uid_t nobody_uid = nobody->pw_uid;
  const std::string jail = testing::TempDir() + "/privileges_jail";
  mkdir(jail.c_str(), 0755);
  std::ofstream(jail + "/marker") << "inside";
  const int exit_code = InChild([&] {
    if (!DropPrivileges(jail, "nobody").ok()) return 1;
    if (getuid() != nobody_uid || geteuid() != nobody_uid) return 2;
    if (access("/marker", F_OK) != 0) return 3;  // "/" is the jail now
    if (setuid(0) == 0) return 4;                // and root is gone for good
    return 0;
  });
  EXPECT_EQ(exit_code, 0);
}

TEST(PrivilegesTest, MissingChrootFolderIsAnError) {
  ASSERT_EQ(getuid(), 0u);
  const int exit_code = InChild([] {
    const absl::Status status = DropPrivileges("/nonexistent/jail", "nobody");
    return !status.ok() && absl::StartsWith(status.message(), "[privileges] chroot_path:") ? 0 : 1;
  });
  EXPECT_EQ(exit_code, 0);
}

}  // namespace
}  // namespace aquatic
