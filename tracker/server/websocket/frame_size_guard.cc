#include "tracker/server/websocket/frame_size_guard.h"

#include <algorithm>

namespace aquatic {
namespace {

// Header length from its second byte: 7-bit length, or 126 (16-bit extended
// length) or 127 (64-bit), plus the masking key when the MASK bit is set.
size_t HeaderLength(uint8_t second_byte) {
  const uint8_t length7 = second_byte & 0x7f;
  const size_t extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
  const size_t mask = (second_byte & 0x80) != 0 ? 4 : 0;
  return 2 + extended + mask;
}

uint64_t PayloadLength(const uint8_t* header) {
  const uint8_t length7 = header[1] & 0x7f;
  if (length7 < 126) return length7;
  const size_t bytes = length7 == 126 ? 2 : 8;
  uint64_t length = 0;
  for (size_t i = 0; i < bytes; ++i) length = length << 8 | header[2 + i];
  return length;
}

// Frame opcodes (RFC 6455 section 5.2).
constexpr uint8_t kOpcodeText = 0x1;
constexpr uint8_t kOpcodeBinary = 0x2;

}  // namespace

std::optional<bool> WebSocketFrameSizeGuard::PopMessageWasText() {
  if (message_was_text_.empty()) return std::nullopt;
  const bool text = message_was_text_.front();
  message_was_text_.pop_front();
  return text;
}

bool WebSocketFrameSizeGuard::Consume(absl::Span<uint8_t> bytes) {
  while (!bytes.empty() && !exceeded_) {
    if (payload_remaining_ > 0) {
      const size_t skip =
          static_cast<size_t>(std::min<uint64_t>(payload_remaining_, bytes.size()));
      payload_remaining_ -= skip;
      bytes.remove_prefix(skip);
      continue;
    }
    if (header_size_ == 0 && relabel_text_) {
      // The first byte of a frame: FIN, RSV1-3, opcode. Continuation and
      // control frames start no message.
      const uint8_t opcode = bytes.front() & 0x0f;
      if (opcode == kOpcodeText) {
        bytes.front() = static_cast<uint8_t>((bytes.front() & 0xf0) | kOpcodeBinary);
        message_was_text_.push_back(true);
      } else if (opcode == kOpcodeBinary) {
        message_was_text_.push_back(false);
      }
    }
    header_[header_size_++] = bytes.front();
    bytes.remove_prefix(1);
    if (header_size_ < 2 || header_size_ < HeaderLength(header_[1])) continue;
    const uint64_t payload = PayloadLength(header_.data());
    header_size_ = 0;
    if (payload > max_payload_) {
      exceeded_ = true;
    } else {
      payload_remaining_ = payload;
    }
  }
  return !exceeded_;
}

}  // namespace aquatic
