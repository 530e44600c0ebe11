// For tests of a front-end over real sockets: the process of `aquatic
// PROTOCOL -c FILE` without its control loop. The caller drives cleaning,
// reloads and statistics through the returned Runtime.
#ifndef AQUATIC_TRACKER_SERVER_TEST_SERVER_H_
#define AQUATIC_TRACKER_SERVER_TEST_SERVER_H_

#include <memory>

#include <google/protobuf/message.h>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "tracker/server/protocol.h"
#include "tracker/server/runtime.h"
#include "tracker/server/server_config.h"

namespace aquatic {

// Builds and starts the server that serves `protocol` alone from its own
// config message (UdpConfig, ...), validated as its file would be.
inline absl::StatusOr<std::unique_ptr<Runtime>> StartServer(
    absl::string_view protocol, const google::protobuf::Message& own_config) {
  const Protocol* found = FindProtocol(protocol);
  if (found == nullptr) {
    return absl::NotFoundError(absl::StrCat("protocol ", protocol, " is not linked in"));
  }
  ServerConfig config = ServerConfigFor(*found, own_config);
  if (absl::Status status = ValidateServerConfig(config); !status.ok()) return status;
  absl::StatusOr<std::unique_ptr<Runtime>> runtime = BuildServer(config);
  if (!runtime.ok()) return runtime.status();
  if (absl::Status status = (*runtime)->Start(); !status.ok()) return status;
  return runtime;
}

// As StartServer, for `aquatic run`'s config.
inline absl::StatusOr<std::unique_ptr<Runtime>> StartServer(const ServerConfig& config) {
  if (absl::Status status = ValidateServerConfig(config); !status.ok()) return status;
  absl::StatusOr<std::unique_ptr<Runtime>> runtime = BuildServer(config);
  if (!runtime.ok()) return runtime.status();
  if (absl::Status status = (*runtime)->Start(); !status.ok()) return status;
  return runtime;
}

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_SERVER_TEST_SERVER_H_
