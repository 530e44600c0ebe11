#include "codec/runtime/tlv_options.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace aquatic::codec {
namespace {

// BEP 41's types: 0 ends the options, 1 is padding.
constexpr uint8_t kEnd = 0;
constexpr uint8_t kNop = 1;

// Every option Next returns, as (type, data), and whether they ended
// truncated.
struct Read {
  std::vector<std::pair<int, std::string>> options;
  bool truncated = false;
};

Read ReadAll(const std::vector<uint8_t>& bytes) {
  TlvOptionReader reader(bytes, kEnd, kNop);
  Read read;
  TlvOption option;
  while (reader.Next(&option)) read.options.emplace_back(option.type, std::string(option.data));
  read.truncated = reader.truncated();
  // Over is over.
  EXPECT_FALSE(reader.Next(&option));
  return read;
}

using Options = std::vector<std::pair<int, std::string>>;

TEST(TlvOptionReaderTest, EmptyAndEndAlone) {
  EXPECT_EQ(ReadAll({}).options, Options{});
  EXPECT_FALSE(ReadAll({}).truncated);
  EXPECT_EQ(ReadAll({kEnd}).options, Options{});
  EXPECT_FALSE(ReadAll({kEnd}).truncated);
}

TEST(TlvOptionReaderTest, OptionsInOrderPaddingSkipped) {
  const Read read = ReadAll({kNop, 2, 2, 'a', 'b', kNop, kNop, 7, 0, 2, 1, 'c'});
  EXPECT_EQ(read.options, (Options{{2, "ab"}, {7, ""}, {2, "c"}}));
  EXPECT_FALSE(read.truncated);
}

TEST(TlvOptionReaderTest, EverythingAfterTheEndIsIgnored) {
  // A length byte of 200 with 2 bytes after it would be truncated; after the
  // end type it is never looked at.
  const Read read = ReadAll({2, 1, 'a', kEnd, 2, 200, 'x', 'y'});
  EXPECT_EQ(read.options, (Options{{2, "a"}}));
  EXPECT_FALSE(read.truncated);
}

TEST(TlvOptionReaderTest, TruncatedOptionIsDroppedEarlierOnesStay) {
  // A type byte without its length.
  Read read = ReadAll({2, 1, 'a', 2});
  EXPECT_EQ(read.options, (Options{{2, "a"}}));
  EXPECT_TRUE(read.truncated);
  // Fewer data bytes than the length says.
  read = ReadAll({2, 1, 'a', 2, 3, 'b', 'c'});
  EXPECT_EQ(read.options, (Options{{2, "a"}}));
  EXPECT_TRUE(read.truncated);
  // An end type is the end, not a truncated option.
  read = ReadAll({2, 1, 'a', kEnd});
  EXPECT_FALSE(read.truncated);
}

TEST(TlvOptionReaderTest, DataPointsIntoTheBuffer) {
  const std::vector<uint8_t> bytes = {9, 2, 'h', 'i'};
  TlvOptionReader reader(bytes, kEnd, kNop);
  TlvOption option;
  ASSERT_TRUE(reader.Next(&option));
  EXPECT_EQ(option.type, 9);
  EXPECT_EQ(reinterpret_cast<const uint8_t*>(option.data.data()), bytes.data() + 2);
  EXPECT_EQ(option.data.size(), 2u);
}

TEST(TlvDataTest, SizeCountsAHeaderPerChunk) {
  EXPECT_EQ(TlvDataSize(0), 0u);
  EXPECT_EQ(TlvDataSize(1), 3u);
  EXPECT_EQ(TlvDataSize(255), 257u);
  EXPECT_EQ(TlvDataSize(256), 260u);
  EXPECT_EQ(TlvDataSize(510), 514u);
  EXPECT_EQ(TlvDataSize(1024), 1034u);
  static_assert(TlvDataSize(600) == 606, "usable in constant expressions");
}

TEST(TlvDataTest, StoreSplitsIntoChunksAndReadsBack) {
  for (size_t size : {0, 1, 254, 255, 256, 600, 1024}) {
    std::string data(size, '\0');
    for (size_t i = 0; i < size; ++i) data[i] = static_cast<char>(i * 7);
    std::vector<uint8_t> wire(TlvDataSize(size) + 1, 0xee);
    uint8_t* end = StoreTlvData(wire.data(), 2, data);
    ASSERT_EQ(end, wire.data() + TlvDataSize(size)) << size;
    EXPECT_EQ(wire.back(), 0xee) << "wrote past its size";
    wire.pop_back();
    std::string read_back;
    TlvOptionReader reader(wire, kEnd, kNop);
    TlvOption option;
    size_t options = 0;
    while (reader.Next(&option)) {
      EXPECT_EQ(option.type, 2);
      EXPECT_LE(option.data.size(), kMaxTlvDataSize);
      // Every chunk but the last is full.
      if (read_back.size() + option.data.size() < size) {
        EXPECT_EQ(option.data.size(), kMaxTlvDataSize);
      }
      read_back += std::string(option.data);
      ++options;
    }
    EXPECT_FALSE(reader.truncated());
    EXPECT_EQ(read_back, data) << size;
    EXPECT_EQ(options, (size + 254) / 255);
  }
}

}  // namespace
}  // namespace aquatic::codec
