#include "loadtest/config/loadtest_config_io.h"

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "tracker/base/config/config_comments.h"
#include "tracker/base/config/toml_config.h"

namespace aquatic::loadtest {

absl::Status ParseLoadTestConfigInto(absl::string_view toml_text, absl::string_view source_name,
                                     google::protobuf::Message* config,
                                     absl::FunctionRef<absl::Status()> validate) {
  if (absl::Status status = config::MergeTomlIntoConfig(toml_text, source_name, config);
      !status.ok()) {
    return status;
  }
  return validate();
}

absl::Status LoadLoadTestConfigFileInto(const std::string& path,
                                        google::protobuf::Message* config,
                                        absl::FunctionRef<absl::Status()> validate) {
  absl::StatusOr<std::string> contents = config::ReadConfigFile(path);
  if (!contents.ok()) return contents.status();
  if (absl::Status status = ParseLoadTestConfigInto(*contents, path, config, validate);
      !status.ok()) {
    return absl::Status(status.code(), absl::StrCat(path, ": ", status.message()));
  }
  return absl::OkStatus();
}

std::string PrintLoadTestConfigWithComments(const google::protobuf::Message& config,
                                            absl::string_view descriptor_set) {
  // Printed once per run (-p, -P): no need to keep the comments around.
  return config::PrintTomlConfig(config,
                                 config::ConfigComments::FromDescriptorSet(descriptor_set));
}

}  // namespace aquatic::loadtest
