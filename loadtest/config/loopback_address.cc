#include "loadtest/config/loopback_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace aquatic::loadtest {

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

}  // namespace aquatic::loadtest
