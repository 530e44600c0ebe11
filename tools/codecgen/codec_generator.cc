#include "tools/codecgen/codec_generator.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include <google/protobuf/compiler/code_generator.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/zero_copy_stream.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "codec/schema/options.pb.h"
#include "tools/codecgen/names.h"
#include "tools/codecgen/message_emitter.h"

namespace aquatic::codecgen {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FileDescriptor;

std::string IncludeGuard(absl::string_view header_path) {
  std::string guard = "AQUATIC_";
  for (char c : header_path) {
    guard += absl::ascii_isalnum(static_cast<unsigned char>(c))
                 ? absl::ascii_toupper(static_cast<unsigned char>(c))
                 : '_';
  }
  return guard + "_";
}

// Spellings of enum values on text wires, from (query_name) / (json_name).
struct EnumSpelling {
  const char* suffix;  // FromQuery / QueryName
  std::string (*name_of)(const EnumValueDescriptor&);
};

std::string QueryNameOf(const EnumValueDescriptor& value) {
  return value.options().HasExtension(codec::schema::query_name)
             ? value.options().GetExtension(codec::schema::query_name)
             : std::string();
}

std::string JsonNameOf(const EnumValueDescriptor& value) {
  return value.options().HasExtension(codec::schema::json_name)
             ? value.options().GetExtension(codec::schema::json_name)
             : std::string();
}

constexpr EnumSpelling kSpellings[] = {{"Query", &QueryNameOf}, {"Json", &JsonNameOf}};

bool HasSpelling(const EnumDescriptor& enum_type, const EnumSpelling& spelling) {
  for (int i = 0; i < enum_type.value_count(); ++i) {
    if (enum_type.value(i)->options().HasExtension(
            spelling.name_of == &QueryNameOf ? codec::schema::query_name
                                             : codec::schema::json_name)) {
      return true;
    }
  }
  return false;
}

// enum class with the wire values, and total mappings from wire values:
// values without a constant become the first constant.
void EmitEnum(const EnumDescriptor& enum_type, std::string* header, std::string* source) {
  const std::string name = enum_type.name();
  absl::StrAppend(header, "enum class ", name, " : uint32_t {\n");
  for (int i = 0; i < enum_type.value_count(); ++i) {
    absl::StrAppend(header, "  ", EnumConstantName(*enum_type.value(i)), " = ",
                    enum_type.value(i)->number(), ",\n");
  }
  const std::string fallback = EnumConstantName(*enum_type.value(0));
  absl::StrAppend(header, "};\n\n", "// Values without a constant map to ", name,
                  "::", fallback, ".\n", "inline ", name, " ", name,
                  "FromWire(uint64_t value) {\n");
  // Constants numbered 0..N without gaps: one comparison instead of a switch
  // (this sits on the UDP announce path).
  bool dense = true;
  for (int i = 0; i < enum_type.value_count(); ++i) {
    if (enum_type.value(i)->number() != i) dense = false;
  }
  if (dense) {
    absl::StrAppend(header, "  return value < ", enum_type.value_count(), " ? static_cast<", name,
                    ">(value) : ", name, "::", fallback, ";\n}\n\n");
  } else {
    absl::StrAppend(header, "  switch (value) {\n");
    for (int i = 0; i < enum_type.value_count(); ++i) {
      absl::StrAppend(header, "    case ", enum_type.value(i)->number(), ": return ", name,
                      "::", EnumConstantName(*enum_type.value(i)), ";\n");
    }
    absl::StrAppend(header, "    default: return ", name, "::", fallback, ";\n  }\n}\n\n");
  }

  for (const EnumSpelling& spelling : kSpellings) {
    if (!HasSpelling(enum_type, spelling)) continue;
    absl::StrAppend(header, "// By its ", spelling.suffix, " spelling; other text maps to ", name,
                    "::", fallback, ".\n", name, " ", name, "From", spelling.suffix,
                    "(absl::string_view text);\n", "absl::string_view ", name,
                    spelling.suffix, "Name(", name, " value);\n\n");
    absl::StrAppend(source, name, " ", name, "From", spelling.suffix,
                    "(absl::string_view text) {\n");
    for (int i = 0; i < enum_type.value_count(); ++i) {
      const std::string spelled = spelling.name_of(*enum_type.value(i));
      if (spelled.empty() && i != 0) continue;
      absl::StrAppend(source, "  if (text == \"", absl::CEscape(spelled), "\") return ", name,
                      "::", EnumConstantName(*enum_type.value(i)), ";\n");
    }
    absl::StrAppend(source, "  return ", name, "::", fallback, ";\n}\n\n",
                    "absl::string_view ", name, spelling.suffix, "Name(", name,
                    " value) {\n  switch (value) {\n");
    for (int i = 0; i < enum_type.value_count(); ++i) {
      absl::StrAppend(source, "    case ", name, "::", EnumConstantName(*enum_type.value(i)),
                      ": return \"", absl::CEscape(spelling.name_of(*enum_type.value(i))),
                      "\";\n");
    }
    absl::StrAppend(source, "  }\n  return \"\";\n}\n\n");
  }
}

void AppendIncludes(const std::set<std::string>& includes, std::string* out) {
  // System headers first, then project headers, as the style guide orders them.
  bool any_system = false;
  for (const std::string& include : includes) {
    if (include[0] == '<') {
      absl::StrAppend(out, "#include ", include, "\n");
      any_system = true;
    }
  }
  if (any_system) out->push_back('\n');
  for (const std::string& include : includes) {
    if (include[0] != '<') absl::StrAppend(out, "#include ", include, "\n");
  }
}

}  // namespace

bool GenerateCode(const FileDescriptor& file, const std::string& include_prefix,
                  GeneratedCode* code, std::string* error) {
  std::vector<std::unique_ptr<MessageEmitter>> emitters;
  std::set<std::string> header_includes = {"<cstdint>"};
  std::set<std::string> source_includes;
  for (int i = 0; i < file.message_type_count(); ++i) {
    absl::StatusOr<std::unique_ptr<MessageEmitter>> emitter = MakeEmitter(*file.message_type(i));
    if (!emitter.ok()) {
      *error = std::string(emitter.status().message());
      return false;
    }
    for (const std::string& include : (*emitter)->HeaderIncludes()) header_includes.insert(include);
    for (const std::string& include : (*emitter)->SourceIncludes()) source_includes.insert(include);
    emitters.push_back(*std::move(emitter));
  }
  for (int i = 0; i < file.enum_type_count(); ++i) {
    for (const EnumSpelling& spelling : kSpellings) {
      if (HasSpelling(*file.enum_type(i), spelling)) {
        header_includes.insert("\"absl/strings/string_view.h\"");
      }
    }
  }

  const std::string base = FileBaseName(file);
  const std::string prefix = include_prefix.empty() ? "" : include_prefix + "/";
  code->header_name = base + ".codec.h";
  code->source_name = base + ".codec.cc";
  const std::string header_path = prefix + code->header_name;
  const std::string guard = IncludeGuard(header_path);
  const std::string ns = CppNamespace(file);
  const std::string banner =
      absl::StrCat("// Generated by tools/codecgen from ", file.name(), ". Do not edit:\n",
                   "// change the schema instead.\n");

  std::string enum_definitions;
  std::string& h = code->header;
  h.clear();
  absl::StrAppend(&h, banner, "#ifndef ", guard, "\n#define ", guard, "\n\n");
  AppendIncludes(header_includes, &h);
  absl::StrAppend(&h, "\nnamespace ", ns, " {\n\n");
  for (int i = 0; i < file.enum_type_count(); ++i) {
    EmitEnum(*file.enum_type(i), &h, &enum_definitions);
  }
  // Nested messages first: the others hold them.
  for (const auto& emitter : emitters) {
    if (emitter->nested()) emitter->EmitStruct(&h);
  }
  for (const auto& emitter : emitters) {
    if (!emitter->nested()) emitter->EmitStruct(&h);
  }
  for (const auto& emitter : emitters) emitter->EmitDeclarations(&h);
  absl::StrAppend(&h, "}  // namespace ", ns, "\n\n#endif  // ", guard, "\n");

  std::string& cc = code->source;
  cc.clear();
  absl::StrAppend(&cc, banner, "#include \"", header_path, "\"\n\n");
  AppendIncludes(source_includes, &cc);
  absl::StrAppend(&cc, "\nnamespace ", ns, " {\nnamespace {\n\n");
  // Nested helpers first: the others call them.
  for (const auto& emitter : emitters) {
    if (emitter->nested()) emitter->EmitHelpers(&cc);
  }
  for (const auto& emitter : emitters) {
    if (!emitter->nested()) emitter->EmitHelpers(&cc);
  }
  absl::StrAppend(&cc, "}  // namespace\n\n", enum_definitions);
  for (const auto& emitter : emitters) emitter->EmitDefinitions(&cc);
  absl::StrAppend(&cc, "}  // namespace ", ns, "\n");
  return true;
}

bool CodecGenerator::Generate(const FileDescriptor* file, const std::string& parameter,
                              google::protobuf::compiler::GeneratorContext* context,
                              std::string* error) const {
  std::string include_prefix;
  for (absl::string_view option : absl::StrSplit(parameter, ',', absl::SkipEmpty())) {
    if (absl::ConsumePrefix(&option, "include_prefix=")) {
      include_prefix = std::string(option);
    } else {
      *error = absl::StrCat("unknown codecgen parameter '", option, "'");
      return false;
    }
  }
  GeneratedCode code;
  if (!GenerateCode(*file, include_prefix, &code, error)) return false;
  for (const auto& [name, text] : {std::pair<const std::string&, const std::string&>(
                                       code.header_name, code.header),
                                   {code.source_name, code.source}}) {
    std::unique_ptr<google::protobuf::io::ZeroCopyOutputStream> stream(context->Open(name));
    void* buffer = nullptr;
    int size = 0;
    size_t written = 0;
    while (written < text.size()) {
      if (!stream->Next(&buffer, &size)) {
        *error = absl::StrCat("cannot write ", name);
        return false;
      }
      const size_t chunk = std::min(static_cast<size_t>(size), text.size() - written);
      std::memcpy(buffer, text.data() + written, chunk);
      written += chunk;
      if (chunk < static_cast<size_t>(size)) stream->BackUp(size - static_cast<int>(chunk));
    }
  }
  return true;
}

}  // namespace aquatic::codecgen
