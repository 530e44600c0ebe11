// WebSocketFrameSizeGuard: follows the client-to-server bytes of a WebSocket
// connection frame by frame (RFC 6455 section 5.2) and reports the first frame
// whose header announces a payload longer than a limit.
//
// Why: Beast limits whole messages (read_message_max) but has no limit for a
// single frame, and `websocket_max_frame_size` (aquatic's key) is one. The
// guard reads only headers and skips payloads, so it costs a few comparisons
// per read, and it stops the connection before the payload is buffered.
#ifndef AQUATIC_TRACKER_WS_FRAME_SIZE_GUARD_H_
#define AQUATIC_TRACKER_WS_FRAME_SIZE_GUARD_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"

namespace aquatic::ws {

class WebSocketFrameSizeGuard {
 public:
  explicit WebSocketFrameSizeGuard(uint64_t max_payload) : max_payload_(max_payload) {}

  // Feeds the next bytes the client sent, in order. Returns false once a
  // frame header has announced a payload over the limit (and from then on).
  bool Consume(absl::Span<const uint8_t> bytes);

  bool exceeded() const { return exceeded_; }

 private:
  // The longest header: 2 bytes, a 64-bit extended length, a 4-byte mask.
  static constexpr size_t kMaxHeaderSize = 14;

  const uint64_t max_payload_;
  // Payload bytes of the current frame not seen yet.
  uint64_t payload_remaining_ = 0;
  // The header being collected (it may arrive split across reads).
  std::array<uint8_t, kMaxHeaderSize> header_{};
  size_t header_size_ = 0;
  bool exceeded_ = false;
};

}  // namespace aquatic::ws

#endif  // AQUATIC_TRACKER_WS_FRAME_SIZE_GUARD_H_
