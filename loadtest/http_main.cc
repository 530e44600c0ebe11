// `//loadtest:http`: the HTTP(S) tracker load tester. Command line:
// load_test_cli.h.
#include <cstdio>

#include "loadtest/config/http_loadtest_config.h"
#include "loadtest/http_load_test.h"
#include "loadtest/load_test_cli.h"

namespace aquatic::loadtest {
namespace {

absl::Status RunAndSummarize(const HttpLoadTestConfig& config, uint64_t seed) {
  absl::StatusOr<HttpLoadTestResult> result = RunHttpLoadTest(config, seed, stdout);
  if (!result.ok()) return result.status();
  PrintHttpLoadTestSummary(config, seed, *result, stdout);
  return absl::OkStatus();
}

constexpr LoadTestTool<HttpLoadTestConfig> kTool{
    "http",
    "Loads an HTTP(S) BitTorrent tracker on a loopback address with aquatic's\n"
    "workload model (keep-alive or one request per connection, TLS optional) and\n"
    "prints responses per second by type.\n",
    ValidateHttpLoadTestConfig,
    PrintHttpLoadTestConfig,
    ToWorkloadOptions,
    [](const HttpLoadTestConfig& config) -> const std::string& {
      return config.requests().info_hash_file();
    },
    /*key_file=*/nullptr,
    RunAndSummarize,
};

}  // namespace
}  // namespace aquatic::loadtest

int main(int argc, char** argv) {
  return aquatic::loadtest::LoadTestMain(aquatic::loadtest::kTool, argc, argv);
}
