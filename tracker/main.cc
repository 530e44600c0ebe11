// `aquatic`: the tracker command line. One binary serves every registered
// protocol (tracker/server/protocol.h), alone or together:
//
//   aquatic PROTOCOL [-c FILE] [-p] [-P]   one front-end, from its own
//                                          aquatic-compatible file
//   aquatic run [-c FILE] [-p] [-P]        several front-ends over shared
//                                          swarms, from one file
//   aquatic [-v [--verbose]] [-h]
//
// Exit codes: 0 success, 1 the tracker failed while running, 2 bad usage or
// bad configuration (one line on stderr naming the key and the problem).
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include <google/protobuf/message.h>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "third_party/build_inputs.h"
#include "tracker/base/config/config_comments.h"
#include "tracker/base/config/toml_config.h"
#include "tracker/base/log.h"
#include "tracker/server/protocol.h"
#include "tracker/server/server_config.h"
#include "tracker/base/version.h"

namespace aquatic {
namespace {

constexpr int kExitRuntimeError = 1;
constexpr int kExitUsage = 2;
constexpr char kRun[] = "run";

std::string Usage() {
  std::string usage =
      "Usage: aquatic PROTOCOL [-c FILE] [-p] [-P]\n"
      "       aquatic run [-c FILE] [-p] [-P]\n"
      "       aquatic [-v [--verbose]] [-h]\n"
      "\n"
      "A BitTorrent tracker.\n"
      "\n"
      "Protocols (each alone, from its own aquatic-compatible file):\n";
  for (const Protocol* protocol : Protocols()) {
    absl::StrAppend(&usage, "  ", protocol->name(), std::string(7 - protocol->name().size(), ' '),
                    protocol->summary(), "\n");
  }
  absl::StrAppend(
      &usage,
      "\n"
      "  run    every protocol enabled in one file ([udp], [http], [ws] tables), in one\n"
      "         process over shared swarms\n"
      "\n"
      "Options:\n"
      "  -c FILE  load the configuration from FILE (TOML; missing keys keep their defaults)\n"
      "  -p       print the default configuration, with comments, and exit\n"
      "  -P       print the effective configuration (defaults plus -c FILE) and exit\n"
      "  -v       print the version and exit (--verbose: and the Debian packages built from)\n"
      "  -h       print this help and exit\n");
  return usage;
}

struct Options {
  // A protocol's name or "run"; empty when none was given.
  std::string command;
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

std::string CommandNames() {
  std::vector<std::string> names;
  for (const Protocol* protocol : Protocols()) names.emplace_back(protocol->name());
  names.push_back(kRun);
  return absl::StrJoin(names, ", ");
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
    } else if (!options->command.empty()) {
      return UsageError(absl::StrCat("unexpected argument '", arg, "'"));
    } else if (arg != kRun && FindProtocol(arg) == nullptr) {
      return UsageError(
          absl::StrCat("unknown protocol '", arg, "' (expected ", CommandNames(), ")"));
    } else {
      options->command = arg;
    }
  }
  return std::nullopt;
}

int ConfigError(const absl::Status& status) {
  std::fprintf(stderr, "aquatic: config error: %s\n", std::string(status.message()).c_str());
  return kExitUsage;
}

int Serve(const ServerConfig& config) {
  absl::Status status = RunServer(config);
  if (!status.ok()) {
    // The log's format, whatever log_level says: the last line of a failed
    // start is what an operator reads in the journal.
    LogLine(LogLevel::kError, absl::StrCat("aquatic: ", status.message()));
    return kExitRuntimeError;
  }
  return 0;
}

// -P: `socket_workers = 0` means one per CPU; say how many that is here.
std::string WithWorkerCount(std::string printed, uint32_t socket_workers) {
  const std::string kKey = "socket_workers = 0\n";
  if (socket_workers != 0) return printed;
  const size_t at = printed.find(kKey);
  if (at != 0 && (at == std::string::npos || printed[at - 1] != '\n')) return printed;
  printed.insert(at + kKey.size() - 1,
                 absl::StrCat("  # one per CPU: ", WorkerCount(0), " on this machine"));
  return printed;
}

// `aquatic run`.
int RunCombined(const Options& options) {
  if (options.print_defaults) {
    std::fputs(PrintServerConfig(DefaultServerConfig()).c_str(), stdout);
    return 0;
  }
  absl::StatusOr<ServerConfig> config = options.config_path.empty()
                                            ? absl::StatusOr<ServerConfig>(DefaultServerConfig())
                                            : LoadServerConfigFile(options.config_path);
  if (!config.ok()) return ConfigError(config.status());
  if (options.print_effective) {
    std::fputs(WithWorkerCount(PrintServerConfig(*config), config->shared.socket_workers()).c_str(),
               stdout);
    return 0;
  }
  return Serve(*config);
}

// `aquatic PROTOCOL`.
int RunProtocol(const Protocol& protocol, const Options& options) {
  const config::ConfigComments& comments = config::ConfigComments::Embedded();
  if (options.print_defaults) {
    std::fputs(config::PrintTomlConfig(*protocol.NewConfig(), comments).c_str(), stdout);
    return 0;
  }
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> own =
      options.config_path.empty()
          ? absl::StatusOr<std::unique_ptr<google::protobuf::Message>>(protocol.NewConfig())
          : LoadProtocolConfigFile(protocol, options.config_path);
  if (!own.ok()) return ConfigError(own.status());
  const ServerConfig server = ServerConfigFor(protocol, **own);
  if (options.print_effective) {
    std::fputs(WithWorkerCount(config::PrintTomlConfig(**own, comments),
                               server.shared.socket_workers())
                   .c_str(),
               stdout);
    return 0;
  }
  return Serve(server);
}

int Main(int argc, char** argv) {
  Options options;
  if (std::optional<int> exit_code = ParseArguments(argc, argv, &options)) return *exit_code;
  if (options.help) {
    std::fputs(Usage().c_str(), stdout);
    return 0;
  }
  if (options.version) {
    std::printf("aquatic-cpp %s\n", kAquaticVersion);
    if (options.verbose) std::printf("built with these Debian packages:\n%s", kBuildInputs);
    return 0;
  }
  if (options.command.empty()) {
    return UsageError(absl::StrCat("no protocol given (", CommandNames(), ")"));
  }
  if (options.command == kRun) return RunCombined(options);
  return RunProtocol(*FindProtocol(options.command), options);
}

}  // namespace
}  // namespace aquatic

int main(int argc, char** argv) {
  // Under `bazel run` the process starts in its runfiles tree; relative paths
  // (-c FILE, the [storage] file) mean the directory the user ran it from.
  if (const char* directory = std::getenv("BUILD_WORKING_DIRECTORY");
      directory != nullptr && *directory != '\0' && chdir(directory) != 0) {
    std::perror("aquatic: chdir to BUILD_WORKING_DIRECTORY");
  }
  return aquatic::Main(argc, argv);
}
