#include "tracker/base/config/protocol_config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "tracker/base/config/common.pb.h"
#include "tracker/base/config/http.pb.h"
#include "tracker/base/config/toml_config.h"
#include "tracker/base/config/udp.pb.h"
#include "tracker/base/config/ws.pb.h"

namespace aquatic::config {
namespace {

absl::Status ValidateListen(const ListenAddresses& listen) {
  if (!listen.use_ipv4() && !listen.use_ipv6()) {
    return absl::InvalidArgumentError(
        "[network] use_ipv4, use_ipv6: both are false, so the tracker would listen nowhere");
  }
  return absl::OkStatus();
}

absl::Status ValidateTls(const TlsSettings& tls) {
  if (tls.enable_tls() && (tls.tls_certificate_path().empty() || tls.tls_private_key_path().empty())) {
    return absl::InvalidArgumentError(
        "[network] enable_tls: needs tls_certificate_path and tls_private_key_path");
  }
  return absl::OkStatus();
}

}  // namespace

std::optional<Protocol> ProtocolFromName(absl::string_view name) {
  if (name == "udp") return Protocol::kUdp;
  if (name == "http") return Protocol::kHttp;
  if (name == "ws") return Protocol::kWs;
  return std::nullopt;
}

absl::string_view ProtocolName(Protocol protocol) {
  switch (protocol) {
    case Protocol::kUdp: return "udp";
    case Protocol::kHttp: return "http";
    case Protocol::kWs: return "ws";
  }
  return "?";
}

std::unique_ptr<google::protobuf::Message> NewDefaultConfig(Protocol protocol) {
  switch (protocol) {
    case Protocol::kUdp: return std::make_unique<UdpConfig>();
    case Protocol::kHttp: return std::make_unique<HttpConfig>();
    case Protocol::kWs: return std::make_unique<WsConfig>();
  }
  return nullptr;
}

absl::Status ValidateConfig(const google::protobuf::Message& config) {
  if (const auto* udp = dynamic_cast<const UdpConfig*>(&config)) {
    return ValidateListen(udp->network().listen());
  }
  if (const auto* http = dynamic_cast<const HttpConfig*>(&config)) {
    if (absl::Status status = ValidateListen(http->network().listen()); !status.ok()) {
      return status;
    }
    return ValidateTls(http->network().tls());
  }
  if (const auto* ws = dynamic_cast<const WsConfig*>(&config)) {
    if (absl::Status status = ValidateListen(ws->network().listen()); !status.ok()) {
      return status;
    }
    if (ws->network().websocket_max_frame_size() > ws->network().websocket_max_message_size()) {
      return absl::InvalidArgumentError(
          "[network] websocket_max_frame_size: larger than websocket_max_message_size");
    }
    return ValidateTls(ws->network().tls());
  }
  return absl::InvalidArgumentError("not a tracker config message");
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> ParseConfig(
    Protocol protocol, absl::string_view toml_text, absl::string_view source_name) {
  std::unique_ptr<google::protobuf::Message> config = NewDefaultConfig(protocol);
  if (absl::Status status = MergeTomlIntoConfig(toml_text, source_name, config.get());
      !status.ok()) {
    return status;
  }
  if (absl::Status status = ValidateConfig(*config); !status.ok()) return status;
  return config;
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> LoadConfigFile(
    Protocol protocol, const std::string& path) {
  absl::StatusOr<std::string> contents = ReadConfigFile(path);
  if (!contents.ok()) return contents.status();
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> config =
      ParseConfig(protocol, *contents, path);
  if (!config.ok()) {
    return absl::Status(config.status().code(),
                        absl::StrCat(path, ": ", config.status().message()));
  }
  return config;
}

}  // namespace aquatic::config
