#include "tools/codecgen/message_emitter.h"

#include <google/protobuf/descriptor.h>

#include "absl/strings/str_cat.h"
#include "codec/schema/options.pb.h"
#include "tools/codecgen/bencode_emitter.h"
#include "tools/codecgen/json_emitter.h"
#include "tools/codecgen/query_emitter.h"
#include "tools/codecgen/udp_emitter.h"

namespace aquatic::codecgen {

absl::StatusOr<std::unique_ptr<MessageEmitter>> MakeEmitter(
    const google::protobuf::Descriptor& message) {
  const codec::schema::MessageCodec& options =
      message.options().GetExtension(codec::schema::codec);
  switch (options.wire()) {
    case codec::schema::WIRE_UDP:
      return MakeUdpEmitter(message);
    case codec::schema::WIRE_JSON:
      return MakeJsonEmitter(message);
    case codec::schema::WIRE_HTTP_QUERY:
      return MakeQueryEmitter(message);
    case codec::schema::WIRE_BENCODE:
      return MakeBencodeEmitter(message);
    default:
      return absl::InvalidArgumentError(
          absl::StrCat(message.full_name(), ": no supported (codec).wire option"));
  }
}

}  // namespace aquatic::codecgen
