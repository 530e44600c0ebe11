#include "loadtest/peer_keys.h"

#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "codec/udp/udp.codec.h"
#include "gtest/gtest.h"
#include "tracker/admission/admission.h"
#include "tracker/admission/key_path.h"
#include "tracker/base/tracker_key.h"

namespace aquatic::loadtest {
namespace {

std::string Key(uint64_t peer) {
  const PeerKey key = DerivePeerKey(peer);
  return std::string(key.data(), key.size());
}

bool IsTrackerKey(absl::string_view key) {
  if (key.size() != 32) return false;
  for (char c : key) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

TEST(PeerKeyTest, ThirtyTwoLettersAndDigits) {
  for (uint64_t peer : {uint64_t{0}, uint64_t{1}, uint64_t{99999}, uint64_t{1} << 32,
                        ~uint64_t{0}}) {
    EXPECT_TRUE(IsTrackerKey(Key(peer))) << peer << ": " << Key(peer);
  }
}

// The keys are written into a tracker's storage before a run and sent by a
// later build of the load tester: they must never change.
TEST(PeerKeyTest, Stable) {
  EXPECT_EQ(Key(0), "RmPYdlKf2Q8al9MADifIIHKCFJtlFs1e");
  EXPECT_EQ(Key(1), "bE7sVNdN5q8rnCLJMDhd4IqBc8pxa2yo");
  EXPECT_EQ(Key(99999), "jvrcW3VVl9Iugwh2Gd5OHLoMPZYbEe05");
  EXPECT_EQ(Key(12345), Key(12345));
}

TEST(PeerKeyTest, DistinctAndSpreadOverTheAlphabet) {
  constexpr size_t kPeers = 200000;
  absl::flat_hash_set<std::string> keys;
  absl::flat_hash_set<char> chars;
  for (size_t peer = 0; peer < kPeers; ++peer) {
    const std::string key = Key(peer);
    ASSERT_TRUE(IsTrackerKey(key)) << peer << ": " << key;
    EXPECT_TRUE(keys.insert(key).second) << "peer " << peer << " repeats " << key;
    if (peer < 1000) chars.insert(key.begin(), key.end());
  }
  EXPECT_EQ(chars.size(), 62u);
}

TEST(PeerKeysTest, UrlDataIsAnnouncePathWithTheKey) {
  const PeerKeys keys(1000);
  ASSERT_EQ(keys.size(), 1000u);
  for (size_t peer : {size_t{0}, size_t{1}, size_t{999}}) {
    EXPECT_EQ(keys.url_data(peer), absl::StrCat("/announce/", Key(peer)));
    EXPECT_EQ(keys.key(peer), Key(peer));
  }
  EXPECT_EQ(keys.url_data(0).size(), PeerKeys::kUrlDataLength);
}

// What the load tester sends (a UDP announce with the URL data of its peer)
// is what aquatic's private mode admits: the codec carries the URL data, the
// key sits where SplitKeyedPath looks, and the registry knows it once the key
// file's lines are loaded.
TEST(PeerKeysTest, AnnouncesPassAquaticsKeyCheck) {
  constexpr size_t kPeers = 100;
  const PeerKeys keys(kPeers + 1);
  std::vector<admission::KeyValidity> known;
  for (size_t peer = 0; peer < kPeers; ++peer) {
    const std::optional<TrackerKey> key = ParseTrackerKey(keys.key(peer));
    ASSERT_TRUE(key.has_value()) << keys.key(peer);
    known.push_back({*key, 0});
  }
  admission::Admission admission(/*keys_required=*/true, nullptr, nullptr, nullptr);
  admission.keys().SetAll(known);
  admission::AdmissionCheck check(&admission, admission::Transport::kUdp);

  auto verdict = [&](size_t peer) {
    codec::udp::AnnounceRequest announce;
    announce.peer_id.fill('p');
    EXPECT_TRUE(announce.url_data.assign(keys.url_data(peer)));
    std::vector<uint8_t> wire(codec::udp::AnnounceRequest::kMaxSize);
    const absl::StatusOr<size_t> size = codec::udp::Serialize(announce, absl::MakeSpan(wire));
    EXPECT_TRUE(size.ok()) << size.status();
    wire.resize(size.ok() ? *size : 0);
    codec::udp::AnnounceRequest parsed;
    EXPECT_TRUE(codec::udp::Parse(wire, &parsed).ok());
    TrackerKey admitted;
    const admission::Verdict result =
        check.CheckAnnounce(admission::SplitKeyedPath(parsed.url_data.view()).key,
                            parsed.peer_id, /*unix_now=*/1700000000, &admitted);
    if (result.admitted()) {
      EXPECT_EQ(admitted.view(), keys.key(peer));
    }
    return result.refusal;
  };
  for (size_t peer = 0; peer < kPeers; ++peer) {
    EXPECT_EQ(verdict(peer), admission::Refusal::kNone) << peer;
  }
  EXPECT_EQ(verdict(kPeers), admission::Refusal::kKeyUnknown);
}

TEST(PeerKeysTest, WritesOneKeyALine) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/keys.txt");
  const PeerKeys keys(3);
  ASSERT_TRUE(keys.WriteKeyFile(path).ok());
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_EQ(text.str(), absl::StrCat(Key(0), "\n", Key(1), "\n", Key(2), "\n"));
  std::remove(path.c_str());

  EXPECT_FALSE(keys.WriteKeyFile("/nonexistent-dir/keys.txt").ok());
}

}  // namespace
}  // namespace aquatic::loadtest
