#include "tracker/base/per_worker_sockets.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace aquatic {

absl::Status CheckPortFree(const SocketAddress& address, Transport transport) {
  if (address.port() == 0) return absl::OkStatus();
  const bool tcp = transport == Transport::kTcp;
  const int fd = socket(address.family(), (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  const int one = 1;
  if (tcp) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (address.is_ipv6()) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  const int result = bind(fd, address.sockaddr_ptr(), address.sockaddr_length());
  const int error = errno;
  close(fd);
  if (result == 0) return absl::OkStatus();
  const std::string where = absl::StrCat("bind ", address.ToString(), tcp ? " (tcp)" : " (udp)");
  if (error == EADDRINUSE) {
    return absl::UnavailableError(absl::StrCat(
        where, ": already in use by another socket (another tracker, another front-end of "
               "this one, or another program); give each its own port"));
  }
  return absl::UnavailableError(absl::StrCat(where, ": ", std::strerror(error)));
}

absl::StatusOr<uint16_t> OpenPerWorker(
    absl::string_view address_text, Transport transport, size_t workers,
    absl::FunctionRef<absl::StatusOr<uint16_t>(size_t worker, const SocketAddress& address)>
        open) {
  absl::StatusOr<SocketAddress> address = SocketAddress::Parse(address_text);
  if (!address.ok()) return address.status();
  if (absl::Status status = CheckPortFree(*address, transport); !status.ok()) return status;
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
