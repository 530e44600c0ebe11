// UdpSocketWorker: one thread serving its own SO_REUSEPORT sockets (IPv4
// and/or IPv6): receives datagrams in batches with recvmmsg, answers them
// through its DatagramHandler, and sends the answers in batches with
// sendmmsg.
#ifndef AQUATIC_TRACKER_SERVER_UDP_SOCKET_WORKER_H_
#define AQUATIC_TRACKER_SERVER_UDP_SOCKET_WORKER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "tracker/base/socket_address.h"
#include "tracker/server/datagram_handler.h"

namespace aquatic {

// A non-blocking UDP socket bound to `address` with SO_REUSEPORT (and
// IPV6_V6ONLY for IPv6), asking for a `recv_buffer_size` receive buffer.
absl::StatusOr<int> BindUdpSocket(const SocketAddress& address, uint64_t recv_buffer_size);

// The receive buffer the kernel actually granted a socket, in bytes.
uint64_t GrantedRecvBuffer(int fd);

// The port a bound socket ended up on.
uint16_t BoundPort(int fd);

class UdpSocketWorker {
 public:
  // Takes ownership of `fds`.
  UdpSocketWorker(std::vector<int> fds, std::unique_ptr<DatagramHandler> handler);
  ~UdpSocketWorker();

  // Serves until `stop` becomes true (checked at least every 100 ms).
  void Run(const std::atomic<bool>& stop);

 private:
  // Receives until the socket is empty (bounded), for the poll loop.
  void Drain(int fd);
  // One recvmmsg (with `flags`), the answers, one sendmmsg; returns the
  // datagrams received.
  int ReceiveBatch(int fd, int flags);

  std::vector<int> fds_;
  std::unique_ptr<DatagramHandler> handler_;
  struct Buffers;
  std::unique_ptr<Buffers> buffers_;
};

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_SERVER_UDP_SOCKET_WORKER_H_
