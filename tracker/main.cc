// `aquatic`: the tracker command line. One binary serves the three protocols:
//
//   aquatic {udp|http|ws} [-c FILE] [-p] [-P]
//   aquatic [-v [--verbose]] [-h]
//
// Exit codes: 0 success, 1 the tracker failed while running, 2 bad usage or
// bad configuration (one line on stderr naming the key and the problem).
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include <google/protobuf/message.h>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "tracker/base/config/config_comments.h"
#include "tracker/base/config/protocol_config.h"
#include "tracker/base/config/toml_config.h"
#include "tracker/base/config/http.pb.h"
#include "tracker/base/config/udp.pb.h"
#include "tracker/http/http_tracker.h"
#include "tracker/udp/udp_tracker.h"
#include "third_party/build_inputs.h"
#include "tracker/version.h"
#include "tracker/ws/ws_tracker.h"

namespace aquatic {
namespace {

constexpr int kExitRuntimeError = 1;
constexpr int kExitUsage = 2;

constexpr char kUsage[] =
    "Usage: aquatic PROTOCOL [-c FILE] [-p] [-P]\n"
    "       aquatic [-v [--verbose]] [-h]\n"
    "\n"
    "A BitTorrent tracker.\n"
    "\n"
    "Protocols:\n"
    "  udp    BitTorrent over UDP (BEP 15), IPv4 and IPv6\n"
    "  http   BitTorrent over HTTP and HTTPS (BEP 3, 7, 23, 48)\n"
    "  ws     WebTorrent over WebSocket and secure WebSocket\n"
    "\n"
    "Options:\n"
    "  -c FILE  load the configuration from FILE (TOML; missing keys keep their defaults)\n"
    "  -p       print the default configuration of PROTOCOL, with comments, and exit\n"
    "  -P       print the effective configuration (defaults plus -c FILE) and exit\n"
    "  -v       print the version and exit (--verbose: and the Debian packages built from)\n"
    "  -h       print this help and exit\n";

struct Options {
  std::optional<config::Protocol> protocol;
  std::string config_path;
  bool print_defaults = false;
  bool print_effective = false;
  bool version = false;
  bool verbose = false;
  bool help = false;
};

int UsageError(const std::string& message) {
  std::fprintf(stderr, "aquatic: %s\nTry 'aquatic -h'.\n", message.c_str());
  return kExitUsage;
}

// Returns an exit code when the arguments cannot be used.
std::optional<int> ParseArguments(int argc, char** argv, Options* options) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      options->help = true;
    } else if (arg == "-v" || arg == "--version") {
      options->version = true;
    } else if (arg == "--verbose") {
      options->verbose = true;
    } else if (arg == "-p" || arg == "--print-config") {
      options->print_defaults = true;
    } else if (arg == "-P" || arg == "--print-parsed-config") {
      options->print_effective = true;
    } else if (arg == "-c" || arg == "--config-file") {
      if (i + 1 >= argc) return UsageError("-c needs a FILE");
      options->config_path = argv[++i];
    } else if (!arg.empty() && arg[0] == '-') {
      return UsageError(absl::StrCat("unknown option '", arg, "'"));
    } else if (options->protocol.has_value()) {
      return UsageError(absl::StrCat("unexpected argument '", arg, "'"));
    } else {
      options->protocol = config::ProtocolFromName(arg);
      if (!options->protocol.has_value()) {
        return UsageError(
            absl::StrCat("unknown protocol '", arg, "' (expected udp, http or ws)"));
      }
    }
  }
  return std::nullopt;
}

int Run(int argc, char** argv) {
  Options options;
  if (std::optional<int> exit_code = ParseArguments(argc, argv, &options)) return *exit_code;
  if (options.help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (options.version) {
    std::printf("aquatic-cpp %s\n", kAquaticVersion);
    if (options.verbose) std::printf("built with these Debian packages:\n%s", kBuildInputs);
    return 0;
  }
  if (!options.protocol.has_value()) return UsageError("no protocol given (udp, http or ws)");
  const config::Protocol protocol = *options.protocol;

  if (options.print_defaults) {
    std::unique_ptr<google::protobuf::Message> defaults = config::NewDefaultConfig(protocol);
    std::fputs(config::PrintTomlConfig(*defaults, config::ConfigComments::Embedded()).c_str(),
               stdout);
    return 0;
  }

  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> loaded =
      options.config_path.empty()
          ? absl::StatusOr<std::unique_ptr<google::protobuf::Message>>(
                config::NewDefaultConfig(protocol))
          : config::LoadConfigFile(protocol, options.config_path);
  if (!loaded.ok()) {
    std::fprintf(stderr, "aquatic: config error: %s\n",
                 std::string(loaded.status().message()).c_str());
    return kExitUsage;
  }
  if (options.print_effective) {
    std::fputs(config::PrintTomlConfig(**loaded, config::ConfigComments::Embedded()).c_str(),
               stdout);
    return 0;
  }

  if (protocol == config::Protocol::kUdp) {
    absl::Status status =
        udp::RunUdpTracker(static_cast<const config::UdpConfig&>(**loaded));
    if (!status.ok()) {
      std::fprintf(stderr, "aquatic: %s\n", std::string(status.message()).c_str());
      return kExitRuntimeError;
    }
    return 0;
  }

  if (protocol == config::Protocol::kHttp) {
    absl::Status status =
        http::RunHttpTracker(static_cast<const config::HttpConfig&>(**loaded));
    if (!status.ok()) {
      std::fprintf(stderr, "aquatic: %s\n", std::string(status.message()).c_str());
      return kExitRuntimeError;
    }
    return 0;
  }
  if (protocol == config::Protocol::kWs) {
    absl::Status status = ws::RunWsTracker(static_cast<const config::WsConfig&>(**loaded));
    if (!status.ok()) {
      std::fprintf(stderr, "aquatic: %s\n", std::string(status.message()).c_str());
      return kExitRuntimeError;
    }
    return 0;
  }

  // The servers land protocol by protocol; until then say so plainly rather
  // than pretend to serve.
  std::fprintf(stderr,
               "aquatic: the %s tracker is not implemented yet in this build; only its "
               "configuration (-p, -P, -c) works so far\n",
               std::string(config::ProtocolName(protocol)).c_str());
  return kExitRuntimeError;
}

}  // namespace
}  // namespace aquatic

int main(int argc, char** argv) { return aquatic::Run(argc, argv); }
