#include "tracker/base/connection_id.h"

#include <openssl/rand.h>
#include <openssl/siphash.h>

#include <cstring>

namespace aquatic {

ConnectionIds::ConnectionIds(uint32_t max_age_seconds) : max_age_seconds_(max_age_seconds) {
  RAND_bytes(reinterpret_cast<uint8_t*>(key_), sizeof(key_));
}

ConnectionIds::ConnectionIds(uint32_t max_age_seconds, uint64_t key0, uint64_t key1)
    : max_age_seconds_(max_age_seconds), key_{key0, key1} {}

uint32_t ConnectionIds::Tag(uint32_t issued, absl::Span<const uint8_t> address) const {
  // Issue time and address (at most a 16-byte IP and a 2-byte port).
  uint8_t input[4 + 32];
  const size_t address_size = address.size() <= 32 ? address.size() : 32;
  std::memcpy(input, &issued, 4);
  std::memcpy(input + 4, address.data(), address_size);
  return static_cast<uint32_t>(SIPHASH_24(key_, input, 4 + address_size));
}

uint64_t ConnectionIds::Issue(absl::Span<const uint8_t> address, uint64_t now) const {
  const uint32_t issued = static_cast<uint32_t>(now);
  return static_cast<uint64_t>(issued) << 32 | Tag(issued, address);
}

bool ConnectionIds::IsValid(uint64_t connection_id, absl::Span<const uint8_t> address,
                            uint64_t now) const {
  const uint32_t issued = static_cast<uint32_t>(connection_id >> 32);
  // Unsigned distance: ids "from the future" (clock steps) count as too old.
  const uint32_t age = static_cast<uint32_t>(now) - issued;
  if (age > max_age_seconds_) return false;
  return static_cast<uint32_t>(connection_id) == Tag(issued, address);
}

}  // namespace aquatic
