#include "codec/runtime/latin1.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace aquatic::codec {
namespace {

std::vector<uint8_t> AllBytes() {
  std::vector<uint8_t> v;
  for (int i = 0; i < 256; ++i) v.push_back(static_cast<uint8_t>(i));
  return v;
}

bool Decodes(absl::string_view utf8, std::vector<uint8_t>* out) {
  out->assign(utf8.size(), 0);
  size_t len = 0;
  if (!Utf8ToLatin1(utf8, out->data(), out->size(), &len)) return false;
  out->resize(len);
  return true;
}

TEST(Utf8ToLatin1Test, DecodesAsciiAndTwoByteForms) {
  std::vector<uint8_t> out;
  ASSERT_TRUE(Decodes("abc", &out));
  EXPECT_EQ(out, (std::vector<uint8_t>{'a', 'b', 'c'}));
  // U+00FF ("ÿ") and U+0080, the edges of the two-byte Latin-1 range.
  ASSERT_TRUE(Decodes("\xC3\xBF\xC2\x80", &out));
  EXPECT_EQ(out, (std::vector<uint8_t>{0xFF, 0x80}));
  ASSERT_TRUE(Decodes(absl::string_view("\0x", 2), &out));
  EXPECT_EQ(out, (std::vector<uint8_t>{0x00, 'x'}));
  ASSERT_TRUE(Decodes("", &out));
  EXPECT_TRUE(out.empty());
}

TEST(Utf8ToLatin1Test, RejectsCodePointsAboveFF) {
  std::vector<uint8_t> out;
  EXPECT_FALSE(Decodes("\xC4\x80", &out));          // U+0100
  EXPECT_FALSE(Decodes("\xE2\x82\xAC", &out));      // U+20AC euro sign
  EXPECT_FALSE(Decodes("\xF0\x9F\x98\x80", &out));  // U+1F600
}

TEST(Utf8ToLatin1Test, RejectsInvalidUtf8) {
  std::vector<uint8_t> out;
  EXPECT_FALSE(Decodes("\xC0\x80", &out));  // overlong NUL
  EXPECT_FALSE(Decodes("\xC1\xBF", &out));  // overlong DEL
  EXPECT_FALSE(Decodes("\xFF", &out));      // raw byte, not UTF-8
  EXPECT_FALSE(Decodes("\x80", &out));      // stray continuation
  EXPECT_FALSE(Decodes("a\xC3", &out));     // truncated
  EXPECT_FALSE(Decodes("\xC3\x41", &out));  // bad continuation
}

TEST(Utf8ToLatin1Test, RejectsOverflowWithoutWritingPastCapacity) {
  std::array<uint8_t, 4> buf;
  buf.fill(0xEE);
  size_t len = 0;
  EXPECT_FALSE(Utf8ToLatin1("abc", buf.data(), 2, &len));
  EXPECT_EQ(buf[2], 0xEE);
  EXPECT_FALSE(Utf8ToLatin1("ab\xC3\xBF", buf.data(), 2, &len));
  EXPECT_EQ(buf[2], 0xEE);
  ASSERT_TRUE(Utf8ToLatin1("ab\xC3\xBF", buf.data(), 3, &len));
  EXPECT_EQ(len, 3u);
  EXPECT_EQ(buf[2], 0xFF);
  ASSERT_TRUE(Utf8ToLatin1("", nullptr, 0, &len));
  EXPECT_EQ(len, 0u);
  EXPECT_FALSE(Utf8ToLatin1("a", nullptr, 0, &len));
}

TEST(AppendLatin1AsUtf8Test, EncodesAndAppends) {
  std::string out = "x";
  const uint8_t bytes[] = {'a', 0x00, 0x7F, 0x80, 0xE9, 0xFF};
  AppendLatin1AsUtf8(bytes, &out);
  EXPECT_EQ(out, std::string("xa\0\x7F\xC2\x80\xC3\xA9\xC3\xBF", 10));
}

TEST(Latin1Test, AllBytesRoundTrip) {
  const std::vector<uint8_t> bytes = AllBytes();
  std::string utf8;
  AppendLatin1AsUtf8(bytes, &utf8);
  EXPECT_EQ(utf8.size(), 128u + 2 * 128u);
  EXPECT_TRUE(IsValidUtf8(utf8));
  std::vector<uint8_t> back;
  ASSERT_TRUE(Decodes(utf8, &back));
  EXPECT_EQ(back, bytes);
}

TEST(IsValidUtf8Test, EveryDefectAtEveryOffsetOfLongAsciiRuns) {
  // The ASCII fast path reads eight bytes at a time: a bad byte must be found
  // wherever it falls, and a good sequence accepted, before and after runs.
  for (const char* sequence : {"\xC3\xBF", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"}) {
    for (size_t offset = 0; offset < 20; ++offset) {
      const std::string ascii(offset, 'a');
      EXPECT_TRUE(IsValidUtf8(ascii + sequence + ascii + sequence + "0123456789abcdef"));
    }
  }
  for (const char* defect : {"\x80", "\xC0\xAF", "\xC3\x28", "\xED\xA0\x80", "\xF5\x80\x80\x80",
                             "\xE2\x82", "\xFF"}) {
    for (size_t offset = 0; offset < 20; ++offset) {
      const std::string ascii(offset, 'a');
      EXPECT_FALSE(IsValidUtf8(ascii + defect + "0123456789abcdef")) << offset;
      EXPECT_FALSE(IsValidUtf8("\xC3\xBF" + ascii + defect)) << offset;
    }
  }
}

TEST(IsValidUtf8Test, AcceptsWellFormed) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xC3\xBF"));          // U+00FF
  EXPECT_TRUE(IsValidUtf8("\xE0\xA0\x80"));      // U+0800
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));      // U+D7FF
  EXPECT_TRUE(IsValidUtf8("\xEE\x80\x80"));      // U+E000
  EXPECT_TRUE(IsValidUtf8("\xEF\xBF\xBF"));      // U+FFFF
  EXPECT_TRUE(IsValidUtf8("\xF0\x90\x80\x80"));  // U+10000
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_TRUE(IsValidUtf8(absl::string_view("\0", 1)));
}

TEST(IsValidUtf8Test, RejectsIllFormed) {
  EXPECT_FALSE(IsValidUtf8("\x80"));  // stray continuation
  EXPECT_FALSE(IsValidUtf8("\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xC1\x81"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xE0\x9F\xBF"));      // overlong U+07FF
  EXPECT_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF"));  // overlong U+FFFF
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xED\xBF\xBF"));      // surrogate U+DFFF
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xFE"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xF0\x9F\x98"));      // truncated
  EXPECT_FALSE(IsValidUtf8("\xE2\x28\xA1"));      // bad continuation
  EXPECT_FALSE(IsValidUtf8("\xF0\x9F\x98\x28"));  // bad last continuation
  EXPECT_FALSE(IsValidUtf8("ok\xC3(ok"));
}

TEST(IsValidUtf8Test, EveryPrefixOfMultibyteSequenceIsHandled) {
  const std::string s = "a\xC3\xBF\xE2\x82\xAC\xF0\x9F\x98\x80z";
  ASSERT_TRUE(IsValidUtf8(s));
  // Prefixes that end inside a sequence are invalid; the rest are valid.
  const std::vector<size_t> boundaries = {0, 1, 3, 6, 10, 11};
  for (size_t len = 0; len <= s.size(); ++len) {
    const bool at_boundary = std::find(boundaries.begin(), boundaries.end(),
                                       len) != boundaries.end();
    EXPECT_EQ(IsValidUtf8(absl::string_view(s).substr(0, len)), at_boundary)
        << "len=" << len;
  }
}

}  // namespace
}  // namespace aquatic::codec
