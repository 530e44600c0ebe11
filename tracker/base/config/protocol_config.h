// The config schema of each protocol's tracker: default instances, loading a
// TOML file into them, and the checks that span several keys.
#ifndef AQUATIC_TRACKER_BASE_CONFIG_PROTOCOL_CONFIG_H_
#define AQUATIC_TRACKER_BASE_CONFIG_PROTOCOL_CONFIG_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

namespace aquatic::config {

enum class Protocol { kUdp, kHttp, kWs };

// "udp", "http" or "ws".
std::optional<Protocol> ProtocolFromName(absl::string_view name);
absl::string_view ProtocolName(Protocol protocol);

// A UdpConfig, HttpConfig or WsConfig holding the defaults.
std::unique_ptr<google::protobuf::Message> NewDefaultConfig(Protocol protocol);

// Checks that concern more than one key (e.g. at least one address family).
absl::Status ValidateConfig(const google::protobuf::Message& config);

// Defaults, then the keys of the TOML text, then ValidateConfig.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> ParseConfig(
    Protocol protocol, absl::string_view toml_text, absl::string_view source_name);

// ParseConfig over a file's contents; errors start with the file name.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> LoadConfigFile(
    Protocol protocol, const std::string& path);

}  // namespace aquatic::config

#endif  // AQUATIC_TRACKER_BASE_CONFIG_PROTOCOL_CONFIG_H_
