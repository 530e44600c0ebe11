// WebSocketFrameSizeGuard: follows the client-to-server bytes of a WebSocket
// connection frame by frame (RFC 6455 section 5.2) and reports the first frame
// whose header announces a payload longer than a limit.
//
// Why: Beast limits whole messages (read_message_max) but has no limit for a
// single frame, and `websocket_max_frame_size` (aquatic's key) is one. The
// guard reads only headers and skips payloads, so it costs a few comparisons
// per read, and it stops the connection before the payload is buffered.
//
// With `relabel_text`, it also relabels the first frame of every text message
// as binary, in place, before Beast reads it, and remembers which messages
// were text. Beast validates the UTF-8 of text messages one byte at a time
// once it has met a non-ASCII byte (the Latin-1 info hashes of WebTorrent
// come first in a message, so that was every message, and 10% of the
// tracker's CPU). The tracker checks the UTF-8 of text messages itself (its
// JSON parser validates every string) and closes with 1007 as Beast would
// have.
#ifndef AQUATIC_TRACKER_SERVER_WEBSOCKET_FRAME_SIZE_GUARD_H_
#define AQUATIC_TRACKER_SERVER_WEBSOCKET_FRAME_SIZE_GUARD_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

#include "absl/types/span.h"

namespace aquatic {

class WebSocketFrameSizeGuard {
 public:
  explicit WebSocketFrameSizeGuard(uint64_t max_payload, bool relabel_text = false)
      : max_payload_(max_payload), relabel_text_(relabel_text) {}

  // Feeds the next bytes the client sent, in order. Returns false once a
  // frame header has announced a payload over the limit (and from then on).
  // Only with `relabel_text` does it write to `bytes`.
  bool Consume(absl::Span<uint8_t> bytes);

  bool exceeded() const { return exceeded_; }

  // With `relabel_text`: whether the oldest data message whose first frame
  // has been seen, and not yet popped, was text (false: binary); nullopt when
  // there is none. Messages pop in the order they arrived, which is the order
  // Beast completes them in.
  std::optional<bool> PopMessageWasText();

 private:
  // The longest header: 2 bytes, a 64-bit extended length, a 4-byte mask.
  static constexpr size_t kMaxHeaderSize = 14;

  const uint64_t max_payload_;
  const bool relabel_text_;
  // Kinds (true: text) of the messages seen and not popped, oldest first.
  std::deque<bool> message_was_text_;
  // Payload bytes of the current frame not seen yet.
  uint64_t payload_remaining_ = 0;
  // The header being collected (it may arrive split across reads).
  std::array<uint8_t, kMaxHeaderSize> header_{};
  size_t header_size_ = 0;
  bool exceeded_ = false;
};

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_SERVER_WEBSOCKET_FRAME_SIZE_GUARD_H_
