// noop_udp_responder: the floor of the UDP benchmark (tools/bench/udp.sh).
//
//   noop_udp_responder PORT [SECONDS]
//
// Binds 127.0.0.1:PORT (0: any free port; the chosen one is printed as
// "listening on 127.0.0.1:PORT") and answers every datagram with the
// cheapest valid BEP 15 reply, built by the generated codec: a connect
// response (echoed transaction id, fixed connection id) to a connect
// request, a scrape response with zeroed statistics (one per info hash) to a
// scrape, and an announce response with no peers to anything else. It keeps
// no state and does no work a tracker could skip, reading and writing in
// recvmmsg/sendmmsg batches on one thread: the most responses per second
// and the least CPU per response the kernel allows for this traffic. A
// tracker's numbers beside it show how much its own work costs.
//
// Runs until killed, or for SECONDS if given. Loopback only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/types/span.h"
#include "codec/runtime/big_endian.h"
#include "codec/udp/udp.codec.h"

namespace {

namespace udp = ::aquatic::codec::udp;

constexpr size_t kBatch = 64;
constexpr size_t kMaxDatagram = udp::ScrapeRequest::kMaxSize + 1;
constexpr size_t kMaxReply = udp::ScrapeResponse::kMaxSize;
// Every request starts with 8 bytes (connection id or protocol id), the
// action and the transaction id.
constexpr size_t kRequestHeaderSize = 16;
constexpr uint64_t kConnectionId = 0x0123456789abcdefULL;

// Writes the reply to `request` into `out`; returns its size (0: no reply).
size_t Reply(absl::Span<const uint8_t> request, absl::Span<uint8_t> out,
             udp::ScrapeResponse* scrape) {
  if (request.size() < kRequestHeaderSize) return 0;
  const uint32_t action = aquatic::codec::LoadU32(request.data() + 8);
  const uint32_t transaction_id = aquatic::codec::LoadU32(request.data() + 12);
  absl::StatusOr<size_t> size = 0;
  if (action == static_cast<uint32_t>(udp::Action::kConnect)) {
    udp::ConnectResponse response;
    response.transaction_id = transaction_id;
    response.connection_id = kConnectionId;
    size = udp::Serialize(response, out);
  } else if (action == static_cast<uint32_t>(udp::Action::kScrape)) {
    size_t hashes = (request.size() - kRequestHeaderSize) / udp::ScrapeInfoHash::kSize;
    if (hashes > scrape->torrents.capacity()) hashes = scrape->torrents.capacity();
    scrape->transaction_id = transaction_id;
    scrape->torrents.resize(hashes);
    size = udp::Serialize(*scrape, out);
  } else {
    udp::AnnounceResponseV4 response;
    response.transaction_id = transaction_id;
    response.interval = 900;
    size = udp::Serialize(response, out);
  }
  return size.ok() ? *size : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: noop_udp_responder PORT [SECONDS]\n");
    return 2;
  }
  const long port = std::strtol(argv[1], nullptr, 10);
  const long seconds = argc == 3 ? std::strtol(argv[2], nullptr, 10) : 0;
  if (port < 0 || port > 65535 || seconds < 0) {
    std::fprintf(stderr, "noop_udp_responder: bad PORT or SECONDS\n");
    return 2;
  }
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    std::perror("noop_udp_responder: socket");
    return 1;
  }
  const int buffer = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer));
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof(buffer));
  // Wake up now and then to check the deadline.
  const timeval wake{0, 200000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wake, sizeof(wake));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    std::perror("noop_udp_responder: bind");
    return 1;
  }
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  std::printf("listening on 127.0.0.1:%u\n", ntohs(address.sin_port));
  std::fflush(stdout);

  static std::array<std::array<uint8_t, kMaxDatagram>, kBatch> in;
  static std::array<std::array<uint8_t, kMaxReply>, kBatch> out;
  std::array<sockaddr_in, kBatch> peers{};
  std::array<iovec, kBatch> in_iov{};
  std::array<iovec, kBatch> out_iov{};
  std::array<mmsghdr, kBatch> in_msgs{};
  std::array<mmsghdr, kBatch> out_msgs{};
  udp::ScrapeResponse scrape;  // zeroed statistics, reused

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  unsigned long long answered = 0;
  while (seconds == 0 || std::chrono::steady_clock::now() < deadline) {
    for (size_t i = 0; i < kBatch; ++i) {
      in_iov[i] = {in[i].data(), in[i].size()};
      in_msgs[i] = {};
      in_msgs[i].msg_hdr.msg_iov = &in_iov[i];
      in_msgs[i].msg_hdr.msg_iovlen = 1;
      in_msgs[i].msg_hdr.msg_name = &peers[i];
      in_msgs[i].msg_hdr.msg_namelen = sizeof(peers[i]);
    }
    const int received = recvmmsg(fd, in_msgs.data(), kBatch, MSG_WAITFORONE, nullptr);
    if (received <= 0) continue;  // timeout (deadline check) or EINTR
    unsigned replies = 0;
    for (int i = 0; i < received; ++i) {
      const size_t size =
          Reply(absl::Span<const uint8_t>(in[i].data(), in_msgs[i].msg_len),
                absl::Span<uint8_t>(out[replies].data(), out[replies].size()), &scrape);
      if (size == 0) continue;
      out_iov[replies] = {out[replies].data(), size};
      out_msgs[replies] = {};
      out_msgs[replies].msg_hdr.msg_iov = &out_iov[replies];
      out_msgs[replies].msg_hdr.msg_iovlen = 1;
      out_msgs[replies].msg_hdr.msg_name = &peers[i];
      out_msgs[replies].msg_hdr.msg_namelen = in_msgs[i].msg_hdr.msg_namelen;
      ++replies;
    }
    unsigned done = 0;
    while (done < replies) {
      const int sent = sendmmsg(fd, out_msgs.data() + done, replies - done, 0);
      if (sent <= 0) break;  // a full buffer drops the rest, as UDP does
      done += static_cast<unsigned>(sent);
    }
    answered += done;
  }
  std::fprintf(stderr, "noop_udp_responder: answered %llu datagrams\n", answered);
  close(fd);
  return 0;
}
