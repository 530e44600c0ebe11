// UdpLayout: the byte layout of one WIRE_UDP message, read from the schema's
// (udp) field options and checked for gaps, overlaps and impossible widths.
#ifndef AQUATIC_TOOLS_CODECGEN_UDP_LAYOUT_H_
#define AQUATIC_TOOLS_CODECGEN_UDP_LAYOUT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace google::protobuf {
class Descriptor;
class FieldDescriptor;
}  // namespace google::protobuf

namespace aquatic::codecgen {

struct UdpLayoutField {
  enum class Kind {
    kInteger,   // uint/int of `width` bytes
    kEnum,      // enum stored in `width` bytes
    kBytes,     // exactly `width` bytes (hash, peer id, address)
    kRepeated,  // elements (a message with `element: true`) filling the rest
    kRest,      // string/bytes filling the rest
    kTlv,       // string/bytes from the type-length-value options filling the rest
  };
  const google::protobuf::FieldDescriptor* field = nullptr;
  Kind kind = Kind::kInteger;
  uint32_t offset = 0;
  uint32_t width = 0;
  bool is_signed = false;
  std::optional<uint64_t> constant;
  uint32_t max_count = 0;  // kRepeated: elements; kRest, kTlv: bytes
  // kTlv: the option types that end the options, pad, and carry the field.
  uint8_t tlv_end_type = 0;
  uint8_t tlv_nop_type = 0;
  uint8_t tlv_data_type = 0;
};

struct UdpLayout {
  const google::protobuf::Descriptor* message = nullptr;
  std::vector<UdpLayoutField> fixed;    // in offset order
  std::optional<UdpLayoutField> tail;   // kRepeated, kRest or kTlv, after `fixed`
  uint32_t fixed_size = 0;
  bool element = false;
  bool allow_trailing_bytes = false;
};

absl::StatusOr<UdpLayout> BuildUdpLayout(const google::protobuf::Descriptor& message);

}  // namespace aquatic::codecgen

#endif  // AQUATIC_TOOLS_CODECGEN_UDP_LAYOUT_H_
