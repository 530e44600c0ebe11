#include "loadtest/udp_load_test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "codec/runtime/big_endian.h"
#include "codec/udp/udp.codec.h"
#include "loadtest/config/loopback_address.h"
#include "loadtest/config/udp_loadtest_config.h"
#include "loadtest/load_clock.h"
#include "loadtest/peer_keys.h"
#include "loadtest/published_counts.h"
#include "loadtest/workload.h"

namespace aquatic::loadtest {
namespace {

namespace udp = ::aquatic::codec::udp;

// Datagrams per sendmmsg/recvmmsg call.
constexpr size_t kBatch = 64;
constexpr size_t kSendBufferSize = udp::ScrapeRequest::kMaxSize;
static_assert(udp::AnnounceRequest::kMaxSize <= kSendBufferSize);
// Larger than any valid response (an IPv6 announce response with 200 peers).
constexpr size_t kRecvBufferSize = 4096;
static_assert(udp::AnnounceResponseV6::kMaxSize <= kRecvBufferSize);
// Most bytes in one UDP_SEGMENT send (a UDP datagram's limit).
constexpr size_t kMaxGsoBytes = 65000;
// Transaction id: slot index in the low bits, a send counter above.
constexpr uint32_t kSlotBits = 12;
constexpr uint32_t kSlotMask = (1u << kSlotBits) - 1;
// How often in-flight requests are checked for timeouts.
constexpr int64_t kTimeoutScanMs = 50;
// Longest sleep in poll(2) when nothing is due.
constexpr int kIdlePollMs = 5;
// Fewer responses than this in one pass over the sockets: pause
// response_coalesce_us so the next pass reads a batch.
constexpr size_t kCoalesceBelow = 16;

// Counters one worker writes and the main thread reads. Each worker counts in
// plain integers and publishes them with relaxed stores once per loop.
struct Counts {
  uint64_t connect = 0;
  uint64_t announce = 0;
  uint64_t scrape = 0;
  uint64_t error = 0;
  uint64_t timeouts = 0;
  uint64_t unmatched = 0;
  uint64_t invalid = 0;
  uint64_t sent = 0;
  uint64_t announce_peers = 0;
  uint64_t filled = 0;
};

using SharedCounts = PublishedCounts<Counts>;

struct Slot {
  uint32_t transaction_id = 0;
  // Fill mode: the peer this announce is for.
  uint32_t peer = 0;
  int64_t sent_ms = 0;
  RequestType type = RequestType::kConnect;
  bool active = false;
};

struct SocketState {
  int fd = -1;
  uint64_t connection_id = 0;
  // The connection id is usable (a connect response arrived, no error since).
  bool connected = false;
  int64_t connected_at_ms = 0;
  bool connect_in_flight = false;
  uint32_t send_counter = 0;
  std::vector<Slot> slots;
  std::vector<uint32_t> free_slots;
  // Fill mode: the next peer of this socket's share, and peers to retry.
  uint64_t next_fill_peer = 0;
  std::vector<uint32_t> fill_retry;

  ~SocketState() {
    if (fd >= 0) close(fd);
  }
  size_t in_flight() const { return slots.size() - free_slots.size(); }
};

struct WorkerSettings {
  const UdpLoadTestConfig* config = nullptr;
  const Workload* workload = nullptr;
  // [requests] private_keys: the URL data of every peer; null when off.
  const PeerKeys* peer_keys = nullptr;
  LoopbackAddress server;
  size_t worker_index = 0;
  size_t total_sockets = 0;
  int64_t deadline_ms = 0;
  const std::atomic<bool>* stop = nullptr;
  SharedCounts* shared = nullptr;
};

absl::Status OpenSocket(const WorkerSettings& settings, size_t global_index, SocketState* s) {
  const bool ipv6 = settings.server.ipv6;
  s->fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s->fd < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  const int recv_buffer = static_cast<int>(
      std::min<uint64_t>(settings.config->network().socket_recv_buffer_size(), 1u << 30));
  if (recv_buffer > 0) {
    // The kernel caps it at net.core.rmem_max; a smaller buffer still works.
    setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &recv_buffer, sizeof(recv_buffer));
  }
  sockaddr_storage local{};
  socklen_t local_length = 0;
  if (ipv6) {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&local);
    v6->sin6_family = AF_INET6;
    v6->sin6_addr = in6addr_loopback;
    local_length = sizeof(sockaddr_in6);
  } else {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&local);
    v4->sin_family = AF_INET;
    const uint32_t host =
        static_cast<uint32_t>(global_index % settings.config->network().source_ipv4_addresses());
    v4->sin_addr.s_addr = htonl(0x7f000001u + host);
    local_length = sizeof(sockaddr_in);
  }
  if (bind(s->fd, reinterpret_cast<const sockaddr*>(&local), local_length) != 0) {
    return absl::InternalError(absl::StrCat("bind: ", std::strerror(errno)));
  }
  if (connect(s->fd, settings.server.sockaddr_ptr(), settings.server.length) != 0) {
    return absl::InternalError(absl::StrCat("connect: ", std::strerror(errno)));
  }
  const size_t slots = settings.config->network().max_requests_in_flight();
  s->slots.resize(slots);
  s->free_slots.reserve(slots);
  for (size_t i = slots; i > 0; --i) s->free_slots.push_back(static_cast<uint32_t>(i - 1));
  s->next_fill_peer = global_index;
  return absl::OkStatus();
}

class Worker {
 public:
  explicit Worker(const WorkerSettings& settings)
      : settings_(settings),
        config_(*settings.config),
        workload_(*settings.workload),
        peer_keys_(settings.peer_keys),
        sampler_(workload_, settings.worker_index),
        fill_(config_.mode() == LOAD_TEST_MODE_FILL),
        timeout_ms_(config_.network().request_timeout_ms()),
        max_connection_age_ms_(int64_t{config_.network().connection_id_max_age()} * 1000),
        send_buffers_(kBatch * kSendBufferSize),
        recv_buffers_(kBatch * kRecvBufferSize),
        use_gso_(config_.network().send_with_gso()),
        coalesce_{0, static_cast<long>(config_.network().response_coalesce_us()) * 1000} {
    for (size_t i = 0; i < kBatch; ++i) {
      recv_iov_[i].iov_base = &recv_buffers_[i * kRecvBufferSize];
      recv_iov_[i].iov_len = kRecvBufferSize;
    }
    announce_.num_want = config_.requests().announce_peers_wanted();
  }

  absl::Status Open() {
    const size_t per_worker = config_.network().sockets_per_worker();
    sockets_.reserve(per_worker);
    for (size_t i = 0; i < per_worker; ++i) {
      sockets_.push_back(std::make_unique<SocketState>());
      const size_t global_index = settings_.worker_index * per_worker + i;
      if (absl::Status status = OpenSocket(settings_, global_index, sockets_.back().get());
          !status.ok()) {
        return status;
      }
    }
    return absl::OkStatus();
  }

  void Run() {
    std::vector<pollfd> poll_fds(sockets_.size());
    for (size_t i = 0; i < sockets_.size(); ++i) poll_fds[i] = {sockets_[i]->fd, POLLIN, 0};
    int64_t last_scan_ms = NowMs();
    while (!settings_.stop->load(std::memory_order_relaxed)) {
      const int64_t now = NowMs();
      if (now >= settings_.deadline_ms) break;
      size_t sent = 0;
      size_t received = 0;
      for (auto& socket : sockets_) sent += Send(socket.get(), now);
      for (auto& socket : sockets_) received += Receive(socket.get(), now);
      if (now - last_scan_ms >= kTimeoutScanMs) {
        last_scan_ms = now;
        for (auto& socket : sockets_) ScanTimeouts(socket.get(), now);
      }
      settings_.shared->Publish(counts_);
      if (fill_ && FillDone()) break;
      if (sent == 0 && received == 0) {
        poll(poll_fds.data(), poll_fds.size(), kIdlePollMs);
      } else if (coalesce_.tv_nsec > 0 && received < kCoalesceBelow) {
        // Responses trickle in one by one (a tracker that answers each
        // datagram with its own syscall): let a few gather instead of paying
        // several syscalls per response. Requests stay in flight meanwhile.
        nanosleep(&coalesce_, nullptr);
      }
    }
    settings_.shared->Publish(counts_);
    settings_.shared->done.store(true, std::memory_order_release);
  }

 private:
  bool FillDone() const {
    for (const auto& socket : sockets_) {
      if (socket->next_fill_peer < workload_.number_of_peers() || !socket->fill_retry.empty() ||
          socket->in_flight() > 0) {
        return false;
      }
    }
    return true;
  }

  // Takes a free slot for a request of `type`; returns its transaction id.
  uint32_t TakeSlot(SocketState* s, RequestType type, int64_t now, uint32_t peer) {
    const uint32_t index = s->free_slots.back();
    s->free_slots.pop_back();
    Slot& slot = s->slots[index];
    s->send_counter = (s->send_counter + 1) & ((1u << (32 - kSlotBits)) - 1);
    slot.transaction_id = (s->send_counter << kSlotBits) | index;
    slot.peer = peer;
    slot.sent_ms = now;
    slot.type = type;
    slot.active = true;
    return slot.transaction_id;
  }

  void ReleaseSlot(SocketState* s, uint32_t index) {
    Slot& slot = s->slots[index];
    slot.active = false;
    if (slot.type == RequestType::kConnect) s->connect_in_flight = false;
    s->free_slots.push_back(index);
  }

  // Builds one request at `offset` of the send buffer; returns its size (0:
  // none).
  size_t BuildRequest(SocketState* s, size_t offset, int64_t now) {
    absl::Span<uint8_t> out(&send_buffers_[offset], kSendBufferSize);
    const bool wants_connect =
        !s->connected || now - s->connected_at_ms >= max_connection_age_ms_;
    if (wants_connect && !s->connect_in_flight) {
      udp::ConnectRequest request;
      request.transaction_id = TakeSlot(s, RequestType::kConnect, now, 0);
      s->connect_in_flight = true;
      return Checked(udp::Serialize(request, out));
    }
    if (!s->connected) return 0;
    if (fill_) return BuildFillAnnounce(s, out, now);
    switch (sampler_.NextRequestType()) {
      case RequestType::kConnect: {
        udp::ConnectRequest request;
        request.transaction_id = TakeSlot(s, RequestType::kConnect, now, 0);
        s->connect_in_flight = true;
        return Checked(udp::Serialize(request, out));
      }
      case RequestType::kAnnounce: {
        const size_t peer = sampler_.NextPeer();
        FillAnnounce(s, sampler_.NextTorrent(), peer, udp::AnnounceEvent::kNone);
        announce_.transaction_id = TakeSlot(s, RequestType::kAnnounce, now, 0);
        return Checked(udp::Serialize(announce_, out));
      }
      case RequestType::kScrape: {
        const size_t count = sampler_.NextScrapeCount();
        scrape_.connection_id = s->connection_id;
        scrape_.info_hashes.resize(count);
        for (size_t k = 0; k < count; ++k) {
          scrape_.info_hashes[k].info_hash = workload_.info_hash(sampler_.NextTorrent());
        }
        scrape_.transaction_id = TakeSlot(s, RequestType::kScrape, now, 0);
        return Checked(udp::Serialize(scrape_, out));
      }
    }
    return 0;
  }

  size_t BuildFillAnnounce(SocketState* s, absl::Span<uint8_t> out, int64_t now) {
    uint32_t peer = 0;
    if (!s->fill_retry.empty()) {
      peer = s->fill_retry.back();
      s->fill_retry.pop_back();
    } else if (s->next_fill_peer < workload_.number_of_peers()) {
      peer = static_cast<uint32_t>(s->next_fill_peer);
      s->next_fill_peer += settings_.total_sockets;
    } else {
      return 0;
    }
    FillAnnounce(s, workload_.FillTorrent(peer), peer, udp::AnnounceEvent::kStarted);
    announce_.transaction_id = TakeSlot(s, RequestType::kAnnounce, now, peer);
    return Checked(udp::Serialize(announce_, out));
  }

  void FillAnnounce(const SocketState* s, size_t torrent, size_t peer, udp::AnnounceEvent event) {
    announce_.connection_id = s->connection_id;
    announce_.info_hash = workload_.info_hash(torrent);
    announce_.peer_id = workload_.peer_id(peer);
    announce_.left = sampler_.NextIsSeeder() ? 0 : 1000000;
    announce_.event = event;
    if (announce_.left == 0 && event == udp::AnnounceEvent::kNone && sampler_.NextIsCompleted()) {
      announce_.event = udp::AnnounceEvent::kCompleted;
    }
    announce_.key = static_cast<uint32_t>(peer);
    announce_.port = Workload::PeerPort(peer);
    // Precomputed "/announce/KEY": a copy of 42 bytes, nothing formatted.
    if (peer_keys_ != nullptr) announce_.url_data.assign(peer_keys_->url_data(peer));
  }

  static size_t Checked(const absl::StatusOr<size_t>& size) { return size.ok() ? *size : 0; }

  // Fills free slots with requests and sends them in one sendmmsg. With
  // GSO, each run of equal-sized requests (announces are all 98 bytes) goes
  // as one UDP_SEGMENT message: the kernel walks its send path once per run
  // instead of once per datagram, and the tracker still receives one
  // datagram per request.
  size_t Send(SocketState* s, int64_t now) {
    size_t n = 0;
    size_t offset = 0;
    while (n < kBatch && !s->free_slots.empty()) {
      const size_t size = BuildRequest(s, offset, now);
      if (size == 0) break;
      request_offset_[n] = offset;
      request_size_[n] = size;
      offset += size;
      ++n;
    }
    if (n == 0) return 0;
    // Group the requests into messages: message m holds requests
    // [first_request_[m], first_request_[m + 1]).
    size_t messages = 0;
    for (size_t i = 0; i < n;) {
      size_t run = 1;
      if (use_gso_) {
        while (i + run < n && request_size_[i + run] == request_size_[i] &&
               (run + 1) * request_size_[i] <= kMaxGsoBytes) {
          ++run;
        }
      }
      first_request_[messages] = i;
      send_iov_[messages].iov_base = &send_buffers_[request_offset_[i]];
      send_iov_[messages].iov_len = run * request_size_[i];
      mmsghdr& message = send_msgs_[messages];
      message = {};
      message.msg_hdr.msg_iov = &send_iov_[messages];
      message.msg_hdr.msg_iovlen = 1;
      if (run > 1) {
        char* control = gso_control_[messages].bytes;
        message.msg_hdr.msg_control = control;
        message.msg_hdr.msg_controllen = CMSG_SPACE(sizeof(uint16_t));
        cmsghdr* cmsg = CMSG_FIRSTHDR(&message.msg_hdr);
        cmsg->cmsg_level = SOL_UDP;
        cmsg->cmsg_type = UDP_SEGMENT;
        cmsg->cmsg_len = CMSG_LEN(sizeof(uint16_t));
        const uint16_t segment = static_cast<uint16_t>(request_size_[i]);
        std::memcpy(CMSG_DATA(cmsg), &segment, sizeof(segment));
      }
      ++messages;
      i += run;
    }
    first_request_[messages] = n;
    int sent = sendmmsg(s->fd, send_msgs_.data(), static_cast<unsigned>(messages), 0);
    if (sent < 0 && use_gso_ && (errno == EINVAL || errno == EIO || errno == ENOPROTOOPT)) {
      // No UDP GSO here: plain datagrams from now on (these requests time out).
      use_gso_ = false;
    }
    if (sent < 0) sent = 0;  // EAGAIN, ENOBUFS, ECONNREFUSED: released below
    const size_t sent_requests = first_request_[static_cast<size_t>(sent)];
    counts_.sent += sent_requests;
    // The requests that did not go out free their slots again, found by
    // their transaction ids.
    for (size_t i = sent_requests; i < n; ++i) {
      const uint32_t transaction_id = codec::LoadU32(&send_buffers_[request_offset_[i]] + 12);
      const uint32_t index = transaction_id & kSlotMask;
      if (index < s->slots.size() && s->slots[index].active &&
          s->slots[index].transaction_id == transaction_id) {
        if (fill_ && s->slots[index].type == RequestType::kAnnounce) {
          s->fill_retry.push_back(s->slots[index].peer);
        }
        ReleaseSlot(s, index);
      }
    }
    return sent_requests;
  }

  size_t Receive(SocketState* s, int64_t now) {
    for (size_t i = 0; i < kBatch; ++i) {
      recv_msgs_[i] = {};
      recv_msgs_[i].msg_hdr.msg_iov = &recv_iov_[i];
      recv_msgs_[i].msg_hdr.msg_iovlen = 1;
    }
    const int received =
        recvmmsg(s->fd, recv_msgs_.data(), static_cast<unsigned>(kBatch), MSG_DONTWAIT, nullptr);
    if (received <= 0) return 0;  // EAGAIN; ECONNREFUSED (no server yet) ends as timeouts
    for (int i = 0; i < received; ++i) {
      const mmsghdr& message = recv_msgs_[static_cast<size_t>(i)];
      if ((message.msg_hdr.msg_flags & MSG_TRUNC) != 0) {
        ++counts_.invalid;
        continue;
      }
      HandleResponse(s, absl::Span<const uint8_t>(&recv_buffers_[i * kRecvBufferSize],
                                                   message.msg_len),
                     now);
    }
    return static_cast<size_t>(received);
  }

  void HandleResponse(SocketState* s, absl::Span<const uint8_t> wire, int64_t now) {
    if (wire.size() < 8) {
      ++counts_.invalid;
      return;
    }
    // Every response starts with the action and the transaction id.
    const uint32_t action = codec::LoadU32(wire.data());
    const uint32_t transaction_id = codec::LoadU32(wire.data() + 4);
    const uint32_t index = transaction_id & kSlotMask;
    if (index >= s->slots.size() || !s->slots[index].active ||
        s->slots[index].transaction_id != transaction_id) {
      ++counts_.unmatched;
      return;
    }
    const RequestType type = s->slots[index].type;
    const uint32_t peer = s->slots[index].peer;
    ReleaseSlot(s, index);
    switch (action) {
      case static_cast<uint32_t>(udp::Action::kConnect):
        if (!udp::Parse(wire, &connect_response_).ok()) break;
        ++counts_.connect;
        s->connection_id = connect_response_.connection_id;
        s->connected = true;
        s->connected_at_ms = now;
        return;
      case static_cast<uint32_t>(udp::Action::kAnnounce): {
        size_t peers = 0;
        if (settings_.server.ipv6) {
          if (!udp::Parse(wire, &announce_v6_).ok()) break;
          peers = announce_v6_.peers.size();
        } else {
          if (!udp::Parse(wire, &announce_v4_).ok()) break;
          peers = announce_v4_.peers.size();
        }
        if (type != RequestType::kAnnounce) break;
        ++counts_.announce;
        counts_.announce_peers += peers;
        if (fill_) ++counts_.filled;
        return;
      }
      case static_cast<uint32_t>(udp::Action::kScrape):
        if (!udp::Parse(wire, &scrape_response_).ok() || type != RequestType::kScrape) break;
        ++counts_.scrape;
        return;
      case static_cast<uint32_t>(udp::Action::kError):
        if (!udp::Parse(wire, &error_response_).ok()) break;
        ++counts_.error;
        // The connection id may be what the tracker refused: get a new one.
        s->connected = false;
        if (fill_ && type == RequestType::kAnnounce) ++counts_.filled;
        return;
      default:
        break;
    }
    ++counts_.invalid;
    if (fill_ && type == RequestType::kAnnounce) s->fill_retry.push_back(peer);
  }

  void ScanTimeouts(SocketState* s, int64_t now) {
    if (s->in_flight() == 0) return;
    for (uint32_t i = 0; i < s->slots.size(); ++i) {
      const Slot& slot = s->slots[i];
      if (!slot.active || now - slot.sent_ms < timeout_ms_) continue;
      ++counts_.timeouts;
      if (fill_ && slot.type == RequestType::kAnnounce) s->fill_retry.push_back(slot.peer);
      ReleaseSlot(s, i);
    }
  }

  const WorkerSettings settings_;
  const UdpLoadTestConfig& config_;
  const Workload& workload_;
  const PeerKeys* const peer_keys_;
  WorkloadSampler sampler_;
  const bool fill_;
  const int64_t timeout_ms_;
  const int64_t max_connection_age_ms_;
  std::vector<std::unique_ptr<SocketState>> sockets_;
  Counts counts_;

  std::vector<uint8_t> send_buffers_;
  std::vector<uint8_t> recv_buffers_;
  bool use_gso_;
  std::array<size_t, kBatch> request_offset_{};
  std::array<size_t, kBatch> request_size_{};
  std::array<size_t, kBatch + 1> first_request_{};
  const timespec coalesce_;
  struct alignas(cmsghdr) GsoControl {
    char bytes[CMSG_SPACE(sizeof(uint16_t))];
  };
  std::array<GsoControl, kBatch> gso_control_{};
  std::array<iovec, kBatch> send_iov_{};
  std::array<iovec, kBatch> recv_iov_{};
  std::array<mmsghdr, kBatch> send_msgs_{};
  std::array<mmsghdr, kBatch> recv_msgs_{};

  // Reused codec messages (the repeated parts are fixed arrays: no heap).
  udp::AnnounceRequest announce_;
  udp::ScrapeRequest scrape_;
  udp::ConnectResponse connect_response_;
  udp::AnnounceResponseV4 announce_v4_;
  udp::AnnounceResponseV6 announce_v6_;
  udp::ScrapeResponse scrape_response_;
  udp::ErrorResponse error_response_;
};

double PerSecond(uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0.0;
}

UdpLoadTestResult ToResult(const Counts& c, double seconds, double cpu_seconds) {
  UdpLoadTestResult r;
  r.seconds = seconds;
  r.connect = c.connect;
  r.announce = c.announce;
  r.scrape = c.scrape;
  r.error = c.error;
  r.timeouts = c.timeouts;
  r.unmatched = c.unmatched;
  r.invalid = c.invalid;
  r.sent = c.sent;
  r.announce_peers = c.announce_peers;
  r.filled = c.filled;
  r.cpu_seconds = cpu_seconds;
  return r;
}

}  // namespace

absl::StatusOr<UdpLoadTestResult> RunUdpLoadTest(const UdpLoadTestConfig& config, uint64_t seed,
                                                 std::FILE* out) {
  absl::StatusOr<LoopbackAddress> server = ParseLoopbackAddress(config.server_address());
  if (!server.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("server_address: ", server.status().message()));
  }
  absl::StatusOr<Workload> workload = Workload::Create(ToWorkloadOptions(config, seed));
  if (!workload.ok()) return workload.status();
  std::unique_ptr<const PeerKeys> peer_keys;
  if (config.requests().private_keys()) {
    peer_keys = std::make_unique<const PeerKeys>(workload->number_of_peers());
  }

  const bool fill = config.mode() == LOAD_TEST_MODE_FILL;
  const int64_t warmup_ms = fill ? 0 : int64_t{config.warmup()} * 1000;
  const int64_t duration_ms = int64_t{config.duration()} * 1000;
  const size_t workers = config.workers();
  std::atomic<bool> stop{false};
  std::vector<SharedCounts> shared(workers);

  const auto start = std::chrono::steady_clock::now();
  const int64_t start_ms = NowMs();
  std::vector<std::unique_ptr<Worker>> worker_objects;
  for (size_t w = 0; w < workers; ++w) {
    WorkerSettings settings;
    settings.config = &config;
    settings.workload = &*workload;
    settings.peer_keys = peer_keys.get();
    settings.server = *server;
    settings.worker_index = w;
    settings.total_sockets = workers * config.network().sockets_per_worker();
    // A little slack: the main thread ends the run on time; this bounds a
    // worker even if it does not.
    settings.deadline_ms = start_ms + warmup_ms + duration_ms + 1000;
    settings.stop = &stop;
    settings.shared = &shared[w];
    worker_objects.push_back(std::make_unique<Worker>(settings));
    if (absl::Status status = worker_objects.back()->Open(); !status.ok()) return status;
  }
  std::vector<std::thread> threads;
  threads.reserve(workers);
  for (auto& worker : worker_objects) threads.emplace_back([&worker] { worker->Run(); });

  auto total = [&shared] {
    Counts sum;
    for (const SharedCounts& s : shared) s.AddTo(&sum);
    return sum;
  };
  auto all_done = [&shared] {
    for (const SharedCounts& s : shared) {
      if (!s.done.load(std::memory_order_acquire)) return false;
    }
    return true;
  };

  const auto warmup_end = start + std::chrono::milliseconds(warmup_ms);
  const auto end = warmup_end + std::chrono::milliseconds(duration_ms);
  Counts at_warmup_end;
  double cpu_at_warmup_end = ProcessCpuSeconds();
  bool measuring = warmup_ms == 0;
  auto measure_start = start;
  Counts previous;
  auto previous_time = start;
  for (int second = 1;; ++second) {
    auto next = start + std::chrono::seconds(second);
    if (!measuring && next > warmup_end) next = warmup_end;
    if (next > end) next = end;
    // Sleep in short steps so a finished fill ends the run promptly.
    while (std::chrono::steady_clock::now() < next && !(fill && all_done())) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const auto now = std::chrono::steady_clock::now();
    const Counts current = total();
    if (!measuring && now >= warmup_end) {
      measuring = true;
      measure_start = now;
      at_warmup_end = current;
      cpu_at_warmup_end = ProcessCpuSeconds();
    }
    const double interval = std::chrono::duration<double>(now - previous_time).count();
    if (config.progress() && interval > 0.05) {
      const Counts d = CountsMinus(current, previous);
      std::fprintf(out,
                   "%6.1f s%s  connect/s %.0f  announce/s %.0f  scrape/s %.0f  error/s %.0f  "
                   "timeouts %llu%s\n",
                   std::chrono::duration<double>(now - start).count(),
                   measuring ? "" : " (warm-up)", PerSecond(d.connect, interval),
                   PerSecond(d.announce, interval), PerSecond(d.scrape, interval),
                   PerSecond(d.error, interval), static_cast<unsigned long long>(d.timeouts),
                   fill ? absl::StrCat("  filled ", current.filled, "/",
                                       workload->number_of_peers())
                              .c_str()
                        : "");
      std::fflush(out);
    }
    previous = current;
    previous_time = now;
    if (now >= end || (fill && all_done())) break;
  }
  stop.store(true, std::memory_order_relaxed);
  const auto measure_end = std::chrono::steady_clock::now();
  const double cpu_end = ProcessCpuSeconds();
  for (std::thread& thread : threads) thread.join();
  // Counts after the end of the window are few (one loop of each worker);
  // take the final values so fill mode sees every answer.
  const Counts final_counts = CountsMinus(total(), at_warmup_end);
  return ToResult(final_counts, std::chrono::duration<double>(measure_end - measure_start).count(),
                  cpu_end - cpu_at_warmup_end);
}

void PrintUdpLoadTestSummary(const UdpLoadTestConfig& config, uint64_t seed,
                             const UdpLoadTestResult& r, std::FILE* out) {
  const double s = r.seconds;
  const double avg_peers =
      r.announce > 0 ? static_cast<double>(r.announce_peers) / static_cast<double>(r.announce)
                     : 0.0;
  const double cpu_percent = s > 0 ? 100.0 * r.cpu_seconds / s : 0.0;
  std::fprintf(out,
               "\nUDP load test against %s: %s mode, %u worker(s) x %u socket(s), "
               "%u in flight per socket, seed %llu\n",
               config.server_address().c_str(),
               config.mode() == LOAD_TEST_MODE_FILL ? "fill" : "load", config.workers(),
               config.network().sockets_per_worker(), config.network().max_requests_in_flight(),
               static_cast<unsigned long long>(seed));
  if (config.requests().private_keys()) {
    std::fprintf(out,
                 "private tracker keys: each of the %u peers sends its own in every announce "
                 "(BEP 41 URL data /announce/KEY)\n",
                 config.requests().number_of_peers());
  }
  std::fprintf(out, "measured %.2f s%s\n\n", s,
               config.warmup() > 0 && config.mode() == LOAD_TEST_MODE_LOAD
                   ? absl::StrCat(" after ", config.warmup(), " s warm-up").c_str()
                   : "");
  std::fprintf(out, "| %-22s | %12s | %12s |\n", "responses", "count", "per second");
  std::fprintf(out, "|%s|%s|%s|\n", std::string(24, '-').c_str(), std::string(14, '-').c_str(),
               std::string(14, '-').c_str());
  auto row = [&](const char* name, uint64_t count) {
    std::fprintf(out, "| %-22s | %12llu | %12.0f |\n", name,
                 static_cast<unsigned long long>(count), PerSecond(count, s));
  };
  row("connect", r.connect);
  row("announce", r.announce);
  row("scrape", r.scrape);
  row("error", r.error);
  row("total", r.connect + r.announce + r.scrape + r.error);
  std::fprintf(out, "\naverage peers per announce response: %.2f\n", avg_peers);
  std::fprintf(out, "requests sent: %llu, timeouts (no answer in %u ms): %llu\n",
               static_cast<unsigned long long>(r.sent), config.network().request_timeout_ms(),
               static_cast<unsigned long long>(r.timeouts));
  std::fprintf(out, "late or unmatched responses: %llu, invalid responses: %llu\n",
               static_cast<unsigned long long>(r.unmatched),
               static_cast<unsigned long long>(r.invalid));
  std::fprintf(out, "load tester CPU: %.0f%% of one core\n", cpu_percent);
  if (config.mode() == LOAD_TEST_MODE_FILL) {
    std::fprintf(out, "filled: %llu of %u peers answered\n",
                 static_cast<unsigned long long>(r.filled), config.requests().number_of_peers());
  }
  std::fprintf(out,
               "RESULT announce_per_s=%.0f connect_per_s=%.0f scrape_per_s=%.0f "
               "error_per_s=%.0f errors=%llu timeouts=%llu avg_peers=%.2f duration_s=%.2f "
               "announces=%llu sent=%llu filled=%llu cpu_percent=%.0f private_keys=%d\n",
               PerSecond(r.announce, s), PerSecond(r.connect, s), PerSecond(r.scrape, s),
               PerSecond(r.error, s), static_cast<unsigned long long>(r.error),
               static_cast<unsigned long long>(r.timeouts), avg_peers, s,
               static_cast<unsigned long long>(r.announce), static_cast<unsigned long long>(r.sent),
               static_cast<unsigned long long>(r.filled), cpu_percent,
               config.requests().private_keys() ? 1 : 0);
  std::fflush(out);
}

}  // namespace aquatic::loadtest
