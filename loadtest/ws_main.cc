// `//loadtest:ws`: the WebTorrent (WebSocket) tracker load tester. Command
// line: load_test_cli.h (no -w: WebTorrent trackers have no allow-list
// benchmark partner here).
#include <cstdio>

#include "loadtest/config/ws_loadtest_config.h"
#include "loadtest/load_test_cli.h"
#include "loadtest/ws_load_test.h"

namespace aquatic::loadtest {
namespace {

absl::Status RunAndSummarize(const WsLoadTestConfig& config, uint64_t seed) {
  absl::StatusOr<WsLoadTestResult> result = RunWsLoadTest(config, seed, stdout);
  if (!result.ok()) return result.status();
  PrintWsLoadTestSummary(config, seed, *result, stdout);
  return absl::OkStatus();
}

constexpr LoadTestTool<WsLoadTestConfig> kTool{
    "ws",
    "Loads a WebTorrent tracker (JSON over WebSocket) on a loopback address with\n"
    "aquatic's workload model: announces with offers, answers to forwarded offers.\n"
    "Prints announce responses, offers and answers received per second.\n",
    ValidateWsLoadTestConfig,
    PrintWsLoadTestConfig,
    ToWorkloadOptions,
    /*info_hash_file=*/nullptr,
    /*key_file=*/nullptr,
    RunAndSummarize,
};

}  // namespace
}  // namespace aquatic::loadtest

int main(int argc, char** argv) {
  return aquatic::loadtest::LoadTestMain(aquatic::loadtest::kTool, argc, argv);
}
