// CodecGenerator: the protoc plugin that turns a codec schema (.proto with the
// options of codec/schema/options.proto) into `<name>.codec.h/.cc`: plain C++
// structs with Parse and Serialize functions per message.
#ifndef AQUATIC_TOOLS_CODECGEN_CODEC_GENERATOR_H_
#define AQUATIC_TOOLS_CODECGEN_CODEC_GENERATOR_H_

#include <string>

#include <google/protobuf/compiler/code_generator.h>

namespace aquatic::codecgen {

// Parameter: `include_prefix=codec/udp` says where the generated header is
// included from (the package of the Bazel codec rule).
class CodecGenerator : public google::protobuf::compiler::CodeGenerator {
 public:
  bool Generate(const google::protobuf::FileDescriptor* file, const std::string& parameter,
                google::protobuf::compiler::GeneratorContext* context,
                std::string* error) const override;
};

// The generated header and source for `file`, or an error naming the message
// or field at fault. Exposed for golden tests.
struct GeneratedCode {
  std::string header_name;
  std::string header;
  std::string source_name;
  std::string source;
};
bool GenerateCode(const google::protobuf::FileDescriptor& file,
                  const std::string& include_prefix, GeneratedCode* code, std::string* error);

}  // namespace aquatic::codecgen

#endif  // AQUATIC_TOOLS_CODECGEN_CODEC_GENERATOR_H_
