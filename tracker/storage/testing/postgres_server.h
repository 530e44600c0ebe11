// PostgresServer: a real PostgreSQL 15 (Debian's postgresql-15) for tests,
// started in a fresh temporary cluster that listens on a Unix socket only
// and is removed afterwards. PostgreSQL refuses to run as root, so under
// root the cluster belongs to the `postgres` system user the package
// creates, and its commands run as that user (runuser).
#ifndef AQUATIC_TRACKER_STORAGE_TESTING_POSTGRES_SERVER_H_
#define AQUATIC_TRACKER_STORAGE_TESTING_POSTGRES_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace aquatic::storage::testing {

class PostgresServer {
 public:
  // initdb and start; a few seconds.
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Start();
  // Stops the server at once and removes the cluster.
  ~PostgresServer();

  // A libpq connection string for the cluster's `postgres` database.
  std::string conninfo() const;
  // The folder of the cluster's socket (a "host=" value).
  const std::string& socket_dir() const { return dir_; }

  // Stops the server (connections are cut) and starts it again, with the
  // same data.
  absl::Status Stop();
  absl::Status Restart();
  // The server's log, for failure messages.
  std::string Log() const;

 private:
  explicit PostgresServer(std::string dir) : dir_(std::move(dir)) {}
  absl::Status Run(const std::vector<std::string>& argv) const;

  std::string dir_;
  bool running_ = false;
};

}  // namespace aquatic::storage::testing

#endif  // AQUATIC_TRACKER_STORAGE_TESTING_POSTGRES_SERVER_H_
