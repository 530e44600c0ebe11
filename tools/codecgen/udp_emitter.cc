#include "tools/codecgen/udp_emitter.h"

#include <utility>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "tools/codecgen/field_types.h"
#include "tools/codecgen/names.h"
#include "tools/codecgen/udp_layout.h"

namespace aquatic::codecgen {
namespace {

using google::protobuf::FieldDescriptor;
using Kind = UdpLayoutField::Kind;

std::string UnsignedType(uint32_t width) { return absl::StrCat("uint", width * 8, "_t"); }

std::string CppType(const UdpLayoutField& entry) {
  switch (entry.kind) {
    case Kind::kInteger:
      return absl::StrCat(entry.is_signed ? "int" : "uint", entry.width * 8, "_t");
    case Kind::kEnum:
      return entry.field->enum_type()->name();
    case Kind::kBytes:
      return absl::StrCat("std::array<uint8_t, ", entry.width, ">");
    case Kind::kRepeated:
      return absl::StrCat("::aquatic::codec::FixedVector<", entry.field->message_type()->name(),
                          ", ", entry.max_count, ">");
    case Kind::kRest:
      return "absl::string_view";
    case Kind::kTlv:
      return absl::StrCat("::aquatic::codec::FixedString<", entry.max_count, ">");
  }
  return "?";
}

std::string ConstantName(const FieldDescriptor& field) {
  return "k" + SnakeToCamel(field.name());
}

// `p + 12`, or `p` for offset 0.
std::string At(absl::string_view base, uint32_t offset) {
  return offset == 0 ? std::string(base) : absl::StrCat(base, " + ", offset);
}

std::string LoadExpression(const UdpLayoutField& entry, absl::string_view base) {
  const std::string load =
      absl::StrCat("::aquatic::codec::LoadU", entry.width * 8, "(", At(base, entry.offset), ")");
  if (entry.kind == Kind::kEnum) {
    return absl::StrCat(entry.field->enum_type()->name(), "FromWire(", load, ")");
  }
  if (entry.is_signed) return absl::StrCat("static_cast<", CppType(entry), ">(", load, ")");
  return load;
}

void EmitStore(const UdpLayoutField& entry, absl::string_view base, absl::string_view value,
               absl::string_view indent, std::string* out) {
  const std::string at = At(base, entry.offset);
  if (entry.kind == Kind::kBytes) {
    absl::StrAppend(out, indent, "std::memcpy(", at, ", ", value, ".data(), ", entry.width,
                    ");\n");
    return;
  }
  absl::StrAppend(out, indent, "::aquatic::codec::StoreU", entry.width * 8, "(", at,
                  ", static_cast<", UnsignedType(entry.width), ">(", value, "));\n");
}

void EmitLoad(const UdpLayoutField& entry, absl::string_view base, absl::string_view target,
              absl::string_view indent, std::string* out) {
  if (entry.kind == Kind::kBytes) {
    absl::StrAppend(out, indent, "std::memcpy(", target, ".data(), ", At(base, entry.offset),
                    ", ", entry.width, ");\n");
    return;
  }
  absl::StrAppend(out, indent, target, " = ", LoadExpression(entry, base), ";\n");
}

// Element structs carry their own load/store, inline: messages call them in
// their loops.
void EmitUdpElementMembers(const UdpLayout& layout, std::string* out) {
  const std::string name = layout.message->name();
  absl::StrAppend(out, "\n  // Reads one element at `p` (kSize bytes, already bounds-checked).\n",
                  "  static void LoadFrom(const uint8_t* p, ", name, "* out) {\n");
  for (const UdpLayoutField& entry : layout.fixed) {
    EmitLoad(entry, "p", absl::StrCat("out->", entry.field->name()), "    ", out);
  }
  absl::StrAppend(out, "  }\n  // Writes this element at `p` (kSize bytes, already bounds-checked).\n",
                  "  void StoreTo(uint8_t* p) const {\n");
  for (const UdpLayoutField& entry : layout.fixed) {
    EmitStore(entry, "p", entry.field->name(), "    ", out);
  }
  absl::StrAppend(out, "  }\n");
}

void EmitUdpDefinitions(const UdpLayout& layout, std::string* out) {
  if (layout.element) return;
  const std::string name = layout.message->name();
  const std::optional<UdpLayoutField>& tail = layout.tail;

  // TryParse, and Parse around it.
  absl::StrAppend(out, "inline bool TryParse(absl::Span<const uint8_t> wire, ", name,
                  "* out, ::aquatic::codec::ParseError* error) {\n");
  absl::StrAppend(out, "  if (wire.size() < ", name, "::kFixedSize) {\n",
                  "    return error->TooShort(\"", name, "\", wire.size(), ", name,
                  "::kFixedSize);\n  }\n");
  if (!tail.has_value() && !layout.allow_trailing_bytes) {
    absl::StrAppend(out, "  if (wire.size() != ", name, "::kFixedSize) {\n",
                    "    return error->TrailingBytes(\"", name, "\", wire.size(), ", name,
                    "::kFixedSize);\n  }\n");
  }
  absl::StrAppend(out, "  const uint8_t* const p = wire.data();\n");
  for (const UdpLayoutField& entry : layout.fixed) {
    if (!entry.constant.has_value()) continue;
    const std::string constant = absl::StrCat(name, "::", ConstantName(*entry.field));
    absl::StrAppend(out, "  if (const auto value = ", LoadExpression(entry, "p"),
                    "; value != ", constant, ") {\n",
                    "    return error->WrongConstant(\"", name, "\", \"", entry.field->name(),
                    "\", value, ", constant, ");\n  }\n");
  }
  for (const UdpLayoutField& entry : layout.fixed) {
    if (entry.constant.has_value()) continue;
    EmitLoad(entry, "p", absl::StrCat("out->", entry.field->name()), "  ", out);
  }
  if (tail.has_value()) {
    const std::string field = tail->field->name();
    if (tail->kind != Kind::kTlv) {
      absl::StrAppend(out, "  const size_t rest = wire.size() - ", name, "::kFixedSize;\n");
    }
    if (tail->kind == Kind::kRepeated) {
      const std::string element = tail->field->message_type()->name();
      absl::StrAppend(
          out, "  if (rest % ", element, "::kSize != 0 || rest / ", element, "::kSize > ",
          tail->max_count, ") {\n", "    return error->BadRepeated(\"", name, "\", \"", field,
          "\", rest, ", element, "::kSize, ", tail->max_count, ");\n  }\n",
          "  out->", field, ".resize(rest / ", element, "::kSize);\n",
          "  for (size_t i = 0; i < out->", field, ".size(); ++i) {\n", "    ", element,
          "::LoadFrom(p + ", name, "::kFixedSize + i * ", element, "::kSize, &out->", field,
          "[i]);\n",
          "  }\n");
    } else if (tail->kind == Kind::kTlv) {
      absl::StrAppend(
          out, "  out->", field, ".clear();\n",
          "  ::aquatic::codec::TlvOptionReader options(wire.subspan(", name, "::kFixedSize), 0x",
          absl::Hex(tail->tlv_end_type), ", 0x", absl::Hex(tail->tlv_nop_type), ");\n",
          "  for (::aquatic::codec::TlvOption option; options.Next(&option);) {\n",
          "    if (option.type != 0x", absl::Hex(tail->tlv_data_type), ") continue;\n",
          "    if (!out->", field, ".append(option.data)) {\n",
          "      return error->TooLong(\"", name, "\", \"", field, "\", out->", field,
          ".size() + option.data.size(), ", tail->max_count, ");\n",
          "    }\n  }\n");
    } else {
      absl::StrAppend(out, "  if (rest > ", tail->max_count, ") {\n",
                      "    return error->TooLong(\"", name, "\", \"", field, "\", rest, ",
                      tail->max_count, ");\n  }\n", "  out->", field,
                      " = absl::string_view(reinterpret_cast<const char*>(p + ", name,
                      "::kFixedSize), rest);\n");
    }
  }
  absl::StrAppend(out, "  return true;\n}\n\n");
  absl::StrAppend(out, "inline absl::Status Parse(absl::Span<const uint8_t> wire, ", name,
                  "* out) {\n", "  ::aquatic::codec::ParseError error;\n",
                  "  return TryParse(wire, out, &error) ? absl::OkStatus() : error.ToStatus();\n",
                  "}\n\n");

  // SerializedSize.
  absl::StrAppend(out, "inline size_t SerializedSize(const ", name, "& message) {\n");
  if (!tail.has_value()) {
    absl::StrAppend(out, "  static_cast<void>(message);\n  return ", name, "::kFixedSize;\n");
  } else if (tail->kind == Kind::kRepeated) {
    absl::StrAppend(out, "  return ", name, "::kFixedSize + message.", tail->field->name(),
                    ".size() * ", tail->field->message_type()->name(), "::kSize;\n");
  } else if (tail->kind == Kind::kTlv) {
    absl::StrAppend(out, "  return ", name, "::kFixedSize + ::aquatic::codec::TlvDataSize(message.",
                    tail->field->name(), ".size());\n");
  } else {
    absl::StrAppend(out, "  return ", name, "::kFixedSize + message.", tail->field->name(),
                    ".size();\n");
  }
  absl::StrAppend(out, "}\n\n");

  // Serialize.
  absl::StrAppend(out, "inline absl::StatusOr<size_t> Serialize(const ", name,
                  "& message, absl::Span<uint8_t> out) {\n");
  if (tail.has_value() && tail->kind == Kind::kRest) {
    absl::StrAppend(out, "  if (message.", tail->field->name(), ".size() > ", tail->max_count,
                    ") {\n", "    return ::aquatic::codec::TooLongError(\"", name, "\", \"",
                    tail->field->name(), "\", message.", tail->field->name(), ".size(), ",
                    tail->max_count, ");\n  }\n");
  }
  absl::StrAppend(out, "  const size_t size = SerializedSize(message);\n",
                  "  if (out.size() < size) {\n",
                  "    return ::aquatic::codec::BufferTooSmallError(\"", name,
                  "\", size, out.size());\n  }\n", "  uint8_t* const p = out.data();\n");
  for (const UdpLayoutField& entry : layout.fixed) {
    const std::string value = entry.constant.has_value()
                                  ? absl::StrCat(name, "::", ConstantName(*entry.field))
                                  : absl::StrCat("message.", entry.field->name());
    EmitStore(entry, "p", value, "  ", out);
  }
  if (tail.has_value()) {
    const std::string field = tail->field->name();
    if (tail->kind == Kind::kRepeated) {
      const std::string element = tail->field->message_type()->name();
      absl::StrAppend(out, "  for (size_t i = 0; i < message.", field, ".size(); ++i) {\n",
                      "    message.", field, "[i].StoreTo(p + ", name, "::kFixedSize + i * ",
                      element, "::kSize);\n  }\n");
    } else if (tail->kind == Kind::kTlv) {
      absl::StrAppend(out, "  ::aquatic::codec::StoreTlvData(p + ", name, "::kFixedSize, 0x",
                      absl::Hex(tail->tlv_data_type), ", message.", field, ".view());\n");
    } else {
      absl::StrAppend(out, "  if (!message.", field, ".empty()) {\n",
                      "    std::memcpy(p + ", name, "::kFixedSize, message.", field,
                      ".data(), message.", field, ".size());\n  }\n");
    }
  }
  absl::StrAppend(out, "  return size;\n}\n\n");
}

// Parse/Serialize are emitted inline in the header, with a comment each: the
// socket workers' receive loop inlines them like hand-written code.
void EmitUdpDeclarations(const UdpLayout& layout, std::string* out) {
  if (layout.element) return;
  const std::string name = layout.message->name();
  absl::StrAppend(
      out,
      absl::Substitute(
          "// Parses one $0 from `wire`. Never reads outside `wire`; on error `out`\n"
          "// is unspecified.\n"
          "absl::Status Parse(absl::Span<const uint8_t> wire, $0* out);\n"
          "// Parse without building a Status: false with `error` filled on error,\n"
          "// nothing formatted or allocated (for request paths that drop bad input).\n"
          "bool TryParse(absl::Span<const uint8_t> wire, $0* out,\n"
          "              ::aquatic::codec::ParseError* error);\n"
          "// Bytes Serialize will write for `message`.\n"
          "size_t SerializedSize(const $0& message);\n"
          "// Writes `message` to the start of `out`; returns the bytes written.\n"
          "absl::StatusOr<size_t> Serialize(const $0& message, absl::Span<uint8_t> out);\n\n",
          name));
  EmitUdpDefinitions(layout, out);
}

void EmitUdpStruct(const UdpLayout& layout, std::string* out) {
  const std::string name = layout.message->name();
  absl::StrAppend(out, "struct ", name, " {\n");
  if (layout.element) {
    absl::StrAppend(out, "  // Bytes of one element on the wire.\n",
                    "  static constexpr size_t kSize = ", layout.fixed_size, ";\n");
  } else {
    absl::StrAppend(out, "  // Bytes before any repeated or variable-length part.\n",
                    "  static constexpr size_t kFixedSize = ", layout.fixed_size, ";\n");
    if (layout.tail.has_value()) {
      const UdpLayoutField& tail = *layout.tail;
      std::string tail_bytes = absl::StrCat(tail.max_count);
      if (tail.kind == Kind::kRepeated) {
        tail_bytes =
            absl::StrCat(tail.max_count, " * ", tail.field->message_type()->name(), "::kSize");
      } else if (tail.kind == Kind::kTlv) {
        tail_bytes = absl::StrCat("::aquatic::codec::TlvDataSize(", tail.max_count, ")");
      }
      absl::StrAppend(out, "  // Largest valid message.\n",
                      "  static constexpr size_t kMaxSize = kFixedSize + ", tail_bytes, ";\n");
      if (tail.kind == Kind::kRepeated) {
        absl::StrAppend(out, MaxCountConstant(tail.field->name(), tail.max_count));
      }
    } else if (!layout.allow_trailing_bytes) {
      absl::StrAppend(out, "  static constexpr size_t kMaxSize = kFixedSize;\n");
    }
  }
  for (const UdpLayoutField& entry : layout.fixed) {
    if (!entry.constant.has_value()) continue;
    absl::StrAppend(out, "  // Always this value on the wire.\n", "  static constexpr ",
                    CppType(entry), " ", ConstantName(*entry.field), " = 0x",
                    absl::Hex(*entry.constant), ";\n");
  }
  absl::StrAppend(out, "\n");
  auto emit_member = [&](const UdpLayoutField& entry) {
    if (entry.constant.has_value()) return;
    absl::StrAppend(out, FieldComment(*entry.field));
    std::string init = "{}";
    if (entry.kind == Kind::kEnum) {
      init = absl::StrCat(" = ", entry.field->enum_type()->name(),
                          "::", EnumConstantName(*entry.field->enum_type()->value(0)));
    } else if (entry.kind == Kind::kInteger) {
      init = " = 0";
    }
    if (entry.kind == Kind::kRest) {
      absl::StrAppend(out, "  // Points into the parsed buffer (or the caller's data).\n");
    } else if (entry.kind == Kind::kTlv) {
      absl::StrAppend(out, "  // The options of type 0x", absl::Hex(entry.tlv_data_type),
                      ", their data concatenated (a copy, no heap); view()\n",
                      "  // reads it as a string_view.\n");
    }
    absl::StrAppend(out, "  ", CppType(entry), " ", entry.field->name(), init, ";\n");
  };
  for (const UdpLayoutField& entry : layout.fixed) emit_member(entry);
  if (layout.tail.has_value()) emit_member(*layout.tail);

  // Equality, for tests and fuzz round trips.
  if (layout.element) EmitUdpElementMembers(layout, out);
  absl::StrAppend(out, "\n  friend bool operator==(const ", name, "& a, const ", name,
                  "& b) {\n    return true");
  auto compare = [&](const UdpLayoutField& entry) {
    if (entry.constant.has_value()) return;
    absl::StrAppend(out, " &&\n           a.", entry.field->name(), " == b.",
                    entry.field->name());
  };
  for (const UdpLayoutField& entry : layout.fixed) compare(entry);
  if (layout.tail.has_value()) compare(*layout.tail);
  absl::StrAppend(out, ";\n  }\n  friend bool operator!=(const ", name, "& a, const ", name,
                  "& b) { return !(a == b); }\n};\n\n");
}

class UdpEmitter : public MessageEmitter {
 public:
  explicit UdpEmitter(UdpLayout layout) : layout_(std::move(layout)) {}

  bool nested() const override { return layout_.element; }
  std::vector<std::string> HeaderIncludes() const override {
    std::vector<std::string> includes = {
        "<array>", "<cstddef>", "<cstdint>", "\"absl/status/status.h\"",
        "\"absl/status/statusor.h\"", "\"absl/strings/string_view.h\"",
        "\"absl/types/span.h\"", "\"codec/runtime/fixed_vector.h\"", "<cstring>",
        "\"codec/runtime/big_endian.h\"", "\"codec/runtime/codec_status.h\""};
    if (layout_.tail.has_value() && layout_.tail->kind == Kind::kTlv) {
      includes.push_back("\"codec/runtime/fixed_string.h\"");
      includes.push_back("\"codec/runtime/tlv_options.h\"");
    }
    return includes;
  }
  std::vector<std::string> SourceIncludes() const override { return {}; }
  void EmitStruct(std::string* out) const override { EmitUdpStruct(layout_, out); }
  void EmitDeclarations(std::string* out) const override { EmitUdpDeclarations(layout_, out); }
  // Everything is inline in the header (EmitStruct, EmitDeclarations).
  void EmitHelpers(std::string* out) const override {}
  void EmitDefinitions(std::string* out) const override {}

 private:
  UdpLayout layout_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<MessageEmitter>> MakeUdpEmitter(
    const google::protobuf::Descriptor& message) {
  absl::StatusOr<UdpLayout> layout = BuildUdpLayout(message);
  if (!layout.ok()) return layout.status();
  return std::make_unique<UdpEmitter>(*std::move(layout));
}

}  // namespace aquatic::codecgen
