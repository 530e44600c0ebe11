// Fuzz target: WebSocketFrameSizeGuard, which reads the frame headers of
// every byte a WebSocket client sends and relabels text messages as binary.
// Input: one byte choosing the limit (2^0 .. 2^19 bytes), one byte choosing
// where to split the rest, then the client's bytes. Invariants: the verdict,
// the relabelled bytes and the message kinds do not depend on how the bytes
// are split across reads (whole, two pieces, or one byte at a time); only
// text opcodes change, one per text message.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/types/span.h"
#include "fuzz/fuzz_check.h"
#include "tracker/server/websocket/frame_size_guard.h"

namespace {

// What a guard made of the stream: its verdict, the bytes as Beast would read
// them, and the kinds of the messages it saw.
struct Outcome {
  bool ok = true;
  std::vector<uint8_t> bytes;
  std::vector<bool> message_was_text;
  bool operator==(const Outcome& other) const {
    return ok == other.ok && bytes == other.bytes && message_was_text == other.message_was_text;
  }
};

// Feeds `stream` one byte at a time (`bytewise`) or in two pieces split at
// `first_piece`.
Outcome Feed(absl::Span<const uint8_t> stream, uint64_t limit, size_t first_piece,
             bool bytewise) {
  Outcome outcome;
  outcome.bytes.assign(stream.begin(), stream.end());
  aquatic::WebSocketFrameSizeGuard guard(limit, /*relabel_text=*/true);
  absl::Span<uint8_t> rest = absl::MakeSpan(outcome.bytes);
  if (bytewise) {
    for (size_t i = 0; i < rest.size(); ++i) {
      outcome.ok = guard.Consume(rest.subspan(i, 1)) && outcome.ok;
    }
  } else {
    outcome.ok = guard.Consume(rest.subspan(0, first_piece));
    outcome.ok = guard.Consume(rest.subspan(first_piece)) && outcome.ok;
  }
  FUZZ_CHECK(outcome.ok == !guard.exceeded());
  while (std::optional<bool> text = guard.PopMessageWasText()) {
    outcome.message_was_text.push_back(*text);
  }
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint64_t limit = uint64_t{1} << (data[0] % 20);
  const absl::Span<const uint8_t> stream(data + 2, size - 2);
  const size_t cut = stream.empty() ? 0 : data[1] * stream.size() / 256;

  const Outcome whole = Feed(stream, limit, stream.size(), false);
  FUZZ_CHECK(Feed(stream, limit, cut, false) == whole);
  if (stream.size() <= 4096) FUZZ_CHECK(Feed(stream, limit, 0, true) == whole);

  // Relabelling only turns text opcodes (1) into binary (2), one per text
  // message, and touches nothing else.
  size_t changed = 0;
  for (size_t i = 0; i < stream.size(); ++i) {
    if (whole.bytes[i] == stream[i]) continue;
    FUZZ_CHECK((stream[i] & 0x0f) == 0x1 && whole.bytes[i] == ((stream[i] & 0xf0) | 0x2));
    ++changed;
  }
  size_t texts = 0;
  for (bool text : whole.message_was_text) texts += text ? 1 : 0;
  FUZZ_CHECK(changed == texts);
  return 0;
}
