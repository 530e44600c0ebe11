// What the three load testers' config modules share: parsing TOML onto a
// config message's defaults and then running the tool's cross-key checks,
// loading a file, and printing a config with its schema's comments. The
// per-tool modules (udp_, http_, ws_loadtest_config) keep only their checks
// and their workload mapping.
#ifndef AQUATIC_LOADTEST_CONFIG_LOADTEST_CONFIG_IO_H_
#define AQUATIC_LOADTEST_CONFIG_LOADTEST_CONFIG_IO_H_

#include <string>

#include <google/protobuf/message.h>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace aquatic::loadtest {

// Merges the keys of `toml_text` into `*config` (which holds the defaults),
// then runs `validate`. Errors are one line naming the key.
absl::Status ParseLoadTestConfigInto(absl::string_view toml_text, absl::string_view source_name,
                                     google::protobuf::Message* config,
                                     absl::FunctionRef<absl::Status()> validate);

// ParseLoadTestConfigInto over a file's contents; errors start with `path`.
absl::Status LoadLoadTestConfigFileInto(const std::string& path,
                                        google::protobuf::Message* config,
                                        absl::FunctionRef<absl::Status()> validate);

// Every key of `config` with its value, under the comment the schema
// (a serialized FileDescriptorSet with source info) has for it.
std::string PrintLoadTestConfigWithComments(const google::protobuf::Message& config,
                                            absl::string_view descriptor_set);

}  // namespace aquatic::loadtest

#endif  // AQUATIC_LOADTEST_CONFIG_LOADTEST_CONFIG_IO_H_
