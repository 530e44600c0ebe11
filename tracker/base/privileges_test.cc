#include "tracker/base/privileges.h"

#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
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
