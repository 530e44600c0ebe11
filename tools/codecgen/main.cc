// protoc-gen-codec: run by tools/build_defs/codec.bzl as
//   protoc --plugin=protoc-gen-codec=... --codec_out=include_prefix=PKG:OUT FILE.proto
#include <google/protobuf/compiler/plugin.h>

#include "tools/codecgen/codec_generator.h"

int main(int argc, char** argv) {
  aquatic::codecgen::CodecGenerator generator;
  return google::protobuf::compiler::PluginMain(argc, argv, &generator);
}
