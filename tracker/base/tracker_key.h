// TrackerKey: the secret a private tracker's user puts in the announce URL
// (`/announce/KEY`, `/KEY/announce`, BEP 41 URL data, `wss://host/KEY`): 32
// ASCII letters and digits, as torrust's keys and the passkeys of XBT and
// Ocelot, so a community moving from them keeps its users' URLs.
#ifndef AQUATIC_TRACKER_BASE_TRACKER_KEY_H_
#define AQUATIC_TRACKER_BASE_TRACKER_KEY_H_

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace aquatic {

struct TrackerKey {
  static constexpr size_t kLength = 32;
  std::array<char, kLength> chars{};

  absl::string_view view() const { return absl::string_view(chars.data(), chars.size()); }
  std::string ToString() const { return std::string(view()); }

  // Four word compares, inlined: the announce path compares keys in the
  // key set's probe, where a call to memcmp costs more than the comparison.
  friend bool operator==(const TrackerKey& a, const TrackerKey& b) {
    uint64_t x[4];
    uint64_t y[4];
    std::memcpy(x, a.chars.data(), kLength);
    std::memcpy(y, b.chars.data(), kLength);
    return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3])) == 0;
  }
  friend bool operator!=(const TrackerKey& a, const TrackerKey& b) { return !(a == b); }
  template <typename H>
  friend H AbslHashValue(H state, const TrackerKey& key) {
    return H::combine_contiguous(std::move(state), key.chars.data(), key.chars.size());
  }
};

// `text` as a key when it is exactly 32 ASCII letters and digits.
std::optional<TrackerKey> ParseTrackerKey(absl::string_view text);

// A new key from the operating system's random source (each character
// uniform over the 62).
TrackerKey NewTrackerKey();

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_TRACKER_KEY_H_
