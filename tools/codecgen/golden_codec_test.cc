// Behaviour of the code generated for testdata/golden.proto: each generator
// feature parses and serializes as its schema says.
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tools/codecgen/golden.codec.h"

namespace aquatic::codecgen::golden {
namespace {

TEST(GoldenCodecTest, FixedFieldsEnumsAndElements) {
  const std::vector<uint8_t> wire = {0x00, 0x00, 0xC0, 0xDE, 0x07, 'a', 'b', 'c',
                                     0xff, 0xfe, 0x09, 0x00, 0x01, 0x02};
  Shape shape;
  ASSERT_TRUE(Parse(wire, &shape).ok());
  EXPECT_EQ(Shape::kMagic, 0xC0DEu);
  EXPECT_EQ(shape.color, Color::kGreen);
  EXPECT_EQ(shape.tag, (std::array<uint8_t, 3>{'a', 'b', 'c'}));
  ASSERT_EQ(shape.points.size(), 2u);
  EXPECT_EQ(shape.points[0].x, -2);  // 0xfffe as int16
  EXPECT_EQ(shape.points[0].y, 9u);
  EXPECT_EQ(shape.points[1].x, 1);
  std::vector<uint8_t> out(SerializedSize(shape));
  ASSERT_EQ(*Serialize(shape, absl::MakeSpan(out)), wire.size());
  EXPECT_EQ(out, wire);
}

TEST(GoldenCodecTest, UnknownEnumValueReadsAsFirst) {
  Shape shape;
  ASSERT_TRUE(Parse(std::vector<uint8_t>{0, 0, 0xC0, 0xDE, 0x05, 0, 0, 0}, &shape).ok());
  EXPECT_EQ(shape.color, Color::kUnknown);
}

TEST(GoldenCodecTest, LimitsAreEnforced) {
  Shape shape;
  std::vector<uint8_t> too_many = {0, 0, 0xC0, 0xDE, 1, 0, 0, 0};
  too_many.resize(8 + 5 * Point::kSize);
  EXPECT_FALSE(Parse(too_many, &shape).ok());
  EXPECT_FALSE(Parse(std::vector<uint8_t>{0, 0, 0xC0, 0xDF, 1, 0, 0, 0}, &shape).ok());

  Note note;
  note.text = "seventeen bytes!!";
  std::vector<uint8_t> out(64);
  EXPECT_FALSE(Serialize(note, absl::MakeSpan(out)).ok());
  note.text = "sixteen bytes!!!";
  ASSERT_TRUE(Serialize(note, absl::MakeSpan(out)).ok());

  Header header;
  std::vector<uint8_t> with_trailing(12, 0);
  EXPECT_TRUE(Parse(with_trailing, &header).ok());
}

TEST(GoldenCodecTest, TlvOptionsUseTheSchemaTypes) {
  // id 7; nop (0x80), label "ab" (type 9), an unknown type 2 skipped, label
  // "c", end (0xff), then bytes that are never looked at.
  const std::vector<uint8_t> wire = {0x00, 0x07, 0x80, 9, 2, 'a', 'b', 2,    1,
                                     'x',  9,    1,    'c', 0xff, 9, 1, 'z', 0x00};
  Tagged tagged;
  ASSERT_TRUE(Parse(wire, &tagged).ok());
  EXPECT_EQ(tagged.id, 7u);
  EXPECT_EQ(tagged.label.view(), "abc");
  // A truncated option is dropped, the data before it stays.
  ASSERT_TRUE(Parse(std::vector<uint8_t>{0, 1, 9, 1, 'a', 9, 3, 'b'}, &tagged).ok());
  EXPECT_EQ(tagged.label.view(), "a");

  // Serialize: options of type 9 of at most 255 bytes, nothing else.
  tagged.label.assign(std::string(300, 'q'));
  std::vector<uint8_t> out(SerializedSize(tagged));
  ASSERT_EQ(out.size(), 2u + 2 + 255 + 2 + 45);
  EXPECT_EQ(out.size(), Tagged::kMaxSize);
  ASSERT_EQ(*Serialize(tagged, absl::MakeSpan(out)), out.size());
  EXPECT_EQ(out[2], 9);
  EXPECT_EQ(out[3], 255);
  EXPECT_EQ(out[2 + 2 + 255], 9);
  EXPECT_EQ(out[2 + 2 + 255 + 1], 45);
  Tagged back;
  ASSERT_TRUE(Parse(out, &back).ok());
  EXPECT_EQ(back, tagged);

  // More data than max_count is an error.
  out.push_back(9);
  out.push_back(1);
  out.push_back('r');
  EXPECT_EQ(Parse(out, &back).message(), "Tagged.label: 301 bytes, at most 300");
}

}  // namespace
}  // namespace aquatic::codecgen::golden
