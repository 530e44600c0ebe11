// TestSchemas: small schemas built from text the way protoc hands them to
// the plugin, for tests of the emitters' option checks.
#ifndef AQUATIC_TOOLS_CODECGEN_TEST_SCHEMAS_H_
#define AQUATIC_TOOLS_CODECGEN_TEST_SCHEMAS_H_

#include <string>

#include <google/protobuf/compiler/parser.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "codec/schema/options.pb.h"
#include "gtest/gtest.h"

namespace aquatic::codecgen {

class TestSchemas {
 public:
  // The pool starts with descriptor.proto and the codec options.
  TestSchemas() {
    google::protobuf::FileDescriptorProto file;
    google::protobuf::FileDescriptorProto::descriptor()->file()->CopyTo(&file);
    pool_.BuildFile(file);
    file.Clear();
    codec::schema::UdpField::descriptor()->file()->CopyTo(&file);
    pool_.BuildFile(file);
  }

  // `body` follows the imports of the options, in a package of its own;
  // returns message `name` (null, with a test failure, if `body` does not
  // build).
  const google::protobuf::Descriptor* Message(const std::string& body, const std::string& name) {
    const std::string text = "syntax = \"proto2\"; package t" + std::to_string(++count_) +
                             "; import \"codec/schema/options.proto\";\n" + body;
    google::protobuf::io::ArrayInputStream input(text.data(), static_cast<int>(text.size()));
    google::protobuf::io::Tokenizer tokenizer(&input, nullptr);
    google::protobuf::compiler::Parser parser;
    google::protobuf::FileDescriptorProto file;
    EXPECT_TRUE(parser.Parse(&tokenizer, &file)) << body;
    file.set_name("test" + std::to_string(count_) + ".proto");
    const google::protobuf::FileDescriptor* built = pool_.BuildFile(file);
    EXPECT_NE(built, nullptr) << body;
    return built == nullptr ? nullptr : built->FindMessageTypeByName(name);
  }

 private:
  google::protobuf::DescriptorPool pool_;
  int count_ = 0;
};

}  // namespace aquatic::codecgen

#endif  // AQUATIC_TOOLS_CODECGEN_TEST_SCHEMAS_H_
