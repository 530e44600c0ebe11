#include "loadtest/config/udp_loadtest_config.h"

#include <string>
#include <vector>

#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace aquatic::loadtest {
namespace {

using google::protobuf::util::MessageDifferencer;

TEST(UdpLoadTestConfigTest, DefaultsPrintWithCommentsAndParseBack) {
  const UdpLoadTestConfig defaults;
  const std::string text = PrintUdpLoadTestConfig(defaults);
  EXPECT_NE(text.find("server_address = \"127.0.0.1:3000\""), std::string::npos) << text;
  EXPECT_NE(text.find("[network]"), std::string::npos);
  EXPECT_NE(text.find("[requests]"), std::string::npos);
  EXPECT_NE(text.find("weight_announce = 100"), std::string::npos);
  EXPECT_NE(text.find("peer_seeder_probability_percent = 75"), std::string::npos);
  EXPECT_NE(text.find("mode = \"load\""), std::string::npos);
  EXPECT_NE(text.find("# One of: \"load\", \"fill\"."), std::string::npos);
  EXPECT_NE(text.find("private_keys = false"), std::string::npos);
  EXPECT_NE(text.find("key_file = \"\""), std::string::npos);
  // Every key line has a comment line above it.
  const std::vector<std::string> lines = absl::StrSplit(text, '\n');
  int keys = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.empty() || line[0] == '#' || line[0] == '[') continue;
    ++keys;
    ASSERT_GT(i, 0u);
    EXPECT_EQ(lines[i - 1].substr(0, 1), "#") << "no comment above: " << line;
  }
  EXPECT_GE(keys, 20);

  absl::StatusOr<UdpLoadTestConfig> parsed = ParseUdpLoadTestConfig(text, "defaults.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(MessageDifferencer::Equivalent(*parsed, defaults));
}

TEST(UdpLoadTestConfigTest, ChangedValuesRoundTrip) {
  absl::StatusOr<UdpLoadTestConfig> parsed = ParseUdpLoadTestConfig(
      "server_address = \"[::1]:6969\"\nworkers = 2\nduration = 5\nmode = \"fill\"\n"
      "[network]\nsockets_per_worker = 8\n"
      "[requests]\nseed = 42\nweight_scrape = 0\ninfo_hash_file = \"/tmp/x\"\n"
      "private_keys = true\nkey_file = \"/tmp/keys\"\n",
      "test.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->workers(), 2u);
  EXPECT_EQ(parsed->mode(), LOAD_TEST_MODE_FILL);
  EXPECT_EQ(parsed->network().sockets_per_worker(), 8u);
  EXPECT_EQ(parsed->requests().seed(), 42u);
  EXPECT_TRUE(parsed->requests().private_keys());
  EXPECT_EQ(parsed->requests().key_file(), "/tmp/keys");
  EXPECT_EQ(parsed->requests().number_of_torrents(), 10000u);  // default kept

  absl::StatusOr<UdpLoadTestConfig> again =
      ParseUdpLoadTestConfig(PrintUdpLoadTestConfig(*parsed), "printed.toml");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(MessageDifferencer::Equivalent(*again, *parsed));
}

TEST(UdpLoadTestConfigTest, ErrorsNameTheKey) {
  auto error = [](const std::string& text) {
    absl::StatusOr<UdpLoadTestConfig> parsed = ParseUdpLoadTestConfig(text, "bad.toml");
    EXPECT_FALSE(parsed.ok()) << text;
    return std::string(parsed.status().message());
  };
  EXPECT_NE(error("duration = 0\n").find("duration"), std::string::npos);
  EXPECT_NE(error("[requests]\nbogus = 1\n").find("bogus"), std::string::npos);
  EXPECT_NE(error("[requests]\npeer_seeder_probability_percent = 101\n")
                .find("peer_seeder_probability_percent"),
            std::string::npos);
  EXPECT_NE(
      error("[requests]\nweight_announce = 0\nweight_scrape = 0\n").find("weight_announce"),
      std::string::npos);
}

TEST(UdpLoadTestConfigTest, OnlyLoopbackTargets) {
  absl::StatusOr<UdpLoadTestConfig> remote =
      ParseUdpLoadTestConfig("server_address = \"192.0.2.1:3000\"\n", "remote.toml");
  ASSERT_FALSE(remote.ok());
  EXPECT_NE(remote.status().message().find("server_address"), absl::string_view::npos);
  EXPECT_NE(remote.status().message().find("loopback"), absl::string_view::npos);
}

TEST(UdpLoadTestConfigTest, WorkloadOptionsFromConfig) {
  UdpLoadTestConfig config;
  const WorkloadOptions options = ToWorkloadOptions(config, 7);
  EXPECT_EQ(options.seed, 7u);
  EXPECT_EQ(options.number_of_torrents, 10000u);
  EXPECT_DOUBLE_EQ(options.peer_seeder_probability, 0.75);
  EXPECT_DOUBLE_EQ(options.torrent_popularity_mean, 0.1);
  EXPECT_TRUE(Workload::Create(options).ok());
}

}  // namespace
}  // namespace aquatic::loadtest
