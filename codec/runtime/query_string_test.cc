#include "codec/runtime/query_string.h"

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace aquatic::codec {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs ReadAll(absl::string_view query) {
  Pairs out;
  QueryReader reader(query);
  absl::string_view key;
  absl::string_view value;
  while (reader.Next(&key, &value)) {
    out.emplace_back(std::string(key), std::string(value));
  }
  return out;
}

// 20-byte info_hash 123456789abcdef123456789abcdef123456789a as libtorrent
// puts it in an announce URL: unreserved bytes literal, the rest escaped.
constexpr absl::string_view kEncodedInfoHash =
    "%12%34Vx%9A%BC%DE%F1%23Eg%89%AB%CD%EF%124Vx%9A";
constexpr std::array<uint8_t, 20> kInfoHash = {
    0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF1, 0x23, 0x45,
    0x67, 0x89, 0xAB, 0xCD, 0xEF, 0x12, 0x34, 0x56, 0x78, 0x9A};

std::string InfoHashBytes() {
  return std::string(reinterpret_cast<const char*>(kInfoHash.data()),
                     kInfoHash.size());
}

// ---------------------------------------------------------------------------
// QueryReader

TEST(QueryReaderTest, SplitsAnnounceQuery) {
  const std::string query = "info_hash=" + std::string(kEncodedInfoHash) +
                            "&peer_id=-qB4500-abcdefghijkl&port=6881"
                            "&uploaded=0&downloaded=0&left=0&compact=1"
                            "&event=started";
  const Pairs pairs = ReadAll(query);
  ASSERT_EQ(pairs.size(), 8u);
  EXPECT_EQ(pairs[0], (std::pair<std::string, std::string>(
                          "info_hash", std::string(kEncodedInfoHash))));
  EXPECT_EQ(pairs[1].first, "peer_id");
  EXPECT_EQ(pairs[1].second, "-qB4500-abcdefghijkl");
  EXPECT_EQ(pairs[2].second, "6881");
  EXPECT_EQ(pairs[7],
            (std::pair<std::string, std::string>("event", "started")));
}

TEST(QueryReaderTest, EdgeCases) {
  EXPECT_TRUE(ReadAll("").empty());
  EXPECT_TRUE(ReadAll("&&&").empty());
  EXPECT_EQ(ReadAll("a=1&&b=2&"), (Pairs{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(ReadAll("&compact"), (Pairs{{"compact", ""}}));
  EXPECT_EQ(ReadAll("a=&=b&="), (Pairs{{"a", ""}, {"", "b"}, {"", ""}}));
  EXPECT_EQ(ReadAll("a=b=c"), (Pairs{{"a", "b=c"}}));
  // Values are not decoded by the reader.
  EXPECT_EQ(ReadAll("k%3D=v%26w+x"), (Pairs{{"k%3D", "v%26w+x"}}));
}

TEST(QueryReaderTest, ExhaustedReaderStaysExhausted) {
  QueryReader reader("a=1");
  absl::string_view k, v;
  ASSERT_TRUE(reader.Next(&k, &v));
  EXPECT_FALSE(reader.Next(&k, &v));
  EXPECT_FALSE(reader.Next(&k, &v));
}

// ---------------------------------------------------------------------------
// PercentDecode

TEST(PercentDecodeTest, DecodesLibtorrentInfoHash) {
  char buf[20];
  size_t len = 0;
  ASSERT_TRUE(PercentDecode(kEncodedInfoHash, buf, sizeof(buf), &len));
  EXPECT_EQ(len, 20u);
  EXPECT_EQ(std::string(buf, len), InfoHashBytes());
}

TEST(PercentDecodeTest, HexCaseAndPlus) {
  std::string out;
  ASSERT_TRUE(PercentDecodeToString("%ff%FF%aB%00a+b%2B", 100, &out));
  EXPECT_EQ(out, std::string("\xFF\xFF\xAB\x00"
                             "a b+",
                             8));
  ASSERT_TRUE(PercentDecodeToString("", 100, &out));
  EXPECT_EQ(out, "");
  ASSERT_TRUE(PercentDecodeToString("plain", 5, &out));
  EXPECT_EQ(out, "plain");
}

TEST(PercentDecodeTest, RejectsMalformedEscapes) {
  std::string out;
  EXPECT_FALSE(PercentDecodeToString("%", 100, &out));
  EXPECT_FALSE(PercentDecodeToString("%1", 100, &out));
  EXPECT_FALSE(PercentDecodeToString("abc%", 100, &out));
  EXPECT_FALSE(PercentDecodeToString("abc%4", 100, &out));
  EXPECT_FALSE(PercentDecodeToString("%G0", 100, &out));
  EXPECT_FALSE(PercentDecodeToString("%0G", 100, &out));
  EXPECT_FALSE(PercentDecodeToString("%%41", 100, &out));
  EXPECT_FALSE(PercentDecodeToString("% 1", 100, &out));
  EXPECT_FALSE(PercentDecodeToString("%-1", 100, &out));
}

TEST(PercentDecodeTest, OverflowNeverWritesPastCapacity) {
  std::array<char, 8> buf;
  buf.fill('#');
  size_t len = 0;
  EXPECT_FALSE(PercentDecode("%41%42%43", buf.data(), 2, &len));
  EXPECT_EQ(buf[2], '#');
  EXPECT_FALSE(PercentDecode("abc", buf.data(), 2, &len));
  EXPECT_EQ(buf[2], '#');
  ASSERT_TRUE(PercentDecode("%41%42", buf.data(), 2, &len));
  EXPECT_EQ(len, 2u);
  EXPECT_EQ(std::string(buf.data(), 2), "AB");
  ASSERT_TRUE(PercentDecode("", nullptr, 0, &len));
  EXPECT_EQ(len, 0u);
  EXPECT_FALSE(PercentDecode("a", nullptr, 0, &len));

  // A 21-byte "info_hash" must not fit a 20-byte field.
  std::string out;
  EXPECT_FALSE(
      PercentDecodeToString(std::string(kEncodedInfoHash) + "%00", 20, &out));
  // Encoded text longer than max_len may still decode to within max_len.
  ASSERT_TRUE(PercentDecodeToString(kEncodedInfoHash, 20, &out));
  EXPECT_EQ(out, InfoHashBytes());
  EXPECT_FALSE(PercentDecodeToString("a", 0, &out));
}

// ---------------------------------------------------------------------------
// PercentEncode

TEST(PercentEncodeTest, KeepsUnreservedOnly) {
  std::string out = "x=";
  PercentEncode("AZaz09-._~ !*'()/?&=+%", &out);
  EXPECT_EQ(out, "x=AZaz09-._~%20%21%2A%27%28%29%2F%3F%26%3D%2B%25");
}

TEST(PercentEncodeTest, RoundTripsEveryByte) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  std::string encoded;
  PercentEncode(bytes, &encoded);
  EXPECT_EQ(encoded.find('+'), std::string::npos);
  std::string decoded;
  ASSERT_TRUE(PercentDecodeToString(encoded, 256, &decoded));
  EXPECT_EQ(decoded, bytes);
}

TEST(PercentEncodeTest, EncodesInfoHashMinimally) {
  // kEncodedInfoHash escapes the first 0x34 ('4') needlessly; the encoder
  // keeps every unreserved byte literal, and both forms decode the same.
  std::string out;
  PercentEncode(InfoHashBytes(), &out);
  EXPECT_EQ(out, "%124Vx%9A%BC%DE%F1%23Eg%89%AB%CD%EF%124Vx%9A");
  std::string decoded;
  ASSERT_TRUE(PercentDecodeToString(out, 20, &decoded));
  EXPECT_EQ(decoded, InfoHashBytes());
}

// ---------------------------------------------------------------------------
// ParseDecimal

TEST(ParseDecimalTest, Unsigned) {
  uint16_t port = 0;
  ASSERT_TRUE(ParseDecimal("6881", &port));
  EXPECT_EQ(port, 6881);
  ASSERT_TRUE(ParseDecimal("65535", &port));
  EXPECT_EQ(port, 65535);
  EXPECT_FALSE(ParseDecimal("65536", &port));
  EXPECT_EQ(port, 65535);  // Untouched on failure.
  EXPECT_FALSE(ParseDecimal("-1", &port));
  EXPECT_FALSE(ParseDecimal("-0", &port));

  uint64_t left = 0;
  ASSERT_TRUE(ParseDecimal("18446744073709551615", &left));
  EXPECT_EQ(left, std::numeric_limits<uint64_t>::max());
  EXPECT_FALSE(ParseDecimal("18446744073709551616", &left));
  EXPECT_FALSE(ParseDecimal("99999999999999999999999", &left));
  ASSERT_TRUE(ParseDecimal("0", &left));
  EXPECT_EQ(left, 0u);
  ASSERT_TRUE(ParseDecimal("007", &left));
  EXPECT_EQ(left, 7u);

  uint8_t u8 = 0;
  ASSERT_TRUE(ParseDecimal("255", &u8));
  EXPECT_EQ(u8, 255);
  EXPECT_FALSE(ParseDecimal("256", &u8));
}

TEST(ParseDecimalTest, Signed) {
  int64_t v = 0;
  ASSERT_TRUE(ParseDecimal("-9223372036854775808", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::min());
  ASSERT_TRUE(ParseDecimal("9223372036854775807", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::max());
  EXPECT_FALSE(ParseDecimal("9223372036854775808", &v));
  EXPECT_FALSE(ParseDecimal("-9223372036854775809", &v));
  ASSERT_TRUE(ParseDecimal("-0", &v));
  EXPECT_EQ(v, 0);
  ASSERT_TRUE(ParseDecimal("-42", &v));
  EXPECT_EQ(v, -42);

  int32_t numwant = 0;
  ASSERT_TRUE(ParseDecimal("-2147483648", &numwant));
  EXPECT_EQ(numwant, std::numeric_limits<int32_t>::min());
  EXPECT_FALSE(ParseDecimal("2147483648", &numwant));

  int8_t i8 = 0;
  ASSERT_TRUE(ParseDecimal("-128", &i8));
  EXPECT_EQ(i8, -128);
  ASSERT_TRUE(ParseDecimal("127", &i8));
  EXPECT_EQ(i8, 127);
  EXPECT_FALSE(ParseDecimal("128", &i8));
  EXPECT_FALSE(ParseDecimal("-129", &i8));
}

TEST(ParseDecimalTest, RejectsNonDigits) {
  int64_t v = 0;
  for (absl::string_view bad :
       {"", "-", "+1", " 1", "1 ", "1.0", "1e3", "0x10", "--1", "1-", "١"}) {
    EXPECT_FALSE(ParseDecimal(bad, &v)) << bad;
  }
  uint32_t u = 0;
  EXPECT_FALSE(ParseDecimal("", &u));
  EXPECT_FALSE(ParseDecimal("-", &u));
}

}  // namespace
}  // namespace aquatic::codec
