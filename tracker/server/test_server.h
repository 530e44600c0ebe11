// For tests of a front-end over real sockets: the process of `aquatic
// PROTOCOL -c FILE` without its control loop. The caller drives cleaning,
// reloads and statistics through the returned Runtime.
#ifndef AQUATIC_TRACKER_SERVER_TEST_SERVER_H_
#define AQUATIC_TRACKER_SERVER_TEST_SERVER_H_

#include <memory>
#include <utility>

#include <google/protobuf/message.h>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "tracker/base/config/toml_config.h"
#include "tracker/server/protocol.h"
#include "tracker/server/runtime.h"
#include "tracker/server/server_config.h"

namespace aquatic {

// As StartServer, for `aquatic run`'s config: validates it, builds every
// enabled front-end and starts them. A test that does not set [storage]
// backend runs without storage (the default, a file in the working
// directory, would carry counts from one test into the next).
inline absl::StatusOr<std::unique_ptr<Runtime>> StartServer(ServerConfig config) {
  if (!config.shared.storage().has_backend()) {
    config.shared.mutable_storage()->set_backend(config::STORAGE_BACKEND_NONE);
  }
  if (absl::Status status = ValidateServerConfig(config); !status.ok()) return status;
  absl::StatusOr<std::unique_ptr<Runtime>> runtime = BuildServer(config);
  if (!runtime.ok()) return runtime.status();
  if (absl::Status status = (*runtime)->Start(); !status.ok()) return status;
  return runtime;
}

// The tables of an `aquatic run` file (tracker.toml) that serve UDP, HTTP and
// WebTorrent on 127.0.0.1 (any port, no IPv6) with the Prometheus endpoint
// on: tests append it to their own top-level keys and sections.
inline constexpr char kLoopbackAllProtocolsToml[] =
    "[statistics]\nrun_prometheus_endpoint = true\n"
    "prometheus_endpoint_address = \"127.0.0.1:0\"\n"
    "[udp.network]\naddress_ipv4 = \"127.0.0.1:0\"\nuse_ipv6 = false\n"
    "socket_recv_buffer_size = 0\n"
    "[http]\nenabled = true\n"
    "[http.network]\naddress_ipv4 = \"127.0.0.1:0\"\nuse_ipv6 = false\n"
    "[ws]\nenabled = true\n"
    "[ws.network]\naddress_ipv4 = \"127.0.0.1:0\"\nuse_ipv6 = false\n";

// As StartServer, from the text of an `aquatic run` file (tracker.toml).
inline absl::StatusOr<std::unique_ptr<Runtime>> StartServerFromToml(absl::string_view toml) {
  absl::StatusOr<ServerConfig> config = ParseServerConfig(toml, "tracker.toml");
  if (!config.ok()) return config.status();
  return StartServer(*std::move(config));
}

// Builds and starts the server that serves `protocol` alone from its own
// config message (UdpConfig, ...), validated as its file would be.
inline absl::StatusOr<std::unique_ptr<Runtime>> StartServer(
    absl::string_view protocol, const google::protobuf::Message& own_config) {
  const Protocol* found = FindProtocol(protocol);
  if (found == nullptr) {
    return absl::NotFoundError(absl::StrCat("protocol ", protocol, " is not linked in"));
  }
  return StartServer(ServerConfigFor(*found, own_config));
}

// As StartServer, in the process `aquatic run` makes when every other
// registered protocol is enabled too (on 127.0.0.1 and [::1], any port): the
// protocol's conformance tests then also cover the shared runtime and
// engines (the IP engine keeping peer ids when HTTP is linked in).
inline absl::StatusOr<std::unique_ptr<Runtime>> StartCombinedServer(
    absl::string_view protocol, const google::protobuf::Message& own_config) {
  const Protocol* found = FindProtocol(protocol);
  if (found == nullptr) {
    return absl::NotFoundError(absl::StrCat("protocol ", protocol, " is not linked in"));
  }
  ServerConfig config = ServerConfigFor(*found, own_config);
  config.combined = true;
  for (const Protocol* other : Protocols()) {
    if (other == found) continue;
    // Every front-end table has `enabled` and [network] with the listen keys.
    std::unique_ptr<google::protobuf::Message> table = other->NewFrontEndConfig();
    std::string text = absl::StrCat("enabled = true\n[network]\n",
                                    "address_ipv4 = \"127.0.0.1:0\"\n",
                                    "address_ipv6 = \"[::1]:0\"\n");
    if (absl::Status status = config::MergeTomlIntoConfig(text, "test", table.get());
        !status.ok()) {
      return status;
    }
    config.front_ends.push_back({other, std::move(table)});
  }
  return StartServer(std::move(config));
}

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_SERVER_TEST_SERVER_H_
