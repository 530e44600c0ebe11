// Emits the C++ of WIRE_HTTP_QUERY messages: a struct with the schema's
// defaults, Parse from a request target ("/announce?...") and Serialize back.
#ifndef AQUATIC_TOOLS_CODECGEN_QUERY_EMITTER_H_
#define AQUATIC_TOOLS_CODECGEN_QUERY_EMITTER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "tools/codecgen/message_emitter.h"

namespace aquatic::codecgen {

absl::StatusOr<std::unique_ptr<MessageEmitter>> MakeQueryEmitter(
    const google::protobuf::Descriptor& message);

}  // namespace aquatic::codecgen

#endif  // AQUATIC_TOOLS_CODECGEN_QUERY_EMITTER_H_
