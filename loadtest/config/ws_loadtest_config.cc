#include "loadtest/config/ws_loadtest_config.h"

#include "absl/strings/str_cat.h"
#include "loadtest/config/loadtest_config_io.h"
#include "loadtest/config/loopback_address.h"

// Defined by the genrule :embedded_ws_loadtest_descriptor_set.
extern const unsigned char kWsLoadTestDescriptorSet[];
extern const size_t kWsLoadTestDescriptorSetSize;

namespace aquatic::loadtest {

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
  absl::Status status = ParseLoadTestConfigInto(toml_text, source_name, &config, [&config] {
    return ValidateWsLoadTestConfig(config);
  });
  if (!status.ok()) return status;
  return config;
}

std::string PrintWsLoadTestConfig(const WsLoadTestConfig& config) {
  return PrintLoadTestConfigWithComments(
      config, absl::string_view(reinterpret_cast<const char*>(kWsLoadTestDescriptorSet),
                                kWsLoadTestDescriptorSetSize));
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
