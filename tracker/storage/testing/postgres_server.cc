#include "tracker/storage/testing/postgres_server.h"

#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

extern char** environ;

namespace aquatic::storage::testing {
namespace {

constexpr char kBin[] = "/usr/lib/postgresql/15/bin";

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Start() {
  if (access(absl::StrCat(kBin, "/pg_ctl").c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(kBin, "/pg_ctl is missing: install postgresql-15 (tools/setup.sh)"));
  }
  // In /tmp, not the test's TMPDIR: the postgres user must reach it.
  char pattern[] = "/tmp/aquatic-pg-XXXXXX";
  if (mkdtemp(pattern) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp: ", std::strerror(errno)));
  }
  std::unique_ptr<PostgresServer> server(new PostgresServer(pattern));
  if (geteuid() == 0) {
    const passwd* user = getpwnam("postgres");
    if (user == nullptr) {
      return absl::FailedPreconditionError(
          "no 'postgres' user (postgresql-15 creates it): PostgreSQL will not run as root");
    }
    if (chown(pattern, user->pw_uid, user->pw_gid) != 0) {
      return absl::InternalError(absl::StrCat("chown ", pattern, ": ", std::strerror(errno)));
    }
  }
  const std::string data = absl::StrCat(server->dir_, "/data");
  if (absl::Status status = server->Run({absl::StrCat(kBin, "/initdb"), "--pgdata=" + data,
                                         "--username=postgres", "--auth=trust",
                                         "--encoding=UTF8", "--no-sync"});
      !status.ok()) {
    return status;
  }
  if (absl::Status status = server->Restart(); !status.ok()) return status;
  return server;
}

PostgresServer::~PostgresServer() {
  if (running_) {
    Run({absl::StrCat(kBin, "/pg_ctl"), "stop", "--pgdata=" + dir_ + "/data", "--mode=immediate",
         "--wait"})
        .IgnoreError();
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string PostgresServer::conninfo() const {
  return absl::StrCat("host=", dir_, " dbname=postgres user=postgres");
}

absl::Status PostgresServer::Run(const std::vector<std::string>& command) const {
  std::vector<std::string> argv;
  if (geteuid() == 0) argv = {"/usr/sbin/runuser", "-u", "postgres", "--"};
  argv.insert(argv.end(), command.begin(), command.end());
  std::vector<char*> args;
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  // The commands' output goes to the cluster's log, not the test's.
  const std::string log = absl::StrCat(dir_, "/commands.log");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0666);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  // Run from a folder the postgres user may read.
  posix_spawn_file_actions_addchdir_np(&actions, "/tmp");
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return absl::InternalError(absl::StrCat("spawn ", argv[0], ": ", std::strerror(spawned)));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat(absl::StrJoin(command, " "), " failed:\n", Log()));
  }
  return absl::OkStatus();
}

absl::Status PostgresServer::Stop() {
  if (!running_) return absl::OkStatus();
  running_ = false;
  return Run({absl::StrCat(kBin, "/pg_ctl"), "stop", "--pgdata=" + dir_ + "/data",
              "--mode=fast", "--wait"});
}

absl::Status PostgresServer::Restart() {
  // Unix socket only (-h ''), in the cluster's folder; no fsync: a test's
  // data need not survive a power cut.
  const std::string options = absl::StrCat("-k ", dir_, " -h '' -c fsync=off");
  if (absl::Status status =
          Run({absl::StrCat(kBin, "/pg_ctl"), "start", "--pgdata=" + dir_ + "/data",
               "--log=" + dir_ + "/server.log", "--options=" + options, "--wait", "--timeout=60"});
      !status.ok()) {
    return status;
  }
  running_ = true;
  return absl::OkStatus();
}

std::string PostgresServer::Log() const {
  std::string out;
  for (const char* name : {"/commands.log", "/server.log"}) {
    std::ifstream file(absl::StrCat(dir_, name));
    std::stringstream contents;
    contents << file.rdbuf();
    absl::StrAppend(&out, contents.str());
  }
  return out;
}

}  // namespace aquatic::storage::testing
