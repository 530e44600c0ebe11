#include "tracker/server/websocket/frame_size_guard.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace aquatic {
namespace {

// A masked client frame (RFC 6455 section 5.2) with `payload` bytes of 'x'.
std::vector<uint8_t> ClientFrame(uint64_t payload, uint8_t opcode = 0x1, bool fin = true) {
  std::vector<uint8_t> frame;
  frame.push_back(static_cast<uint8_t>((fin ? 0x80 : 0) | opcode));
  if (payload < 126) {
    frame.push_back(static_cast<uint8_t>(0x80 | payload));
  } else if (payload <= 0xffff) {
    frame.push_back(0x80 | 126);
    frame.push_back(static_cast<uint8_t>(payload >> 8));
    frame.push_back(static_cast<uint8_t>(payload));
  } else {
    frame.push_back(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) {
      frame.push_back(static_cast<uint8_t>(payload >> shift));
    }
  }
  for (uint8_t mask : {1, 2, 3, 4}) frame.push_back(mask);
  frame.insert(frame.end(), payload, 'x');
  return frame;
}

std::vector<uint8_t> Concat(std::vector<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> all;
  for (const auto& part : parts) all.insert(all.end(), part.begin(), part.end());
  return all;
}

TEST(WebSocketFrameSizeGuardTest, FramesUpToTheLimitPass) {
  WebSocketFrameSizeGuard guard(16384);
  std::vector<uint8_t> stream =
      Concat({ClientFrame(0), ClientFrame(125), ClientFrame(126), ClientFrame(16384),
              ClientFrame(4, 0x9), ClientFrame(8000, 0x1, false), ClientFrame(8000, 0x0)});
  EXPECT_TRUE(guard.Consume(absl::MakeSpan(stream)));
  EXPECT_FALSE(guard.exceeded());
}

TEST(WebSocketFrameSizeGuardTest, FrameOverTheLimitFails) {
  for (uint64_t payload : {uint64_t{16385}, uint64_t{65536}, uint64_t{1} << 40}) {
    WebSocketFrameSizeGuard guard(16384);
    // Only the header is needed to decide.
    std::vector<uint8_t> frame = ClientFrame(payload < 100000 ? payload : 0);
    if (payload >= 100000) {
      frame = {0x81, 0x80 | 127};
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.push_back(static_cast<uint8_t>(payload >> shift));
      }
      for (uint8_t mask : {1, 2, 3, 4}) frame.push_back(mask);
    }
    std::vector<uint8_t> small = ClientFrame(10);
    EXPECT_TRUE(guard.Consume(absl::MakeSpan(small)));
    EXPECT_FALSE(guard.Consume(absl::MakeSpan(frame))) << payload;
    EXPECT_TRUE(guard.exceeded());
    std::vector<uint8_t> after = ClientFrame(1);
    EXPECT_FALSE(guard.Consume(absl::MakeSpan(after)));  // stays failed
  }
}

TEST(WebSocketFrameSizeGuardTest, HeadersAndPayloadsSplitAtEveryByte) {
  std::vector<uint8_t> good = Concat({ClientFrame(300), ClientFrame(70000, 0x2), ClientFrame(5)});
  std::vector<uint8_t> bad = Concat({ClientFrame(300), ClientFrame(70001), ClientFrame(5)});
  // One byte at a time: every header is split.
  WebSocketFrameSizeGuard byte_guard(70000);
  for (uint8_t byte : good) ASSERT_TRUE(byte_guard.Consume({&byte, 1}));
  WebSocketFrameSizeGuard bad_guard(70000);
  bool passed = true;
  for (uint8_t byte : bad) passed = bad_guard.Consume({&byte, 1}) && passed;
  EXPECT_FALSE(passed);
  // Two pieces split at every position.
  for (size_t cut = 0; cut <= 320; ++cut) {
    WebSocketFrameSizeGuard guard(70000);
    EXPECT_TRUE(guard.Consume(absl::MakeSpan(good).subspan(0, cut)));
    EXPECT_TRUE(guard.Consume(absl::MakeSpan(good).subspan(cut))) << cut;
  }
}

TEST(WebSocketFrameSizeGuardTest, RelabelsTextMessagesAsBinaryAndRemembersThem) {
  // A text message in two frames (text + continuation), a ping between them,
  // a binary message, a one-frame text message.
  const std::vector<uint8_t> original =
      Concat({ClientFrame(200, 0x1, false), ClientFrame(4, 0x9), ClientFrame(100, 0x0),
              ClientFrame(50, 0x2), ClientFrame(10, 0x1)});
  const size_t text_first = 0;
  const size_t last_text = original.size() - ClientFrame(10).size();
  for (size_t cut = 0; cut <= original.size(); cut += 7) {
    std::vector<uint8_t> stream = original;
    WebSocketFrameSizeGuard guard(16384, /*relabel_text=*/true);
    EXPECT_TRUE(guard.Consume(absl::MakeSpan(stream).subspan(0, cut)));
    EXPECT_TRUE(guard.Consume(absl::MakeSpan(stream).subspan(cut)));
    // Only the opcodes of the text messages' first frames changed, FIN kept.
    std::vector<uint8_t> expected = original;
    expected[text_first] = 0x02;  // FIN clear, binary
    expected[last_text] = 0x82;   // FIN set, binary
    EXPECT_EQ(stream, expected) << cut;
    EXPECT_EQ(guard.PopMessageWasText(), std::optional<bool>(true));
    EXPECT_EQ(guard.PopMessageWasText(), std::optional<bool>(false));
    EXPECT_EQ(guard.PopMessageWasText(), std::optional<bool>(true));
    EXPECT_EQ(guard.PopMessageWasText(), std::nullopt);
  }
  // Without relabel_text the bytes stay as they are and nothing is kept.
  std::vector<uint8_t> stream = original;
  WebSocketFrameSizeGuard plain(16384);
  EXPECT_TRUE(plain.Consume(absl::MakeSpan(stream)));
  EXPECT_EQ(stream, original);
  EXPECT_EQ(plain.PopMessageWasText(), std::nullopt);
}

}  // namespace
}  // namespace aquatic
