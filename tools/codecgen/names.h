// Naming rules shared by the codec generator's emitters: how schema names
// become C++ names in generated code.
#ifndef AQUATIC_TOOLS_CODECGEN_NAMES_H_
#define AQUATIC_TOOLS_CODECGEN_NAMES_H_

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

// "aquatic.codec.udp" -> "aquatic::codec::udp".
std::string CppNamespace(const google::protobuf::FileDescriptor& file);

// "codec/schema/udp.proto" -> "udp".
std::string FileBaseName(const google::protobuf::FileDescriptor& file);

}  // namespace aquatic::codecgen

#endif  // AQUATIC_TOOLS_CODECGEN_NAMES_H_
