#include "tracker/base/config/toml_config.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <limits>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <toml++/toml.h>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tracker/base/config/options.pb.h"
#include "tracker/base/socket_address.h"

namespace aquatic::config {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

const FieldRules& RulesOf(const FieldDescriptor& field) {
  return field.options().GetExtension(rules);
}

bool IsSection(const FieldDescriptor& field) {
  return field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !RulesOf(field).inline_();
}

bool IsInline(const FieldDescriptor& field) {
  return field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && RulesOf(field).inline_();
}

// "AccessListMode" -> "ACCESS_LIST_MODE_", the prefix proto style puts on
// every value name of that enum.
std::string EnumValuePrefix(const EnumDescriptor& enum_type) {
  std::string prefix;
  for (char c : enum_type.name()) {
    if (absl::ascii_isupper(static_cast<unsigned char>(c)) && !prefix.empty()) prefix += '_';
    prefix += absl::ascii_toupper(static_cast<unsigned char>(c));
  }
  return prefix + "_";
}

// ACCESS_LIST_MODE_ALLOW -> "allow".
std::string EnumValueTomlName(const EnumValueDescriptor& value) {
  absl::string_view name = value.name();
  const std::string prefix = EnumValuePrefix(*value.type());
  if (absl::StartsWith(name, prefix)) name.remove_prefix(prefix.size());
  return absl::AsciiStrToLower(name);
}

std::string AllowedEnumNames(const EnumDescriptor& enum_type) {
  std::vector<std::string> names;
  for (int i = 0; i < enum_type.value_count(); ++i) {
    names.push_back(absl::StrCat("\"", EnumValueTomlName(*enum_type.value(i)), "\""));
  }
  return absl::StrJoin(names, ", ");
}

const char* NodeTypeName(toml::node_type type) {
  switch (type) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time: return "a date/time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

// Names a key in errors: "socket_workers" at top level, "[network] use_ipv4"
// inside a section.
std::string KeyName(absl::string_view section, absl::string_view key) {
  return section.empty() ? std::string(key) : absl::StrCat("[", section, "] ", key);
}

absl::Status KeyError(absl::string_view section, absl::string_view key,
                      absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(KeyName(section, key), ": ", problem));
}

absl::Status CheckStringFormat(const FieldDescriptor& field, const std::string& value,
                               absl::string_view section) {
  auto address_error = [&](absl::string_view expected, absl::string_view detail) {
    return KeyError(section, field.name(),
                    absl::StrCat("\"", value, "\" is not ", expected, " (", detail, ")"));
  };
  switch (RulesOf(field).format()) {
    case VALUE_FORMAT_ANY:
      return absl::OkStatus();
    case VALUE_FORMAT_SOCKET_ADDRESS_IPV4:
    case VALUE_FORMAT_SOCKET_ADDRESS_IPV6:
    case VALUE_FORMAT_SOCKET_ADDRESS: {
      const ValueFormat format = RulesOf(field).format();
      const char* expected = format == VALUE_FORMAT_SOCKET_ADDRESS_IPV4
                                 ? "an IPv4 socket address like 0.0.0.0:3000"
                             : format == VALUE_FORMAT_SOCKET_ADDRESS_IPV6
                                 ? "an IPv6 socket address like [::]:3000"
                                 : "a socket address like 0.0.0.0:9000 or [::]:9000";
      absl::StatusOr<SocketAddress> address = SocketAddress::Parse(value);
      if (!address.ok()) return address_error(expected, address.status().message());
      if (format == VALUE_FORMAT_SOCKET_ADDRESS_IPV4 && !address->is_ipv4()) {
        return address_error(expected, "this is an IPv6 address");
      }
      if (format == VALUE_FORMAT_SOCKET_ADDRESS_IPV6 && !address->is_ipv6()) {
        return address_error(expected, "this is an IPv4 address");
      }
      return absl::OkStatus();
    }
    case VALUE_FORMAT_HTTP_HEADER_NAME: {
      // RFC 9110 token characters.
      const bool valid =
          !value.empty() && value.find_first_not_of("!#$%&'*+-.^_`|~0123456789"
                                                    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                    "abcdefghijklmnopqrstuvwxyz") == std::string::npos;
      if (!valid) {
        return KeyError(section, field.name(),
                        absl::StrCat("\"", value, "\" is not an HTTP header name"));
      }
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

absl::Status SetInteger(const FieldDescriptor& field, int64_t value, absl::string_view section,
                        Message* message) {
  int64_t low = 0;
  int64_t high = 0;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      low = std::numeric_limits<int32_t>::min();
      high = std::numeric_limits<int32_t>::max();
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      high = std::numeric_limits<uint32_t>::max();
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      low = std::numeric_limits<int64_t>::min();
      high = std::numeric_limits<int64_t>::max();
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      high = std::numeric_limits<int64_t>::max();  // TOML integers are int64.
      break;
    default:
      return KeyError(section, field.name(), "not an integer field");
  }
  const FieldRules& field_rules = RulesOf(field);
  if (field_rules.has_min() && field_rules.min() > low) low = field_rules.min();
  if (field_rules.has_max() && field_rules.max() < high) high = field_rules.max();
  if (value < low || value > high) {
    return KeyError(section, field.name(),
                    absl::StrCat(value, " is out of range (", low, " to ", high, ")"));
  }
  const Reflection& reflection = *message->GetReflection();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      reflection.SetInt32(message, &field, static_cast<int32_t>(value));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      reflection.SetUInt32(message, &field, static_cast<uint32_t>(value));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      reflection.SetInt64(message, &field, value);
      break;
    default:
      reflection.SetUInt64(message, &field, static_cast<uint64_t>(value));
      break;
  }
  return absl::OkStatus();
}

absl::Status SetScalar(const FieldDescriptor& field, const toml::node& node,
                       absl::string_view section, Message* message) {
  const Reflection& reflection = *message->GetReflection();
  auto wrong_type = [&](absl::string_view expected) {
    return KeyError(section, field.name(),
                    absl::StrCat("expected ", expected, ", got ", NodeTypeName(node.type())));
  };
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL:
      if (!node.is_boolean()) return wrong_type("a boolean (true or false)");
      reflection.SetBool(message, &field, node.as_boolean()->get());
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT64:
      if (!node.is_integer()) return wrong_type("an integer");
      return SetInteger(field, node.as_integer()->get(), section, message);
    case FieldDescriptor::CPPTYPE_STRING: {
      if (!node.is_string()) return wrong_type("a string");
      const std::string& value = node.as_string()->get();
      if (absl::Status status = CheckStringFormat(field, value, section); !status.ok()) {
        return status;
      }
      reflection.SetString(message, &field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const EnumDescriptor& enum_type = *field.enum_type();
      if (!node.is_string()) {
        return wrong_type(absl::StrCat("one of ", AllowedEnumNames(enum_type)));
      }
      const std::string& value = node.as_string()->get();
      for (int i = 0; i < enum_type.value_count(); ++i) {
        if (EnumValueTomlName(*enum_type.value(i)) == value) {
          reflection.SetEnum(message, &field, enum_type.value(i));
          return absl::OkStatus();
        }
      }
      return KeyError(section, field.name(),
                      absl::StrCat("\"", value, "\" is not one of ", AllowedEnumNames(enum_type)));
    }
    default:
      return KeyError(section, field.name(), "unsupported field type in the config schema");
  }
}

// A repeated string field from a TOML array of strings (the array replaces
// the default).
absl::Status SetRepeatedStrings(const FieldDescriptor& field, const toml::node& node,
                                absl::string_view section, Message* message) {
  if (field.cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
    return KeyError(section, field.name(), "unsupported field type in the config schema");
  }
  if (!node.is_array()) {
    return KeyError(section, field.name(),
                    absl::StrCat("expected an array of strings, got ", NodeTypeName(node.type())));
  }
  const Reflection& reflection = *message->GetReflection();
  reflection.ClearField(message, &field);
  const toml::array& array = *node.as_array();
  for (size_t i = 0; i < array.size(); ++i) {
    const toml::node& element = array[i];
    if (!element.is_string()) {
      return KeyError(section, field.name(),
                      absl::StrCat("element ", i + 1, ": expected a string, got ",
                                   NodeTypeName(element.type())));
    }
    const std::string& value = element.as_string()->get();
    if (absl::Status status = CheckStringFormat(field, value, section); !status.ok()) {
      return status;
    }
    reflection.AddString(message, &field, value);
  }
  return absl::OkStatus();
}

// Finds the field a TOML key names in `message`, looking through inline
// sub-messages; `owner` receives the message that holds it.
const FieldDescriptor* FindKey(absl::string_view key, Message* message, Message** owner) {
  const Descriptor& descriptor = *message->GetDescriptor();
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const FieldDescriptor& field = *descriptor.field(i);
    if (IsInline(field)) {
      Message* inner = message->GetReflection()->MutableMessage(message, &field);
      if (const FieldDescriptor* found = FindKey(key, inner, owner)) return found;
    } else if (field.name() == key) {
      *owner = message;
      return &field;
    }
  }
  return nullptr;
}

absl::Status MergeTable(const toml::table& table, absl::string_view section, Message* message) {
  for (const auto& [toml_key, node] : table) {
    // toml++ uses std::string_view; this Abseil has its own string_view.
    const absl::string_view key(toml_key.str().data(), toml_key.str().size());
    Message* owner = nullptr;
    const FieldDescriptor* field = FindKey(key, message, &owner);
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          section.empty() ? absl::StrCat("unknown key '", key, "' at the top level")
                          : absl::StrCat("unknown key '", key, "' in [", section, "]"));
    }
    if (IsSection(*field)) {
      if (!node.is_table()) {
        return KeyError(section, key,
                        absl::StrCat("expected a table ([", key, "]), got ",
                                     NodeTypeName(node.type())));
      }
      Message* sub = owner->GetReflection()->MutableMessage(owner, field);
      const std::string sub_section =
          section.empty() ? std::string(key) : absl::StrCat(section, ".", key);
      if (absl::Status status = MergeTable(*node.as_table(), sub_section, sub); !status.ok()) {
        return status;
      }
      continue;
    }
    if (absl::Status status = field->is_repeated()
                                  ? SetRepeatedStrings(*field, node, section, owner)
                                  : SetScalar(*field, node, section, owner);
        !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

void AppendTomlString(absl::string_view value, std::string* out) {
  out->push_back('"');
  for (unsigned char c : value) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\t': out->append("\\t"); break;
      case '\r': out->append("\\r"); break;
      default:
        if (c < 0x20 || c == 0x7f) {
          static constexpr char kHex[] = "0123456789ABCDEF";
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xf]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

void AppendValue(const Message& message, const FieldDescriptor& field, std::string* out) {
  const Reflection& reflection = *message.GetReflection();
  if (field.is_repeated()) {
    out->push_back('[');
    for (int i = 0; i < reflection.FieldSize(message, &field); ++i) {
      if (i > 0) out->append(", ");
      AppendTomlString(reflection.GetRepeatedString(message, &field, i), out);
    }
    out->push_back(']');
    return;
  }
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL:
      out->append(reflection.GetBool(message, &field) ? "true" : "false");
      break;
    case FieldDescriptor::CPPTYPE_INT32:
      absl::StrAppend(out, reflection.GetInt32(message, &field));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      absl::StrAppend(out, reflection.GetUInt32(message, &field));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      absl::StrAppend(out, reflection.GetInt64(message, &field));
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      absl::StrAppend(out, reflection.GetUInt64(message, &field));
      break;
    case FieldDescriptor::CPPTYPE_STRING:
      AppendTomlString(reflection.GetString(message, &field), out);
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      AppendTomlString(EnumValueTomlName(*reflection.GetEnum(message, &field)), out);
      break;
    default:
      break;
  }
}

void AppendComment(absl::string_view comment, std::string* out) {
  if (comment.empty()) return;
  for (absl::string_view line : absl::StrSplit(comment, '\n')) {
    absl::StrAppend(out, line.empty() ? "#" : absl::StrCat("# ", line), "\n");
  }
}

// Whether the last line of `text` is a section header ("[udp.network]"), not
// a key whose value is an array ("access_tokens = []").
bool EndsWithSectionHeader(absl::string_view text) {
  if (!absl::EndsWith(text, "]\n")) return false;
  const size_t start = text.rfind('\n', text.size() - 2);
  return text[start == absl::string_view::npos ? 0 : start + 1] == '[';
}

// Prints the keys of `message` (and of its inline sub-messages), not its
// sections.
void AppendKeys(const Message& message, const ConfigComments& comments, std::string* out) {
  const Descriptor& descriptor = *message.GetDescriptor();
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const FieldDescriptor& field = *descriptor.field(i);
    if (IsSection(field)) continue;
    if (IsInline(field)) {
      AppendKeys(message.GetReflection()->GetMessage(message, &field), comments, out);
      continue;
    }
    if (!out->empty() && !EndsWithSectionHeader(*out)) out->push_back('\n');
    AppendComment(comments.ForField(field), out);
    if (field.cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
      absl::StrAppend(out, "# One of: ", AllowedEnumNames(*field.enum_type()), ".\n");
    }
    absl::StrAppend(out, field.name(), " = ");
    AppendValue(message, field, out);
    out->push_back('\n');
  }
}

void AppendSections(const Message& message, absl::string_view prefix,
                    const ConfigComments& comments, std::string* out) {
  const Descriptor& descriptor = *message.GetDescriptor();
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const FieldDescriptor& field = *descriptor.field(i);
    if (!IsSection(field)) continue;
    const Message& sub = message.GetReflection()->GetMessage(message, &field);
    const std::string name =
        prefix.empty() ? field.name() : absl::StrCat(prefix, ".", field.name());
    out->push_back('\n');
    AppendComment(comments.ForField(field), out);
    absl::StrAppend(out, "[", name, "]\n");
    AppendKeys(sub, comments, out);
    AppendSections(sub, name, comments, out);
  }
}

}  // namespace

absl::Status MergeTomlIntoConfig(absl::string_view toml_text, absl::string_view source_name,
                                 Message* config) {
  return MergeTomlIntoConfigs(toml_text, source_name, config, {});
}

absl::Status MergeTomlIntoConfigs(absl::string_view toml_text, absl::string_view source_name,
                                  Message* top, const std::vector<NamedTable>& tables) {
  toml::parse_result parsed =
      toml::parse(std::string_view(toml_text.data(), toml_text.size()),
                  std::string_view(source_name.data(), source_name.size()));
  if (!parsed) {
    const toml::parse_error& error = parsed.error();
    return absl::InvalidArgumentError(absl::StrCat(
        "TOML syntax error at line ", error.source().begin.line, ", column ",
        error.source().begin.column, ": ",
        absl::string_view(error.description().data(), error.description().size())));
  }
  toml::table rest = parsed.table();
  for (const NamedTable& table : tables) {
    toml::node* node = rest.get(std::string_view(table.name.data(), table.name.size()));
    if (node == nullptr) continue;
    if (!node->is_table()) {
      return KeyError("", table.name,
                      absl::StrCat("expected a table ([", table.name, "]), got ",
                                   NodeTypeName(node->type())));
    }
    if (absl::Status status = MergeTable(*node->as_table(), table.name, table.message);
        !status.ok()) {
      return status;
    }
    rest.erase(std::string_view(table.name.data(), table.name.size()));
  }
  return MergeTable(rest, "", top);
}

absl::StatusOr<std::string> ReadConfigFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  }
  std::stringstream contents;
  contents << file.rdbuf();
  if (file.bad()) return absl::DataLossError(absl::StrCat(path, ": read error"));
  return contents.str();
}

std::string PrintTomlConfig(const Message& config, const ConfigComments& comments) {
  std::string out;
  AppendKeys(config, comments, &out);
  AppendSections(config, "", comments, &out);
  return out;
}

std::string PrintTomlTable(const Message& config, absl::string_view name,
                           absl::string_view comment, const ConfigComments& comments) {
  std::string out;
  AppendComment(comment, &out);
  absl::StrAppend(&out, "[", name, "]\n");
  AppendKeys(config, comments, &out);
  AppendSections(config, name, comments, &out);
  return out;
}

}  // namespace aquatic::config
