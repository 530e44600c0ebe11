// Emits the C++ of WIRE_UDP messages: a plain struct per message with its
// layout constants, and straight-line Parse/Serialize over fixed offsets.
#ifndef AQUATIC_TOOLS_CODECGEN_UDP_EMITTER_H_
#define AQUATIC_TOOLS_CODECGEN_UDP_EMITTER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "tools/codecgen/message_emitter.h"

namespace aquatic::codecgen {

absl::StatusOr<std::unique_ptr<MessageEmitter>> MakeUdpEmitter(
    const google::protobuf::Descriptor& message);

}  // namespace aquatic::codecgen

#endif  // AQUATIC_TOOLS_CODECGEN_UDP_EMITTER_H_
