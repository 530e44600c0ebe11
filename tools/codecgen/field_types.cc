#include "tools/codecgen/field_types.h"

#include <google/protobuf/descriptor.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "tools/codecgen/names.h"

namespace aquatic::codecgen {

using google::protobuf::FieldDescriptor;

std::string CppScalarType(const FieldDescriptor& field) {
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: return "int32_t";
    case FieldDescriptor::CPPTYPE_UINT32: return "uint32_t";
    case FieldDescriptor::CPPTYPE_INT64: return "int64_t";
    case FieldDescriptor::CPPTYPE_UINT64: return "uint64_t";
    case FieldDescriptor::CPPTYPE_BOOL: return "bool";
    case FieldDescriptor::CPPTYPE_STRING: return "std::string";
    case FieldDescriptor::CPPTYPE_ENUM: return field.enum_type()->name();
    case FieldDescriptor::CPPTYPE_MESSAGE: return field.message_type()->name();
    default: return "void";
  }
}

std::string DefaultValue(const FieldDescriptor& field) {
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: return absl::StrCat(field.default_value_int32());
    case FieldDescriptor::CPPTYPE_UINT32: return absl::StrCat(field.default_value_uint32());
    case FieldDescriptor::CPPTYPE_INT64: return absl::StrCat(field.default_value_int64());
    case FieldDescriptor::CPPTYPE_UINT64: return absl::StrCat(field.default_value_uint64());
    case FieldDescriptor::CPPTYPE_BOOL: return field.default_value_bool() ? "true" : "false";
    case FieldDescriptor::CPPTYPE_STRING: return CppStringLiteral(field.default_value_string());
    case FieldDescriptor::CPPTYPE_ENUM:
      return absl::StrCat(field.enum_type()->name(),
                          "::", EnumConstantName(*field.default_value_enum()));
    default: return "{}";
  }
}

std::string DefaultInitializer(const FieldDescriptor& field) {
  if (field.cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
    return field.default_value_string().empty()
               ? ""
               : absl::StrCat(" = ", CppStringLiteral(field.default_value_string()));
  }
  if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) return "";
  return absl::StrCat(" = ", DefaultValue(field));
}

std::string FieldComment(const FieldDescriptor& field) {
  google::protobuf::SourceLocation location;
  if (!field.GetSourceLocation(&location) || location.leading_comments.empty()) return "";
  std::string comment;
  const std::string& text = location.leading_comments;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    absl::StrAppend(&comment, "  //", text.substr(start, end - start), "\n");
    start = end + 1;
  }
  return comment;
}

std::string CppStringLiteral(const std::string& text) {
  return absl::StrCat("\"", absl::CEscape(text), "\"");
}

}  // namespace aquatic::codecgen
