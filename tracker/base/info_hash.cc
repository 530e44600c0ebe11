#include "tracker/base/info_hash.h"

#include "absl/strings/escaping.h"

namespace aquatic {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<InfoHash> ParseInfoHashHex(absl::string_view hex) {
  InfoHash info_hash;
  if (hex.size() != 2 * info_hash.size()) return std::nullopt;
  for (size_t i = 0; i < info_hash.size(); ++i) {
    const int high = HexValue(hex[2 * i]);
    const int low = HexValue(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    info_hash[i] = static_cast<uint8_t>(high << 4 | low);
  }
  return info_hash;
}

std::string InfoHashToHex(const InfoHash& info_hash) {
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(info_hash.data()), info_hash.size()));
}

}  // namespace aquatic
