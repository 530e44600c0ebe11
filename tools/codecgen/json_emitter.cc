#include "tools/codecgen/json_emitter.h"

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "codec/schema/options.pb.h"
#include "tools/codecgen/field_types.h"
#include "tools/codecgen/names.h"

namespace aquatic::codecgen {
namespace {

using codec::schema::JsonField;
using codec::schema::JsonKind;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

constexpr absl::string_view kRuntime = "::aquatic::codec::";

// One field of a WIRE_JSON message, its options checked.
struct JsonMember {
  const FieldDescriptor* field = nullptr;
  std::string key;
  JsonKind kind = codec::schema::JSON_KIND_UNSPECIFIED;
  bool required = false;
  uint32_t width = 0;
  uint32_t max_length = 0;
  uint32_t max_count = 0;
  bool one_or_many = false;
  // Repeated OBJECT fields written as a map: the element's key field.
  const FieldDescriptor* map_key = nullptr;
  std::optional<std::string> constant;
};

struct JsonMessage {
  const Descriptor* message = nullptr;
  bool nested = false;
  // Set when this nested message is the element of a map: its key member is
  // the map key, not a member of its JSON object.
  const FieldDescriptor* map_key = nullptr;
  std::vector<JsonMember> members;
};

absl::Status FieldError(const FieldDescriptor& field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field.full_name(), ": ", problem));
}

bool IsJsonMessage(const Descriptor& message) {
  return message.options().GetExtension(codec::schema::codec).wire() ==
         codec::schema::WIRE_JSON;
}

bool IsNested(const Descriptor& message) {
  return message.options().GetExtension(codec::schema::codec).nested();
}

bool HasJsonNames(const google::protobuf::EnumDescriptor& enum_type) {
  for (int i = 0; i < enum_type.value_count(); ++i) {
    if (enum_type.value(i)->options().HasExtension(codec::schema::json_name)) return true;
  }
  return false;
}

int MessageIndex(const Descriptor& message) {
  const google::protobuf::FileDescriptor& file = *message.file();
  for (int i = 0; i < file.message_type_count(); ++i) {
    if (file.message_type(i) == &message) return i;
  }
  return -1;
}

// Checks the kind against the field's type and the limits the kind needs.
absl::Status CheckKind(const FieldDescriptor& field, const JsonMember& member) {
  using Type = FieldDescriptor::Type;
  const Type type = field.type();
  switch (member.kind) {
    case codec::schema::JSON_KIND_LATIN1:
      if (type != Type::TYPE_BYTES) return FieldError(field, "JSON_KIND_LATIN1 needs a bytes field");
      if (member.width == 0) return FieldError(field, "JSON_KIND_LATIN1 needs (json).width");
      return absl::OkStatus();
    case codec::schema::JSON_KIND_INTEGER:
      if (type != Type::TYPE_INT64) {
        return FieldError(field, "JSON_KIND_INTEGER needs an int64 field");
      }
      return absl::OkStatus();
    case codec::schema::JSON_KIND_STRING:
      if (type != Type::TYPE_STRING) {
        return FieldError(field, "JSON_KIND_STRING needs a string field");
      }
      if (member.max_length == 0 && !member.constant.has_value()) {
        return FieldError(field, "JSON_KIND_STRING needs (json).max_length");
      }
      return absl::OkStatus();
    case codec::schema::JSON_KIND_RAW:
      if (type != Type::TYPE_STRING) return FieldError(field, "JSON_KIND_RAW needs a string field");
      if (member.max_length == 0) return FieldError(field, "JSON_KIND_RAW needs (json).max_length");
      return absl::OkStatus();
    case codec::schema::JSON_KIND_ENUM:
      if (type != Type::TYPE_ENUM) return FieldError(field, "JSON_KIND_ENUM needs an enum field");
      if (!HasJsonNames(*field.enum_type())) {
        return FieldError(field, absl::StrCat("enum ", field.enum_type()->name(),
                                              " has no (json_name) values"));
      }
      return absl::OkStatus();
    case codec::schema::JSON_KIND_OBJECT: {
      if (type != Type::TYPE_MESSAGE) {
        return FieldError(field, "JSON_KIND_OBJECT needs a message field");
      }
      const Descriptor& element = *field.message_type();
      if (!IsJsonMessage(element) || !IsNested(element)) {
        return FieldError(field, absl::StrCat(element.name(),
                                              " must be a WIRE_JSON message with nested: true"));
      }
      if (element.file() != field.file() ||
          MessageIndex(element) >= MessageIndex(*field.containing_type())) {
        return FieldError(field, absl::StrCat(element.name(), " must be defined before ",
                                              field.containing_type()->name(),
                                              " in the same file"));
      }
      return absl::OkStatus();
    }
    default:
      return FieldError(field, "has no (json).kind");
  }
}

absl::StatusOr<JsonMember> BuildMember(const FieldDescriptor& field) {
  if (!field.options().HasExtension(codec::schema::json)) {
    return FieldError(field, "has no (json) option");
  }
  const JsonField& options = field.options().GetExtension(codec::schema::json);
  JsonMember member;
  member.field = &field;
  member.key = options.key();
  member.kind = options.kind();
  member.required = options.required();
  member.width = options.width();
  member.max_length = options.max_length();
  member.max_count = options.max_count();
  member.one_or_many = options.one_or_many();
  if (options.has_constant()) member.constant = options.constant();
  if (member.key.empty()) return FieldError(field, "needs (json).key");
  if (absl::Status status = CheckKind(field, member); !status.ok()) return status;

  if (member.constant.has_value() &&
      (member.kind != codec::schema::JSON_KIND_STRING || field.is_repeated())) {
    return FieldError(field, "(json).constant is only for singular JSON_KIND_STRING fields");
  }
  if (!field.is_repeated()) {
    if (member.max_count != 0 || member.one_or_many || options.has_map_key_field()) {
      return FieldError(field,
                        "max_count, one_or_many and map_key_field are for repeated fields");
    }
    return member;
  }
  if (member.kind != codec::schema::JSON_KIND_LATIN1 &&
      member.kind != codec::schema::JSON_KIND_INTEGER &&
      member.kind != codec::schema::JSON_KIND_OBJECT) {
    return FieldError(field, "repeated fields must be LATIN1, INTEGER or OBJECT");
  }
  if (member.max_count == 0) return FieldError(field, "repeated field needs (json).max_count");
  if (member.one_or_many && member.kind == codec::schema::JSON_KIND_OBJECT) {
    return FieldError(field, "one_or_many is for repeated LATIN1 or INTEGER fields");
  }
  if (options.has_map_key_field()) {
    if (member.kind != codec::schema::JSON_KIND_OBJECT) {
      return FieldError(field, "map_key_field is for repeated OBJECT fields");
    }
    const Descriptor& element = *field.message_type();
    const FieldDescriptor* key = element.FindFieldByName(options.map_key_field());
    if (key == nullptr) {
      return FieldError(field, absl::StrCat("map_key_field '", options.map_key_field(),
                                            "' is not a field of ", element.name()));
    }
    const JsonField& key_options = key->options().GetExtension(codec::schema::json);
    if (key->is_repeated() || key_options.kind() != codec::schema::JSON_KIND_LATIN1 ||
        !key_options.required()) {
      return FieldError(field, absl::StrCat("map_key_field '", options.map_key_field(),
                                            "' must name a required LATIN1 field of ",
                                            element.name()));
    }
    member.map_key = key;
  }
  return member;
}

// For a nested message: the map key its users agree on (nullptr when it is
// not a map element), or an error when no field holds it or its users
// disagree on whether it is keyed.
absl::StatusOr<const FieldDescriptor*> FindMapKey(const Descriptor& message) {
  const google::protobuf::FileDescriptor& file = *message.file();
  bool used = false;
  std::set<std::string> keys;
  for (int i = 0; i < file.message_type_count(); ++i) {
    const Descriptor& holder = *file.message_type(i);
    for (int j = 0; j < holder.field_count(); ++j) {
      const FieldDescriptor& field = *holder.field(j);
      if (field.message_type() != &message) continue;
      used = true;
      keys.insert(field.options().GetExtension(codec::schema::json).map_key_field());
    }
  }
  if (!used) {
    return absl::InvalidArgumentError(
        absl::StrCat(message.full_name(), ": nested, but no field of its file holds it"));
  }
  if (keys.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        message.full_name(), ": its fields must all use the same map_key_field, or none"));
  }
  if (keys.begin()->empty()) return nullptr;
  return message.FindFieldByName(*keys.begin());
}

absl::StatusOr<JsonMessage> BuildJsonMessage(const Descriptor& message) {
  JsonMessage json;
  json.message = &message;
  json.nested = IsNested(message);
  std::set<std::string> keys;
  for (int i = 0; i < message.field_count(); ++i) {
    absl::StatusOr<JsonMember> member = BuildMember(*message.field(i));
    if (!member.ok()) return member.status();
    if (!keys.insert(member->key).second) {
      return FieldError(*message.field(i), absl::StrCat("JSON key \"", member->key,
                                                        "\" is used twice"));
    }
    json.members.push_back(*std::move(member));
  }
  if (json.nested) {
    absl::StatusOr<const FieldDescriptor*> map_key = FindMapKey(message);
    if (!map_key.ok()) return map_key.status();
    json.map_key = *map_key;
  }
  return json;
}

// ---------------------------------------------------------------------------
// Code.

bool OnWire(const JsonMessage& message, const JsonMember& member) {
  return member.field != message.map_key;
}

std::string ConstantName(const JsonMember& member) {
  return "k" + SnakeToCamel(member.field->name());
}

std::string Quote(absl::string_view text) { return CppStringLiteral(std::string(text)); }

// ".info_hash": the member's path in errors, relative to its object.
std::string Path(const JsonMember& member) { return Quote(absl::StrCat(".", member.field->name())); }

std::string ElementType(const JsonMember& member) {
  switch (member.kind) {
    case codec::schema::JSON_KIND_LATIN1:
      return absl::StrCat("std::array<uint8_t, ", member.width, ">");
    case codec::schema::JSON_KIND_INTEGER:
      return "int64_t";
    case codec::schema::JSON_KIND_ENUM:
      return member.field->enum_type()->name();
    case codec::schema::JSON_KIND_OBJECT:
      return member.field->message_type()->name();
    default:
      return "std::string";
  }
}

std::string MemberType(const JsonMember& member) {
  std::string type = ElementType(member);
  if (member.field->is_repeated()) type = absl::StrCat("std::vector<", type, ">");
  if (!member.required) type = absl::StrCat("std::optional<", type, ">");
  return type;
}

std::string Initializer(const JsonMember& member) {
  if (!member.required || member.field->is_repeated()) return "";
  switch (member.kind) {
    case codec::schema::JSON_KIND_LATIN1:
      return "{}";
    case codec::schema::JSON_KIND_INTEGER:
      return " = 0";
    case codec::schema::JSON_KIND_ENUM:
      return absl::StrCat(" = ", member.field->enum_type()->name(),
                          "::", EnumConstantName(*member.field->enum_type()->value(0)));
    default:
      return "";
  }
}

void EmitJsonStruct(const JsonMessage& message, std::string* out) {
  const std::string name = message.message->name();
  absl::StrAppend(out, "struct ", name, " {\n");
  bool any_constant = false;
  for (const JsonMember& member : message.members) {
    if (!member.constant.has_value()) continue;
    absl::StrAppend(out, "  // Always this value on the wire.\n",
                    "  static constexpr absl::string_view ", ConstantName(member), " = ",
                    Quote(*member.constant), ";\n");
    any_constant = true;
  }
  for (const JsonMember& member : message.members) {
    if (member.max_count == 0) continue;
    absl::StrAppend(out, MaxCountConstant(member.field->name(), member.max_count));
    any_constant = true;
  }
  if (any_constant) out->push_back('\n');
  std::vector<std::string> compared;
  for (const JsonMember& member : message.members) {
    if (member.constant.has_value()) continue;
    absl::StrAppend(out, FieldComment(*member.field));
    if (!OnWire(message, member)) {
      absl::StrAppend(out, "  // The key of this element in its map (not inside its object).\n");
    }
    absl::StrAppend(out, "  ", MemberType(member), " ", member.field->name(), Initializer(member),
                    ";\n");
    compared.push_back(member.field->name());
  }
  // Equality, for tests and fuzz round trips.
  absl::StrAppend(out, "\n  friend bool operator==(const ", name, "& a, const ", name,
                  "& b) {\n    return true");
  for (const std::string& field : compared) {
    absl::StrAppend(out, " &&\n           a.", field, " == b.", field);
  }
  absl::StrAppend(out, ";\n  }\n  friend bool operator!=(const ", name, "& a, const ", name,
                  "& b) { return !(a == b); }\n};\n\n");
}

void EmitJsonDeclarations(const JsonMessage& message, std::string* out) {
  if (message.nested) return;
  absl::StrAppend(
      out,
      absl::Substitute(
          "// Parses `json`, one whole $0 object (a WebSocket text message). Keys\n"
          "// may come in any order, unknown ones are skipped, the last of duplicates\n"
          "// wins. On error `out` is unspecified.\n"
          "absl::Status Parse(absl::string_view json, $0* out);\n"
          "// Appends `message` to `out` as compact JSON, fields in schema order; on\n"
          "// error (a limit exceeded) `out` is left as it was.\n"
          "absl::Status Serialize(const $0& message, std::string* out);\n\n",
          message.message->name()));
}

// `&ReadOffer`, `&::aquatic::codec::ReadJsonLatin1Element<20>`: the element
// reader (or, with `write`, writer) of a repeated member.
std::string ElementFunction(const JsonMember& member, bool write) {
  const absl::string_view verb = write ? "Write" : "Read";
  switch (member.kind) {
    case codec::schema::JSON_KIND_LATIN1:
      return absl::StrCat("&", kRuntime, verb, "JsonLatin1Element<", member.width, ">");
    case codec::schema::JSON_KIND_INTEGER:
      return absl::StrCat("&", kRuntime, verb, "JsonInt64Element");
    default:
      return absl::StrCat("&", verb, member.field->message_type()->name());
  }
}

// The call reading `member`'s value into `target` (a pointer expression).
std::string ReadCall(const JsonMember& member, absl::string_view target) {
  const std::string path = Path(member);
  if (member.constant.has_value()) {
    return absl::StrCat(kRuntime, "ReadJsonConstant(json, ", path, ", ",
                        member.field->containing_type()->name(), "::", ConstantName(member),
                        ")");
  }
  if (member.field->is_repeated()) {
    if (member.map_key != nullptr) {
      return absl::StrCat(kRuntime, "ReadJsonMap(json, ", path, ", ", member.max_count, ", &",
                          member.field->message_type()->name(), "::", member.map_key->name(),
                          ", ", ElementFunction(member, false), ", ", target, ")");
    }
    return absl::StrCat(kRuntime, member.one_or_many ? "ReadJsonOneOrMany" : "ReadJsonArray",
                        "(json, ", path, ", ", member.max_count, ", ",
                        ElementFunction(member, false), ", ", target, ")");
  }
  switch (member.kind) {
    case codec::schema::JSON_KIND_LATIN1:
      return absl::StrCat(kRuntime, "ReadJsonLatin1(json, ", path, ", ", target, ")");
    case codec::schema::JSON_KIND_INTEGER:
      return absl::StrCat(kRuntime, "ReadJsonInt64(json, ", path, ", ", target, ")");
    case codec::schema::JSON_KIND_STRING:
      return absl::StrCat(kRuntime, "ReadJsonString(json, ", path, ", ", member.max_length, ", ",
                          target, ")");
    case codec::schema::JSON_KIND_RAW:
      return absl::StrCat(kRuntime, "ReadJsonRaw(json, ", path, ", ", member.max_length, ", ",
                          target, ")");
    case codec::schema::JSON_KIND_ENUM:
      return absl::StrCat(kRuntime, "ReadJsonEnum(json, ", path, ", &",
                          member.field->enum_type()->name(), "FromJson, ", target, ")");
    default:
      return absl::StrCat(kRuntime, "ReadJsonObject(json, ", path, ", &Read",
                          member.field->message_type()->name(), ", ", target, ")");
  }
}

void EmitReader(const JsonMessage& message, std::string* out) {
  const std::string name = message.message->name();
  absl::StrAppend(out, "// Reads one ", name, " object whose first token is `first`.\n",
                  "absl::Status Read", name, "(", kRuntime, "JsonScanner& json, ", kRuntime,
                  "JsonToken first, ", name, "* out) {\n", "  if (first != ", kRuntime,
                  "JsonToken::kBeginObject) {\n", "    return ", kRuntime,
                  "JsonTypeError(json, first, \"an object\");\n  }\n", "  *out = ", name,
                  "();\n");
  for (const JsonMember& member : message.members) {
    if (member.required && OnWire(message, member)) {
      absl::StrAppend(out, "  bool has_", member.field->name(), " = false;\n");
    }
  }
  absl::StrAppend(out, "  absl::string_view key;\n", "  while (", kRuntime,
                  "NextJsonKey(json, &key)) {\n", "    absl::Status status;\n");
  std::string branch = "    if";
  for (const JsonMember& member : message.members) {
    if (!OnWire(message, member)) continue;
    absl::StrAppend(out, branch, " (key == ", Quote(member.key), ") {\n");
    if (member.required) absl::StrAppend(out, "      has_", member.field->name(), " = true;\n");
    absl::StrAppend(out, "      status = ",
                    ReadCall(member, absl::StrCat("&out->", member.field->name())), ";\n");
    branch = "    } else if";
  }
  if (branch == "    if") {
    absl::StrAppend(out, "    status = ", kRuntime, "SkipJsonValue(json);\n");
  } else {
    absl::StrAppend(out, "    } else {\n", "      status = ", kRuntime,
                    "SkipJsonValue(json);\n    }\n");
  }
  absl::StrAppend(out, "    if (!status.ok()) return status;\n  }\n",
                  "  if (!json.error().empty()) return ", kRuntime, "JsonSyntaxError(json);\n");
  for (const JsonMember& member : message.members) {
    if (!member.required || !OnWire(message, member)) continue;
    absl::StrAppend(out, "  if (!has_", member.field->name(), ") return ", kRuntime,
                    "MissingJsonFieldError(", Path(member), ");\n");
  }
  absl::StrAppend(out, "  return absl::OkStatus();\n}\n\n");
}

// Statements writing `value` (an expression of the element or vector type).
void EmitWrite(const JsonMember& member, absl::string_view value, absl::string_view indent,
               std::string* out) {
  const std::string path = Path(member);
  std::string call;  // A call returning absl::Status, if the write can fail.
  if (member.constant.has_value()) {
    absl::StrAppend(out, indent, "json.String(", member.field->containing_type()->name(),
                    "::", ConstantName(member), ");\n");
    return;
  }
  if (member.field->is_repeated()) {
    if (member.map_key != nullptr) {
      call = absl::StrCat(kRuntime, "WriteJsonMap(json, ", path, ", ", member.max_count, ", ",
                          value, ", &", member.field->message_type()->name(),
                          "::", member.map_key->name(), ", ", ElementFunction(member, true),
                          ")");
    } else {
      call = absl::StrCat(kRuntime, member.one_or_many ? "WriteJsonOneOrMany" : "WriteJsonArray",
                          "(json, ", path, ", ", member.max_count, ", ", value, ", ",
                          ElementFunction(member, true), ")");
    }
  } else {
    switch (member.kind) {
      case codec::schema::JSON_KIND_LATIN1:
        absl::StrAppend(out, indent, "json.Latin1String(", value, ");\n");
        return;
      case codec::schema::JSON_KIND_INTEGER:
        absl::StrAppend(out, indent, "json.Int(", value, ");\n");
        return;
      case codec::schema::JSON_KIND_ENUM:
        absl::StrAppend(out, indent, "json.String(", member.field->enum_type()->name(),
                        "JsonName(", value, "));\n");
        return;
      case codec::schema::JSON_KIND_STRING:
        call = absl::StrCat(kRuntime, "WriteJsonString(json, ", path, ", ", member.max_length,
                            ", ", value, ")");
        break;
      case codec::schema::JSON_KIND_RAW:
        call = absl::StrCat(kRuntime, "WriteJsonRaw(json, ", path, ", ", member.max_length,
                            ", ", value, ")");
        break;
      default:
        call = absl::StrCat(kRuntime, "PrefixJsonError(", path, ", Write",
                            member.field->message_type()->name(), "(", value, ", json))");
        break;
    }
  }
  absl::StrAppend(out, indent, "if (absl::Status status = ", call, "; !status.ok()) {\n",
                  indent, "  return status;\n", indent, "}\n");
}

void EmitWriter(const JsonMessage& message, std::string* out) {
  const std::string name = message.message->name();
  absl::StrAppend(out, "// Writes `in` as one JSON object.\n", "absl::Status Write", name,
                  "(const ", name, "& in, ", kRuntime, "JsonWriter& json) {\n",
                  "  json.BeginObject();\n");
  for (const JsonMember& member : message.members) {
    if (!OnWire(message, member)) continue;
    const std::string field = absl::StrCat("in.", member.field->name());
    if (member.required || member.constant.has_value()) {
      absl::StrAppend(out, "  json.Key(", Quote(member.key), ");\n");
      EmitWrite(member, field, "  ", out);
    } else {
      absl::StrAppend(out, "  if (", field, ".has_value()) {\n", "    json.Key(",
                      Quote(member.key), ");\n");
      EmitWrite(member, absl::StrCat("*", field), "    ", out);
      absl::StrAppend(out, "  }\n");
    }
  }
  absl::StrAppend(out, "  json.EndObject();\n  return absl::OkStatus();\n}\n\n");
}

void EmitJsonDefinitions(const JsonMessage& message, std::string* out) {
  if (message.nested) return;
  absl::StrAppend(
      out, absl::Substitute(
               "absl::Status Parse(absl::string_view json, $0* out) {\n"
               "  $1JsonScanner scanner(json);\n"
               "  absl::Status status = Read$0(scanner, scanner.Next(), out);\n"
               "  if (status.ok()) status = $1ExpectJsonEnd(scanner);\n"
               "  return $1PrefixJsonError(\"$0\", status);\n"
               "}\n\n"
               "absl::Status Serialize(const $0& message, std::string* out) {\n"
               "  const size_t size_before = out->size();\n"
               "  $1JsonWriter json(out);\n"
               "  absl::Status status = Write$0(message, json);\n"
               "  if (!status.ok()) out->resize(size_before);\n"
               "  return $1PrefixJsonError(\"$0\", status);\n"
               "}\n\n",
               message.message->name(), kRuntime));
}

class JsonEmitter : public MessageEmitter {
 public:
  explicit JsonEmitter(JsonMessage message) : message_(std::move(message)) {}

  bool nested() const override { return message_.nested; }
  std::vector<std::string> HeaderIncludes() const override {
    return {"<array>",  "<cstdint>",  "<optional>", "<string>",
            "<vector>", "\"absl/status/status.h\"", "\"absl/strings/string_view.h\""};
  }
  std::vector<std::string> SourceIncludes() const override {
    return {"<cstddef>", "\"codec/runtime/json.h\"", "\"codec/runtime/json_fields.h\""};
  }
  void EmitStruct(std::string* out) const override { EmitJsonStruct(message_, out); }
  void EmitDeclarations(std::string* out) const override {
    EmitJsonDeclarations(message_, out);
  }
  void EmitHelpers(std::string* out) const override {
    EmitReader(message_, out);
    EmitWriter(message_, out);
  }
  void EmitDefinitions(std::string* out) const override { EmitJsonDefinitions(message_, out); }

 private:
  JsonMessage message_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<MessageEmitter>> MakeJsonEmitter(
    const google::protobuf::Descriptor& message) {
  absl::StatusOr<JsonMessage> json = BuildJsonMessage(message);
  if (!json.ok()) return json.status();
  return std::make_unique<JsonEmitter>(*std::move(json));
}

}  // namespace aquatic::codecgen
