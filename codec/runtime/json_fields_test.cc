// The field readers and writers generated WIRE_JSON codecs call.
#include "codec/runtime/json_fields.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "codec/runtime/json.h"
#include "gtest/gtest.h"

namespace aquatic::codec {
namespace {

// A scanner positioned just after the key of {"k": <value>}.
class ValueScanner {
 public:
  explicit ValueScanner(const std::string& value)
      : text_("{\"k\":" + value + "}"), json_(text_) {
    EXPECT_EQ(json_.Next(), JsonToken::kBeginObject);
    EXPECT_EQ(json_.Next(), JsonToken::kString);
  }
  JsonScanner& json() { return json_; }
  // The value was read completely: only the closing brace is left.
  bool AtEnd() { return json_.Next() == JsonToken::kEndObject; }

 private:
  std::string text_;
  JsonScanner json_;
};

TEST(JsonFieldsTest, PrefixJsonError) {
  EXPECT_TRUE(PrefixJsonError("M", absl::OkStatus()).ok());
  EXPECT_EQ(PrefixJsonError("M", absl::InvalidArgumentError("bad")).message(), "M: bad");
  EXPECT_EQ(PrefixJsonError("M", absl::InvalidArgumentError(".f: bad")).message(), "M.f: bad");
  EXPECT_EQ(PrefixJsonError(".f", absl::InvalidArgumentError("[2].g: bad")).message(),
            ".f[2].g: bad");
  EXPECT_EQ(PrefixJsonError("M", absl::InvalidArgumentError("bad")).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(JsonFieldsTest, Latin1) {
  std::array<uint8_t, 3> value{};
  ValueScanner raw("\"a\xc3\xbf\\u0000\"");
  ASSERT_TRUE(ReadJsonLatin1(raw.json(), ".k", &value).ok());
  EXPECT_EQ(value, (std::array<uint8_t, 3>{'a', 0xff, 0}));
  EXPECT_TRUE(raw.AtEnd());

  ValueScanner too_high("\"a\\u0100b\"");
  EXPECT_EQ(ReadJsonLatin1(too_high.json(), ".k", &value).message(),
            ".k: expected 3 Latin-1 characters");
  ValueScanner too_short("\"ab\"");
  EXPECT_FALSE(ReadJsonLatin1(too_short.json(), ".k", &value).ok());
  ValueScanner number("12");
  EXPECT_EQ(ReadJsonLatin1(number.json(), ".k", &value).message(),
            ".k: expected a string, found a number");

  std::optional<std::array<uint8_t, 3>> optional = std::array<uint8_t, 3>{};
  ValueScanner null("null");
  ASSERT_TRUE(ReadJsonLatin1(null.json(), ".k", &optional).ok());
  EXPECT_FALSE(optional.has_value());
  EXPECT_TRUE(null.AtEnd());
}

TEST(JsonFieldsTest, Int64) {
  int64_t value = 0;
  ValueScanner min("-9223372036854775808");
  ASSERT_TRUE(ReadJsonInt64(min.json(), ".k", &value).ok());
  EXPECT_EQ(value, INT64_MIN);
  ValueScanner over("9223372036854775808");
  EXPECT_EQ(ReadJsonInt64(over.json(), ".k", &value).message(),
            ".k: expected a 64-bit integer, found 9223372036854775808");
  ValueScanner huge(std::string(100, '9'));
  EXPECT_EQ(ReadJsonInt64(huge.json(), ".k", &value).message(),
            ".k: expected a 64-bit integer, found 999999999999999999999999...");
  ValueScanner text("\"1\"");
  EXPECT_FALSE(ReadJsonInt64(text.json(), ".k", &value).ok());
  ValueScanner required_null("null");
  EXPECT_EQ(ReadJsonInt64(required_null.json(), ".k", &value).message(),
            ".k: expected an integer, found null");
  std::optional<int64_t> optional;
  ValueScanner present("7");
  ASSERT_TRUE(ReadJsonInt64(present.json(), ".k", &optional).ok());
  EXPECT_EQ(optional, 7);
}

TEST(JsonFieldsTest, StringAndConstant) {
  std::string value;
  ValueScanner escaped(R"("a\"\u00e9")");
  ASSERT_TRUE(ReadJsonString(escaped.json(), ".k", 4, &value).ok());
  EXPECT_EQ(value, "a\"\xc3\xa9");
  ValueScanner too_long(R"("abcde")");
  EXPECT_EQ(ReadJsonString(too_long.json(), ".k", 4, &value).message(),
            ".k: 5 bytes, at most 4");

  ValueScanner right(R"("announce")");
  EXPECT_TRUE(ReadJsonConstant(right.json(), ".action", "announce").ok());
  ValueScanner wrong(R"("scrape")");
  EXPECT_EQ(ReadJsonConstant(wrong.json(), ".action", "announce").message(),
            ".action: expected \"announce\"");
}

TEST(JsonFieldsTest, Raw) {
  std::string value;
  ValueScanner object(R"( {"type": "offer", "sdp": "v=0\r\n"} )");
  ASSERT_TRUE(ReadJsonRaw(object.json(), ".k", 100, &value).ok());
  EXPECT_EQ(value, R"({"type": "offer", "sdp": "v=0\r\n"})");
  EXPECT_TRUE(object.AtEnd());
  ValueScanner too_long(R"("abcdef")");
  EXPECT_EQ(ReadJsonRaw(too_long.json(), ".k", 7, &value).message(), ".k: 8 bytes, at most 7");
  ValueScanner broken(R"({"a":})");
  EXPECT_EQ(ReadJsonRaw(broken.json(), ".k", 100, &value).message(),
            ".k: invalid JSON: offset 10: expected a value");

  std::optional<std::string> optional = "x";
  ValueScanner null("null");
  ASSERT_TRUE(ReadJsonRaw(null.json(), ".k", 100, &optional).ok());
  EXPECT_FALSE(optional.has_value());
}

int Digit(absl::string_view text) { return text == "one" ? 1 : 0; }

TEST(JsonFieldsTest, Enum) {
  int value = -1;
  ValueScanner one(R"("one")");
  ASSERT_TRUE(ReadJsonEnum(one.json(), ".k", &Digit, &value).ok());
  EXPECT_EQ(value, 1);
  std::optional<int> optional;
  ValueScanner other(R"("other")");
  ASSERT_TRUE(ReadJsonEnum(other.json(), ".k", &Digit, &optional).ok());
  EXPECT_EQ(optional, 0);
}

TEST(JsonFieldsTest, ArraysAndOneOrMany) {
  std::vector<std::array<uint8_t, 2>> values = {{1, 2}};
  ValueScanner array(R"(["ab", "cd"])");
  ASSERT_TRUE(ReadJsonArray(array.json(), ".k", 2, &ReadJsonLatin1Element<2>, &values).ok());
  EXPECT_EQ(values, (std::vector<std::array<uint8_t, 2>>{{'a', 'b'}, {'c', 'd'}}));
  EXPECT_TRUE(array.AtEnd());

  ValueScanner lone(R"("ab")");
  EXPECT_EQ(ReadJsonArray(lone.json(), ".k", 2, &ReadJsonLatin1Element<2>, &values).message(),
            ".k: expected an array, found a string");
  ValueScanner lone_ok(R"("ab")");
  ASSERT_TRUE(
      ReadJsonOneOrMany(lone_ok.json(), ".k", 2, &ReadJsonLatin1Element<2>, &values).ok());
  EXPECT_EQ(values.size(), 1u);

  ValueScanner too_many(R"(["ab", "cd", "ef"])");
  EXPECT_EQ(
      ReadJsonOneOrMany(too_many.json(), ".k", 2, &ReadJsonLatin1Element<2>, &values).message(),
      ".k: more than 2 elements");
  ValueScanner bad_element(R"([1, "x"])");
  std::vector<int64_t> numbers;
  EXPECT_EQ(ReadJsonArray(bad_element.json(), ".k", 5, &ReadJsonInt64Element, &numbers).message(),
            ".k[1]: expected an integer, found a string");

  std::optional<std::vector<int64_t>> optional;
  ValueScanner empty("[]");
  ASSERT_TRUE(ReadJsonArray(empty.json(), ".k", 5, &ReadJsonInt64Element, &optional).ok());
  ASSERT_TRUE(optional.has_value());
  EXPECT_TRUE(optional->empty());
}

struct Stats {
  std::array<uint8_t, 2> key{};
  int64_t count = 0;
};

absl::Status ReadStats(JsonScanner& json, JsonToken first, Stats* out) {
  if (first != JsonToken::kBeginObject) return JsonTypeError(json, first, "an object");
  *out = Stats();
  absl::string_view key;
  while (NextJsonKey(json, &key)) {
    absl::Status status =
        key == "count" ? ReadJsonInt64(json, ".count", &out->count) : SkipJsonValue(json);
    if (!status.ok()) return status;
  }
  return json.error().empty() ? absl::OkStatus() : JsonSyntaxError(json);
}

absl::Status WriteStats(const Stats& in, JsonWriter& json) {
  json.BeginObject();
  json.Key("count");
  json.Int(in.count);
  json.EndObject();
  return absl::OkStatus();
}

TEST(JsonFieldsTest, Map) {
  std::vector<Stats> values;
  ValueScanner map("{\"a\xc3\xbf\":{\"count\":1},\"zz\":{\"count\":2,\"x\":[]}}");
  ASSERT_TRUE(ReadJsonMap(map.json(), ".k", 2, &Stats::key, &ReadStats, &values).ok());
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0].key, (std::array<uint8_t, 2>{'a', 0xff}));
  EXPECT_EQ(values[0].count, 1);
  EXPECT_EQ(values[1].key, (std::array<uint8_t, 2>{'z', 'z'}));
  EXPECT_EQ(values[1].count, 2);
  EXPECT_TRUE(map.AtEnd());

  std::string out;
  JsonWriter writer(&out);
  ASSERT_TRUE(WriteJsonMap(writer, ".k", 2, values, &Stats::key, &WriteStats).ok());
  EXPECT_EQ(out, "{\"a\xc3\xbf\":{\"count\":1},\"zz\":{\"count\":2}}");

  ValueScanner bad_key(R"({"abc":{"count":1}})");
  EXPECT_EQ(ReadJsonMap(bad_key.json(), ".k", 2, &Stats::key, &ReadStats, &values).message(),
            ".k[0]: key: expected 2 Latin-1 characters");
  ValueScanner bad_value(R"({"ab":{"count":"1"}})");
  EXPECT_EQ(ReadJsonMap(bad_value.json(), ".k", 2, &Stats::key, &ReadStats, &values).message(),
            ".k[0].count: expected an integer, found a string");
  ValueScanner too_many(R"({"ab":{},"cd":{},"ef":{}})");
  EXPECT_EQ(ReadJsonMap(too_many.json(), ".k", 2, &Stats::key, &ReadStats, &values).message(),
            ".k: more than 2 elements");
}

TEST(JsonFieldsTest, Writers) {
  std::string out;
  JsonWriter json(&out);
  json.BeginArray();
  EXPECT_TRUE(WriteJsonString(json, ".s", 8, "a\"\n").ok());
  EXPECT_EQ(WriteJsonString(json, ".s", 2, "abc").message(), ".s: 3 bytes, at most 2");
  EXPECT_EQ(WriteJsonString(json, ".s", 8, "\xc3").message(), ".s: not valid UTF-8");
  EXPECT_TRUE(WriteJsonRaw(json, ".r", 8, "{}").ok());
  EXPECT_EQ(WriteJsonRaw(json, ".r", 8, "").message(), ".r: empty, expected JSON text");
  const std::vector<int64_t> one = {5};
  EXPECT_TRUE(WriteJsonOneOrMany(json, ".n", 2, one, &WriteJsonInt64Element).ok());
  const std::vector<int64_t> two = {5, 6};
  EXPECT_TRUE(WriteJsonOneOrMany(json, ".n", 2, two, &WriteJsonInt64Element).ok());
  EXPECT_TRUE(WriteJsonArray(json, ".n", 2, one, &WriteJsonInt64Element).ok());
  const std::vector<int64_t> three = {1, 2, 3};
  EXPECT_EQ(WriteJsonArray(json, ".n", 2, three, &WriteJsonInt64Element).message(),
            ".n: 3 elements, at most 2");
  json.EndArray();
  EXPECT_EQ(out, R"(["a\"\u000a",{},5,[5,6],[5]])");
}

}  // namespace
}  // namespace aquatic::codec
