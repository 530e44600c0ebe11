// ConfigComments: the comments written above each field in the config .proto
// files, so `aquatic -p` documents every key from the one schema.
//
// Generated protobuf code keeps no comments, so the build embeds a descriptor
// set made with `protoc --include_source_info` (see BUILD.bazel).
#ifndef AQUATIC_TRACKER_BASE_CONFIG_CONFIG_COMMENTS_H_
#define AQUATIC_TRACKER_BASE_CONFIG_CONFIG_COMMENTS_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace google::protobuf {
class FieldDescriptor;
}  // namespace google::protobuf

namespace aquatic::config {

class ConfigComments {
 public:
  // The comments of the config schema built into this binary.
  static const ConfigComments& Embedded();

  // Parses a serialized FileDescriptorSet; files without source info give no
  // comments.
  static ConfigComments FromDescriptorSet(absl::string_view serialized);

  // The leading comment of `field` without comment markers, lines joined
  // with '\n', or empty.
  absl::string_view ForField(const google::protobuf::FieldDescriptor& field) const;

 private:
  // Full field name ("aquatic.config.UdpConfig.socket_workers") -> comment.
  absl::flat_hash_map<std::string, std::string> field_comments_;
};

}  // namespace aquatic::config

#endif  // AQUATIC_TRACKER_BASE_CONFIG_CONFIG_COMMENTS_H_
