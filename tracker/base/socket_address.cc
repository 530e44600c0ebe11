#include "tracker/base/socket_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace aquatic {
namespace {

absl::StatusOr<uint16_t> ParsePort(absl::string_view text) {
  uint32_t port = 0;
  // SimpleAtoi accepts a sign and whitespace; a port is digits only.
  if (text.empty() || text.size() > 5 ||
      text.find_first_not_of("0123456789") != absl::string_view::npos ||
      !absl::SimpleAtoi(text, &port) || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("bad port '", text, "'"));
  }
  return static_cast<uint16_t>(port);
}

}  // namespace

absl::StatusOr<SocketAddress> SocketAddress::Parse(absl::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' has no port (expected IP:PORT or [IPv6]:PORT)"));
  }
  absl::string_view host = text.substr(0, colon);
  absl::StatusOr<uint16_t> port = ParsePort(text.substr(colon + 1));
  if (!port.ok()) return port.status();

  SocketAddress address;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    const std::string ip(host.substr(1, host.size() - 2));
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address.storage_);
    if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) != 1) {
      return absl::InvalidArgumentError(absl::StrCat("'", ip, "' is not an IPv6 address"));
    }
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(*port);
    address.length_ = sizeof(sockaddr_in6);
    return address;
  }
  const std::string ip(host);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address.storage_);
  if (inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", ip, "' is not an IPv4 address (write IPv6 addresses as [addr]:port)"));
  }
  v4->sin_family = AF_INET;
  v4->sin_port = htons(*port);
  address.length_ = sizeof(sockaddr_in);
  return address;
}

SocketAddress SocketAddress::FromSockaddr(const sockaddr* address, socklen_t length) {
  SocketAddress result;
  const socklen_t copied =
      length < static_cast<socklen_t>(sizeof(result.storage_)) ? length : sizeof(result.storage_);
  std::memcpy(&result.storage_, address, copied);
  result.length_ = copied;
  return result;
}

SocketAddress SocketAddress::FromIp(absl::Span<const uint8_t> ip, uint16_t port) {
  SocketAddress result;
  if (ip.size() == 4) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&result.storage_);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    std::memcpy(&v4->sin_addr, ip.data(), 4);
    result.length_ = sizeof(sockaddr_in);
  } else if (ip.size() == 16) {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&result.storage_);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    std::memcpy(&v6->sin6_addr, ip.data(), 16);
    result.length_ = sizeof(sockaddr_in6);
  }
  return result;
}

uint16_t SocketAddress::port() const {
  if (is_ipv4()) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  if (is_ipv6()) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  return 0;
}

SocketAddress SocketAddress::WithPort(uint16_t port) const {
  SocketAddress result = *this;
  if (is_ipv4()) reinterpret_cast<sockaddr_in*>(&result.storage_)->sin_port = htons(port);
  if (is_ipv6()) reinterpret_cast<sockaddr_in6*>(&result.storage_)->sin6_port = htons(port);
  return result;
}

bool SocketAddress::is_unspecified() const {
  const absl::Span<const uint8_t> ip = ip_bytes();
  return std::all_of(ip.begin(), ip.end(), [](uint8_t byte) { return byte == 0; });
}

absl::Span<const uint8_t> SocketAddress::ip_bytes() const {
  if (is_ipv4()) {
    return absl::Span<const uint8_t>(
        reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr),
        4);
  }
  if (is_ipv6()) {
    return absl::Span<const uint8_t>(
        reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr.s6_addr, 16);
  }
  return {};
}

std::string SocketAddress::ToString() const {
  char ip[INET6_ADDRSTRLEN] = {};
  if (is_ipv4()) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, ip,
              sizeof(ip));
    return absl::StrCat(ip, ":", port());
  }
  if (is_ipv6()) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, ip,
              sizeof(ip));
    return absl::StrCat("[", ip, "]:", port());
  }
  return "(unspecified)";
}

}  // namespace aquatic
