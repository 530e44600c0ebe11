// `//loadtest:udp`: the UDP tracker load tester. Command line: load_test_cli.h.
#include <cstdio>

#include "loadtest/config/udp_loadtest_config.h"
#include "loadtest/load_test_cli.h"
#include "loadtest/udp_load_test.h"

namespace aquatic::loadtest {
namespace {

absl::Status RunAndSummarize(const UdpLoadTestConfig& config, uint64_t seed) {
  absl::StatusOr<UdpLoadTestResult> result = RunUdpLoadTest(config, seed, stdout);
  if (!result.ok()) return result.status();
  PrintUdpLoadTestSummary(config, seed, *result, stdout);
  return absl::OkStatus();
}

constexpr LoadTestTool<UdpLoadTestConfig> kTool{
    "udp",
    "Loads a UDP BitTorrent tracker (BEP 15) on a loopback address with aquatic's\n"
    "workload model and prints responses per second by type.\n",
    ValidateUdpLoadTestConfig,
    PrintUdpLoadTestConfig,
    ToWorkloadOptions,
    [](const UdpLoadTestConfig& config) -> const std::string& {
      return config.requests().info_hash_file();
    },
    [](const UdpLoadTestConfig& config) -> const std::string& {
      return config.requests().key_file();
    },
    RunAndSummarize,
};

}  // namespace
}  // namespace aquatic::loadtest

int main(int argc, char** argv) {
  return aquatic::loadtest::LoadTestMain(aquatic::loadtest::kTool, argc, argv);
}
