#include "loadtest/config/http_loadtest_config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "loadtest/config/udp_loadtest_config.h"
#include "tracker/base/config/config_comments.h"
#include "tracker/base/config/toml_config.h"

// Defined by the genrule :embedded_http_loadtest_descriptor_set.
extern const unsigned char kHttpLoadTestDescriptorSet[];
extern const size_t kHttpLoadTestDescriptorSetSize;

namespace aquatic::loadtest {
namespace {

const config::ConfigComments& Comments() {
  static const config::ConfigComments* const comments =
      new config::ConfigComments(config::ConfigComments::FromDescriptorSet(
          absl::string_view(reinterpret_cast<const char*>(kHttpLoadTestDescriptorSet),
                            kHttpLoadTestDescriptorSetSize)));
  return *comments;
}

}  // namespace

absl::Status ValidateHttpLoadTestConfig(const HttpLoadTestConfig& config) {
  if (absl::StatusOr<LoopbackAddress> address = ParseLoopbackAddress(config.server_address());
      !address.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("server_address: ", address.status().message()));
  }
  const HttpLoadTestRequestConfig& requests = config.requests();
  if (uint64_t{requests.weight_announce()} + requests.weight_scrape() == 0) {
    return absl::InvalidArgumentError(
        "[requests] weight_announce, weight_scrape: both are 0, so nothing would be sent");
  }
  return absl::OkStatus();
}

absl::StatusOr<HttpLoadTestConfig> ParseHttpLoadTestConfig(absl::string_view toml_text,
                                                           absl::string_view source_name) {
  HttpLoadTestConfig config;
  if (absl::Status status = config::MergeTomlIntoConfig(toml_text, source_name, &config);
      !status.ok()) {
    return status;
  }
  if (absl::Status status = ValidateHttpLoadTestConfig(config); !status.ok()) return status;
  return config;
}

absl::StatusOr<HttpLoadTestConfig> LoadHttpLoadTestConfigFile(const std::string& path) {
  absl::StatusOr<std::string> contents = config::ReadConfigFile(path);
  if (!contents.ok()) return contents.status();
  absl::StatusOr<HttpLoadTestConfig> config = ParseHttpLoadTestConfig(*contents, path);
  if (!config.ok()) {
    return absl::Status(config.status().code(),
                        absl::StrCat(path, ": ", config.status().message()));
  }
  return config;
}

std::string PrintHttpLoadTestConfig(const HttpLoadTestConfig& config) {
  return config::PrintTomlConfig(config, Comments());
}

WorkloadOptions ToWorkloadOptions(const HttpLoadTestConfig& config, uint64_t seed) {
  const HttpLoadTestRequestConfig& requests = config.requests();
  WorkloadOptions options;
  options.number_of_torrents = requests.number_of_torrents();
  options.number_of_peers = requests.number_of_peers();
  options.torrent_popularity_mean = requests.torrent_popularity_mean_percent() / 100.0;
  options.weight_connect = 0;
  options.weight_announce = requests.weight_announce();
  options.weight_scrape = requests.weight_scrape();
  options.peer_seeder_probability = requests.peer_seeder_probability_percent() / 100.0;
  options.scrape_max_torrents = requests.scrape_max_torrents();
  options.seed = seed;
  return options;
}

}  // namespace aquatic::loadtest
