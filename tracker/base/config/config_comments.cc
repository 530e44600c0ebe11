#include "tracker/base/config/config_comments.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

// Defined by the genrule :embedded_config_descriptor_set.
extern const unsigned char kAquaticConfigDescriptorSet[];
extern const size_t kAquaticConfigDescriptorSetSize;

namespace aquatic::config {
namespace {

// Paths in SourceCodeInfo are field numbers of descriptor.proto messages.
constexpr int kFileMessageTypeTag = 4;     // FileDescriptorProto.message_type
constexpr int kMessageFieldTag = 2;        // DescriptorProto.field

std::string CleanComment(absl::string_view raw) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(raw, '\n')) {
    absl::ConsumePrefix(&line, " ");
    lines.emplace_back(absl::StripTrailingAsciiWhitespace(line));
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return absl::StrJoin(lines, "\n");
}

}  // namespace

ConfigComments ConfigComments::FromDescriptorSet(absl::string_view serialized) {
  ConfigComments comments;
  google::protobuf::FileDescriptorSet set;
  if (!set.ParseFromArray(serialized.data(), static_cast<int>(serialized.size()))) {
    return comments;
  }
  for (const google::protobuf::FileDescriptorProto& file : set.file()) {
    for (const auto& location : file.source_code_info().location()) {
      // Top-level message fields: [message_type, i, field, j].
      if (location.path_size() != 4 || location.path(0) != kFileMessageTypeTag ||
          location.path(2) != kMessageFieldTag || !location.has_leading_comments()) {
        continue;
      }
      const int message_index = location.path(1);
      const int field_index = location.path(3);
      if (message_index >= file.message_type_size()) continue;
      const auto& message = file.message_type(message_index);
      if (field_index >= message.field_size()) continue;
      const std::string full_name = absl::StrCat(
          file.package().empty() ? "" : absl::StrCat(file.package(), "."), message.name(), ".",
          message.field(field_index).name());
      comments.field_comments_[full_name] = CleanComment(location.leading_comments());
    }
  }
  return comments;
}

const ConfigComments& ConfigComments::Embedded() {
  static const ConfigComments* const comments = new ConfigComments(FromDescriptorSet(
      absl::string_view(reinterpret_cast<const char*>(kAquaticConfigDescriptorSet),
                        kAquaticConfigDescriptorSetSize)));
  return *comments;
}

absl::string_view ConfigComments::ForField(
    const google::protobuf::FieldDescriptor& field) const {
  auto it = field_comments_.find(field.full_name());
  return it == field_comments_.end() ? absl::string_view() : absl::string_view(it->second);
}

}  // namespace aquatic::config
