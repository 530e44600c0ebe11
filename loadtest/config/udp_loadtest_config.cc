#include "loadtest/config/udp_loadtest_config.h"

#include "absl/strings/str_cat.h"
#include "loadtest/config/loadtest_config_io.h"
#include "loadtest/config/loopback_address.h"

// Defined by the genrule :embedded_udp_loadtest_descriptor_set.
extern const unsigned char kUdpLoadTestDescriptorSet[];
extern const size_t kUdpLoadTestDescriptorSetSize;

namespace aquatic::loadtest {

absl::Status ValidateUdpLoadTestConfig(const UdpLoadTestConfig& config) {
  if (absl::StatusOr<LoopbackAddress> address = ParseLoopbackAddress(config.server_address());
      !address.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("server_address: ", address.status().message()));
  }
  const UdpLoadTestRequestConfig& requests = config.requests();
  if (config.mode() == LOAD_TEST_MODE_LOAD &&
      uint64_t{requests.weight_announce()} + requests.weight_scrape() +
              requests.weight_connect() ==
          0) {
    return absl::InvalidArgumentError(
        "[requests] weight_announce, weight_scrape, weight_connect: all are 0, so nothing "
        "would be sent");
  }
  return absl::OkStatus();
}

absl::StatusOr<UdpLoadTestConfig> ParseUdpLoadTestConfig(absl::string_view toml_text,
                                                         absl::string_view source_name) {
  UdpLoadTestConfig config;
  absl::Status status = ParseLoadTestConfigInto(toml_text, source_name, &config, [&config] {
    return ValidateUdpLoadTestConfig(config);
  });
  if (!status.ok()) return status;
  return config;
}

std::string PrintUdpLoadTestConfig(const UdpLoadTestConfig& config) {
  return PrintLoadTestConfigWithComments(
      config, absl::string_view(reinterpret_cast<const char*>(kUdpLoadTestDescriptorSet),
                                kUdpLoadTestDescriptorSetSize));
}

WorkloadOptions ToWorkloadOptions(const UdpLoadTestConfig& config, uint64_t seed) {
  const UdpLoadTestRequestConfig& requests = config.requests();
  WorkloadOptions options;
  options.number_of_torrents = requests.number_of_torrents();
  options.number_of_peers = requests.number_of_peers();
  options.torrent_popularity_mean = requests.torrent_popularity_mean_percent() / 100.0;
  options.weight_connect = requests.weight_connect();
  options.weight_announce = requests.weight_announce();
  options.weight_scrape = requests.weight_scrape();
  options.peer_seeder_probability = requests.peer_seeder_probability_percent() / 100.0;
  options.seeder_completed_probability =
      requests.seeder_completed_probability_percent() / 100.0;
  options.scrape_max_torrents = requests.scrape_max_torrents();
  options.seed = seed;
  return options;
}

}  // namespace aquatic::loadtest
