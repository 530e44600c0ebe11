#include "loadtest/config/udp_loadtest_config.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tracker/base/config/config_comments.h"
#include "tracker/base/config/toml_config.h"

// Defined by the genrule :embedded_udp_loadtest_descriptor_set.
extern const unsigned char kUdpLoadTestDescriptorSet[];
extern const size_t kUdpLoadTestDescriptorSetSize;

namespace aquatic::loadtest {
namespace {

const config::ConfigComments& Comments() {
  static const config::ConfigComments* const comments =
      new config::ConfigComments(config::ConfigComments::FromDescriptorSet(
          absl::string_view(reinterpret_cast<const char*>(kUdpLoadTestDescriptorSet),
                            kUdpLoadTestDescriptorSetSize)));
  return *comments;
}

}  // namespace

absl::StatusOr<LoopbackAddress> ParseLoopbackAddress(absl::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" has no port"));
  }
  absl::string_view host = text.substr(0, colon);
  uint32_t port = 0;
  if (!absl::SimpleAtoi(text.substr(colon + 1), &port) || port == 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\": bad port (1 to 65535)"));
  }
  LoopbackAddress address;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    const std::string ip(host.substr(1, host.size() - 2));
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address.storage);
    if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) != 1) {
      return absl::InvalidArgumentError(absl::StrCat("\"", text, "\": bad IPv6 address"));
    }
    if (!IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr)) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", text, "\" is not a loopback address (only [::1] is allowed)"));
    }
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    address.length = sizeof(sockaddr_in6);
    address.ipv6 = true;
    return address;
  }
  const std::string ip(host);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address.storage);
  if (inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\": bad IPv4 address"));
  }
  if ((ntohl(v4->sin_addr.s_addr) >> 24) != 127) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is not a loopback address (only 127.0.0.0/8 and [::1] are allowed)"));
  }
  v4->sin_family = AF_INET;
  v4->sin_port = htons(static_cast<uint16_t>(port));
  address.length = sizeof(sockaddr_in);
  return address;
}

absl::Status ValidateLoadTestConfig(const UdpLoadTestConfig& config) {
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

absl::StatusOr<UdpLoadTestConfig> ParseLoadTestConfig(absl::string_view toml_text,
                                                      absl::string_view source_name) {
  UdpLoadTestConfig config;
  if (absl::Status status = config::MergeTomlIntoConfig(toml_text, source_name, &config);
      !status.ok()) {
    return status;
  }
  if (absl::Status status = ValidateLoadTestConfig(config); !status.ok()) return status;
  return config;
}

absl::StatusOr<UdpLoadTestConfig> LoadLoadTestConfigFile(const std::string& path) {
  absl::StatusOr<std::string> contents = config::ReadConfigFile(path);
  if (!contents.ok()) return contents.status();
  absl::StatusOr<UdpLoadTestConfig> config = ParseLoadTestConfig(*contents, path);
  if (!config.ok()) {
    return absl::Status(config.status().code(),
                        absl::StrCat(path, ": ", config.status().message()));
  }
  return config;
}

std::string PrintLoadTestConfig(const UdpLoadTestConfig& config) {
  return config::PrintTomlConfig(config, Comments());
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
  options.scrape_max_torrents = requests.scrape_max_torrents();
  options.seed = seed;
  return options;
}

}  // namespace aquatic::loadtest
