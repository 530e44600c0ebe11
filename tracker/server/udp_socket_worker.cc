#include "tracker/server/udp_socket_worker.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/time.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "tracker/base/clock.h"
#include "tracker/base/log.h"

namespace aquatic {
namespace {

// Datagrams per recvmmsg/sendmmsg call.
constexpr size_t kBatch = 32;
// Larger than any valid request (a full scrape is 1496 bytes), so oversized
// datagrams are seen as such (MSG_TRUNC) rather than cut to a valid length.
constexpr size_t kReceiveBufferSize = 2048;
// Receive batches per socket before looking at the other socket again.
constexpr int kBatchesPerWakeup = 16;
constexpr int kPollMilliseconds = 100;
// How many datagrams ahead of the one being answered the handler is told to
// prefetch: far enough for a memory load to arrive, near enough that what it
// loaded is still in L1/L2 when the datagram's turn comes.
constexpr int kPrefetchDistance = 4;

}  // namespace

struct UdpSocketWorker::Buffers {
  mmsghdr in[kBatch];
  iovec in_iov[kBatch];
  sockaddr_storage in_addr[kBatch];
  uint8_t in_data[kBatch][kReceiveBufferSize];
  mmsghdr out[kBatch];
  iovec out_iov[kBatch];
  uint8_t out_data[kBatch][kMaxDatagramAnswer];
};

absl::StatusOr<int> BindUdpSocket(const SocketAddress& address, uint64_t recv_buffer_size) {
  const int fd = socket(address.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
  if (address.is_ipv6()) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  if (recv_buffer_size > 0) {
    const int wanted = static_cast<int>(recv_buffer_size);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &wanted, sizeof(wanted));
  }
  if (bind(fd, address.sockaddr_ptr(), address.sockaddr_length()) != 0) {
    const std::string error = std::strerror(errno);
    close(fd);
    return absl::UnavailableError(absl::StrCat("bind ", address.ToString(), ": ", error));
  }
  return fd;
}

uint64_t GrantedRecvBuffer(int fd) {
  int granted = 0;
  socklen_t length = sizeof(granted);
  getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &length);
  // Linux reports twice the usable size it granted.
  return static_cast<uint64_t>(granted) / 2;
}

uint16_t BoundPort(int fd) {
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
  return SocketAddress::FromSockaddr(reinterpret_cast<sockaddr*>(&bound), length).port();
}

UdpSocketWorker::UdpSocketWorker(std::vector<int> fds, std::unique_ptr<DatagramHandler> handler)
    : fds_(std::move(fds)), handler_(std::move(handler)), buffers_(std::make_unique<Buffers>()) {
  Buffers& b = *buffers_;
  for (size_t i = 0; i < kBatch; ++i) {
    b.in_iov[i] = iovec{b.in_data[i], kReceiveBufferSize};
    b.in[i].msg_hdr = msghdr{};
    b.in[i].msg_hdr.msg_iov = &b.in_iov[i];
    b.in[i].msg_hdr.msg_iovlen = 1;
  }
}

UdpSocketWorker::~UdpSocketWorker() {
  for (int fd : fds_) close(fd);
}

void UdpSocketWorker::Run(const std::atomic<bool>& stop) {
  if (fds_.size() == 1) {
    // One socket: block in recvmmsg itself (MSG_WAITFORONE returns as soon as
    // one datagram is there, with whatever else is queued), saving the poll
    // call per batch. A receive timeout bounds the wait so `stop` is seen.
    const int fd = fds_[0];
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    const timeval wake{0, kPollMilliseconds * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wake, sizeof(wake));
    while (!stop.load(std::memory_order_relaxed)) ReceiveBatch(fd, MSG_WAITFORONE);
    return;
  }
  std::vector<pollfd> polled;
  for (int fd : fds_) polled.push_back(pollfd{fd, POLLIN, 0});
  while (!stop.load(std::memory_order_relaxed)) {
    if (poll(polled.data(), polled.size(), kPollMilliseconds) <= 0) continue;
    for (const pollfd& entry : polled) {
      if (entry.revents & POLLIN) Drain(entry.fd);
    }
  }
}

void UdpSocketWorker::Drain(int fd) {
  for (int round = 0; round < kBatchesPerWakeup; ++round) {
    if (ReceiveBatch(fd, MSG_DONTWAIT) < static_cast<int>(kBatch)) return;
  }
}

int UdpSocketWorker::ReceiveBatch(int fd, int flags) {
  Buffers& b = *buffers_;
  {
    for (size_t i = 0; i < kBatch; ++i) {
      b.in[i].msg_hdr.msg_name = &b.in_addr[i];
      b.in[i].msg_hdr.msg_namelen = sizeof(b.in_addr[i]);
      b.in[i].msg_hdr.msg_flags = 0;
    }
    const int received = recvmmsg(fd, b.in, kBatch, flags, nullptr);
    if (received <= 0) return 0;
    const uint32_t now = SecondsSinceStart();
    const uint64_t unix_now = UnixSeconds();
    // A truncated datagram is longer than any request: hand over one byte
    // more than a valid request can have so it fails to parse.
    auto datagram = [&b](int i) {
      const size_t length = (b.in[i].msg_hdr.msg_flags & MSG_TRUNC) ? kReceiveBufferSize
                                                                     : b.in[i].msg_len;
      return absl::MakeConstSpan(b.in_data[i], length);
    };
    for (int i = 0; i < std::min(received, kPrefetchDistance); ++i) handler_->Prefetch(datagram(i));
    unsigned sends = 0;
    for (int i = 0; i < received; ++i) {
      if (i + kPrefetchDistance < received) handler_->Prefetch(datagram(i + kPrefetchDistance));
      const msghdr& header = b.in[i].msg_hdr;
      const SocketAddress source = SocketAddress::FromSockaddr(
          reinterpret_cast<const sockaddr*>(&b.in_addr[i]), header.msg_namelen);
      const size_t response_size =
          handler_->Handle(datagram(i), source, now, unix_now,
                           absl::MakeSpan(b.out_data[sends], kMaxDatagramAnswer));
      if (response_size == 0) continue;
      b.out_iov[sends] = iovec{b.out_data[sends], response_size};
      b.out[sends].msg_hdr = msghdr{};
      b.out[sends].msg_hdr.msg_name = &b.in_addr[i];
      b.out[sends].msg_hdr.msg_namelen = header.msg_namelen;
      b.out[sends].msg_hdr.msg_iov = &b.out_iov[sends];
      b.out[sends].msg_hdr.msg_iovlen = 1;
      ++sends;
    }
    handler_->EndBatch();
    for (unsigned sent = 0; sent < sends;) {
      const int n = sendmmsg(fd, b.out + sent, sends - sent, MSG_DONTWAIT);
      if (n <= 0) break;  // send buffer full: UDP may drop, the client retries
      sent += static_cast<unsigned>(n);
    }
    return received;
  }
}

}  // namespace aquatic
