// InfoHash: the 20-byte key of a torrent (BEP 3; BEP 52 hashes are truncated
// to 20 bytes by the codecs).
#ifndef AQUATIC_TRACKER_BASE_INFO_HASH_H_
#define AQUATIC_TRACKER_BASE_INFO_HASH_H_

#include <array>
#include <cstdint>

namespace aquatic {

using InfoHash = std::array<uint8_t, 20>;

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_INFO_HASH_H_
