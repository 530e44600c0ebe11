#include "codec/runtime/byte_io.h"

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "gtest/gtest.h"

namespace aquatic::codec {
namespace {

// BEP 15 connect request: protocol_id 0x41727101980, action 0 (connect),
// transaction_id 0xDEADBEEF.
constexpr std::array<uint8_t, 16> kConnectRequest = {0x00, 0x00, 0x04, 0x17,
                                                     0x27, 0x10, 0x19, 0x80,  //
                                                     0x00, 0x00, 0x00, 0x00,  //
                                                     0xDE, 0xAD, 0xBE, 0xEF};

TEST(ByteReaderTest, DecodesBep15ConnectRequest) {
  ByteReader r(kConnectRequest);
  uint64_t protocol_id = 0;
  int32_t action = -1;
  uint32_t transaction_id = 0;
  ASSERT_TRUE(r.ReadU64(&protocol_id));
  ASSERT_TRUE(r.ReadI32(&action));
  ASSERT_TRUE(r.ReadU32(&transaction_id));
  EXPECT_EQ(protocol_id, 0x41727101980u);
  EXPECT_EQ(action, 0);
  EXPECT_EQ(transaction_id, 0xDEADBEEFu);
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_EQ(r.position(), 16u);
  EXPECT_TRUE(r.Rest().empty());
}

TEST(ByteReaderTest, ReadsEachWidthBigEndian) {
  const std::vector<uint8_t> data = {0x01, 0x02, 0x03, 0x04, 0x05,
                                     0x06, 0x07, 0x08, 0x09, 0x0A,
                                     0x0B, 0x0C, 0x0D, 0x0E, 0x0F};
  ByteReader r(data);
  uint8_t u8;
  uint16_t u16;
  uint32_t u32;
  uint64_t u64;
  ASSERT_TRUE(r.ReadU8(&u8));
  ASSERT_TRUE(r.ReadU16(&u16));
  ASSERT_TRUE(r.ReadU32(&u32));
  ASSERT_TRUE(r.ReadU64(&u64));
  EXPECT_EQ(u8, 0x01);
  EXPECT_EQ(u16, 0x0203);
  EXPECT_EQ(u32, 0x04050607u);
  EXPECT_EQ(u64, 0x08090A0B0C0D0E0Full);
}

TEST(ByteReaderTest, SignedValuesAreTwosComplement) {
  const std::vector<uint8_t> data = {0xFF, 0xFF, 0xFF, 0xFF,  //
                                     0x80, 0x00, 0x00, 0x00,
                                     0x00, 0x00, 0x00, 0x00};
  ByteReader r(data);
  int32_t i32;
  int64_t i64;
  ASSERT_TRUE(r.ReadI32(&i32));
  ASSERT_TRUE(r.ReadI64(&i64));
  EXPECT_EQ(i32, -1);
  EXPECT_EQ(i64, std::numeric_limits<int64_t>::min());
}

TEST(ByteReaderTest, ShortReadConsumesNothingAndLeavesOutputAlone) {
  const std::vector<uint8_t> data = {0xAA, 0xBB, 0xCC};
  ByteReader r(data);
  uint32_t u32 = 7;
  uint64_t u64 = 7;
  int32_t i32 = 7;
  int64_t i64 = 7;
  EXPECT_FALSE(r.ReadU32(&u32));
  EXPECT_FALSE(r.ReadU64(&u64));
  EXPECT_FALSE(r.ReadI32(&i32));
  EXPECT_FALSE(r.ReadI64(&i64));
  EXPECT_EQ(u32, 7u);
  EXPECT_EQ(u64, 7u);
  EXPECT_EQ(i32, 7);
  EXPECT_EQ(i64, 7);
  EXPECT_EQ(r.position(), 0u);

  // The remaining three bytes are still readable after the failures.
  uint16_t u16;
  uint8_t u8;
  ASSERT_TRUE(r.ReadU16(&u16));
  EXPECT_EQ(u16, 0xAABB);
  EXPECT_FALSE(r.ReadU16(&u16));
  EXPECT_EQ(u16, 0xAABB);
  ASSERT_TRUE(r.ReadU8(&u8));
  EXPECT_EQ(u8, 0xCC);
  EXPECT_FALSE(r.ReadU8(&u8));
}

TEST(ByteReaderTest, ReadBytesAndSkip) {
  const std::vector<uint8_t> data = {1, 2, 3, 4, 5, 6};
  ByteReader r(data);
  ASSERT_TRUE(r.Skip(1));
  std::array<uint8_t, 3> buf = {0, 0, 0};
  ASSERT_TRUE(r.ReadBytes(buf.data(), buf.size()));
  EXPECT_EQ(buf, (std::array<uint8_t, 3>{2, 3, 4}));
  EXPECT_EQ(r.remaining(), 2u);
  ASSERT_EQ(r.Rest().size(), 2u);
  EXPECT_EQ(r.Rest()[0], 5);

  // Too long: nothing consumed, buffer untouched.
  EXPECT_FALSE(r.ReadBytes(buf.data(), 3));
  EXPECT_EQ(buf, (std::array<uint8_t, 3>{2, 3, 4}));
  EXPECT_FALSE(r.Skip(3));
  EXPECT_EQ(r.position(), 4u);

  // Zero-length operations succeed even at the end and with a null buffer.
  ASSERT_TRUE(r.Skip(2));
  EXPECT_TRUE(r.ReadBytes(nullptr, 0));
  EXPECT_TRUE(r.Skip(0));
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ByteReaderTest, HugeLengthsDoNotWrap) {
  const std::vector<uint8_t> data = {1, 2, 3};
  ByteReader r(data);
  ASSERT_TRUE(r.Skip(1));
  // Opaque to the optimizer, which would otherwise warn about the (never
  // executed) memcpy of SIZE_MAX bytes.
  volatile size_t huge = std::numeric_limits<size_t>::max();
  EXPECT_FALSE(r.Skip(huge));
  uint8_t buf[4];
  EXPECT_FALSE(r.ReadBytes(buf, huge));
  EXPECT_EQ(r.position(), 1u);
}

TEST(ByteReaderTest, EmptyInput) {
  ByteReader r(absl::Span<const uint8_t>{});
  uint8_t u8;
  EXPECT_FALSE(r.ReadU8(&u8));
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_TRUE(r.Rest().empty());
}

TEST(ByteWriterTest, EncodesBep15ConnectRequest) {
  std::array<uint8_t, 16> buf{};
  ByteWriter w(absl::MakeSpan(buf));
  EXPECT_TRUE(w.WriteU64(0x41727101980));
  EXPECT_TRUE(w.WriteI32(0));
  EXPECT_TRUE(w.WriteU32(0xDEADBEEF));
  EXPECT_TRUE(w.ok());
  EXPECT_EQ(w.written(), 16u);
  EXPECT_EQ(buf, kConnectRequest);
}

TEST(ByteWriterTest, WritesEachWidthBigEndian) {
  std::array<uint8_t, 27> buf{};
  ByteWriter w(absl::MakeSpan(buf));
  EXPECT_TRUE(w.WriteU8(0x01));
  EXPECT_TRUE(w.WriteU16(0x0203));
  EXPECT_TRUE(w.WriteU32(0x04050607));
  EXPECT_TRUE(w.WriteU64(0x08090A0B0C0D0E0F));
  EXPECT_TRUE(w.WriteI32(-2));
  EXPECT_TRUE(w.WriteI64(std::numeric_limits<int64_t>::min()));
  ASSERT_TRUE(w.ok());
  ASSERT_EQ(w.written(), buf.size());
  const std::array<uint8_t, 27> expected = {
      0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
      0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0xFF, 0xFF, 0xFF,
      0xFE, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(buf, expected);
}

TEST(ByteWriterTest, OverflowWritesNothingAndIsSticky) {
  std::array<uint8_t, 6> buf{};
  buf.fill(0xEE);
  ByteWriter w(absl::MakeSpan(buf).first(5));
  ASSERT_TRUE(w.WriteU16(0x1234));
  // Four bytes do not fit into the remaining three: nothing is written.
  EXPECT_FALSE(w.WriteU32(0x55667788));
  EXPECT_FALSE(w.ok());
  EXPECT_EQ(w.written(), 2u);
  EXPECT_EQ(buf[2], 0xEE);
  // Later writes that would fit are refused as well, so no field lands after
  // a missing one.
  EXPECT_FALSE(w.WriteU8(0x99));
  EXPECT_FALSE(w.WriteBytes(nullptr, 0));
  EXPECT_EQ(w.written(), 2u);
  EXPECT_EQ(buf, (std::array<uint8_t, 6>{0x12, 0x34, 0xEE, 0xEE, 0xEE, 0xEE}));
}

TEST(ByteWriterTest, ExactFitAndWriteBytes) {
  std::array<uint8_t, 4> buf{};
  ByteWriter w(absl::MakeSpan(buf));
  const uint8_t payload[] = {9, 8, 7};
  EXPECT_TRUE(w.WriteBytes(payload, 3));
  EXPECT_TRUE(w.WriteBytes(nullptr, 0));
  EXPECT_TRUE(w.WriteU8(6));
  EXPECT_TRUE(w.ok());
  EXPECT_EQ(buf, (std::array<uint8_t, 4>{9, 8, 7, 6}));
  EXPECT_FALSE(w.WriteBytes(payload, 1));
  EXPECT_FALSE(w.ok());
}

TEST(ByteWriterTest, HugeLengthDoesNotWrap) {
  std::array<uint8_t, 4> buf{};
  ByteWriter w(absl::MakeSpan(buf));
  ASSERT_TRUE(w.WriteU8(1));
  volatile size_t huge = std::numeric_limits<size_t>::max();  // See above.
  EXPECT_FALSE(w.WriteBytes(buf.data(), huge));
  EXPECT_FALSE(w.ok());
  EXPECT_EQ(w.written(), 1u);
}

TEST(ByteWriterTest, EmptyBuffer) {
  ByteWriter w(absl::Span<uint8_t>{});
  EXPECT_TRUE(w.ok());
  EXPECT_TRUE(w.WriteBytes(nullptr, 0));
  EXPECT_FALSE(w.WriteU8(0));
  EXPECT_FALSE(w.ok());
  EXPECT_EQ(w.written(), 0u);
}

TEST(ByteIoTest, RoundTripsExtremes) {
  std::array<uint8_t, 30> buf{};
  ByteWriter w(absl::MakeSpan(buf));
  w.WriteU8(std::numeric_limits<uint8_t>::max());
  w.WriteU16(std::numeric_limits<uint16_t>::max());
  w.WriteU32(std::numeric_limits<uint32_t>::max());
  w.WriteU64(std::numeric_limits<uint64_t>::max());
  w.WriteI32(std::numeric_limits<int32_t>::min());
  w.WriteI64(std::numeric_limits<int64_t>::max());
  w.WriteU8(0);
  ASSERT_TRUE(w.ok());
  ASSERT_EQ(w.written(), 28u);

  ByteReader r(absl::MakeConstSpan(buf).first(w.written()));
  uint8_t u8;
  uint16_t u16;
  uint32_t u32;
  uint64_t u64;
  int32_t i32;
  int64_t i64;
  ASSERT_TRUE(r.ReadU8(&u8));
  ASSERT_TRUE(r.ReadU16(&u16));
  ASSERT_TRUE(r.ReadU32(&u32));
  ASSERT_TRUE(r.ReadU64(&u64));
  ASSERT_TRUE(r.ReadI32(&i32));
  ASSERT_TRUE(r.ReadI64(&i64));
  EXPECT_EQ(u8, std::numeric_limits<uint8_t>::max());
  EXPECT_EQ(u16, std::numeric_limits<uint16_t>::max());
  EXPECT_EQ(u32, std::numeric_limits<uint32_t>::max());
  EXPECT_EQ(u64, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(i32, std::numeric_limits<int32_t>::min());
  EXPECT_EQ(i64, std::numeric_limits<int64_t>::max());
  ASSERT_TRUE(r.ReadU8(&u8));
  EXPECT_EQ(u8, 0);
  EXPECT_EQ(r.remaining(), 0u);
}

}  // namespace
}  // namespace aquatic::codec
