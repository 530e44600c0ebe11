#include "tracker/base/per_worker_sockets.h"

namespace aquatic {

absl::StatusOr<uint16_t> OpenPerWorker(
    absl::string_view address_text, size_t workers,
    absl::FunctionRef<absl::StatusOr<uint16_t>(size_t worker, const SocketAddress& address)>
        open) {
  absl::StatusOr<SocketAddress> address = SocketAddress::Parse(address_text);
  if (!address.ok()) return address.status();
  uint16_t port = address->port();
  for (size_t worker = 0; worker < workers; ++worker) {
    absl::StatusOr<uint16_t> bound = open(worker, address->WithPort(port));
    if (!bound.ok()) return bound.status();
    // After the first, every socket binds the first one's port.
    port = *bound;
  }
  return port;
}

}  // namespace aquatic
