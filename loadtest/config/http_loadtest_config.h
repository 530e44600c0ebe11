// The configuration of the HTTP load tester (http_loadtest.proto): defaults,
// parsing TOML with the trackers' config machinery, printing it with the
// schema comments, and the checks that span keys (loopback only).
#ifndef AQUATIC_LOADTEST_CONFIG_HTTP_LOADTEST_CONFIG_H_
#define AQUATIC_LOADTEST_CONFIG_HTTP_LOADTEST_CONFIG_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "loadtest/config/http_loadtest.pb.h"
#include "loadtest/workload.h"

namespace aquatic::loadtest {

// Checks that concern more than one key, and the loopback rule.
absl::Status ValidateHttpLoadTestConfig(const HttpLoadTestConfig& config);

// Defaults, then the keys of the TOML text, then ValidateHttpLoadTestConfig.
// Errors are one line naming the key.
absl::StatusOr<HttpLoadTestConfig> ParseHttpLoadTestConfig(absl::string_view toml_text,
                                                           absl::string_view source_name);

// Every key with its value and schema comment; parses back to `config`.
std::string PrintHttpLoadTestConfig(const HttpLoadTestConfig& config);

// The workload part of the config (no connect requests in HTTP). `seed`
// replaces requests.seed (which may be 0, "pick one").
WorkloadOptions ToWorkloadOptions(const HttpLoadTestConfig& config, uint64_t seed);

}  // namespace aquatic::loadtest

#endif  // AQUATIC_LOADTEST_CONFIG_HTTP_LOADTEST_CONFIG_H_
