// Behaviour of the code generated for testdata/golden_json.proto: each
// WIRE_JSON generator feature parses and serializes as its schema says.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tools/codecgen/golden_json.codec.h"

namespace aquatic::codecgen::golden_json {
namespace {

constexpr char kFull[] =
    R"({"kind":"envelope","from":"ab\u00ffd","the note":"hi","size":-3,"mood":"grumpy",)"
    R"("main":{"id":"mmmm","blob":[1,{"x":null}]},"items":[{"id":"i1i1"},{"id":"i2i2","blob":7}],)"
    R"("tags":"t","scores":[1,2],"counts":{"c1":{"n":5},"c2":{"n":6}}})";

TEST(GoldenJsonCodecTest, EveryKindParsesAndSerializes) {
  Envelope envelope;
  ASSERT_TRUE(Parse(kFull, &envelope).ok()) << Parse(kFull, &envelope);
  EXPECT_EQ(Envelope::kKind, "envelope");
  EXPECT_EQ(envelope.from, (std::array<uint8_t, 4>{'a', 'b', 0xff, 'd'}));
  EXPECT_EQ(envelope.note, "hi");
  EXPECT_EQ(envelope.size, -3);
  EXPECT_EQ(envelope.mood, Mood::kGrumpy);
  ASSERT_TRUE(envelope.main.has_value());
  EXPECT_EQ(envelope.main->blob, R"([1,{"x":null}])");
  ASSERT_EQ(envelope.items->size(), 2u);
  EXPECT_FALSE((*envelope.items)[0].blob.has_value());
  EXPECT_EQ((*envelope.items)[1].blob, "7");
  EXPECT_EQ(envelope.tags, (std::vector<std::array<uint8_t, 1>>{{'t'}}));
  EXPECT_EQ(envelope.scores, (std::vector<int64_t>{1, 2}));
  ASSERT_EQ(envelope.counts->size(), 2u);
  EXPECT_EQ((*envelope.counts)[1].id, (std::array<uint8_t, 2>{'c', '2'}));
  EXPECT_EQ((*envelope.counts)[1].n, 6);

  std::string out;
  ASSERT_TRUE(Serialize(envelope, &out).ok());
  EXPECT_EQ(out,
            "{\"kind\":\"envelope\",\"from\":\"ab\xc3\xbf" "d\",\"the note\":\"hi\",\"size\":-3,"
            R"("mood":"grumpy","main":{"id":"mmmm","blob":[1,{"x":null}]},"items":[{"id":"i1i1"},)"
            R"({"id":"i2i2","blob":7}],"tags":"t","scores":[1,2],"counts":{"c1":{"n":5},)"
            R"("c2":{"n":6}}})");
}

TEST(GoldenJsonCodecTest, RequiredAndLimits) {
  Envelope envelope;
  EXPECT_EQ(Parse(R"({"kind":"envelope","from":"abcd"})", &envelope).message(),
            "Envelope.scores: missing");
  EXPECT_EQ(Parse(R"({"kind":"other","from":"abcd","scores":[]})", &envelope).message(),
            "Envelope.kind: expected \"envelope\"");
  EXPECT_TRUE(Parse(R"({"from":"abcd","scores":[],"kind":"envelope"})", &envelope).ok());
  EXPECT_EQ(Parse(R"({"kind":"envelope","from":"abcd","scores":[],"the note":"123456789"})",
                  &envelope)
                .message(),
            "Envelope.note: 9 bytes, at most 8");
  EXPECT_EQ(Parse(R"({"kind":"envelope","from":"abcd","scores":[],"items":[{}]})", &envelope)
                .message(),
            "Envelope.items[0].id: missing");
  EXPECT_EQ(Parse(R"({"kind":"envelope","from":"abcd","scores":[],"main":{"id":"abcd",)"
                  R"("blob":")" + std::string(63, 'x') + R"("}})",
                  &envelope)
                .message(),
            "Envelope.main.blob: 65 bytes, at most 64");
  EXPECT_EQ(Parse(R"({"kind":"envelope","from":"abcd","scores":[1,2,3,4,5]})", &envelope)
                .message(),
            "Envelope.scores: more than 4 elements");
  EXPECT_EQ(Parse(R"({"kind":"envelope","from":"abcd","scores":[],"mood":"meh"})", &envelope)
                .ok(),
            true);
  EXPECT_EQ(envelope.mood, Mood::kUnknown);
}

}  // namespace
}  // namespace aquatic::codecgen::golden_json
