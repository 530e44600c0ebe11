#include "loadtest/config/ws_loadtest_config.h"

#include <string>
#include <vector>

#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace aquatic::loadtest {
namespace {

using google::protobuf::util::MessageDifferencer;

TEST(WsLoadTestConfigTest, DefaultsPrintWithCommentsAndParseBack) {
  const WsLoadTestConfig defaults;
  const std::string text = PrintWsLoadTestConfig(defaults);
  EXPECT_NE(text.find("server_address = \"127.0.0.1:3000\""), std::string::npos) << text;
  EXPECT_NE(text.find("connections_per_worker = 100"), std::string::npos);
  EXPECT_NE(text.find("offers_min = 2"), std::string::npos);
  EXPECT_NE(text.find("offers_max = 5"), std::string::npos);
  EXPECT_NE(text.find("answer_probability_percent = 50"), std::string::npos);
  const std::vector<std::string> lines = absl::StrSplit(text, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.empty() || line[0] == '#' || line[0] == '[') continue;
    ASSERT_GT(i, 0u);
    EXPECT_EQ(lines[i - 1].substr(0, 1), "#") << "no comment above: " << line;
  }
  absl::StatusOr<WsLoadTestConfig> parsed = ParseWsLoadTestConfig(text, "defaults.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(MessageDifferencer::Equivalent(*parsed, defaults));
}

TEST(WsLoadTestConfigTest, ChangedValuesAndWorkload) {
  absl::StatusOr<WsLoadTestConfig> parsed = ParseWsLoadTestConfig(
      "server_address = \"[::1]:6969\"\nworkers = 2\n"
      "[network]\nconnections_per_worker = 7\n"
      "[requests]\nseed = 42\nnumber_of_torrents = 10\noffers_min = 3\noffers_max = 3\n",
      "test.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->workers(), 2u);
  EXPECT_EQ(parsed->network().connections_per_worker(), 7u);
  const WorkloadOptions options = ToWorkloadOptions(*parsed, 9);
  EXPECT_EQ(options.number_of_torrents, 10u);
  EXPECT_EQ(options.seed, 9u);
  EXPECT_EQ(options.weight_scrape, 0u);
  EXPECT_TRUE(Workload::Create(options).ok());
}

TEST(WsLoadTestConfigTest, RefusesNonLoopbackAndBadOfferRange) {
  absl::StatusOr<WsLoadTestConfig> remote =
      ParseWsLoadTestConfig("server_address = \"192.0.2.1:3000\"\n", "t.toml");
  ASSERT_FALSE(remote.ok());
  EXPECT_NE(remote.status().message().find("loopback"), absl::string_view::npos);
  absl::StatusOr<WsLoadTestConfig> range =
      ParseWsLoadTestConfig("[requests]\noffers_min = 4\noffers_max = 3\n", "t.toml");
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.status().message().find("offers_min"), absl::string_view::npos);
  absl::StatusOr<WsLoadTestConfig> target =
      ParseWsLoadTestConfig("[network]\ntarget = \"announce\"\n", "t.toml");
  EXPECT_FALSE(target.ok());
}

}  // namespace
}  // namespace aquatic::loadtest
