#include "codec/runtime/json.h"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "codec/runtime/latin1.h"
#include "gtest/gtest.h"

namespace aquatic::codec {
namespace {

using Token = JsonScanner::Token;

// Renders the token stream compactly, e.g. {k:"v",n:1}, so tests can compare
// whole documents. Keys print unquoted with a colon; a trailing "!" marks an
// error and "$" marks kEnd.
std::string Tokens(absl::string_view text, int max_depth = 16) {
  JsonScanner s(text, max_depth);
  std::string out;
  for (int i = 0; i < 10000; ++i) {
    switch (s.Next()) {
      case Token::kBeginObject:
        out += "{";
        break;
      case Token::kEndObject:
        out += "}";
        break;
      case Token::kBeginArray:
        out += "[";
        break;
      case Token::kEndArray:
        out += "]";
        break;
      case Token::kString:
        if (s.is_key()) {
          absl::StrAppend(&out, s.string_value(), ":");
        } else {
          absl::StrAppend(&out, "\"", s.string_value(), "\" ");
        }
        break;
      case Token::kNumber:
        absl::StrAppend(&out, s.number_text(), " ");
        break;
      case Token::kTrue:
        out += "T ";
        break;
      case Token::kFalse:
        out += "F ";
        break;
      case Token::kNull:
        out += "N ";
        break;
      case Token::kEnd:
        return out + "$";
      case Token::kError:
        EXPECT_FALSE(s.error().empty());
        return out + "!";
    }
  }
  ADD_FAILURE() << "scanner did not terminate";
  return out;
}

bool Valid(absl::string_view text, int max_depth = 16) {
  const std::string t = Tokens(text, max_depth);
  return !t.empty() && t.back() == '$';
}

// Scans a single top-level string and returns its decoded value.
bool DecodeString(absl::string_view json, std::string* out) {
  JsonScanner s(json);
  if (s.Next() != Token::kString) return false;
  *out = std::string(s.string_value());
  return s.Next() == Token::kEnd;
}

// A WebTorrent announce as sent by a browser client.
constexpr absl::string_view kAnnounce =
    R"({"action":"announce","info_hash":"\u0012\u0034Vx\u009a\u00bc)"
    R"(\u00de\u00f1#Eg\u0089\u00ab\u00cd\u00ef\u00124Vx\u009a",)"
    R"( "peer_id":"-WW0105-aaaaaaaaaaaa","numwant":5,)"
    R"( "offers":[{"offer":{"type":"offer","sdp":"v=0\r\no=- 1 2 IN IP4 )"
    R"(127.0.0.1\r\n"},"offer_id":"offer-1"}],"event":"started",)"
    R"( "uploaded":0,"downloaded":1.5e3,"left":null,"x":[true,false]})";

// ---------------------------------------------------------------------------
// JsonScanner: tokens and structure

TEST(JsonScannerTest, ScansWebTorrentAnnounce) {
  EXPECT_EQ(Tokens(kAnnounce),
            "{action:\"announce\" info_hash:\"\x12"
            "4Vx\xC2\x9A\xC2\xBC"
            "\xC3\x9E\xC3\xB1#Eg\xC2\x89\xC2\xAB\xC3\x8D\xC3\xAF\x12"
            "4Vx"
            "\xC2\x9A\" peer_id:\"-WW0105-aaaaaaaaaaaa\" numwant:5 "
            "offers:[{offer:{type:\"offer\" sdp:\"v=0\r\no=- 1 2 IN IP4 "
            "127.0.0.1\r\n\" }offer_id:\"offer-1\" }]event:\"started\" "
            "uploaded:0 downloaded:1.5e3 left:N x:[T F ]}$");
}

TEST(JsonScannerTest, InfoHashDecodesToBytesViaLatin1) {
  JsonScanner s(kAnnounce);
  ASSERT_EQ(s.Next(), Token::kBeginObject);
  ASSERT_EQ(s.Next(), Token::kString);  // "action"
  ASSERT_EQ(s.Next(), Token::kString);  // "announce"
  ASSERT_EQ(s.Next(), Token::kString);
  ASSERT_TRUE(s.is_key());
  ASSERT_EQ(s.string_value(), "info_hash");
  ASSERT_EQ(s.Next(), Token::kString);
  EXPECT_FALSE(s.is_key());
  uint8_t hash[20];
  size_t len = 0;
  ASSERT_TRUE(Utf8ToLatin1(s.string_value(), hash, sizeof(hash), &len));
  ASSERT_EQ(len, 20u);
  // Escaped (\u0034) and literal ("4") spellings of 0x34 both appear.
  const uint8_t expected[20] = {0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE,
                                0xF1, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD,
                                0xEF, 0x12, 0x34, 0x56, 0x78, 0x9A};
  EXPECT_EQ(std::vector<uint8_t>(hash, hash + len),
            std::vector<uint8_t>(expected, expected + 20));
}

TEST(JsonScannerTest, EscapedAndRawFFBothGiveByteFF) {
  std::string escaped, raw;
  ASSERT_TRUE(DecodeString(R"("\u00ff")", &escaped));
  ASSERT_TRUE(DecodeString("\"\xC3\xBF\"", &raw));  // "ÿ" as UTF-8.
  EXPECT_EQ(escaped, raw);
  for (const std::string& s : {escaped, raw}) {
    uint8_t b = 0;
    size_t len = 0;
    ASSERT_TRUE(Utf8ToLatin1(s, &b, 1, &len));
    EXPECT_EQ(len, 1u);
    EXPECT_EQ(b, 0xFF);
  }
  std::string upper;
  ASSERT_TRUE(DecodeString(R"("\u00FF")", &upper));
  EXPECT_EQ(upper, raw);
}

TEST(JsonScannerTest, AllSimpleEscapes) {
  std::string out;
  ASSERT_TRUE(DecodeString(R"("a\"b\\c\/d\be\ff\ng\rh\ti")", &out));
  EXPECT_EQ(out, "a\"b\\c/d\be\ff\ng\rh\ti");
  ASSERT_TRUE(DecodeString(R"("\u0000")", &out));
  EXPECT_EQ(out, std::string(1, '\0'));
  ASSERT_TRUE(DecodeString(R"("\u20AC\u0041\u07ff")", &out));
  EXPECT_EQ(out,
            "\xE2\x82\xAC"
            "A\xDF\xBF");
  ASSERT_TRUE(DecodeString(R"("")", &out));
  EXPECT_EQ(out, "");
}

TEST(JsonScannerTest, SurrogatePairs) {
  std::string out;
  ASSERT_TRUE(DecodeString(R"("\ud83d\ude00")", &out));  // U+1F600
  EXPECT_EQ(out, "\xF0\x9F\x98\x80");
  ASSERT_TRUE(DecodeString(R"("x\uD800\uDC00y")", &out));  // U+10000
  EXPECT_EQ(out, "x\xF0\x90\x80\x80y");
  ASSERT_TRUE(DecodeString(R"("\uDBFF\uDFFF")", &out));  // U+10FFFF
  EXPECT_EQ(out, "\xF4\x8F\xBF\xBF");
  // Raw 4-byte UTF-8 is fine too.
  ASSERT_TRUE(DecodeString("\"\xF0\x9F\x98\x80\"", &out));
  EXPECT_EQ(out, "\xF0\x9F\x98\x80");
}

// Strings every scan must refuse, decoded or skipped.
std::vector<std::string> BadStrings() {
  return {
           R"("\ud83d")",               // lone high surrogate
           R"("\ud83dx")",              // high surrogate then text
           R"("\ud83d\u0041")",         // high surrogate then non-surrogate
           R"("\ud83d\ud83d")",         // two high surrogates
           R"("\ude00")",               // lone low surrogate
           R"("\ude00\ud83d")",         // reversed pair
           R"("\u12")",                 // short \u
           R"("\u12G4")",               // non-hex
           R"("\x41")",                 // unknown escape
           R"("\U0041")",               // uppercase U
           R"("\')",                    // unknown escape
           "\"a\nb\"",                  // raw newline
           "\"a\tb\"",                  // raw tab
           std::string("\"a\0b\"", 5),  // raw NUL
           "\"\x1F\"",                  // raw control
           "\"\xFF\"",                  // not UTF-8
           "\"\xC3\"",                  // truncated UTF-8
           "\"\xC3\\n\"",               // truncated UTF-8 before an escape
           "\"\xC0\x80\"",              // overlong
           "\"\xED\xA0\x80\"",          // UTF-8-encoded surrogate
           "\"abc",                     // unterminated
           "\"abc\\",                   // unterminated in escape
           "'abc'",                     // single quotes
  };
}

TEST(JsonScannerTest, RejectsBadStrings) {
  for (const std::string& bad : BadStrings()) EXPECT_FALSE(Valid(bad)) << bad;
}

// Skipped values (unknown fields, forwarded offers) are not decoded, but
// validated all the same.
TEST(JsonScannerTest, RejectsBadStringsWhileSkipping) {
  for (const std::string& bad : BadStrings()) {
    const std::string skipped = absl::StrCat(R"([{"sdp":"v=0\r\n", "x":)", bad, "}]");
    JsonScanner skip(skipped);
    EXPECT_FALSE(skip.SkipValue()) << skipped;
    const std::string captured = absl::StrCat(R"({"offer":{"sdp":)", bad, "}}");
    JsonScanner capture(captured);
    ASSERT_EQ(capture.Next(), Token::kBeginObject);
    ASSERT_EQ(capture.Next(), Token::kString);
    absl::string_view raw;
    EXPECT_FALSE(capture.CaptureRawValue(&raw)) << captured;
  }
}

TEST(JsonScannerTest, StringsAreDecodedAgainAfterASkip) {
  JsonScanner s(R"([{"sdp":"a\nb\u00e9"}, "c\td\u00e9\ud83d\ude00", "e\"f"])");
  ASSERT_EQ(s.Next(), Token::kBeginArray);
  ASSERT_TRUE(s.SkipValue()) << s.error();
  ASSERT_EQ(s.Next(), Token::kString);
  EXPECT_EQ(s.string_value(), "c\td\xC3\xA9\xF0\x9F\x98\x80");
  ASSERT_EQ(s.Next(), Token::kString);
  EXPECT_EQ(s.string_value(), "e\"f");
  EXPECT_EQ(s.Next(), Token::kEndArray);
}

// The string scan reads eight bytes at a time: every special byte must be
// found at every offset within and across words, and every length.
TEST(JsonScannerTest, SpecialBytesAtEveryOffsetOfTheWordScan) {
  for (size_t length = 0; length <= 40; ++length) {
    for (size_t at = 0; at < length; ++at) {
      std::string body(length, 'a');
      // A plain string, of any length.
      {
        const std::string document = "\"" + body + "\"";
        JsonScanner scanner(document);
        ASSERT_EQ(scanner.Next(), Token::kString);
        EXPECT_EQ(scanner.string_value(), body);
      }
      // An escape: the value differs from the text. (The scanner keeps a view:
      // each document outlives its scanner.)
      {
        std::string text = body;
        text.replace(at, 1, "\\n");
        const std::string document = "\"" + text + "\"";
        JsonScanner scanner(document);
        ASSERT_EQ(scanner.Next(), Token::kString) << length << " " << at;
        std::string expected = body;
        expected[at] = '\n';
        EXPECT_EQ(scanner.string_value(), expected);
      }
      // A raw control character is an error; so is a stray 0x80 byte; a
      // well-formed two-byte sequence (U+00E9) is kept.
      for (const char* bad : {"\x01", "\x1f", "\x80", "\xff"}) {
        std::string text = body;
        text.replace(at, 1, bad);
        const std::string document = "\"" + text + "\"";
        JsonScanner scanner(document);
        EXPECT_EQ(scanner.Next(), Token::kError) << length << " " << at;
      }
      {
        std::string text = body;
        text.replace(at, 1, "\xc3\xa9");
        const std::string document = "\"" + text + "\"";
        JsonScanner scanner(document);
        ASSERT_EQ(scanner.Next(), Token::kString) << length << " " << at;
        EXPECT_EQ(scanner.string_value(), text);
      }
      // A quote ends the string early: what follows is not valid JSON.
      {
        std::string text = body;
        text[at] = '"';
        EXPECT_EQ(Tokens("\"" + text + "\"").back(), '!');
      }
    }
  }
}

TEST(JsonScannerTest, Numbers) {
  EXPECT_EQ(Tokens("[0,-0,1,-1,12.5,1e10,1E+2,-3.25e-7,0.0]"),
            "[0 -0 1 -1 12.5 1e10 1E+2 -3.25e-7 0.0 ]$");
  for (absl::string_view bad :
       {"01", "-01", "+1", "-", "1.", ".5", "1e", "1e+", "--1", "0x10", "1.e5",
        "NaN", "Infinity", "-Infinity", "[1.]", "[01]", "1 2"}) {
    EXPECT_FALSE(Valid(bad)) << bad;
  }
}

TEST(JsonScannerTest, NumberAsInt64) {
  JsonScanner s(
      "[0,-0,42,-9223372036854775808,9223372036854775807,"
      "9223372036854775808,-9223372036854775809,1.0,1e3,\"7\"]");
  ASSERT_EQ(s.Next(), Token::kBeginArray);
  int64_t v = 99;
  EXPECT_FALSE(s.NumberAsInt64(&v));  // Not a number token.
  const std::vector<std::pair<bool, int64_t>> expected = {
      {true, 0},
      {true, 0},
      {true, 42},
      {true, std::numeric_limits<int64_t>::min()},
      {true, std::numeric_limits<int64_t>::max()},
      {false, 0},
      {false, 0},
      {false, 0},
      {false, 0},
  };
  for (const auto& [ok, value] : expected) {
    ASSERT_EQ(s.Next(), Token::kNumber);
    v = 99;
    EXPECT_EQ(s.NumberAsInt64(&v), ok) << s.number_text();
    if (ok) {
      EXPECT_EQ(v, value) << s.number_text();
    }
  }
  ASSERT_EQ(s.Next(), Token::kString);
  EXPECT_FALSE(s.NumberAsInt64(&v));
}

TEST(JsonScannerTest, Literals) {
  EXPECT_EQ(Tokens("true"), "T $");
  EXPECT_EQ(Tokens(" [ null , false ] "), "[N F ]$");
  for (absl::string_view bad :
       {"tru", "truex", "True", "nul", "nulll", "fals", "[truefalse]", "t"}) {
    EXPECT_FALSE(Valid(bad)) << bad;
  }
}

TEST(JsonScannerTest, Structure) {
  EXPECT_EQ(Tokens("{}"), "{}$");
  EXPECT_EQ(Tokens("[]"), "[]$");
  EXPECT_EQ(Tokens(" \t\r\n{ \"a\" : [ ] , \"b\" : { } }\n"), "{a:[]b:{}}$");
  EXPECT_EQ(Tokens("[[],[[]],{}]"), "[[][[]]{}]$");
  EXPECT_EQ(Tokens("\"top\""), "\"top\" $");
  for (absl::string_view bad : {
           "",      // empty document
           "   ",   // whitespace only
           "{",     // unterminated
           "[",     //
           "]",     // stray closer
           "}",     //
           "[}",    // mismatched
           "{]",    //
           "[1,]",  // trailing comma
           "{\"a\":1,}",
           "[,1]",       // leading comma
           "[1 2]",      // missing comma
           "{\"a\" 1}",  // missing colon
           "{\"a\":}",   // missing value
           "{\"a\"}",    //
           "{1:2}",      // non-string key
           "{a:1}",      // bare key
           "{\"a\":1 \"b\":2}",
           "{\"a\"::1}",
           "[1]]",            // trailing data
           "{}{}",            //
           "[1] x",           //
           "\xEF\xBB\xBF[]",  // BOM is not JSON whitespace
           "[\v]",            // vertical tab is not whitespace
       }) {
    EXPECT_FALSE(Valid(bad)) << bad;
  }
}

TEST(JsonScannerTest, ErrorIsStickyAndDescribed) {
  JsonScanner s("[1,,2]");
  EXPECT_EQ(s.Next(), Token::kBeginArray);
  EXPECT_EQ(s.Next(), Token::kNumber);
  EXPECT_TRUE(s.error().empty());
  EXPECT_EQ(s.Next(), Token::kError);
  EXPECT_NE(s.error().find("offset 3"), absl::string_view::npos) << s.error();
  EXPECT_EQ(s.Next(), Token::kError);
  EXPECT_FALSE(s.SkipValue());
  EXPECT_EQ(s.Next(), Token::kError);
}

TEST(JsonScannerTest, EndIsRepeatable) {
  JsonScanner s("1");
  EXPECT_EQ(s.Next(), Token::kNumber);
  EXPECT_EQ(s.Next(), Token::kEnd);
  EXPECT_EQ(s.Next(), Token::kEnd);
}

TEST(JsonScannerTest, DepthLimit) {
  EXPECT_TRUE(Valid("[[[1]]]", 3));
  EXPECT_FALSE(Valid("[[[[1]]]]", 3));
  EXPECT_TRUE(Valid("{\"a\":{\"b\":[]}}", 3));
  EXPECT_FALSE(Valid("{\"a\":{\"b\":[{}]}}", 3));
  EXPECT_TRUE(Valid("1", 0));
  EXPECT_FALSE(Valid("[]", 0));
  // Default depth 16.
  EXPECT_TRUE(Valid(std::string(16, '[') + std::string(16, ']')));
  EXPECT_FALSE(Valid(std::string(17, '[') + std::string(17, ']')));
  // Hostile nesting fails fast instead of exhausting anything.
  EXPECT_FALSE(Valid(std::string(1000000, '[')));
}

TEST(JsonScannerTest, EveryPrefixOfValidDocumentIsAnError) {
  ASSERT_TRUE(Valid(kAnnounce));
  for (size_t len = 0; len < kAnnounce.size(); ++len) {
    const absl::string_view prefix = kAnnounce.substr(0, len);
    EXPECT_FALSE(Valid(prefix)) << "prefix length " << len;
  }
}

TEST(JsonScannerTest, StringValueIsViewWhenUnescaped) {
  const absl::string_view text = R"(["plain","esc\n"])";
  JsonScanner s(text);
  ASSERT_EQ(s.Next(), Token::kBeginArray);
  ASSERT_EQ(s.Next(), Token::kString);
  // No escapes: points into the source, no copy.
  EXPECT_EQ(s.string_value().data(), text.data() + 2);
  ASSERT_EQ(s.Next(), Token::kString);
  EXPECT_EQ(s.string_value(), "esc\n");
}

// ---------------------------------------------------------------------------
// JsonScanner: SkipValue / CaptureRawValue

TEST(JsonScannerTest, SkipValueSkipsUnknownFields) {
  JsonScanner s(R"({"skip1":{"a":[1,{"b":null}],"c":"}"},"skip2":[[],[]],)"
                R"("skip3":"x","skip4":-1.5,"keep":7})");
  ASSERT_EQ(s.Next(), Token::kBeginObject);
  int64_t keep = 0;
  int skipped = 0;
  while (true) {
    const Token t = s.Next();
    if (t == Token::kEndObject) break;
    ASSERT_EQ(t, Token::kString);
    ASSERT_TRUE(s.is_key());
    if (s.string_value() == "keep") {
      ASSERT_EQ(s.Next(), Token::kNumber);
      ASSERT_TRUE(s.NumberAsInt64(&keep));
    } else {
      ASSERT_TRUE(s.SkipValue()) << s.error();
      ++skipped;
    }
  }
  EXPECT_EQ(skipped, 4);
  EXPECT_EQ(keep, 7);
  EXPECT_EQ(s.Next(), Token::kEnd);
}

TEST(JsonScannerTest, SkipValueRejectsNonValues) {
  {
    JsonScanner s("[]");
    ASSERT_EQ(s.Next(), Token::kBeginArray);
    EXPECT_FALSE(s.SkipValue());  // Next token is ']'.
    EXPECT_FALSE(s.error().empty());
  }
  {
    JsonScanner s(R"({"k":1})");
    ASSERT_EQ(s.Next(), Token::kBeginObject);
    EXPECT_FALSE(s.SkipValue());  // Next token is a key.
  }
  {
    JsonScanner s("[{\"a\":[1,}]");
    ASSERT_EQ(s.Next(), Token::kBeginArray);
    EXPECT_FALSE(s.SkipValue());  // Malformed inside.
  }
  {
    JsonScanner s("1");
    ASSERT_EQ(s.Next(), Token::kNumber);
    EXPECT_FALSE(s.SkipValue());  // Nothing left.
  }
}

TEST(JsonScannerTest, SkipWholeDocument) {
  JsonScanner s(kAnnounce);
  ASSERT_TRUE(s.SkipValue()) << s.error();
  EXPECT_EQ(s.Next(), Token::kEnd);
}

TEST(JsonScannerTest, CaptureRawValuePassesOfferThrough) {
  const absl::string_view offer =
      R"({"type" : "offer", "sdp":"v=0\r\n\u00e9", "n":[1, {}]})";
  const std::string text =
      absl::StrCat(R"({"offer_id":"x", "offer":   )", offer, R"(  , "z":1})");
  JsonScanner s(text);
  ASSERT_EQ(s.Next(), Token::kBeginObject);
  ASSERT_EQ(s.Next(), Token::kString);
  ASSERT_EQ(s.Next(), Token::kString);
  ASSERT_EQ(s.Next(), Token::kString);
  ASSERT_EQ(s.string_value(), "offer");
  absl::string_view raw;
  ASSERT_TRUE(s.CaptureRawValue(&raw)) << s.error();
  EXPECT_EQ(raw, offer);
  ASSERT_EQ(s.Next(), Token::kString);
  EXPECT_EQ(s.string_value(), "z");
  ASSERT_EQ(s.Next(), Token::kNumber);
  ASSERT_EQ(s.Next(), Token::kEndObject);
  EXPECT_EQ(s.Next(), Token::kEnd);
}

TEST(JsonScannerTest, CaptureRawScalarsAndTopLevel) {
  {
    JsonScanner s(R"(["a\"b", -1.5e3, true, null])");
    ASSERT_EQ(s.Next(), Token::kBeginArray);
    absl::string_view raw;
    ASSERT_TRUE(s.CaptureRawValue(&raw));
    EXPECT_EQ(raw, R"("a\"b")");
    ASSERT_TRUE(s.CaptureRawValue(&raw));
    EXPECT_EQ(raw, "-1.5e3");
    ASSERT_TRUE(s.CaptureRawValue(&raw));
    EXPECT_EQ(raw, "true");
    ASSERT_TRUE(s.CaptureRawValue(&raw));
    EXPECT_EQ(raw, "null");
    EXPECT_FALSE(s.CaptureRawValue(&raw));  // ']'
  }
  {
    JsonScanner s("  [1, [2]]  ");
    absl::string_view raw;
    ASSERT_TRUE(s.CaptureRawValue(&raw));
    EXPECT_EQ(raw, "[1, [2]]");
    EXPECT_EQ(s.Next(), Token::kEnd);
  }
}

// ---------------------------------------------------------------------------
// JsonWriter

TEST(JsonWriterTest, WritesAnnounceResponse) {
  std::string out;
  JsonWriter w(&out);
  const uint8_t info_hash[] = {0x12, 0x34, 0xFF, 0x00, '"', '\\', 'a'};
  w.BeginObject();
  w.Key("action");
  w.String("announce");
  w.Key("interval");
  w.Int(120);
  w.Key("info_hash");
  w.Latin1String(info_hash);
  w.Key("complete");
  w.Int(-1);
  w.Key("flags");
  w.BeginArray();
  w.Bool(true);
  w.Bool(false);
  w.Null();
  w.BeginObject();
  w.EndObject();
  w.BeginArray();
  w.EndArray();
  w.EndArray();
  w.Key("offer");
  w.Raw(R"({"type":"offer"})");
  w.EndObject();
  EXPECT_EQ(out,
            "{\"action\":\"announce\",\"interval\":120,"
            "\"info_hash\":\"\\u0012"
            "4\xC3\xBF\\u0000\\\"\\\\a\","
            "\"complete\":-1,\"flags\":[true,false,null,{},[]],"
            "\"offer\":{\"type\":\"offer\"}}");
  EXPECT_TRUE(Valid(out));
}

TEST(JsonWriterTest, EscapesStrings) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  w.String("q\"b\\s/\n\t\x01\x1F\x7F\xC3\xA9");
  w.String("");
  w.EndArray();
  EXPECT_EQ(out,
            "[\"q\\\"b\\\\s/\\u000a\\u0009\\u0001\\u001f\x7F\xC3\xA9\",\"\"]");
  JsonScanner s(out);
  ASSERT_EQ(s.Next(), Token::kBeginArray);
  ASSERT_EQ(s.Next(), Token::kString);
  EXPECT_EQ(s.string_value(), "q\"b\\s/\n\t\x01\x1F\x7F\xC3\xA9");
}

TEST(JsonWriterTest, IntegerExtremesAndTopLevelScalar) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  w.Int(std::numeric_limits<int64_t>::min());
  w.Int(std::numeric_limits<int64_t>::max());
  w.Int(0);
  w.EndArray();
  EXPECT_EQ(out, "[-9223372036854775808,9223372036854775807,0]");

  std::string scalar;
  JsonWriter(&scalar).Int(5);
  EXPECT_EQ(scalar, "5");
}

TEST(JsonWriterTest, Latin1RoundTripsAllBytes) {
  std::vector<uint8_t> bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<uint8_t>(i));
  std::string out;
  JsonWriter(&out).Latin1String(bytes);
  JsonScanner s(out);
  ASSERT_EQ(s.Next(), Token::kString) << s.error();
  std::vector<uint8_t> back(256);
  size_t len = 0;
  ASSERT_TRUE(Utf8ToLatin1(s.string_value(), back.data(), back.size(), &len));
  back.resize(len);
  EXPECT_EQ(back, bytes);
  EXPECT_EQ(s.Next(), Token::kEnd);
}

TEST(JsonRoundTripTest, ScannerToWriterReproducesCompactDocument) {
  // Re-emit every token through the writer: for a compact document without
  // escapes the output is byte-identical.
  const std::string doc =
      R"({"a":[1,-2,{"b":"c","d":[]},true,false,null],"e":{},"f":"\u00e9"})";
  JsonScanner s(doc);
  std::string out;
  JsonWriter w(&out);
  bool done = false;
  while (!done) {
    switch (s.Next()) {
      case Token::kBeginObject:
        w.BeginObject();
        break;
      case Token::kEndObject:
        w.EndObject();
        break;
      case Token::kBeginArray:
        w.BeginArray();
        break;
      case Token::kEndArray:
        w.EndArray();
        break;
      case Token::kString:
        if (s.is_key()) {
          w.Key(s.string_value());
        } else {
          w.String(s.string_value());
        }
        break;
      case Token::kNumber: {
        int64_t v = 0;
        ASSERT_TRUE(s.NumberAsInt64(&v));
        w.Int(v);
        break;
      }
      case Token::kTrue:
        w.Bool(true);
        break;
      case Token::kFalse:
        w.Bool(false);
        break;
      case Token::kNull:
        w.Null();
        break;
      case Token::kEnd:
        done = true;
        break;
      case Token::kError:
        FAIL() << s.error();
    }
  }
  EXPECT_EQ(out, R"({"a":[1,-2,{"b":"c","d":[]},true,false,null],"e":{},)"
                 "\"f\":\"\xC3\xA9\"}");
}

}  // namespace
}  // namespace aquatic::codec
