// Naming rules shared by the codec generator's emitters: how schema names
// become C++ names in generated code.
#ifndef AQUATIC_TOOLS_CODECGEN_NAMES_H_
#define AQUATIC_TOOLS_CODECGEN_NAMES_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace google::protobuf {
class EnumValueDescriptor;
class FileDescriptor;
}  // namespace google::protobuf

namespace aquatic::codecgen {

// "announce_event" -> "AnnounceEvent".
std::string SnakeToCamel(absl::string_view snake);

// "AnnounceEvent" -> "ANNOUNCE_EVENT".
std::string CamelToUpperSnake(absl::string_view camel);

// ANNOUNCE_EVENT_STARTED of enum AnnounceEvent -> "kStarted".
std::string EnumConstantName(const google::protobuf::EnumValueDescriptor& value);

// The struct constant a repeated field's limit is exported as, so that code
// above the codec (config validation) reads the limit from one place:
// "info_hashes", 74 -> "  static constexpr size_t kMaxInfoHashes = 74;" with
// a comment line before it.
std::string MaxCountConstant(absl::string_view field_name, uint32_t max_count);

// "aquatic.codec.udp" -> "aquatic::codec::udp".
std::string CppNamespace(const google::protobuf::FileDescriptor& file);

// "codec/schema/udp.proto" -> "udp".
std::string FileBaseName(const google::protobuf::FileDescriptor& file);

}  // namespace aquatic::codecgen

#endif  // AQUATIC_TOOLS_CODECGEN_NAMES_H_
