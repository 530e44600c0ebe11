#include "tracker/base/tracker_key.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "gtest/gtest.h"

namespace aquatic {
namespace {

TEST(TrackerKeyTest, ParsesThirtyTwoLettersAndDigits) {
  const std::string text = "YZSl4lMZupRuOpSRC3krIKR5BPB14nrJ";
  std::optional<TrackerKey> key = ParseTrackerKey(text);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->view(), text);
  EXPECT_EQ(key->ToString(), text);
}

TEST(TrackerKeyTest, RefusesOtherLengthsAndCharacters) {
  EXPECT_FALSE(ParseTrackerKey("").has_value());
  EXPECT_FALSE(ParseTrackerKey("YZSl4lMZupRuOpSRC3krIKR5BPB14nr").has_value());    // 31
  EXPECT_FALSE(ParseTrackerKey("YZSl4lMZupRuOpSRC3krIKR5BPB14nrJx").has_value());  // 33
  EXPECT_FALSE(ParseTrackerKey("YZSl4lMZupRuOpSRC3krIKR5BPB14nr-").has_value());
  EXPECT_FALSE(ParseTrackerKey("YZSl4lMZupRuOpSRC3krIKR5BPB14nr/").has_value());
  EXPECT_FALSE(ParseTrackerKey(std::string(31, 'a') + '\0').has_value());
  EXPECT_FALSE(ParseTrackerKey(std::string(31, 'a') + "\xc3").has_value());
}

TEST(TrackerKeyTest, NewKeysAreValidAndDistinct) {
  absl::flat_hash_set<TrackerKey> seen;
  absl::flat_hash_set<char> characters;
  for (int i = 0; i < 1000; ++i) {
    const TrackerKey key = NewTrackerKey();
    ASSERT_TRUE(ParseTrackerKey(key.view()).has_value()) << key.ToString();
    EXPECT_TRUE(seen.insert(key).second);
    for (char c : key.chars) characters.insert(c);
  }
  // 32,000 draws reach every one of the 62 characters.
  EXPECT_EQ(characters.size(), 62u);
}

}  // namespace
}  // namespace aquatic
