// DatagramHandler: what a UDP front-end plugs into the kit's socket workers
// (tracker/server/udp_socket_worker.h): one datagram in, one answer out.
#ifndef AQUATIC_TRACKER_SERVER_DATAGRAM_HANDLER_H_
#define AQUATIC_TRACKER_SERVER_DATAGRAM_HANDLER_H_

#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"
#include "tracker/base/socket_address.h"

namespace aquatic {

// The largest answer a handler may write.
inline constexpr size_t kMaxDatagramAnswer = 4096;

// Turns one received datagram into the datagram to send back, or nothing.
// One per worker, called on its thread only.
class DatagramHandler {
 public:
  virtual ~DatagramHandler() = default;
  // Writes the answer to `datagram` from `source` into `answer`
  // (kMaxDatagramAnswer bytes) and returns its size, 0 to send nothing.
  // `now` is SecondsSinceStart(), `unix_now` UnixSeconds().
  virtual size_t Handle(absl::Span<const uint8_t> datagram, const SocketAddress& source,
                        uint32_t now, uint64_t unix_now, absl::Span<uint8_t> answer) = 0;
  // Called a few datagrams ahead of Handle on the same datagram: a handler
  // whose tables outgrow the cache starts loading what Handle will look up,
  // so that the misses of several datagrams overlap. Must not change state.
  virtual void Prefetch(absl::Span<const uint8_t> datagram) { (void)datagram; }
  // Called after Handle for every datagram of a received batch, before the
  // answers are sent: a handler that defers work to do it for a whole batch
  // at once finishes it here, so that it is done when a client reads its
  // answer.
  virtual void EndBatch() {}
};

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_SERVER_DATAGRAM_HANDLER_H_
