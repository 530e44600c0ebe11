#include "loadtest/config/ws_loadtest_config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "loadtest/config/udp_loadtest_config.h"
#include "tracker/base/config/config_comments.h"
#include "tracker/base/config/toml_config.h"

// Defined by the genrule :embedded_ws_loadtest_descriptor_set.
extern const unsigned char kWsLoadTestDescriptorSet[];
extern const size_t kWsLoadTestDescriptorSetSize;

namespace aquatic::loadtest {
namespace {

const config::ConfigComments& Comments() {
  static const config::ConfigComments* const comments =
      new config::ConfigComments(config::ConfigComments::FromDescriptorSet(
          absl::string_view(reinterpret_cast<const char*>(kWsLoadTestDescriptorSet),
                            kWsLoadTestDescriptorSetSize)));
  return *comments;
}

}  // namespace

absl::Status ValidateWsLoadTestConfig(const WsLoadTestConfig& config) {
  if (absl::StatusOr<LoopbackAddress> address = ParseLoopbackAddress(config.server_address());
      !address.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("server_address: ", address.status().message()));
  }
  const WsLoadTestRequestConfig& requests = config.requests();
  if (requests.offers_min() > requests.offers_max()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "[requests] offers_min: ", requests.offers_min(), " is more than offers_max (",
        requests.offers_max(), ")"));
  }
  if (config.network().target().empty() || config.network().target().front() != '/') {
    return absl::InvalidArgumentError("[network] target: must start with '/'");
  }
  return absl::OkStatus();
}

absl::StatusOr<WsLoadTestConfig> ParseWsLoadTestConfig(absl::string_view toml_text,
                                                       absl::string_view source_name) {
  WsLoadTestConfig config;
  if (absl::Status status = config::MergeTomlIntoConfig(toml_text, source_name, &config);
      !status.ok()) {
    return status;
  }
  if (absl::Status status = ValidateWsLoadTestConfig(config); !status.ok()) return status;
  return config;
}

absl::StatusOr<WsLoadTestConfig> LoadWsLoadTestConfigFile(const std::string& path) {
  absl::StatusOr<std::string> contents = config::ReadConfigFile(path);
  if (!contents.ok()) return contents.status();
  absl::StatusOr<WsLoadTestConfig> config = ParseWsLoadTestConfig(*contents, path);
  if (!config.ok()) {
    return absl::Status(config.status().code(),
                        absl::StrCat(path, ": ", config.status().message()));
  }
  return config;
}

std::string PrintWsLoadTestConfig(const WsLoadTestConfig& config) {
  return config::PrintTomlConfig(config, Comments());
}

WorkloadOptions ToWorkloadOptions(const WsLoadTestConfig& config, uint64_t seed) {
  const WsLoadTestRequestConfig& requests = config.requests();
  WorkloadOptions options;
  options.number_of_torrents = requests.number_of_torrents();
  options.number_of_peers = requests.number_of_peers();
  options.torrent_popularity_mean = requests.torrent_popularity_mean_percent() / 100.0;
  options.weight_connect = 0;
  options.weight_announce = 100;
  options.weight_scrape = 0;
  options.peer_seeder_probability = requests.peer_seeder_probability_percent() / 100.0;
  options.scrape_max_torrents = 1;
  options.seed = seed;
  return options;
}

}  // namespace aquatic::loadtest
