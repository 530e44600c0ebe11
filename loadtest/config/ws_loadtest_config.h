// The configuration of the WebTorrent load tester (ws_loadtest.proto):
// defaults, loading a TOML file with the trackers' config machinery, printing
// it with the schema comments, and the checks that span keys (loopback only,
// offers_min <= offers_max).
#ifndef AQUATIC_LOADTEST_CONFIG_WS_LOADTEST_CONFIG_H_
#define AQUATIC_LOADTEST_CONFIG_WS_LOADTEST_CONFIG_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "loadtest/config/ws_loadtest.pb.h"
#include "loadtest/workload.h"

namespace aquatic::loadtest {

// Checks that concern more than one key, and the loopback rule.
absl::Status ValidateWsLoadTestConfig(const WsLoadTestConfig& config);

// Defaults, then the keys of the TOML text, then ValidateWsLoadTestConfig.
// Errors are one line naming the key.
absl::StatusOr<WsLoadTestConfig> ParseWsLoadTestConfig(absl::string_view toml_text,
                                                       absl::string_view source_name);

// Every key with its value and schema comment; parses back to `config`.
std::string PrintWsLoadTestConfig(const WsLoadTestConfig& config);

// The workload part of the config (announces only). `seed` replaces
// requests.seed (which may be 0, "pick one").
WorkloadOptions ToWorkloadOptions(const WsLoadTestConfig& config, uint64_t seed);

}  // namespace aquatic::loadtest

#endif  // AQUATIC_LOADTEST_CONFIG_WS_LOADTEST_CONFIG_H_
