#include "tools/codecgen/query_emitter.h"
#include "tools/codecgen/names.h"

#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "codec/schema/options.pb.h"
#include "tools/codecgen/field_types.h"

namespace aquatic::codecgen {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using codec::schema::QueryField;

struct QueryEntry {
  const FieldDescriptor* field;
  QueryField options;
};

std::string MemberType(const QueryEntry& entry) {
  std::string scalar = entry.options.decode() == codec::schema::QUERY_DECODE_BYTES
                           ? absl::StrCat("std::array<uint8_t, ", entry.options.width(), ">")
                           : CppScalarType(*entry.field);
  return entry.field->is_repeated() ? absl::StrCat("std::vector<", scalar, ">") : scalar;
}

class QueryEmitter : public MessageEmitter {
 public:
  QueryEmitter(const Descriptor& message, std::string path, std::vector<QueryEntry> entries)
      : message_(message), path_(std::move(path)), entries_(std::move(entries)) {}

  bool nested() const override { return false; }
  std::vector<std::string> HeaderIncludes() const override {
    return {"<array>", "<cstdint>", "<string>", "<vector>", "\"absl/status/status.h\"",
            "\"absl/strings/string_view.h\""};
  }
  std::vector<std::string> SourceIncludes() const override {
    return {"\"codec/runtime/query_fields.h\"", "\"codec/runtime/query_string.h\""};
  }

  void EmitStruct(std::string* out) const override {
    const std::string name = message_.name();
    absl::StrAppend(out, "struct ", name, " {\n", "  // The path before '?'.\n",
                    "  static constexpr char kPath[] = ", CppStringLiteral(path_), ";\n");
    for (const QueryEntry& entry : entries_) {
      if (entry.field->is_repeated()) {
        absl::StrAppend(out, MaxCountConstant(entry.field->name(), entry.options.max_count()));
      }
    }
    out->push_back('\n');
    for (const QueryEntry& entry : entries_) {
      absl::StrAppend(out, FieldComment(*entry.field));
      const bool plain = entry.field->is_repeated() ||
                         entry.options.decode() == codec::schema::QUERY_DECODE_BYTES;
      absl::StrAppend(out, "  ", MemberType(entry), " ", entry.field->name(),
                      plain ? "{}" : DefaultInitializer(*entry.field), ";\n");
    }
    absl::StrAppend(out, "\n  friend bool operator==(const ", name, "& a, const ", name,
                    "& b) {\n    return ");
    for (size_t i = 0; i < entries_.size(); ++i) {
      absl::StrAppend(out, i == 0 ? "" : " &&\n           ", "a.", entries_[i].field->name(),
                      " == b.", entries_[i].field->name());
    }
    absl::StrAppend(out, entries_.empty() ? "true" : "", ";\n  }\n  friend bool operator!=(const ",
                    name, "& a, const ", name, "& b) { return !(a == b); }\n};\n\n");
  }

  void EmitDeclarations(std::string* out) const override {
    const std::string name = message_.name();
    absl::StrAppend(
        out, "// Parses a request target (\"", path_, "?key=value&...\"). Unknown keys\n",
        "// are ignored; a repeated key overwrites (or, for lists, appends).\n",
        "absl::Status Parse(absl::string_view request_target, ", name, "* out);\n",
        "// Parses the query alone (after '?'), for targets whose path carries more\n",
        "// than the message's path (a private tracker's key).\n",
        "absl::Status ParseQuery(absl::string_view query, ", name, "* out);\n",
        "// Appends the request target for `message`; keys at their default are left\n",
        "// out.\n", "void Serialize(const ", name, "& message, std::string* out);\n\n");
  }

  void EmitHelpers(std::string* out) const override {}

  void EmitDefinitions(std::string* out) const override {
    EmitParse(out);
    EmitSerialize(out);
  }

 private:
  void EmitParse(std::string* out) const {
    const std::string name = message_.name();
    const std::string quoted_name = CppStringLiteral(name);
    absl::StrAppend(out, "absl::Status Parse(absl::string_view request_target, ", name,
                    "* out) {\n", "  absl::string_view path;\n", "  absl::string_view query;\n",
                    "  ::aquatic::codec::SplitRequestTarget(request_target, &path, &query);\n",
                    "  if (path != ", name, "::kPath) {\n",
                    "    return ::aquatic::codec::WrongPathError(", quoted_name, ", path, ", name,
                    "::kPath);\n  }\n", "  return ParseQuery(query, out);\n}\n\n");
    absl::StrAppend(out, "absl::Status ParseQuery(absl::string_view query, ", name,
                    "* out) {\n", "  *out = ", name, "();\n");
    for (const QueryEntry& entry : entries_) {
      if (entry.options.required()) {
        absl::StrAppend(out, "  bool has_", entry.field->name(), " = false;\n");
      }
    }
    absl::StrAppend(out, "  ::aquatic::codec::QueryReader reader(query);\n",
                    "  absl::string_view key;\n", "  absl::string_view value;\n",
                    "  while (reader.Next(&key, &value)) {\n", "    absl::Status status;\n");
    bool first = true;
    for (const QueryEntry& entry : entries_) {
      const std::string field = entry.field->name();
      const std::string quoted_field = CppStringLiteral(field);
      absl::StrAppend(out, first ? "    if" : " else if", " (key == ",
                      CppStringLiteral(entry.options.key()), ") {\n");
      first = false;
      std::string target = absl::StrCat("out->", field);
      if (entry.field->is_repeated()) {
        absl::StrAppend(out, "      if (out->", field, ".size() == ", entry.options.max_count(),
                        ") {\n", "        return ::aquatic::codec::BadValueError(", quoted_name,
                        ", ", quoted_field, ", \"more than ", entry.options.max_count(),
                        " values\");\n      }\n", "      out->", field, ".emplace_back();\n");
        target = absl::StrCat("out->", field, ".back()");
      }
      switch (entry.options.decode()) {
        case codec::schema::QUERY_DECODE_BYTES:
          absl::StrAppend(out, "      status = ::aquatic::codec::DecodeQueryBytes(", quoted_name,
                          ", ", quoted_field, ", value, ", entry.options.width(), ", ",
                          entry.options.truncate_from(), ", ", target, ".data());\n");
          break;
        case codec::schema::QUERY_DECODE_INTEGER:
          absl::StrAppend(out, "      status = ::aquatic::codec::DecodeQueryInteger(",
                          quoted_name, ", ", quoted_field, ", value, ",
                          entry.options.max_value(), "u, &", target, ");\n");
          break;
        case codec::schema::QUERY_DECODE_BOOL:
          absl::StrAppend(out, "      status = ::aquatic::codec::DecodeQueryBool(", quoted_name,
                          ", ", quoted_field, ", value, &", target, ");\n");
          break;
        case codec::schema::QUERY_DECODE_STRING:
          absl::StrAppend(out, "      status = ::aquatic::codec::DecodeQueryString(",
                          quoted_name, ", ", quoted_field, ", value, ",
                          entry.options.max_length(), ", &", target, ");\n");
          break;
        case codec::schema::QUERY_DECODE_ENUM: {
          const std::string enum_name = entry.field->enum_type()->name();
          absl::StrAppend(out, "      std::string text;\n",
                          "      status = ::aquatic::codec::DecodeQueryString(", quoted_name,
                          ", ", quoted_field, ", value, ", kEnumMaxLength, ", &text);\n",
                          "      ", target, " = ", enum_name, "FromQuery(text);\n");
          break;
        }
        default:
          break;
      }
      if (entry.options.required()) absl::StrAppend(out, "      has_", field, " = true;\n");
      absl::StrAppend(out, "    }");
    }
    absl::StrAppend(out, "\n    if (!status.ok()) return status;\n  }\n");
    for (const QueryEntry& entry : entries_) {
      if (!entry.options.required()) continue;
      absl::StrAppend(out, "  if (!has_", entry.field->name(), ") {\n",
                      "    return ::aquatic::codec::MissingFieldError(", quoted_name, ", ",
                      CppStringLiteral(entry.field->name()), ");\n  }\n");
    }
    absl::StrAppend(out, "  return absl::OkStatus();\n}\n\n");
  }

  void EmitSerialize(std::string* out) const {
    const std::string name = message_.name();
    absl::StrAppend(out, "void Serialize(const ", name, "& message, std::string* out) {\n",
                    "  ::aquatic::codec::QueryWriter writer(", name, "::kPath, out);\n");
    for (const QueryEntry& entry : entries_) {
      const std::string field = entry.field->name();
      const std::string key = CppStringLiteral(entry.options.key());
      std::string value = absl::StrCat("message.", field);
      std::string indent = "  ";
      if (entry.field->is_repeated()) {
        absl::StrAppend(out, "  for (const auto& item : message.", field, ") {\n");
        value = "item";
        indent = "    ";
      } else if (!entry.options.required()) {
        const std::string condition =
            entry.field->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
                    entry.options.decode() == codec::schema::QUERY_DECODE_STRING
                ? absl::StrCat("!", value, ".empty()")
                : absl::StrCat(value, " != ", DefaultValue(*entry.field));
        absl::StrAppend(out, "  if (", condition, ") {\n");
        indent = "    ";
      }
      switch (entry.options.decode()) {
        case codec::schema::QUERY_DECODE_BYTES:
          absl::StrAppend(out, indent, "writer.Bytes(", key, ", ", value, ");\n");
          break;
        case codec::schema::QUERY_DECODE_INTEGER:
          absl::StrAppend(out, indent, "writer.Integer(", key, ", ", value, ");\n");
          break;
        case codec::schema::QUERY_DECODE_BOOL:
          absl::StrAppend(out, indent, "writer.Bool(", key, ", ", value, ");\n");
          break;
        case codec::schema::QUERY_DECODE_STRING:
          absl::StrAppend(out, indent, "writer.String(", key, ", ", value, ");\n");
          break;
        case codec::schema::QUERY_DECODE_ENUM:
          absl::StrAppend(out, indent, "writer.String(", key, ", ",
                          entry.field->enum_type()->name(), "QueryName(", value, "));\n");
          break;
        default:
          break;
      }
      if (indent.size() > 2) absl::StrAppend(out, "  }\n");
    }
    absl::StrAppend(out, "}\n\n");
  }

  // Enum spellings are short words; longer text is not one of them.
  static constexpr int kEnumMaxLength = 32;

  const Descriptor& message_;
  std::string path_;
  std::vector<QueryEntry> entries_;
};

absl::Status FieldError(const FieldDescriptor& field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field.full_name(), ": ", problem));
}

}  // namespace

absl::StatusOr<std::unique_ptr<MessageEmitter>> MakeQueryEmitter(const Descriptor& message) {
  const std::string path = message.options().GetExtension(codec::schema::codec).http_path();
  if (path.empty() || path[0] != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat(message.full_name(), ": WIRE_HTTP_QUERY needs an http_path like /announce"));
  }
  std::vector<QueryEntry> entries;
  for (int i = 0; i < message.field_count(); ++i) {
    const FieldDescriptor& field = *message.field(i);
    if (!field.options().HasExtension(codec::schema::query)) {
      return FieldError(field, "has no (query) option");
    }
    QueryEntry entry{&field, field.options().GetExtension(codec::schema::query)};
    const QueryField& options = entry.options;
    if (options.key().empty()) return FieldError(field, "(query).key is empty");
    switch (options.decode()) {
      case codec::schema::QUERY_DECODE_BYTES:
        if (field.type() != FieldDescriptor::TYPE_BYTES || options.width() == 0 ||
            options.width() > 64 || options.truncate_from() > 64) {
          return FieldError(field, "QUERY_DECODE_BYTES needs a bytes field, width 1..64");
        }
        break;
      case codec::schema::QUERY_DECODE_INTEGER:
        if (field.cpp_type() != FieldDescriptor::CPPTYPE_INT32 &&
            field.cpp_type() != FieldDescriptor::CPPTYPE_UINT32 &&
            field.cpp_type() != FieldDescriptor::CPPTYPE_INT64 &&
            field.cpp_type() != FieldDescriptor::CPPTYPE_UINT64) {
          return FieldError(field, "QUERY_DECODE_INTEGER needs an integer field");
        }
        break;
      case codec::schema::QUERY_DECODE_BOOL:
        if (field.cpp_type() != FieldDescriptor::CPPTYPE_BOOL) {
          return FieldError(field, "QUERY_DECODE_BOOL needs a bool field");
        }
        break;
      case codec::schema::QUERY_DECODE_STRING:
        if (field.type() != FieldDescriptor::TYPE_STRING || options.max_length() == 0) {
          return FieldError(field, "QUERY_DECODE_STRING needs a string field and max_length");
        }
        break;
      case codec::schema::QUERY_DECODE_ENUM:
        if (field.cpp_type() != FieldDescriptor::CPPTYPE_ENUM) {
          return FieldError(field, "QUERY_DECODE_ENUM needs an enum field");
        }
        break;
      default:
        return FieldError(field, "(query).decode is not set");
    }
    if (field.is_repeated() && (options.max_count() == 0 || options.required())) {
      return FieldError(field, "repeated query fields need max_count and cannot be required");
    }
    entries.push_back(std::move(entry));
  }
  return std::make_unique<QueryEmitter>(message, path, std::move(entries));
}

}  // namespace aquatic::codecgen
