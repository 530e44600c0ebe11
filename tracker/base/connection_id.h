// ConnectionIds: the UDP tracker's connection ids (BEP 15). An id is 4 bytes
// of issue time and 4 bytes of keyed SipHash-2-4 over that time and the
// client's address, so validating needs no state and an attacker cannot forge
// an id for an address it does not receive packets at. The key is random per
// process; ids stay valid for `max_age_seconds`.
#ifndef AQUATIC_TRACKER_BASE_CONNECTION_ID_H_
#define AQUATIC_TRACKER_BASE_CONNECTION_ID_H_

#include <cstdint>

#include "absl/types/span.h"

namespace aquatic {

class ConnectionIds {
 public:
  // A random key from the OS.
  explicit ConnectionIds(uint32_t max_age_seconds);
  // A fixed key (tests, fuzzing).
  ConnectionIds(uint32_t max_age_seconds, uint64_t key0, uint64_t key1);

  // `address` is the source IP bytes followed by the port (any fixed layout
  // the caller uses consistently); `now` in Unix seconds.
  uint64_t Issue(absl::Span<const uint8_t> address, uint64_t now) const;
  bool IsValid(uint64_t connection_id, absl::Span<const uint8_t> address, uint64_t now) const;

 private:
  uint32_t Tag(uint32_t issued, absl::Span<const uint8_t> address) const;

  uint32_t max_age_seconds_;
  uint64_t key_[2];
};

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_CONNECTION_ID_H_
