#include "tracker/base/access_list.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

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
