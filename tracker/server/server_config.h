// ServerConfig: what one tracker process serves, and the process itself.
//
// `aquatic run -c tracker.toml` reads one file: the shared keys at the top
// (config::TrackerConfig) and a table per registered protocol ([udp],
// [http], [ws], each with `enabled`). `aquatic udp -c udp.toml` reads the
// protocol's own aquatic-compatible file and serves that protocol alone.
// Both become a ServerConfig, and RunServer runs either the same way.
#ifndef AQUATIC_TRACKER_SERVER_SERVER_CONFIG_H_
#define AQUATIC_TRACKER_SERVER_SERVER_CONFIG_H_

#include <memory>
#include <string>
#include <vector>

#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tracker/base/config/tracker.pb.h"
#include "tracker/server/protocol.h"
#include "tracker/server/runtime.h"

namespace aquatic {

struct ServerConfig {
  config::TrackerConfig shared;
  struct FrontEndConfig {
    const Protocol* protocol;
    std::unique_ptr<google::protobuf::Message> config;
  };
  // One per registered protocol, in the registry's order.
  std::vector<FrontEndConfig> front_ends;
  // From `aquatic run`'s file, whose errors name tables like [udp.network];
  // false for a protocol's own file ([network]).
  bool combined = true;
};

// `aquatic run`'s defaults: UDP on, HTTP and WebTorrent off.
ServerConfig DefaultServerConfig();
// `aquatic run`'s file: defaults, then the keys of `toml_text`, then
// ValidateServerConfig. Errors are one line naming the key.
absl::StatusOr<ServerConfig> ParseServerConfig(absl::string_view toml_text,
                                               absl::string_view source_name);
absl::StatusOr<ServerConfig> LoadServerConfigFile(const std::string& path);

// A protocol's own file (UdpConfig, ...): defaults of `protocol`, the keys of
// `toml_text`, validated. Errors are one line naming the key.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> ParseProtocolConfig(
    const Protocol& protocol, absl::string_view toml_text, absl::string_view source_name);
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> LoadProtocolConfigFile(
    const Protocol& protocol, const std::string& path);
// A protocol's own config as the ServerConfig that serves it alone.
ServerConfig ServerConfigFor(const Protocol& protocol, const google::protobuf::Message& config);

// Checks across keys and front-ends: each enabled front-end's own checks, at
// least one front-end enabled, no address:port two front-ends would share.
absl::Status ValidateServerConfig(const ServerConfig& config);

// `-p` / `-P` of `aquatic run`: every key with its comment, the shared keys
// first, then each protocol's table.
std::string PrintServerConfig(const ServerConfig& config);

// Creates the runtime and every enabled front-end, with their sockets bound.
absl::StatusOr<std::unique_ptr<Runtime>> BuildServer(const ServerConfig& config);

// The process: sets the log level, blocks the control signals, builds the
// server, drops privileges if configured, starts it, runs the control loop
// (cleaning, statistics, SIGUSR1 reloads) until SIGINT/SIGTERM, and stops.
absl::Status RunServer(const ServerConfig& config);

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_SERVER_SERVER_CONFIG_H_
