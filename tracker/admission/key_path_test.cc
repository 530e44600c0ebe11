#include "tracker/admission/key_path.h"

#include "gtest/gtest.h"

namespace aquatic::admission {
namespace {

constexpr absl::string_view kKey = "YZSl4lMZupRuOpSRC3krIKR5BPB14nrJ";

void ExpectSplit(absl::string_view path, absl::string_view route, absl::string_view key) {
  const KeyedPath split = SplitKeyedPath(path);
  EXPECT_EQ(split.route, route) << path;
  EXPECT_EQ(split.key, key) << path;
}

TEST(KeyPathTest, EveryShapeAClientSends) {
  ExpectSplit("/announce", "/announce", "");
  ExpectSplit("/announce?info_hash=x", "/announce", "");
  ExpectSplit("/scrape", "/scrape", "");
  ExpectSplit("/announce/YZSl4lMZupRuOpSRC3krIKR5BPB14nrJ", "/announce", kKey);
  ExpectSplit("/announce/YZSl4lMZupRuOpSRC3krIKR5BPB14nrJ?info_hash=x", "/announce", kKey);
  ExpectSplit("/YZSl4lMZupRuOpSRC3krIKR5BPB14nrJ/announce?info_hash=x", "/announce", kKey);
  ExpectSplit("/scrape/YZSl4lMZupRuOpSRC3krIKR5BPB14nrJ", "/scrape", kKey);
  ExpectSplit("/YZSl4lMZupRuOpSRC3krIKR5BPB14nrJ/scrape", "/scrape", kKey);
  ExpectSplit("/YZSl4lMZupRuOpSRC3krIKR5BPB14nrJ", "/", kKey);
  ExpectSplit("/YZSl4lMZupRuOpSRC3krIKR5BPB14nrJ/", "/", kKey);
  ExpectSplit("/", "/", "");
  ExpectSplit("/announce/", "/announce", "");
}

TEST(KeyPathTest, OtherShapesHaveNoRoute) {
  ExpectSplit("", "", "");
  ExpectSplit("announce", "", "");
  ExpectSplit("/a/b", "", "");
  ExpectSplit("/announce/a/b", "", "");
  ExpectSplit("//announce", "", "");
  ExpectSplit("/announce//", "", "");
  ExpectSplit("/key/other", "", "");
}

}  // namespace
}  // namespace aquatic::admission
