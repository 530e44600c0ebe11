// MessageEmitter: what the codec generator asks of each wire format's emitter
// for one schema message. codec_generator.cc frames the files; one emitter per
// wire (udp_emitter, query_emitter, bencode_emitter, json_emitter) fills in the
// struct and the Parse/Serialize code.
#ifndef AQUATIC_TOOLS_CODECGEN_MESSAGE_EMITTER_H_
#define AQUATIC_TOOLS_CODECGEN_MESSAGE_EMITTER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace google::protobuf {
class Descriptor;
}  // namespace google::protobuf

namespace aquatic::codecgen {

class MessageEmitter {
 public:
  virtual ~MessageEmitter() = default;

  // Elements of repeated fields and nested objects: they get a struct but no
  // Parse/Serialize of their own, and are emitted before the messages.
  virtual bool nested() const = 0;
  // `#include` lines (without the directive) the header / source needs.
  virtual std::vector<std::string> HeaderIncludes() const = 0;
  virtual std::vector<std::string> SourceIncludes() const = 0;
  // Header: the struct definition.
  virtual void EmitStruct(std::string* out) const = 0;
  // Header: Parse/Serialize declarations.
  virtual void EmitDeclarations(std::string* out) const = 0;
  // Source, inside an anonymous namespace: helpers (element load/store).
  virtual void EmitHelpers(std::string* out) const = 0;
  // Source: Parse/Serialize definitions.
  virtual void EmitDefinitions(std::string* out) const = 0;
};

// The emitter for `message`'s (codec).wire, or an error naming the message or
// field whose options are inconsistent.
absl::StatusOr<std::unique_ptr<MessageEmitter>> MakeEmitter(
    const google::protobuf::Descriptor& message);

}  // namespace aquatic::codecgen

#endif  // AQUATIC_TOOLS_CODECGEN_MESSAGE_EMITTER_H_
