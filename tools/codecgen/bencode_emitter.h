// Emits the C++ of WIRE_BENCODE messages: a struct (optional fields as
// std::optional), Serialize into a caller buffer with keys in sorted order,
// and Parse from bencode.
#ifndef AQUATIC_TOOLS_CODECGEN_BENCODE_EMITTER_H_
#define AQUATIC_TOOLS_CODECGEN_BENCODE_EMITTER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "tools/codecgen/message_emitter.h"

namespace aquatic::codecgen {

absl::StatusOr<std::unique_ptr<MessageEmitter>> MakeBencodeEmitter(
    const google::protobuf::Descriptor& message);

}  // namespace aquatic::codecgen

#endif  // AQUATIC_TOOLS_CODECGEN_BENCODE_EMITTER_H_
