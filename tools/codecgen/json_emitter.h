// Emits the C++ of WIRE_JSON messages (WebTorrent tracker messages): a plain
// struct per message, and Parse/Serialize as a list of calls to the field
// readers and writers of codec/runtime/json_fields.h.
#ifndef AQUATIC_TOOLS_CODECGEN_JSON_EMITTER_H_
#define AQUATIC_TOOLS_CODECGEN_JSON_EMITTER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "tools/codecgen/message_emitter.h"

namespace aquatic::codecgen {

// Checks `message`'s (json) options (kinds against field types, widths and
// limits present, nested messages and map keys consistent) and returns its
// emitter, or an error naming the field at fault.
absl::StatusOr<std::unique_ptr<MessageEmitter>> MakeJsonEmitter(
    const google::protobuf::Descriptor& message);

}  // namespace aquatic::codecgen

#endif  // AQUATIC_TOOLS_CODECGEN_JSON_EMITTER_H_
