// `//loadtest:ws`: the WebTorrent (WebSocket) tracker load tester.
//
//   ws [-c FILE] [-p] [-P] [-h]
//
// Exit codes: 0 success, 1 the test could not run, 2 bad usage or bad
// configuration (one line on stderr naming the key).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "loadtest/config/ws_loadtest_config.h"
#include "loadtest/ws_load_test.h"

namespace aquatic::loadtest {
namespace {

constexpr int kExitRuntimeError = 1;
constexpr int kExitUsage = 2;

constexpr char kUsage[] =
    "Usage: ws [-c FILE] [-p] [-P]\n"
    "\n"
    "Loads a WebTorrent tracker (JSON over WebSocket) on a loopback address with\n"
    "aquatic's workload model: announces with offers, answers to forwarded offers.\n"
    "Prints announce responses, offers and answers received per second.\n"
    "\n"
    "Options:\n"
    "  -c FILE  load the configuration from FILE (TOML; missing keys keep their defaults)\n"
    "  -p       print the default configuration, with comments, and exit\n"
    "  -P       print the effective configuration (defaults plus -c FILE) and exit\n"
    "  -h       print this help and exit\n";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "ws load test: %s\nTry '-h'.\n", message.c_str());
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
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "-p" || arg == "--print-config") {
      print_defaults = true;
    } else if (arg == "-P" || arg == "--print-parsed-config") {
      print_effective = true;
    } else if (arg == "-c" || arg == "--config-file") {
      if (i + 1 >= argc) return UsageError("-c needs a FILE");
      config_path = argv[++i];
    } else {
      return UsageError(absl::StrCat("unexpected argument '", arg, "'"));
    }
  }
  if (print_defaults) {
    std::fputs(PrintWsLoadTestConfig(WsLoadTestConfig()).c_str(), stdout);
    return 0;
  }
  WsLoadTestConfig config;
  if (!config_path.empty()) {
    absl::StatusOr<WsLoadTestConfig> loaded = LoadWsLoadTestConfigFile(config_path);
    if (!loaded.ok()) {
      std::fprintf(stderr, "ws load test: config error: %s\n",
                   std::string(loaded.status().message()).c_str());
      return kExitUsage;
    }
    config = *std::move(loaded);
  } else if (absl::Status status = ValidateWsLoadTestConfig(config); !status.ok()) {
    std::fprintf(stderr, "ws load test: config error: %s\n",
                 std::string(status.message()).c_str());
    return kExitUsage;
  }
  if (print_effective) {
    std::fputs(PrintWsLoadTestConfig(config).c_str(), stdout);
    return 0;
  }

  const uint64_t seed = config.requests().seed() != 0 ? config.requests().seed() : ClockSeed();
  absl::StatusOr<WsLoadTestResult> result = RunWsLoadTest(config, seed, stdout);
  if (!result.ok()) {
    std::fprintf(stderr, "ws load test: %s\n", std::string(result.status().message()).c_str());
    return kExitRuntimeError;
  }
  PrintWsLoadTestSummary(config, seed, *result, stdout);
  return 0;
}

}  // namespace
}  // namespace aquatic::loadtest

int main(int argc, char** argv) { return aquatic::loadtest::Run(argc, argv); }
