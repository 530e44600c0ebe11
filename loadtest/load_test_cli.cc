#include "loadtest/load_test_cli.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "loadtest/config/loadtest_config_io.h"
#include "loadtest/peer_keys.h"

namespace aquatic::loadtest::internal {
namespace {

constexpr int kExitRuntimeError = 1;
constexpr int kExitUsage = 2;

std::string Usage(const ErasedLoadTestTool& tool) {
  const char* write_help = "";
  if (tool.info_hash_file && tool.key_file) {
    write_help =
        "  -w       write [requests] info_hash_file (an allow list) and key_file (the\n"
        "           peers' keys), those that are set, and exit\n";
  } else if (tool.info_hash_file) {
    write_help = "  -w       write [requests] info_hash_file (an allow list) and exit\n";
  } else if (tool.key_file) {
    write_help = "  -w       write [requests] key_file (the peers' keys) and exit\n";
  }
  return absl::StrCat(
      "Usage: ", tool.name, " [-c FILE] [-p] [-P]", *write_help != '\0' ? " [-w]" : "", "\n\n",
      tool.description,
      "\n"
      "Options:\n"
      "  -c FILE  load the configuration from FILE (TOML; missing keys keep their defaults)\n"
      "  -p       print the default configuration, with comments, and exit\n"
      "  -P       print the effective configuration (defaults plus -c FILE) and exit\n",
      write_help,
      "  -h       print this help and exit\n");
}

int Fail(const ErasedLoadTestTool& tool, absl::string_view what, int exit_code) {
  std::fprintf(stderr, "%s load test: %s\n", tool.name, std::string(what).c_str());
  return exit_code;
}

int UsageError(const ErasedLoadTestTool& tool, absl::string_view message) {
  return Fail(tool, absl::StrCat(message, "\nTry '-h'."), kExitUsage);
}

// A seed from the clock and the process id; the summary prints it, so the
// run can be repeated with [requests] seed.
uint64_t ClockSeed() {
  const uint64_t ticks = static_cast<uint64_t>(
      std::chrono::steady_clock::now().time_since_epoch().count());
  const uint64_t seed = (ticks ^ (uint64_t{static_cast<uint32_t>(getpid())} << 32)) &
                        0x7fffffffffffffffULL;  // fits a TOML integer
  return seed == 0 ? 1 : seed;
}

}  // namespace

int RunLoadTestCli(const ErasedLoadTestTool& tool, google::protobuf::Message* config, int argc,
                   char** argv) {
  std::string config_path;
  bool print_defaults = false;
  bool print_effective = false;
  bool write_hashes_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(Usage(tool).c_str(), stdout);
      return 0;
    } else if (arg == "-p" || arg == "--print-config") {
      print_defaults = true;
    } else if (arg == "-P" || arg == "--print-parsed-config") {
      print_effective = true;
    } else if ((tool.info_hash_file || tool.key_file) &&
               (arg == "-w" || arg == "--write-info-hashes")) {
      write_hashes_only = true;
    } else if (arg == "-c" || arg == "--config-file") {
      if (i + 1 >= argc) return UsageError(tool, "-c needs a FILE");
      config_path = argv[++i];
    } else {
      return UsageError(tool, absl::StrCat("unexpected argument '", arg, "'"));
    }
  }
  // `config` holds the defaults until the file is merged in.
  if (print_defaults) {
    std::fputs(tool.print().c_str(), stdout);
    return 0;
  }
  const absl::Status loaded = config_path.empty()
                                  ? tool.validate()
                                  : LoadLoadTestConfigFileInto(config_path, config, tool.validate);
  if (!loaded.ok()) return Fail(tool, absl::StrCat("config error: ", loaded.message()), kExitUsage);
  if (print_effective) {
    std::fputs(tool.print().c_str(), stdout);
    return 0;
  }

  const uint64_t seed = tool.configured_seed() != 0 ? tool.configured_seed() : ClockSeed();
  const std::string hash_file = tool.info_hash_file ? tool.info_hash_file() : "";
  const std::string key_file = tool.key_file ? tool.key_file() : "";
  if (write_hashes_only && hash_file.empty() && key_file.empty()) {
    const char* keys = !tool.key_file         ? "info_hash_file"
                       : !tool.info_hash_file ? "key_file"
                                              : "info_hash_file or key_file";
    return UsageError(tool, absl::StrCat("-w needs [requests] ", keys, " in the config"));
  }
  if (!hash_file.empty()) {
    const WorkloadOptions options = tool.workload(seed);
    absl::StatusOr<Workload> workload = Workload::Create(options);
    const absl::Status written =
        workload.ok() ? workload->WriteInfoHashFile(hash_file) : workload.status();
    if (!written.ok()) return Fail(tool, written.message(), kExitRuntimeError);
    std::fprintf(stderr, "%s load test: wrote %u info hashes (seed %llu) to %s\n", tool.name,
                 options.number_of_torrents, static_cast<unsigned long long>(seed),
                 hash_file.c_str());
  }
  if (!key_file.empty()) {
    // The keys depend on the peer index alone, not on the seed.
    const uint32_t peers = tool.workload(seed).number_of_peers;
    if (absl::Status written = PeerKeys(peers).WriteKeyFile(key_file); !written.ok()) {
      return Fail(tool, written.message(), kExitRuntimeError);
    }
    std::fprintf(stderr, "%s load test: wrote the keys of %u peers to %s\n", tool.name, peers,
                 key_file.c_str());
  }
  if (write_hashes_only) return 0;
  if (absl::Status status = tool.run(seed); !status.ok()) {
    return Fail(tool, status.message(), kExitRuntimeError);
  }
  return 0;
}

}  // namespace aquatic::loadtest::internal
