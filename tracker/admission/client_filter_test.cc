#include "tracker/admission/client_filter.h"

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace aquatic::admission {
namespace {

absl::Span<const uint8_t> Id(absl::string_view text) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

std::shared_ptr<const ClientFilter> MustParse(ClientFilterMode mode, absl::string_view contents) {
  absl::StatusOr<std::shared_ptr<const ClientFilter>> filter =
      ClientFilter::Parse(mode, contents, "filter.txt");
  EXPECT_TRUE(filter.ok()) << filter.status();
  return filter.ok() ? *filter : nullptr;
}

TEST(ClientFilterTest, OffAllowsEveryone) {
  auto filter = MustParse(ClientFilterMode::kOff, "-qB\n");
  EXPECT_TRUE(filter->Check(Id("-qB4650-abcdefghijkl")).allowed);
  EXPECT_TRUE(filter->Check(Id("-XX0000-abcdefghijkl")).allowed);
}

TEST(ClientFilterTest, AllowModeAdmitsOnlyListedPrefixes) {
  auto filter = MustParse(ClientFilterMode::kAllow, "# clients we support\n-qB\n\n  -TR4  \n-lt0D\n");
  EXPECT_EQ(filter->size(), 3u);
  EXPECT_TRUE(filter->Check(Id("-qB4650-abcdefghijkl")).allowed);
  EXPECT_TRUE(filter->Check(Id("-TR4060-abcdefghijkl")).allowed);
  EXPECT_TRUE(filter->Check(Id("-lt0D80-abcdefghijkl")).allowed);
  const ClientFilter::Verdict refused = filter->Check(Id("-TR3000-abcdefghijkl"));
  EXPECT_FALSE(refused.allowed);
  EXPECT_TRUE(refused.rule.empty());
  EXPECT_FALSE(filter->Check(Id("-q")).allowed);  // shorter than every prefix
}

TEST(ClientFilterTest, DenyModeNamesTheLongestMatchingRule) {
  auto filter = MustParse(ClientFilterMode::kDeny, "-XL\n-qB4650-\n-qB\n");
  const ClientFilter::Verdict specific = filter->Check(Id("-qB4650-abcdefghijkl"));
  EXPECT_FALSE(specific.allowed);
  EXPECT_EQ(specific.rule, "-qB4650-");
  const ClientFilter::Verdict general = filter->Check(Id("-qB4400-abcdefghijkl"));
  EXPECT_FALSE(general.allowed);
  EXPECT_EQ(general.rule, "-qB");
  EXPECT_TRUE(filter->Check(Id("-TR4060-abcdefghijkl")).allowed);
  EXPECT_EQ(filter->Prefixes(), (std::vector<std::string>{"-XL", "-qB", "-qB4650-"}));
}

TEST(ClientFilterTest, BinaryPeerIdsMatchByBytes) {
  auto filter = MustParse(ClientFilterMode::kDeny, "M7-\n");
  EXPECT_FALSE(filter->Check(Id(absl::string_view("M7-\0\xff\x01-abcdefghijkl", 20))).allowed);
  EXPECT_TRUE(filter->Check(Id(absl::string_view("\0M7-\xff\x01-abcdefghijkl", 20))).allowed);
}

TEST(ClientFilterTest, PrefixLongerThanAPeerIdIsAnErrorNamingTheLine) {
  absl::StatusOr<std::shared_ptr<const ClientFilter>> filter =
      ClientFilter::Parse(ClientFilterMode::kDeny, "-qB\n-abcdefghijklmnopqrstu\n", "f.txt");
  ASSERT_FALSE(filter.ok());
  EXPECT_NE(filter.status().message().find("f.txt:2"), absl::string_view::npos)
      << filter.status();
}

TEST(ClientFilterTest, HolderReloadsAndKeepsTheOldFilterOnError) {
  const std::string path = ::testing::TempDir() + "/client_filter_reload.txt";
  { std::ofstream(path) << "-qB\n"; }
  absl::StatusOr<std::unique_ptr<ClientFilterHolder>> holder =
      LoadClientFilter(ClientFilterMode::kDeny, path);
  ASSERT_TRUE(holder.ok()) << holder.status();
  CachedSnapshot<ClientFilter> worker(&(*holder)->snapshot());
  EXPECT_FALSE(worker.Current().Check(Id("-qB4650-abcdefghijkl")).allowed);
  EXPECT_TRUE(worker.Current().Check(Id("-TR4060-abcdefghijkl")).allowed);

  { std::ofstream(path) << "-TR\n-lt\n"; }
  absl::StatusOr<size_t> reloaded = (*holder)->Reload();
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();
  EXPECT_EQ(*reloaded, 2u);
  EXPECT_TRUE(worker.Current().Check(Id("-qB4650-abcdefghijkl")).allowed);
  EXPECT_FALSE(worker.Current().Check(Id("-TR4060-abcdefghijkl")).allowed);

  { std::ofstream(path) << "-this-prefix-is-far-too-long\n"; }
  EXPECT_FALSE((*holder)->Reload().ok());
  EXPECT_FALSE(worker.Current().Check(Id("-TR4060-abcdefghijkl")).allowed);  // kept

  std::remove(path.c_str());
  EXPECT_FALSE((*holder)->Reload().ok());
  EXPECT_FALSE(worker.Current().Check(Id("-TR4060-abcdefghijkl")).allowed);
}

TEST(ClientFilterTest, MissingFileAtStartNamesTheKey) {
  absl::StatusOr<std::unique_ptr<ClientFilterHolder>> holder =
      LoadClientFilter(ClientFilterMode::kAllow, "/nonexistent/clients.txt");
  ASSERT_FALSE(holder.ok());
  EXPECT_NE(holder.status().message().find("[client_filter] path"), absl::string_view::npos);
}

}  // namespace
}  // namespace aquatic::admission
