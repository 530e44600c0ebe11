// Fuzz target: WebSocketFrameSizeGuard, which reads the frame headers of
// every byte a WebSocket client sends. Input: one byte choosing the limit
// (2^0 .. 2^19 bytes), one byte choosing where to split the rest, then the
// client's bytes. Invariant: the verdict does not depend on how the bytes are
// split across reads (whole, two pieces, or one byte at a time).
#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"
#include "fuzz/fuzz_check.h"
#include "tracker/ws/frame_size_guard.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint64_t limit = uint64_t{1} << (data[0] % 20);
  const absl::Span<const uint8_t> stream(data + 2, size - 2);
  const size_t cut = stream.empty() ? 0 : data[1] * stream.size() / 256;

  aquatic::ws::WebSocketFrameSizeGuard whole(limit);
  const bool whole_ok = whole.Consume(stream);
  FUZZ_CHECK(whole_ok == !whole.exceeded());

  aquatic::ws::WebSocketFrameSizeGuard split(limit);
  const bool first_ok = split.Consume(stream.subspan(0, cut));
  const bool split_ok = split.Consume(stream.subspan(cut)) && first_ok;
  FUZZ_CHECK(split_ok == whole_ok);

  if (stream.size() <= 4096) {
    aquatic::ws::WebSocketFrameSizeGuard bytewise(limit);
    bool bytewise_ok = true;
    for (size_t i = 0; i < stream.size(); ++i) {
      bytewise_ok = bytewise.Consume(stream.subspan(i, 1)) && bytewise_ok;
    }
    FUZZ_CHECK(bytewise_ok == whole_ok);
  }
  return 0;
}
