#include "codec/runtime/bencode.h"

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace aquatic::codec {
namespace {

using V = BencodeValue;

absl::string_view Written(const std::vector<char>& buf,
                          const BencodeWriter& w) {
  return absl::string_view(buf.data(), w.written());
}

// ---------------------------------------------------------------------------
// BencodeWriter

TEST(BencodeWriterTest, WritesBep3Examples) {
  std::vector<char> buf(64);
  BencodeWriter w(absl::MakeSpan(buf));
  w.BeginDict();
  w.Key("cow");
  w.String("moo");
  w.Key("spam");
  w.String("eggs");
  w.End();
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w.depth(), 0);
  EXPECT_EQ(Written(buf, w), "d3:cow3:moo4:spam4:eggse");

  BencodeWriter l(absl::MakeSpan(buf));
  l.BeginList();
  l.String("spam");
  l.String("eggs");
  l.End();
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(Written(buf, l), "l4:spam4:eggse");

  BencodeWriter i(absl::MakeSpan(buf));
  i.Int(-3);
  EXPECT_EQ(Written(buf, i), "i-3e");
}

TEST(BencodeWriterTest, WritesAnnounceResponse) {
  // A compact announce response as an HTTP tracker returns it.
  const std::string peers("\x7F\x00\x00\x01\x1A\xE1", 6);
  std::vector<char> buf(128);
  BencodeWriter w(absl::MakeSpan(buf));
  EXPECT_TRUE(w.BeginDict());
  EXPECT_TRUE(w.Key("complete"));
  EXPECT_TRUE(w.Int(5));
  EXPECT_TRUE(w.Key("incomplete"));
  EXPECT_TRUE(w.Int(0));
  EXPECT_TRUE(w.Key("interval"));
  EXPECT_TRUE(w.Int(1800));
  EXPECT_TRUE(w.Key("peers"));
  EXPECT_TRUE(w.String(peers));
  EXPECT_TRUE(w.End());
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(
      Written(buf, w),
      "d8:completei5e10:incompletei0e8:intervali1800e5:peers6:" + peers + "e");
}

TEST(BencodeWriterTest, IntegerExtremesAndEmptyValues) {
  std::vector<char> buf(128);
  BencodeWriter w(absl::MakeSpan(buf));
  w.BeginList();
  w.Int(0);
  w.Int(std::numeric_limits<int64_t>::min());
  w.Int(std::numeric_limits<int64_t>::max());
  w.String("");
  w.BeginList();
  w.End();
  w.BeginDict();
  w.End();
  w.End();
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(Written(buf, w),
            "li0ei-9223372036854775808ei9223372036854775807e0:ledee");
}

TEST(BencodeWriterTest, NestedContainersInDict) {
  std::vector<char> buf(64);
  BencodeWriter w(absl::MakeSpan(buf));
  w.BeginDict();
  w.Key("a");
  w.BeginList();
  w.BeginDict();
  w.Key("x");
  w.Int(1);
  w.End();
  w.End();
  w.Key("b");  // Allowed: the list closed, so the outer dict wants a key.
  w.Int(2);
  w.End();
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(Written(buf, w), "d1:ald1:xi1eee1:bi2ee");
}

TEST(BencodeWriterTest, OverflowIsAtomicAndSticky) {
  // "d8:intervali1800e" is 17 bytes; give room for 20.
  std::vector<char> buf(24, '#');
  BencodeWriter w(absl::MakeSpan(buf).first(20));
  EXPECT_TRUE(w.BeginDict());
  EXPECT_TRUE(w.Key("interval"));
  EXPECT_TRUE(w.Int(1800));
  EXPECT_EQ(w.written(), 17u);
  // "5:peers" needs 7 bytes, only 3 left: nothing at all is written.
  EXPECT_FALSE(w.Key("peers"));
  EXPECT_FALSE(w.ok());
  EXPECT_EQ(w.written(), 17u);
  EXPECT_EQ(buf[17], '#');
  // Even a one-byte End() is refused afterwards.
  EXPECT_FALSE(w.End());
  EXPECT_EQ(w.written(), 17u);
  EXPECT_EQ(buf[17], '#');
}

TEST(BencodeWriterTest, OverflowOnEveryTokenKind) {
  std::array<char, 4> buf{};
  {
    BencodeWriter w(absl::MakeSpan(buf));
    EXPECT_FALSE(w.String("abcd"));  // "4:abcd" is 6 bytes.
    EXPECT_EQ(w.written(), 0u);
  }
  {
    BencodeWriter w(absl::MakeSpan(buf));
    EXPECT_FALSE(w.Int(12345));
    EXPECT_EQ(w.written(), 0u);
  }
  {
    BencodeWriter w(absl::MakeSpan(buf).first(0));
    EXPECT_FALSE(w.BeginList());
    EXPECT_FALSE(w.ok());
  }
  {
    BencodeWriter w(absl::MakeSpan(buf).first(1));
    EXPECT_TRUE(w.BeginDict());
    EXPECT_FALSE(w.End());
    EXPECT_FALSE(w.ok());
  }
  {
    // Exactly fits.
    BencodeWriter w(absl::MakeSpan(buf));
    EXPECT_TRUE(w.String("ab"));
    EXPECT_TRUE(w.ok());
    EXPECT_EQ(w.written(), 4u);
  }
}

TEST(BencodeWriterTest, UnbalancedEndFails) {
  std::vector<char> buf(16);
  BencodeWriter w(absl::MakeSpan(buf));
  w.BeginList();
  EXPECT_TRUE(w.End());
  EXPECT_FALSE(w.End());
  EXPECT_FALSE(w.ok());
  EXPECT_EQ(Written(buf, w), "le");
}

TEST(BencodeWriterTest, MisuseLatchesNotOk) {
  std::vector<char> buf(64);
  {
    BencodeWriter w(absl::MakeSpan(buf));
    w.BeginList();
    EXPECT_FALSE(w.Key("k"));  // Key outside a dictionary.
    EXPECT_FALSE(w.ok());
  }
  {
    BencodeWriter w(absl::MakeSpan(buf));
    w.BeginDict();
    EXPECT_FALSE(w.Int(1));  // Value where a key belongs.
    EXPECT_FALSE(w.ok());
  }
  {
    BencodeWriter w(absl::MakeSpan(buf));
    w.BeginDict();
    w.Key("a");
    EXPECT_FALSE(w.Key("b"));  // Two keys in a row.
  }
  {
    BencodeWriter w(absl::MakeSpan(buf));
    w.BeginDict();
    w.Key("a");
    EXPECT_FALSE(w.End());  // Dangling key.
  }
  {
    BencodeWriter w(absl::MakeSpan(buf));
    EXPECT_FALSE(w.Key("a"));  // Key at top level.
  }
}

TEST(BencodeWriterTest, DepthLimit) {
  std::vector<char> buf(256);
  BencodeWriter w(absl::MakeSpan(buf));
  for (int i = 0; i < BencodeWriter::kMaxDepth; ++i) ASSERT_TRUE(w.BeginList());
  EXPECT_FALSE(w.BeginList());
  EXPECT_FALSE(w.ok());
}

TEST(BencodeWriterTest, OutputParsesBack) {
  std::vector<char> buf(64);
  BencodeWriter w(absl::MakeSpan(buf));
  w.BeginDict();
  w.Key("files");
  w.BeginDict();
  w.Key(absl::string_view("\x12\x34\xFF", 3));
  w.BeginDict();
  w.Key("complete");
  w.Int(-1);
  w.End();
  w.End();
  w.End();
  ASSERT_TRUE(w.ok());
  auto parsed = ParseBencode(Written(buf, w));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const V* files = parsed->Find("files");
  ASSERT_NE(files, nullptr);
  const V* entry = files->Find(absl::string_view("\x12\x34\xFF", 3));
  ASSERT_NE(entry, nullptr);
  ASSERT_NE(entry->Find("complete"), nullptr);
  EXPECT_EQ(entry->Find("complete")->integer, -1);
}

// ---------------------------------------------------------------------------
// ParseBencode

TEST(ParseBencodeTest, Bep3Examples) {
  auto s = ParseBencode("4:spam");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(*s, V::String("spam"));

  auto i = ParseBencode("i3e");
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(*i, V::Int(3));

  auto neg = ParseBencode("i-3e");
  ASSERT_TRUE(neg.ok());
  EXPECT_EQ(neg->kind, V::kInt);
  EXPECT_EQ(neg->integer, -3);

  auto zero = ParseBencode("i0e");
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(*zero, V::Int(0));

  auto list = ParseBencode("l4:spam4:eggse");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(*list, V::List({V::String("spam"), V::String("eggs")}));

  auto dict = ParseBencode("d3:cow3:moo4:spam4:eggse");
  ASSERT_TRUE(dict.ok());
  EXPECT_EQ(*dict,
            V::Dict({{"cow", V::String("moo")}, {"spam", V::String("eggs")}}));

  auto dict_list = ParseBencode("d4:spaml1:a1:bee");
  ASSERT_TRUE(dict_list.ok());
  EXPECT_EQ(*dict_list,
            V::Dict({{"spam", V::List({V::String("a"), V::String("b")})}}));
}

TEST(ParseBencodeTest, EmptyValuesAndBinaryStrings) {
  auto v =
      ParseBencode(absl::string_view("l0:lede3:\x00\xFF\x80"
                                     "e",
                                     13));
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, V::List({V::String(""), V::List(), V::Dict(),
                         V::String(std::string("\x00\xFF\x80", 3))}));
}

TEST(ParseBencodeTest, Int64Extremes) {
  auto min = ParseBencode("i-9223372036854775808e");
  ASSERT_TRUE(min.ok()) << min.status();
  EXPECT_EQ(min->integer, std::numeric_limits<int64_t>::min());
  auto max = ParseBencode("i9223372036854775807e");
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(max->integer, std::numeric_limits<int64_t>::max());
}

void ExpectInvalid(absl::string_view input, absl::string_view why,
                   const BencodeLimits& limits = {}) {
  auto v = ParseBencode(input, limits);
  EXPECT_FALSE(v.ok()) << "accepted " << why << ": " << input;
  if (!v.ok()) {
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument) << why;
  }
}

TEST(ParseBencodeTest, RejectsNonCanonicalIntegers) {
  ExpectInvalid("i03e", "leading zero");
  ExpectInvalid("i00e", "leading zero");
  ExpectInvalid("i-03e", "negative leading zero");
  ExpectInvalid("i-0e", "negative zero");
  ExpectInvalid("ie", "no digits");
  ExpectInvalid("i-e", "sign only");
  ExpectInvalid("i+3e", "plus sign");
  ExpectInvalid("i 3e", "space");
  ExpectInvalid("i3", "unterminated");
  ExpectInvalid("i3.0e", "fraction");
  ExpectInvalid("i--3e", "double sign");
}

TEST(ParseBencodeTest, RejectsInt64Overflow) {
  ExpectInvalid("i9223372036854775808e", "INT64_MAX + 1");
  ExpectInvalid("i-9223372036854775809e", "INT64_MIN - 1");
  ExpectInvalid("i18446744073709551616e", "2^64");
  ExpectInvalid("i99999999999999999999999999999e", "huge");
}

TEST(ParseBencodeTest, RejectsBadStrings) {
  ExpectInvalid("5:spam", "length exceeds input");
  ExpectInvalid("4spam", "missing colon");
  ExpectInvalid("04:spam", "length with leading zero");
  ExpectInvalid("00:", "length with leading zero");
  ExpectInvalid("-1:a", "negative length");
  // A length far beyond the input must be rejected without allocating it.
  ExpectInvalid("99999999999999999999999999:abc", "enormous length");
  ExpectInvalid("18446744073709551615:x", "SIZE_MAX length");
  ExpectInvalid("4294967296:x", "length over 32 bits");
}

TEST(ParseBencodeTest, RejectsBadDicts) {
  ExpectInvalid("d4:spam4:eggs3:cow3:mooe", "keys out of order");
  ExpectInvalid("d3:cow3:moo3:cow3:mooe", "duplicate key");
  ExpectInvalid("di1e3:mooe", "integer key");
  ExpectInvalid("dle3:mooe", "list key");
  ExpectInvalid("d3:cowe", "key without value");
  ExpectInvalid("d3:cow3:moo", "unterminated");
  // Keys are compared as unsigned bytes: 0xFF sorts after 'a', so this order
  // is invalid even though it is correct for signed char comparison.
  ExpectInvalid(
      "d1:\xFF"
      "i1e1:ai2ee",
      "signed-order keys");
  EXPECT_TRUE(ParseBencode("d1:ai2e1:\xFF"
                           "i1ee")
                  .ok());
  // A prefix sorts before its extensions.
  EXPECT_TRUE(ParseBencode("d1:ai1e2:aai2ee").ok());
  ExpectInvalid("d2:aai2e1:ai1ee", "extension before prefix");
}

TEST(ParseBencodeTest, RejectsStructuralErrors) {
  ExpectInvalid("", "empty input");
  ExpectInvalid("l", "unterminated list");
  ExpectInvalid("l4:spam", "unterminated list");
  ExpectInvalid("e", "stray end");
  ExpectInvalid("x", "unknown type");
  ExpectInvalid("i1ei2e", "two top-level values");
  ExpectInvalid("4:spamX", "trailing byte");
  ExpectInvalid("lee", "trailing end");
  ExpectInvalid("i1e ", "trailing whitespace");
}

TEST(ParseBencodeTest, EveryPrefixOfValidDocumentIsAnError) {
  const std::string doc =
      "d8:completei5e10:incompletei0e8:intervali1800e5:peersl"
      "d2:ip9:127.0.0.17:peer id20:-qB4500-abcdefghijkl4:porti6881eeee";
  ASSERT_TRUE(ParseBencode(doc).ok());
  for (size_t len = 0; len < doc.size(); ++len) {
    EXPECT_FALSE(ParseBencode(absl::string_view(doc).substr(0, len)).ok())
        << "prefix length " << len;
  }
}

TEST(ParseBencodeTest, DepthLimit) {
  BencodeLimits limits;
  limits.max_depth = 3;
  EXPECT_TRUE(ParseBencode("llleee", limits).ok());
  ExpectInvalid("lllleeee", "depth 4 > 3", limits);
  EXPECT_TRUE(ParseBencode("d1:ad1:ad1:ai1eeee", limits).ok());
  ExpectInvalid("d1:ad1:ad1:ad1:ai1eeeee", "dict depth 4 > 3", limits);

  // The default limit stops a deeply nested hostile document.
  const std::string deep = std::string(100000, 'l') + std::string(100000, 'e');
  ExpectInvalid(deep, "100000 levels");
  limits.max_depth = 0;
  EXPECT_TRUE(ParseBencode("i1e", limits).ok());
  ExpectInvalid("le", "any container at depth 0", limits);
}

TEST(ParseBencodeTest, ItemLimit) {
  BencodeLimits limits;
  limits.max_items = 3;
  EXPECT_TRUE(ParseBencode("li1ei2ee", limits).ok());  // list + 2 = 3
  ExpectInvalid("li1ei2ei3ee", "4 items > 3", limits);
  EXPECT_TRUE(ParseBencode("d1:ai1e1:bi2ee", limits).ok());  // dict + 2
  ExpectInvalid("d1:ai1e1:bi2e1:ci3ee", "4 items > 3", limits);
}

TEST(ParseBencodeTest, ErrorMentionsOffset) {
  auto v = ParseBencode("d3:cow3:moo3:ant3:fooe");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("offset 11"), absl::string_view::npos)
      << v.status();
}

// ---------------------------------------------------------------------------
// SerializeBencode

TEST(SerializeBencodeTest, RoundTrips) {
  const std::vector<std::string> docs = {
      "i0e",
      "i-3e",
      "i-9223372036854775808e",
      "0:",
      "4:spam",
      "le",
      "de",
      "l4:spam4:eggse",
      "d3:cow3:moo4:spam4:eggse",
      "d4:spaml1:a1:bee",
      "d5:filesd20:aaaaaaaaaaaaaaaaaaaad8:completei1e10:downloadedi2e"
      "10:incompletei3eeee",
      std::string("3:\x00\x01\xFF", 5),
  };
  for (const std::string& doc : docs) {
    auto v = ParseBencode(doc);
    ASSERT_TRUE(v.ok()) << doc << ": " << v.status();
    EXPECT_EQ(SerializeBencode(*v), doc);
  }
}

TEST(SerializeBencodeTest, SerializesBuiltValue) {
  const V v = V::Dict(
      {{"a", V::List({V::Int(-1), V::String("xy")})}, {"b", V::Dict()}});
  EXPECT_EQ(SerializeBencode(v), "d1:ali-1e2:xye1:bdee");
  auto back = ParseBencode(SerializeBencode(v));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, v);
}

TEST(BencodeValueTest, EqualityAndFind) {
  EXPECT_EQ(V::Int(1), V::Int(1));
  EXPECT_NE(V::Int(1), V::Int(2));
  EXPECT_NE(V::Int(0), V::String(""));
  EXPECT_NE(V::List(), V::Dict());
  const V d = V::Dict({{"k", V::Int(7)}});
  ASSERT_NE(d.Find("k"), nullptr);
  EXPECT_EQ(d.Find("k")->integer, 7);
  EXPECT_EQ(d.Find("x"), nullptr);
  EXPECT_EQ(V::List().Find("k"), nullptr);
}

}  // namespace
}  // namespace aquatic::codec
