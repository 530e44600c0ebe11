// Every socket worker of a tracker listens on its own SO_REUSEPORT socket for
// each listen address, and all of a tracker's sockets for one address must
// share its port. With port 0 in the config the kernel picks a free port for
// the first socket; the others must then bind that port, not pick their own.
// UDP sockets and Asio acceptors are opened differently, so the opening is a
// callback and the sharing of the port is here, once.
//
// SO_REUSEPORT lets any later socket of the same user join a port's group,
// and the kernel then spreads clients over both processes. So a port must be
// free before a tracker's group takes it: a second instance, or two
// front-ends given one port, fail at start instead of sharing traffic.
#ifndef AQUATIC_TRACKER_BASE_PER_WORKER_SOCKETS_H_
#define AQUATIC_TRACKER_BASE_PER_WORKER_SOCKETS_H_

#include <cstddef>
#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tracker/base/socket_address.h"

namespace aquatic {

enum class Transport { kUdp, kTcp };

// OK when nothing holds `address`'s port for `transport`: a socket of that
// transport binds it without SO_REUSEPORT (TCP with SO_REUSEADDR, so that
// connections of an earlier run in TIME_WAIT do not count). Otherwise one
// line, "bind 127.0.0.1:3000 (udp): already in use by another socket ...".
// Port 0 is always free.
absl::Status CheckPortFree(const SocketAddress& address, Transport transport);

// Opens one socket per worker on `address_text` ("ip:port"), after
// CheckPortFree: calls
// `open(worker, address)` for worker 0 to workers - 1 in order; `open` binds
// that worker's socket and returns the port it got. Returns the port they all
// listen on, or the first error (an unparsable address or a failed `open`;
// the sockets opened before it are the caller's to close).
absl::StatusOr<uint16_t> OpenPerWorker(
    absl::string_view address_text, Transport transport, size_t workers,
    absl::FunctionRef<absl::StatusOr<uint16_t>(size_t worker, const SocketAddress& address)>
        open);

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_PER_WORKER_SOCKETS_H_
