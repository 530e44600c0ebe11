#include "tools/codecgen/bencode_emitter.h"

#include <algorithm>
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

using codec::schema::BencodeField;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

struct BencodeEntry {
  const FieldDescriptor* field;
  BencodeField options;

  bool is_map() const { return !options.map_key_field().empty(); }
  bool is_fixed_bytes() const { return options.width() != 0; }
  // The BencodeValue kind this field is read from.
  const char* wire_kind() const {
    if (is_map()) return "kDict";
    if (field->is_repeated()) return "kList";
    return field->cpp_type() == FieldDescriptor::CPPTYPE_STRING ? "kString" : "kInt";
  }
};

std::string ValueType(const BencodeEntry& entry) {
  if (entry.field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    return absl::StrCat("std::vector<", entry.field->message_type()->name(), ">");
  }
  if (entry.is_fixed_bytes()) return absl::StrCat("std::array<uint8_t, ", entry.options.width(), ">");
  return CppScalarType(*entry.field);
}

class BencodeEmitter : public MessageEmitter {
 public:
  BencodeEmitter(const Descriptor& message, bool nested, std::vector<BencodeEntry> entries)
      : message_(message), nested_(nested), entries_(std::move(entries)) {}

  bool nested() const override { return nested_; }
  std::vector<std::string> HeaderIncludes() const override {
    return {"<array>", "<cstddef>", "<cstdint>", "<optional>", "<string>", "<vector>",
            "\"absl/status/status.h\"", "\"absl/status/statusor.h\"",
            "\"absl/strings/string_view.h\"", "\"absl/types/span.h\""};
  }
  std::vector<std::string> SourceIncludes() const override {
    return {"<algorithm>", "\"codec/runtime/bencode.h\"", "\"codec/runtime/bencode_fields.h\"",
            "\"codec/runtime/codec_status.h\""};
  }

  void EmitStruct(std::string* out) const override {
    const std::string name = message_.name();
    absl::StrAppend(out, "struct ", name, " {\n");
    for (const BencodeEntry& entry : entries_) {
      absl::StrAppend(out, FieldComment(*entry.field));
      const std::string type = ValueType(entry);
      if (IsPlain(entry)) {
        const bool has_default = entry.field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE &&
                                 !entry.is_fixed_bytes();
        absl::StrAppend(out, "  ", type, " ", entry.field->name(),
                        has_default ? DefaultInitializer(*entry.field) : "{}", ";\n");
      } else {
        absl::StrAppend(out, "  std::optional<", type, "> ", entry.field->name(), ";\n");
      }
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
    if (nested_) return;
    const std::string name = message_.name();
    absl::StrAppend(
        out, "// Parses a bencoded ", name, " (strict bencode: sorted keys, no\n",
        "// leading zeros). Unknown keys are ignored.\n",
        "absl::Status Parse(absl::string_view bencode, ", name, "* out);\n",
        "// Writes `message` to the start of `out`, keys sorted as BEP 3 requires;\n",
        "// returns the bytes written.\n", "absl::StatusOr<size_t> Serialize(const ", name,
        "& message, absl::Span<char> out);\n\n");
  }

  void EmitHelpers(std::string* out) const override {
    EmitWrite(out);
    EmitRead(out);
  }

  void EmitDefinitions(std::string* out) const override {
    if (nested_) return;
    const std::string name = message_.name();
    absl::StrAppend(
        out, "absl::Status Parse(absl::string_view bencode, ", name, "* out) {\n",
        "  absl::StatusOr<::aquatic::codec::BencodeValue> value =\n",
        "      ::aquatic::codec::ParseBencode(bencode);\n",
        "  if (!value.ok()) return value.status();\n", "  return Read", name,
        "(*value, out);\n}\n\n", "absl::StatusOr<size_t> Serialize(const ", name,
        "& message, absl::Span<char> out) {\n", "  ::aquatic::codec::BencodeWriter writer(out);\n",
        "  if (absl::Status status = Write", name,
        "(message, &writer); !status.ok()) return status;\n", "  if (!writer.ok()) {\n",
        "    return ::aquatic::codec::BufferTooSmallError(\"", name,
        "\", writer.written() + 1, out.size());\n  }\n", "  return writer.written();\n}\n\n");
  }

 private:
  // Required fields and map keys are plain members; others std::optional.
  bool IsPlain(const BencodeEntry& entry) const {
    return entry.options.required() || entry.options.key().empty();
  }

  // Fields that sit in the dictionary (map keys do not), in key order.
  std::vector<const BencodeEntry*> KeyedEntries() const {
    std::vector<const BencodeEntry*> keyed;
    for (const BencodeEntry& entry : entries_) {
      if (!entry.options.key().empty()) keyed.push_back(&entry);
    }
    std::stable_sort(keyed.begin(), keyed.end(), [](const BencodeEntry* a, const BencodeEntry* b) {
      return a->options.key() < b->options.key();
    });
    return keyed;
  }

  void EmitWriteValue(const BencodeEntry& entry, const std::string& value,
                      const std::string& indent, std::string* out) const {
    if (entry.is_map()) {
      const std::string element = entry.field->message_type()->name();
      const std::string key_field = entry.options.map_key_field();
      absl::StrAppend(
          out, indent, "// Dictionary keys must be sorted: order the entries by ", key_field,
          ".\n", indent, "std::vector<const ", element, "*> sorted;\n", indent,
          "sorted.reserve(", value, ".size());\n", indent, "for (const ", element, "& item : ",
          value, ") sorted.push_back(&item);\n", indent,
          "std::sort(sorted.begin(), sorted.end(), [](const ", element, "* a, const ", element,
          "* b) { return a->", key_field, " < b->", key_field, "; });\n", indent,
          "writer->BeginDict();\n", indent, "for (const ", element, "* item : sorted) {\n",
          indent, "  writer->Key(absl::string_view(reinterpret_cast<const char*>(item->",
          key_field, ".data()), item->", key_field, ".size()));\n", indent,
          "  if (absl::Status status = Write", element,
          "(*item, writer); !status.ok()) return status;\n", indent, "}\n", indent,
          "writer->End();\n");
    } else if (entry.field->is_repeated()) {
      const std::string element = entry.field->message_type()->name();
      absl::StrAppend(out, indent, "writer->BeginList();\n", indent, "for (const ", element,
                      "& item : ", value, ") {\n", indent, "  if (absl::Status status = Write",
                      element, "(item, writer); !status.ok()) return status;\n", indent, "}\n",
                      indent, "writer->End();\n");
    } else if (entry.is_fixed_bytes()) {
      absl::StrAppend(out, indent, "writer->String(absl::string_view(reinterpret_cast<const char*>(",
                      value, ".data()), ", value, ".size()));\n");
    } else if (entry.field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      absl::StrAppend(out, indent, "writer->String(", value, ");\n");
    } else {
      absl::StrAppend(out, indent, "writer->Int(", value, ");\n");
    }
  }

  void EmitWrite(std::string* out) const {
    const std::string name = message_.name();
    absl::StrAppend(out, "absl::Status Write", name, "(const ", name,
                    "& message, ::aquatic::codec::BencodeWriter* writer) {\n",
                    "  writer->BeginDict();\n");
    const std::vector<const BencodeEntry*> keyed = KeyedEntries();
    for (size_t i = 0; i < keyed.size(); ++i) {
      const BencodeEntry& entry = *keyed[i];
      const std::string field = entry.field->name();
      const std::string key = CppStringLiteral(entry.options.key());
      const bool shares_key_with_previous =
          i > 0 && keyed[i - 1]->options.key() == entry.options.key();
      if (shares_key_with_previous) {
        absl::StrAppend(out, "  if (message.", keyed[i - 1]->field->name(), ".has_value() && message.",
                        field, ".has_value()) {\n",
                        "    return ::aquatic::codec::BencodeConflictError(\"", name, "\", ",
                        key, ");\n  }\n");
      }
      if (IsPlain(entry)) {
        absl::StrAppend(out, "  writer->Key(", key, ");\n");
        EmitWriteValue(entry, absl::StrCat("message.", field), "  ", out);
      } else {
        absl::StrAppend(out, "  if (message.", field, ".has_value()) {\n", "    writer->Key(", key,
                        ");\n");
        EmitWriteValue(entry, absl::StrCat("(*message.", field, ")"), "    ", out);
        absl::StrAppend(out, "  }\n");
      }
    }
    absl::StrAppend(out, "  writer->End();\n  return absl::OkStatus();\n}\n\n");
  }

  // Reads `item` into `target` (a plain member or a just-emplaced optional).
  void EmitReadValue(const BencodeEntry& entry, const std::string& target,
                     const std::string& indent, std::string* out) const {
    const std::string name = message_.name();
    const std::string quoted_field = CppStringLiteral(entry.field->name());
    const std::string where = absl::StrCat("\"", name, "\", ", quoted_field);
    if (entry.is_map() || entry.field->is_repeated()) {
      const std::string element = entry.field->message_type()->name();
      if (entry.is_map()) {
        const std::string key_field = entry.options.map_key_field();
        absl::StrAppend(out, indent, "status = ::aquatic::codec::ExpectBencodeDict(item, ", where,
                        ");\n", indent, "for (size_t i = 0; status.ok() && i < item.dict.size(); ++i) {\n",
                        indent, "  ", element, "& element = ", target, ".emplace_back();\n",
                        indent, "  // The element's reader resets it, so its key comes after.\n",
                        indent, "  status = Read", element, "(item.dict[i].second, &element);\n",
                        indent, "  if (status.ok()) {\n", indent,
                        "    status = ::aquatic::codec::ReadBencodeKeyBytes(item.dict[i].first, ",
                        where, ", element.", key_field, ".size(), element.", key_field,
                        ".data());\n", indent, "  }\n", indent, "}\n");
      } else {
        absl::StrAppend(out, indent, "status = ::aquatic::codec::ExpectBencodeList(item, ", where,
                        ");\n", indent, "for (size_t i = 0; status.ok() && i < item.list.size(); ++i) {\n",
                        indent, "  status = Read", element, "(item.list[i], &", target,
                        ".emplace_back());\n", indent, "}\n");
      }
    } else if (entry.is_fixed_bytes()) {
      absl::StrAppend(out, indent, "status = ::aquatic::codec::ReadBencodeBytes(item, ", where, ", ",
                      entry.options.width(), ", ", target, ".data());\n");
    } else if (entry.field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      absl::StrAppend(out, indent, "status = ::aquatic::codec::ReadBencodeString(item, ", where,
                      ", &", target, ");\n");
    } else {
      absl::StrAppend(out, indent, "status = ::aquatic::codec::ReadBencodeInt(item, ", where, ", &",
                      target, ");\n");
    }
  }

  void EmitRead(std::string* out) const {
    const std::string name = message_.name();
    absl::StrAppend(out, "absl::Status Read", name,
                    "(const ::aquatic::codec::BencodeValue& value, ", name, "* out) {\n",
                    "  if (absl::Status status = ::aquatic::codec::ExpectBencodeDict(value, \"",
                    name, "\", \"(message)\");\n      !status.ok()) {\n    return status;\n  }\n",
                    "  *out = ", name, "();\n");
    const std::vector<const BencodeEntry*> keyed = KeyedEntries();
    for (const BencodeEntry* entry : keyed) {
      if (entry->options.required()) {
        absl::StrAppend(out, "  bool has_", entry->field->name(), " = false;\n");
      }
    }
    absl::StrAppend(out, "  for (const auto& [key, item] : value.dict) {\n",
                    "    absl::Status status;\n");
    bool first = true;
    for (size_t i = 0; i < keyed.size();) {
      // Fields sharing a key are told apart by the value's kind.
      size_t end = i + 1;
      while (end < keyed.size() && keyed[end]->options.key() == keyed[i]->options.key()) ++end;
      absl::StrAppend(out, first ? "    if" : " else if", " (key == ",
                      CppStringLiteral(keyed[i]->options.key()), ") {\n");
      first = false;
      for (size_t j = i; j < end; ++j) {
        const BencodeEntry& entry = *keyed[j];
        const std::string field = entry.field->name();
        std::string indent = "      ";
        if (end - i > 1) {
          absl::StrAppend(out, j == i ? "      if" : " else if",
                          " (item.kind == ::aquatic::codec::BencodeValue::", entry.wire_kind(),
                          ") {\n");
          indent = "        ";
        }
        const std::string target =
            IsPlain(entry) ? absl::StrCat("out->", field) : absl::StrCat("out->", field, ".emplace()");
        if (!IsPlain(entry)) {
          absl::StrAppend(out, indent, "auto& target = ", target, ";\n");
        }
        EmitReadValue(entry, IsPlain(entry) ? target : "target", indent, out);
        if (entry.options.required()) absl::StrAppend(out, indent, "has_", field, " = true;\n");
        if (end - i > 1) absl::StrAppend(out, "      }");
      }
      if (end - i > 1) {
        absl::StrAppend(out, " else {\n        status = ::aquatic::codec::BencodeTypeError(\"",
                        name, "\", ", CppStringLiteral(keyed[i]->options.key()),
                        ", \"another kind of value\");\n      }\n");
      }
      absl::StrAppend(out, "    }");
      i = end;
    }
    absl::StrAppend(out, "\n    if (!status.ok()) return status;\n  }\n");
    for (const BencodeEntry* entry : keyed) {
      if (!entry->options.required()) continue;
      absl::StrAppend(out, "  if (!has_", entry->field->name(), ") {\n",
                      "    return ::aquatic::codec::BencodeMissingError(\"", name, "\", ",
                      CppStringLiteral(entry->field->name()), ");\n  }\n");
    }
    absl::StrAppend(out, "  return absl::OkStatus();\n}\n\n");
  }

  const Descriptor& message_;
  bool nested_;
  std::vector<BencodeEntry> entries_;
};

absl::Status FieldError(const FieldDescriptor& field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field.full_name(), ": ", problem));
}

}  // namespace

absl::StatusOr<std::unique_ptr<MessageEmitter>> MakeBencodeEmitter(const Descriptor& message) {
  const bool nested = message.options().GetExtension(codec::schema::codec).nested();
  std::vector<BencodeEntry> entries;
  for (int i = 0; i < message.field_count(); ++i) {
    const FieldDescriptor& field = *message.field(i);
    BencodeEntry entry{&field, field.options().GetExtension(codec::schema::bencode)};
    const BencodeField& options = entry.options;
    switch (field.cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT64:
      case FieldDescriptor::CPPTYPE_STRING:
        if (field.is_repeated()) return FieldError(field, "repeated scalars are not supported");
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        const Descriptor& element = *field.message_type();
        if (!field.is_repeated() ||
            !element.options().GetExtension(codec::schema::codec).nested()) {
          return FieldError(field, "message fields must be repeated and of a `nested` message");
        }
        if (entry.is_map()) {
          const FieldDescriptor* key = element.FindFieldByName(options.map_key_field());
          if (key == nullptr || key->options().GetExtension(codec::schema::bencode).width() == 0 ||
              !key->options().GetExtension(codec::schema::bencode).key().empty()) {
            return FieldError(field,
                              "map_key_field must name a fixed-width bytes field without a key");
          }
        }
        break;
      }
      default:
        return FieldError(field, "bencode fields are int64, string/bytes or nested messages");
    }
    if (options.key().empty() && (!nested || options.width() == 0)) {
      return FieldError(field, "needs a (bencode).key (only map keys of nested messages have none)");
    }
    if (options.width() != 0 && field.type() != FieldDescriptor::TYPE_BYTES) {
      return FieldError(field, "width needs a bytes field");
    }
    entries.push_back(std::move(entry));
  }
  return std::make_unique<BencodeEmitter>(message, nested, std::move(entries));
}

}  // namespace aquatic::codecgen
