// InfoHash: the 20-byte key of a torrent (BEP 3; BEP 52 hashes are truncated
// to 20 bytes by the codecs), and its text form for people and databases: 40
// hex digits.
#ifndef AQUATIC_TRACKER_BASE_INFO_HASH_H_
#define AQUATIC_TRACKER_BASE_INFO_HASH_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace aquatic {

using InfoHash = std::array<uint8_t, 20>;

// 40 hex digits, either case; nullopt for anything else.
std::optional<InfoHash> ParseInfoHashHex(absl::string_view hex);

// 40 lowercase hex digits.
std::string InfoHashToHex(const InfoHash& info_hash);

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_INFO_HASH_H_
