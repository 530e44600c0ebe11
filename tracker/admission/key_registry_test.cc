#include "tracker/admission/key_registry.h"

#include <vector>

#include "gtest/gtest.h"

namespace aquatic::admission {
namespace {

TrackerKey Key(absl::string_view text) { return *ParseTrackerKey(text); }

struct Persisted {
  std::string key;
  uint64_t valid_until;
  bool present;
};

TEST(KeyRegistryTest, PutRevokeAndExpiry) {
  std::vector<Persisted> persisted;
  KeyRegistry registry([&](const KeyValidity& key, bool present) {
    persisted.push_back({key.key.ToString(), key.valid_until, present});
  });
  CachedSnapshot<KeySet> worker(&registry.snapshot());
  const TrackerKey imported = Key("YZSl4lMZupRuOpSRC3krIKR5BPB14nrJ");
  EXPECT_EQ(worker.Current().Check(imported, 100), KeyStatus::kUnknown);

  registry.Put(imported, 200);
  EXPECT_EQ(worker.Current().Check(imported, 100), KeyStatus::kValid);
  EXPECT_EQ(worker.Current().Check(imported, 200), KeyStatus::kValid);
  EXPECT_EQ(worker.Current().Check(imported, 201), KeyStatus::kExpired);

  const KeyValidity made = registry.Put(std::nullopt, 0);
  EXPECT_NE(made.key, imported);
  EXPECT_EQ(worker.Current().Check(made.key, ~uint64_t{0}), KeyStatus::kValid);  // never expires

  EXPECT_TRUE(registry.Revoke(imported));
  EXPECT_EQ(worker.Current().Check(imported, 100), KeyStatus::kUnknown);
  EXPECT_FALSE(registry.Revoke(imported));
  EXPECT_EQ(worker.Current().Check(made.key, 100), KeyStatus::kValid);

  ASSERT_EQ(persisted.size(), 3u);
  EXPECT_EQ(persisted[0].key, imported.ToString());
  EXPECT_EQ(persisted[0].valid_until, 200u);
  EXPECT_TRUE(persisted[0].present);
  EXPECT_EQ(persisted[1].key, made.key.ToString());
  EXPECT_FALSE(persisted[2].present);
  EXPECT_EQ(persisted[2].key, imported.ToString());
}

TEST(KeyRegistryTest, SetAllReplacesWithoutPersisting) {
  int persisted = 0;
  KeyRegistry registry([&](const KeyValidity&, bool) { ++persisted; });
  registry.Put(Key("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), 0);
  registry.SetAll({{Key("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"), 0},
                   {Key("cccccccccccccccccccccccccccccccc"), 5}});
  EXPECT_EQ(persisted, 1);
  EXPECT_EQ(registry.Get()->size(), 2u);
  EXPECT_EQ(registry.Get()->Check(Key("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), 0),
            KeyStatus::kUnknown);
  EXPECT_EQ(registry.Get()->Find(Key("cccccccccccccccccccccccccccccccc")), 5u);
}

TEST(KeyRegistryTest, ASnapshotHeldByAWorkerStaysValidAcrossEdits) {
  KeyRegistry registry(nullptr);
  const TrackerKey key = Key("YZSl4lMZupRuOpSRC3krIKR5BPB14nrJ");
  registry.Put(key, 0);
  std::shared_ptr<const KeySet> held = registry.Get();
  registry.Revoke(key);
  EXPECT_EQ(held->Check(key, 0), KeyStatus::kValid);
  EXPECT_EQ(registry.Get()->Check(key, 0), KeyStatus::kUnknown);
}

}  // namespace
}  // namespace aquatic::admission
