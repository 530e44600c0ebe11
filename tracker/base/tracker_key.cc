#include "tracker/base/tracker_key.h"

#include <openssl/rand.h>

#include "absl/strings/ascii.h"

namespace aquatic {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr size_t kAlphabetSize = sizeof(kAlphabet) - 1;

}  // namespace

std::optional<TrackerKey> ParseTrackerKey(absl::string_view text) {
  if (text.size() != TrackerKey::kLength) return std::nullopt;
  TrackerKey key;
  for (size_t i = 0; i < text.size(); ++i) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(text[i]))) return std::nullopt;
    key.chars[i] = text[i];
  }
  return key;
}

TrackerKey NewTrackerKey() {
  TrackerKey key;
  size_t filled = 0;
  while (filled < TrackerKey::kLength) {
    uint8_t bytes[64];
    RAND_bytes(bytes, sizeof(bytes));
    for (uint8_t byte : bytes) {
      // 248 = 4 * 62: bytes above it would favour the first characters.
      if (byte >= 4 * kAlphabetSize) continue;
      key.chars[filled++] = kAlphabet[byte % kAlphabetSize];
      if (filled == TrackerKey::kLength) break;
    }
  }
  return key;
}

}  // namespace aquatic
