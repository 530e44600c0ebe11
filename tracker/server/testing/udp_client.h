// For tests over real sockets: a UDP tracker client on IPv4 loopback that
// sends one request of the generated codec and waits (bounded) for the
// answer.
#ifndef AQUATIC_TRACKER_SERVER_TESTING_UDP_CLIENT_H_
#define AQUATIC_TRACKER_SERVER_TESTING_UDP_CLIENT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "codec/udp/udp.codec.h"

namespace aquatic::udp_client {

class UdpClient {
 public:
  explicit UdpClient(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  }
  ~UdpClient() { close(fd_); }
  UdpClient(const UdpClient&) = delete;
  UdpClient& operator=(const UdpClient&) = delete;

  // The raw answer to `request` within 2 s; empty when none came.
  template <typename Request>
  std::vector<uint8_t> Send(const Request& request) {
    std::vector<uint8_t> bytes(codec::udp::SerializedSize(request));
    if (!codec::udp::Serialize(request, absl::MakeSpan(bytes)).ok()) return {};
    send(fd_, bytes.data(), bytes.size(), 0);
    pollfd readable{fd_, POLLIN, 0};
    if (poll(&readable, 1, 2000) != 1) return {};
    std::vector<uint8_t> reply(4096);
    const ssize_t n = recv(fd_, reply.data(), reply.size(), 0);
    reply.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return reply;
  }

  // Sends `request` and parses the answer as `Response`, which must not view
  // the datagram (not ErrorResponse: use Send and parse it yourself).
  template <typename Request, typename Response>
  bool RoundTrip(const Request& request, Response* response) {
    const std::vector<uint8_t> reply = Send(request);
    return !reply.empty() && codec::udp::Parse(reply, response).ok();
  }

  // A connection id from the tracker (0 on failure).
  uint64_t Connect() {
    codec::udp::ConnectRequest request;
    request.transaction_id = 1;
    codec::udp::ConnectResponse response;
    return RoundTrip(request, &response) ? response.connection_id : 0;
  }

 private:
  int fd_;
};

}  // namespace aquatic::udp_client

#endif  // AQUATIC_TRACKER_SERVER_TESTING_UDP_CLIENT_H_
