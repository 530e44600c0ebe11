// `//loadtest:http`: the HTTP(S) tracker load tester.
//
//   http [-c FILE] [-p] [-P] [-w] [-h]
//
// Exit codes: 0 success, 1 the test could not run (epoll, TLS, files), 2 bad
// usage or bad configuration (one line on stderr naming the key).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "loadtest/config/http_loadtest_config.h"
#include "loadtest/http_load_test.h"
#include "loadtest/workload.h"

namespace aquatic::loadtest {
namespace {

constexpr int kExitRuntimeError = 1;
constexpr int kExitUsage = 2;

constexpr char kUsage[] =
    "Usage: http [-c FILE] [-p] [-P] [-w]\n"
    "\n"
    "Loads an HTTP(S) BitTorrent tracker on a loopback address with aquatic's\n"
    "workload model (keep-alive or one request per connection, TLS optional) and\n"
    "prints responses per second by type.\n"
    "\n"
    "Options:\n"
    "  -c FILE  load the configuration from FILE (TOML; missing keys keep their defaults)\n"
    "  -p       print the default configuration, with comments, and exit\n"
    "  -P       print the effective configuration (defaults plus -c FILE) and exit\n"
    "  -w       write [requests] info_hash_file (an allow list) and exit\n"
    "  -h       print this help and exit\n";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "http load test: %s\nTry '-h'.\n", message.c_str());
  return kExitUsage;
}

uint64_t ClockSeed() {
  const uint64_t ticks = static_cast<uint64_t>(
      std::chrono::steady_clock::now().time_since_epoch().count());
  const uint64_t seed = (ticks ^ (uint64_t{static_cast<uint32_t>(getpid())} << 32)) &
                        0x7fffffffffffffffULL;  // fits a TOML integer
  return seed == 0 ? 1 : seed;
}

int Run(int argc, char** argv) {
  std::string config_path;
  bool print_defaults = false;
  bool print_effective = false;
  bool write_hashes_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "-p" || arg == "--print-config") {
      print_defaults = true;
    } else if (arg == "-P" || arg == "--print-parsed-config") {
      print_effective = true;
    } else if (arg == "-w" || arg == "--write-info-hashes") {
      write_hashes_only = true;
    } else if (arg == "-c" || arg == "--config-file") {
      if (i + 1 >= argc) return UsageError("-c needs a FILE");
      config_path = argv[++i];
    } else {
      return UsageError(absl::StrCat("unexpected argument '", arg, "'"));
    }
  }
  if (print_defaults) {
    std::fputs(PrintHttpLoadTestConfig(HttpLoadTestConfig()).c_str(), stdout);
    return 0;
  }
  HttpLoadTestConfig config;
  if (!config_path.empty()) {
    absl::StatusOr<HttpLoadTestConfig> loaded = LoadHttpLoadTestConfigFile(config_path);
    if (!loaded.ok()) {
      std::fprintf(stderr, "http load test: config error: %s\n",
                   std::string(loaded.status().message()).c_str());
      return kExitUsage;
    }
    config = *std::move(loaded);
  } else if (absl::Status status = ValidateHttpLoadTestConfig(config); !status.ok()) {
    std::fprintf(stderr, "http load test: config error: %s\n",
                 std::string(status.message()).c_str());
    return kExitUsage;
  }
  if (print_effective) {
    std::fputs(PrintHttpLoadTestConfig(config).c_str(), stdout);
    return 0;
  }

  const uint64_t seed = config.requests().seed() != 0 ? config.requests().seed() : ClockSeed();
  const std::string& hash_file = config.requests().info_hash_file();
  if (write_hashes_only && hash_file.empty()) {
    return UsageError("-w needs [requests] info_hash_file in the config");
  }
  if (!hash_file.empty()) {
    absl::StatusOr<Workload> workload = Workload::Create(ToWorkloadOptions(config, seed));
    absl::Status status =
        workload.ok() ? workload->WriteInfoHashFile(hash_file) : workload.status();
    if (!status.ok()) {
      std::fprintf(stderr, "http load test: %s\n", std::string(status.message()).c_str());
      return kExitRuntimeError;
    }
    std::fprintf(stderr, "http load test: wrote %u info hashes (seed %llu) to %s\n",
                 config.requests().number_of_torrents(), static_cast<unsigned long long>(seed),
                 hash_file.c_str());
    if (write_hashes_only) return 0;
  }

  absl::StatusOr<HttpLoadTestResult> result = RunHttpLoadTest(config, seed, stdout);
  if (!result.ok()) {
    std::fprintf(stderr, "http load test: %s\n", std::string(result.status().message()).c_str());
    return kExitRuntimeError;
  }
  PrintHttpLoadTestSummary(config, seed, *result, stdout);
  return 0;
}

}  // namespace
}  // namespace aquatic::loadtest

int main(int argc, char** argv) { return aquatic::loadtest::Run(argc, argv); }
