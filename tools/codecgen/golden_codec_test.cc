// Behaviour of the code generated for testdata/golden.proto: each generator
// feature parses and serializes as its schema says.
#include <cstdint>
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

}  // namespace
}  // namespace aquatic::codecgen::golden
