#include "tracker/base/access_list.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace aquatic {
namespace {

InfoHash Hash(uint8_t byte) {
  InfoHash hash;
  hash.fill(byte);
  return hash;
}

const char kTwoHashes[] =
    "# allowed torrents\n"
    "0101010101010101010101010101010101010101\n"
    "\n"
    "  ABABABABABABABABABABABABABABABABABABABAB  \r\n";

TEST(AccessListTest, AllowDenyOff) {
  auto allow = AccessList::Parse(AccessListMode::kAllow, kTwoHashes, "list");
  ASSERT_TRUE(allow.ok()) << allow.status();
  EXPECT_EQ((*allow)->size(), 2u);
  EXPECT_TRUE((*allow)->Allows(Hash(0x01)));
  EXPECT_TRUE((*allow)->Allows(Hash(0xab)));
  EXPECT_FALSE((*allow)->Allows(Hash(0x02)));
  auto deny = AccessList::Parse(AccessListMode::kDeny, kTwoHashes, "list");
  ASSERT_TRUE(deny.ok());
  EXPECT_FALSE((*deny)->Allows(Hash(0x01)));
  EXPECT_TRUE((*deny)->Allows(Hash(0x02)));
  auto off = AccessList::Parse(AccessListMode::kOff, "garbage", "list");
  ASSERT_TRUE(off.ok());
  EXPECT_TRUE((*off)->Allows(Hash(0x01)));
}

TEST(AccessListTest, BadLinesNameFileAndLine) {
  auto bad = AccessList::Parse(AccessListMode::kAllow, "0101010101010101010101010101010101010101\nxyz\n",
                               "hashes.txt");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "hashes.txt:2: not an info hash of 40 hex digits: 'xyz'");
  EXPECT_FALSE(AccessList::Load(AccessListMode::kAllow, "/nonexistent/list").ok());
}

TEST(AccessListTest, ReloadSwapsAndKeepsTheOldListOnError) {
  const std::string path = std::string(testing::TempDir()) + "/access_list_test.txt";
  std::ofstream(path) << "0101010101010101010101010101010101010101\n";
  auto initial = AccessList::Load(AccessListMode::kAllow, path);
  ASSERT_TRUE(initial.ok());
  AccessListHolder holder(AccessListMode::kAllow, path, *initial);
  std::shared_ptr<const AccessList> snapshot = holder.Get();
  EXPECT_TRUE(snapshot->Allows(Hash(0x01)));

  std::ofstream(path) << "0202020202020202020202020202020202020202\n"
                          "0303030303030303030303030303030303030303\n";
  absl::StatusOr<AccessListHolder::Change> change = holder.Reload();
  ASSERT_TRUE(change.ok());
  // What the reload's log line says: 2 hashes, 2 added, 1 removed.
  EXPECT_EQ(change->size, 2u);
  EXPECT_EQ(change->added, 2u);
  EXPECT_EQ(change->removed, 1u);
  EXPECT_TRUE(holder.Get()->Allows(Hash(0x02)));
  EXPECT_FALSE(holder.Get()->Allows(Hash(0x01)));
  // A worker's old snapshot stays usable.
  EXPECT_TRUE(snapshot->Allows(Hash(0x01)));

  std::ofstream(path) << "not a hash\n";
  EXPECT_FALSE(holder.Reload().ok());
  EXPECT_TRUE(holder.Get()->Allows(Hash(0x02)));  // old list kept
  std::remove(path.c_str());
}

TEST(AccessListTest, ApiEntriesMergeWithTheFileAndSurviveReloads) {
  const std::string path = std::string(testing::TempDir()) + "/access_list_api_test.txt";
  std::ofstream(path) << "0101010101010101010101010101010101010101\n";
  auto initial = AccessList::Load(AccessListMode::kAllow, path);
  ASSERT_TRUE(initial.ok());
  AccessListHolder holder(AccessListMode::kAllow, path, *initial);
  std::vector<std::pair<uint8_t, bool>> persisted;
  auto persist_for = [&persisted](uint8_t byte) {
    return [&persisted, byte](bool listed) { persisted.emplace_back(byte, listed); };
  };

  // From the storage at start.
  AccessListHolder::Change change = holder.SetApiEntries({Hash(0x05)});
  EXPECT_EQ(change.size, 2u);
  EXPECT_TRUE(holder.Get()->Allows(Hash(0x05)));
  const uint64_t generation = holder.snapshot().generation();

  using Edit = AccessListHolder::Edit;
  EXPECT_EQ(holder.AddApiEntry(Hash(0x02), persist_for(0x02)), Edit::kAdded);
  EXPECT_GT(holder.snapshot().generation(), generation);  // workers pick it up
  EXPECT_TRUE(holder.Get()->Allows(Hash(0x02)));
  EXPECT_EQ(holder.AddApiEntry(Hash(0x02), persist_for(0x02)), Edit::kUnchanged);
  EXPECT_EQ(holder.api_entry_count(), 2u);

  // A reload of the file keeps the API's entries.
  std::ofstream(path) << "0303030303030303030303030303030303030303\n";
  ASSERT_TRUE(holder.Reload().ok());
  EXPECT_TRUE(holder.Get()->Allows(Hash(0x02)));
  EXPECT_TRUE(holder.Get()->Allows(Hash(0x03)));
  EXPECT_FALSE(holder.Get()->Allows(Hash(0x01)));

  EXPECT_EQ(holder.RemoveApiEntry(Hash(0x02), persist_for(0x02)), Edit::kRemoved);
  EXPECT_FALSE(holder.Get()->Allows(Hash(0x02)));
  EXPECT_EQ(holder.RemoveApiEntry(Hash(0x02), persist_for(0x02)), Edit::kUnchanged);
  // The file's entries are the file's.
  EXPECT_EQ(holder.RemoveApiEntry(Hash(0x03), persist_for(0x03)), Edit::kInFile);
  EXPECT_TRUE(holder.Get()->Allows(Hash(0x03)));
  // An API entry the file lists too: removed from the API's (and persisted),
  // still served through the file.
  EXPECT_EQ(holder.AddApiEntry(Hash(0x03), persist_for(0x03)), Edit::kAdded);
  EXPECT_EQ(holder.RemoveApiEntry(Hash(0x03), persist_for(0x03)), Edit::kInFile);
  EXPECT_TRUE(holder.Get()->Allows(Hash(0x03)));

  const std::vector<std::pair<uint8_t, bool>> expected = {
      {0x02, true}, {0x02, false}, {0x03, true}, {0x03, false}};
  EXPECT_EQ(persisted, expected);
  std::remove(path.c_str());
}

// A list deployed by swapping a symlink (as certbot does for certificates)
// is read anew through the link at each reload.
TEST(AccessListTest, ReloadFollowsTheLinkAsItIsThen) {
  const std::string dir = std::string(testing::TempDir()) + "/access_list_link";
  mkdir(dir.c_str(), 0755);
  std::ofstream(dir + "/one.txt") << "0101010101010101010101010101010101010101\n";
  std::ofstream(dir + "/two.txt") << "0202020202020202020202020202020202020202\n";
  const std::string link = dir + "/current.txt";
  std::remove(link.c_str());
  ASSERT_EQ(symlink("one.txt", link.c_str()), 0);
  auto initial = AccessList::Load(AccessListMode::kAllow, link);
  ASSERT_TRUE(initial.ok());
  AccessListHolder holder(AccessListMode::kAllow, link, *initial);
  std::remove(link.c_str());
  ASSERT_EQ(symlink("two.txt", link.c_str()), 0);
  ASSERT_TRUE(holder.Reload().ok());
  EXPECT_TRUE(holder.Get()->Allows(Hash(0x02)));
  EXPECT_FALSE(holder.Get()->Allows(Hash(0x01)));
}

}  // namespace
}  // namespace aquatic
