#include "tools/codecgen/names.h"

#include <google/protobuf/descriptor.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

namespace aquatic::codecgen {

std::string SnakeToCamel(absl::string_view snake) {
  std::string camel;
  bool upper = true;
  for (char c : snake) {
    if (c == '_') {
      upper = true;
      continue;
    }
    camel += upper ? absl::ascii_toupper(static_cast<unsigned char>(c))
                   : absl::ascii_tolower(static_cast<unsigned char>(c));
    upper = false;
  }
  return camel;
}

std::string MaxCountConstant(absl::string_view field_name, uint32_t max_count) {
  return absl::StrCat("  // Most elements of ", field_name, " a valid message holds.\n",
                      "  static constexpr size_t kMax", SnakeToCamel(field_name), " = ", max_count,
                      ";\n");
}

std::string CamelToUpperSnake(absl::string_view camel) {
  std::string snake;
  for (size_t i = 0; i < camel.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(camel[i]);
    if (absl::ascii_isupper(c) && i > 0) snake += '_';
    snake += absl::ascii_toupper(c);
  }
  return snake;
}

std::string EnumConstantName(const google::protobuf::EnumValueDescriptor& value) {
  absl::string_view name = value.name();
  const std::string prefix = CamelToUpperSnake(value.type()->name()) + "_";
  absl::ConsumePrefix(&name, prefix);
  return "k" + SnakeToCamel(name);
}

std::string CppNamespace(const google::protobuf::FileDescriptor& file) {
  return absl::StrReplaceAll(file.package(), {{".", "::"}});
}

std::string FileBaseName(const google::protobuf::FileDescriptor& file) {
  absl::string_view name = file.name();
  const size_t slash = name.rfind('/');
  if (slash != absl::string_view::npos) name.remove_prefix(slash + 1);
  absl::ConsumeSuffix(&name, ".proto");
  return std::string(name);
}

}  // namespace aquatic::codecgen
