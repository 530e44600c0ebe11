// C++ spellings of schema fields shared by the text-wire emitters (query,
// bencode, JSON): scalar types and proto default values.
#ifndef AQUATIC_TOOLS_CODECGEN_FIELD_TYPES_H_
#define AQUATIC_TOOLS_CODECGEN_FIELD_TYPES_H_

#include <string>

namespace google::protobuf {
class FieldDescriptor;
}  // namespace google::protobuf

namespace aquatic::codecgen {

// int32_t, uint64_t, bool, std::string, or the generated enum class name.
std::string CppScalarType(const google::protobuf::FieldDescriptor& field);

// The schema default as a C++ initializer (" = 0", " = true",
// " = AnnounceEvent::kNone", or "" for strings and bytes).
std::string DefaultInitializer(const google::protobuf::FieldDescriptor& field);

// The schema default as an expression ("0", "true", "AnnounceEvent::kNone",
// "\"\"").
std::string DefaultValue(const google::protobuf::FieldDescriptor& field);

// The field's leading schema comment as "  //..." lines, or "".
std::string FieldComment(const google::protobuf::FieldDescriptor& field);

// "\"text\"" with C escapes.
std::string CppStringLiteral(const std::string& text);

}  // namespace aquatic::codecgen

#endif  // AQUATIC_TOOLS_CODECGEN_FIELD_TYPES_H_
