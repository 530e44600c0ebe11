#include "codec/runtime/fixed_string.h"

#include "gtest/gtest.h"

namespace aquatic::codec {
namespace {

TEST(FixedStringTest, AppendsUpToItsCapacity) {
  FixedString<5> text{};
  EXPECT_TRUE(text.empty());
  EXPECT_EQ(text.view(), "");
  EXPECT_TRUE(text.append("abc"));
  EXPECT_TRUE(text.append(""));
  EXPECT_FALSE(text.append("def"));  // 6 > 5: refused whole
  EXPECT_EQ(text.view(), "abc");
  EXPECT_TRUE(text.append("de"));
  EXPECT_EQ(text.view(), "abcde");
  EXPECT_EQ(text.size(), 5u);
  EXPECT_EQ(absl::string_view(text.data(), text.size()), "abcde");
  EXPECT_FALSE(text.append("f"));
  text.clear();
  EXPECT_TRUE(text.empty());
  EXPECT_EQ(FixedString<5>::capacity(), 5u);
}

TEST(FixedStringTest, AssignReplacesOrRefuses) {
  FixedString<4> text;
  EXPECT_TRUE(text.assign("abcd"));
  EXPECT_FALSE(text.assign("abcde"));
  EXPECT_EQ(text.view(), "abcd");
  EXPECT_TRUE(text.assign("x"));
  EXPECT_EQ(text.view(), "x");
}

TEST(FixedStringTest, CopiesAndComparesByContents) {
  FixedString<8> a;
  a.assign("one");
  FixedString<8> b = a;
  EXPECT_EQ(b, a);
  EXPECT_EQ(b.view(), "one");
  b.assign("onf");
  EXPECT_NE(b, a);
  b = a;
  EXPECT_EQ(b, a);
  // Bytes past size() do not count.
  FixedString<8> longer;
  longer.assign("one-two");
  longer.clear();
  longer.append("one");
  EXPECT_EQ(longer, a);
  const FixedString<8>& same = b;
  b = same;  // Self-assignment keeps the value.
  EXPECT_EQ(b.view(), "one");
  FixedString<8> empty;
  EXPECT_NE(empty, a);
  EXPECT_EQ(empty, FixedString<8>());
}

}  // namespace
}  // namespace aquatic::codec
