#include "loadtest/http_load_test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "codec/http/http.codec.h"
#include "loadtest/config/http_loadtest_config.h"
#include "loadtest/config/loopback_address.h"
#include "loadtest/http_response_head.h"
#include "loadtest/load_clock.h"
#include "loadtest/published_counts.h"
#include "loadtest/workload.h"

namespace aquatic::loadtest {
namespace {

namespace http = ::aquatic::codec::http;

constexpr int kMaxEvents = 256;
// Read buffer of a connection; grows for larger responses up to kMaxBuffered.
constexpr size_t kInitialBuffer = 16 * 1024;
constexpr size_t kMaxBuffered = 1024 * 1024;
constexpr size_t kMaxPipeline = 64;
// How often in-flight requests and draining connections are checked.
constexpr int64_t kScanMs = 50;
// A connection that failed (refused, reset) is replaced after this pause, so a
// server that is down does not make the tester spin.
constexpr int64_t kRetryDelayMs = 20;
// A connection whose one response is complete waits this long for the server
// to close it (so the TIME_WAIT stays on the server's side), then is reset.
constexpr int64_t kDrainTimeoutMs = 1000;
// Longest sleep in epoll_wait (the stop flag is checked in between).
constexpr int kIdleWaitMs = 10;
// Leechers announce this many bytes left.
constexpr int64_t kLeecherLeft = 1000000;

// Counters one worker writes and the main thread reads (relaxed stores once
// per loop, as in the UDP load tester).
struct Counts {
  uint64_t announce = 0;
  uint64_t scrape = 0;
  uint64_t failures = 0;
  uint64_t connection_errors = 0;
  uint64_t http_status_errors = 0;
  uint64_t invalid = 0;
  uint64_t timeouts = 0;
  uint64_t sent = 0;
  uint64_t connects = 0;
  uint64_t announce_peers = 0;

  uint64_t errors() const { return connection_errors + http_status_errors + invalid; }
};

using SharedCounts = PublishedCounts<Counts>;

enum IoResult : ssize_t { kIoEof = 0, kIoWantRead = -1, kIoWantWrite = -2, kIoError = -3 };

struct Conn {
  int fd = -1;
  SSL* ssl = nullptr;
  uint32_t index = 0;  // in the worker's pool
  uint32_t generation = 0;
  bool in_use = false;
  bool registered = false;
  bool want_out = false;  // EPOLLOUT is in the interest set
  // The one response (or the last before "Connection: close") is complete;
  // waiting for the server to close.
  bool draining = false;
  int64_t drain_deadline_ms = 0;
  uint32_t requests_started = 0;
  std::string out;
  size_t out_pos = 0;
  std::vector<char> in;
  size_t in_start = 0;
  size_t in_end = 0;
  // Requests in flight, oldest first (a ring).
  std::array<RequestType, kMaxPipeline> types{};
  std::array<int64_t, kMaxPipeline> sent_ms{};
  uint32_t head = 0;
  uint32_t count = 0;

  absl::string_view buffered() const {
    return absl::string_view(in.data() + in_start, in_end - in_start);
  }
};

struct WorkerSettings {
  const HttpLoadTestConfig* config = nullptr;
  const Workload* workload = nullptr;
  LoopbackAddress server;
  SSL_CTX* tls = nullptr;
  size_t worker_index = 0;
  int64_t deadline_ms = 0;
  const std::atomic<bool>* stop = nullptr;
  SharedCounts* shared = nullptr;
};

class Worker {
 public:
  explicit Worker(const WorkerSettings& settings)
      : settings_(settings),
        config_(*settings.config),
        workload_(*settings.workload),
        sampler_(workload_, settings.worker_index),
        connections_(config_.network().connections_per_worker()),
        keep_alive_(config_.network().keep_alive()),
        depth_(keep_alive_ ? std::min<uint32_t>(config_.network().pipeline_depth(),
                                                static_cast<uint32_t>(kMaxPipeline))
                           : 1),
        timeout_ms_(config_.network().request_timeout_ms()),
        close_with_reset_(!keep_alive_ && config_.network().close_with_reset()),
        source_addresses_(config_.network().source_ipv4_addresses()),
        next_source_(settings.worker_index * connections_) {
    announce_.numwant = static_cast<int32_t>(config_.requests().announce_peers_wanted());
    // Request head after the target. Host is the address as configured.
    request_tail_ = absl::StrCat(" HTTP/1.1\r\nHost: ", config_.server_address(), "\r\n",
                                 keep_alive_ ? "" : "Connection: close\r\n", "\r\n");
  }

  ~Worker() {
    for (auto& c : pool_) {
      if (c->in_use) CloseFd(c.get(), false);
    }
    if (session_ != nullptr) SSL_SESSION_free(session_);
    if (epoll_fd_ >= 0) close(epoll_fd_);
  }

  absl::Status Open() {
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) return absl::InternalError(absl::StrCat("epoll: ", std::strerror(errno)));
    pool_.reserve(connections_ * 2);
    return absl::OkStatus();
  }

  void Run() {
    int64_t now = NowMs();
    for (size_t i = 0; i < connections_; ++i) OpenConnection(now);
    int64_t last_scan_ms = now;
    std::array<epoll_event, kMaxEvents> events;
    while (!settings_.stop->load(std::memory_order_relaxed)) {
      if (now >= settings_.deadline_ms) break;
      const int wait_ms = retry_at_.empty() ? kIdleWaitMs : 1;
      const int n = epoll_wait(epoll_fd_, events.data(), kMaxEvents, wait_ms);
      now = NowMs();
      for (int i = 0; i < n; ++i) {
        const uint64_t data = events[static_cast<size_t>(i)].data.u64;
        const uint32_t index = static_cast<uint32_t>(data);
        Conn* c = pool_[index].get();
        // Stale: the connection was closed (and its slot maybe reused)
        // earlier in this batch.
        if (!c->in_use || c->generation != static_cast<uint32_t>(data >> 32)) continue;
        Handle(c, events[static_cast<size_t>(i)].events, now);
      }
      OpenDue(now);
      if (now - last_scan_ms >= kScanMs) {
        last_scan_ms = now;
        Scan(now);
      }
      settings_.shared->Publish(counts_);
    }
    settings_.shared->Publish(counts_);
    settings_.shared->done.store(true, std::memory_order_release);
  }

 private:
  // --- connections ---------------------------------------------------------

  Conn* Allocate() {
    uint32_t index;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
    } else {
      index = static_cast<uint32_t>(pool_.size());
      pool_.push_back(std::make_unique<Conn>());
      pool_.back()->index = index;
      pool_.back()->in.resize(kInitialBuffer);
    }
    Conn* c = pool_[index].get();
    c->in_use = true;
    c->registered = false;
    c->want_out = false;
    c->draining = false;
    c->requests_started = 0;
    c->out.clear();
    c->out_pos = 0;
    c->in_start = c->in_end = 0;
    c->head = c->count = 0;
    return c;
  }

  // Closes the socket and frees the slot. `reset`: abort (RST), so neither
  // side keeps a TIME_WAIT entry.
  void CloseFd(Conn* c, bool reset) {
    if (c->ssl != nullptr) {
      SSL_free(c->ssl);
      c->ssl = nullptr;
    }
    if (reset) {
      const linger abort{1, 0};
      setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &abort, sizeof(abort));
    }
    close(c->fd);
    c->fd = -1;
  }

  void Release(Conn* c, bool reset) {
    if (!c->draining) --active_;
    CloseFd(c, reset);
    c->in_use = false;
    ++c->generation;
    free_.push_back(c->index);
  }

  bool Stopping() const { return settings_.stop->load(std::memory_order_relaxed); }

  // Keeps `connections_` connections busy: a replacement now or after a pause.
  void Replace(int64_t now, bool after_failure) {
    if (Stopping()) return;
    if (after_failure) {
      retry_at_.push_back(now + kRetryDelayMs);
    } else {
      OpenConnection(now);
    }
  }

  void OpenDue(int64_t now) {
    if (retry_at_.empty()) return;
    size_t kept = 0;
    size_t due = 0;
    for (int64_t at : retry_at_) {
      if (at <= now) {
        ++due;
      } else {
        retry_at_[kept++] = at;
      }
    }
    retry_at_.resize(kept);
    for (size_t i = 0; i < due && !Stopping(); ++i) OpenConnection(now);
  }

  void OpenConnection(int64_t now) {
    const bool ipv6 = settings_.server.ipv6;
    const int fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      ++counts_.connection_errors;
      retry_at_.push_back(now + kRetryDelayMs);
      return;
    }
    if (!ipv6 && source_addresses_ > 1) {
      // Pick the source address now, the port at connect() (4-tuple unique),
      // so each source address has the whole ephemeral range.
      const int one = 1;
      setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
      sockaddr_in local{};
      local.sin_family = AF_INET;
      local.sin_addr.s_addr =
          htonl(0x7f000001u + static_cast<uint32_t>(next_source_++ % source_addresses_));
      bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof(local));
    }
    if (depth_ > 1) {
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    if (connect(fd, settings_.server.sockaddr_ptr(), settings_.server.length) != 0 &&
        errno != EINPROGRESS) {
      close(fd);
      ++counts_.connection_errors;
      retry_at_.push_back(now + kRetryDelayMs);
      return;
    }
    Conn* c = Allocate();
    c->fd = fd;
    ++active_;
    ++counts_.connects;
    if (settings_.tls != nullptr) {
      c->ssl = SSL_new(settings_.tls);
      SSL_set_fd(c->ssl, fd);
      SSL_set_connect_state(c->ssl);
      if (session_ != nullptr) SSL_set_session(c->ssl, session_);
    }
    FillPipeline(c, now);
    // On loopback the TCP handshake is done by the time connect() returns:
    // write right away and register for reading only (no EPOLLOUT wake-up
    // per connection).
    if (!Flush(c, now)) return;
    Register(c);
  }

  void Register(Conn* c) {
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP | EPOLLET | (c->want_out ? EPOLLOUT : 0u);
    event.data.u64 = (uint64_t{c->generation} << 32) | c->index;
    epoll_ctl(epoll_fd_, c->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &event);
    c->registered = true;
  }

  void WantOut(Conn* c) {
    if (c->want_out) return;
    c->want_out = true;
    if (c->registered) Register(c);
  }

  // The connection failed (refused, reset, TLS error): its requests count as
  // errors; a replacement follows after a pause.
  void Fail(Conn* c, int64_t now) {
    counts_.connection_errors += c->count;
    Release(c, true);
    Replace(now, true);
  }

  // The server will send nothing more on `c`: close now if it already closed
  // its side, else wait for that (draining) so TIME_WAIT stays on its side.
  // A replacement starts at once.
  void Retire(Conn* c, int64_t now, bool peer_closed) {
    counts_.connection_errors += c->count;  // pipelined requests left unanswered
    c->count = 0;
    if (peer_closed || close_with_reset_) {
      Release(c, close_with_reset_);
    } else {
      c->draining = true;
      --active_;
      c->drain_deadline_ms = now + kDrainTimeoutMs;
    }
    Replace(now, false);
  }

  void Scan(int64_t now) {
    for (auto& slot : pool_) {
      Conn* c = slot.get();
      if (!c->in_use) continue;
      if (c->draining) {
        if (now >= c->drain_deadline_ms) Release(c, true);
        continue;
      }
      if (c->count > 0 && now - c->sent_ms[c->head] >= timeout_ms_) {
        counts_.timeouts += c->count;
        c->count = 0;
        Release(c, true);
        Replace(now, false);
      }
    }
  }

  // --- I/O -------------------------------------------------------------------

  static ssize_t SslResult(SSL* ssl, int result) {
    switch (SSL_get_error(ssl, result)) {
      case SSL_ERROR_WANT_READ: return kIoWantRead;
      case SSL_ERROR_WANT_WRITE: return kIoWantWrite;
      case SSL_ERROR_ZERO_RETURN: return kIoEof;
      case SSL_ERROR_SYSCALL:
        ERR_clear_error();
        // The server closed without close_notify (aquatic does not send it).
        return errno == 0 || errno == ECONNRESET ? kIoEof : kIoError;
      default:
        ERR_clear_error();
        return kIoError;
    }
  }

  static ssize_t Read(Conn* c, char* buffer, size_t size) {
    if (c->ssl != nullptr) {
      errno = 0;
      const int n = SSL_read(c->ssl, buffer, static_cast<int>(std::min<size_t>(size, 1 << 30)));
      return n > 0 ? n : SslResult(c->ssl, n);
    }
    for (;;) {
      const ssize_t n = recv(c->fd, buffer, size, 0);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK ? kIoWantRead : kIoError;
    }
  }

  static ssize_t Write(Conn* c, const char* data, size_t size) {
    if (c->ssl != nullptr) {
      errno = 0;
      const int n = SSL_write(c->ssl, data, static_cast<int>(std::min<size_t>(size, 1 << 30)));
      if (n > 0) return n;
      const ssize_t result = SslResult(c->ssl, n);
      return result == kIoEof ? kIoError : result;
    }
    for (;;) {
      const ssize_t n = send(c->fd, data, size, MSG_NOSIGNAL);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK ? kIoWantWrite : kIoError;
    }
  }

  // Writes what is pending. false: the connection failed and is gone.
  bool Flush(Conn* c, int64_t now) {
    while (c->out_pos < c->out.size()) {
      const ssize_t n = Write(c, c->out.data() + c->out_pos, c->out.size() - c->out_pos);
      if (n > 0) {
        c->out_pos += static_cast<size_t>(n);
        continue;
      }
      if (n == kIoWantWrite) WantOut(c);
      if (n == kIoWantRead || n == kIoWantWrite) return true;
      Fail(c, now);
      return false;
    }
    c->out.clear();
    c->out_pos = 0;
    return true;
  }

  void Handle(Conn* c, uint32_t events, int64_t now) {
    const bool peer_closed = (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0;
    if (c->draining) {
      if (peer_closed) {
        Release(c, false);
      } else {
        DiscardInput(c);
      }
      return;
    }
    if (!c->out.empty() && !Flush(c, now)) return;
    if (!ReadResponses(c, now, peer_closed)) return;
    // TLS: reading may have finished the handshake a pending write waits for.
    if (c->ssl != nullptr && !c->out.empty()) Flush(c, now);
  }

  // A draining connection got data (or a TLS record) instead of the close.
  void DiscardInput(Conn* c) {
    char scratch[4096];
    for (;;) {
      const ssize_t n = Read(c, scratch, sizeof(scratch));
      if (n > 0) continue;
      if (n == kIoWantRead || n == kIoWantWrite) return;
      Release(c, n != kIoEof);
      return;
    }
  }

  // Reads and handles responses. false: the connection is gone (or
  // retired).
  bool ReadResponses(Conn* c, int64_t now, bool peer_closed) {
    for (;;) {
      if (c->in_end == c->in.size()) {
        if (c->in_start > 0) {
          std::memmove(c->in.data(), c->in.data() + c->in_start, c->in_end - c->in_start);
          c->in_end -= c->in_start;
          c->in_start = 0;
        } else if (c->in.size() < kMaxBuffered) {
          c->in.resize(std::min(kMaxBuffered, c->in.size() * 2));
        } else {
          ++counts_.invalid;  // a response larger than any tracker's
          if (c->count > 0) --c->count;
          Fail(c, now);
          return false;
        }
      }
      const size_t space = c->in.size() - c->in_end;
      const ssize_t n = Read(c, c->in.data() + c->in_end, space);
      if (n > 0) {
        c->in_end += static_cast<size_t>(n);
        // Plain TCP: a short read emptied the socket; with the peer's FIN
        // seen, nothing more will come.
        const bool drained = c->ssl == nullptr && static_cast<size_t>(n) < space;
        if (!HandleResponses(c, now, peer_closed, drained)) return false;
        if (drained) return true;
        continue;
      }
      if (n == kIoWantRead) return true;
      if (n == kIoWantWrite) {
        WantOut(c);
        return true;
      }
      if (n == kIoEof) {
        OnEof(c, now);
      } else {
        Fail(c, now);
      }
      return false;
    }
  }

  // The server closed `c`.
  void OnEof(Conn* c, int64_t now) {
    if (c->count > 0) {
      // A response without Content-Length ends here.
      HttpResponseHead head;
      if (ParseHttpResponseHead(c->buffered(), &head) == HeadParse::kComplete &&
          head.content_length < 0 && !head.chunked) {
        Complete(c, head.status, c->buffered().substr(head.header_length));
      }
      counts_.connection_errors += c->count;
      c->count = 0;
    }
    Release(c, false);
    Replace(now, false);
  }

  // Handles the complete responses in the buffer, then refills the pipeline.
  // `peer_closed`: the server's FIN has arrived; `drained`: and everything
  // before it has been read. false: the connection is gone (or retired).
  bool HandleResponses(Conn* c, int64_t now, bool peer_closed, bool drained) {
    while (c->count > 0) {
      const absl::string_view data = c->buffered();
      HttpResponseHead head;
      const HeadParse parsed = ParseHttpResponseHead(data, &head);
      if (parsed == HeadParse::kIncomplete) {
        if (data.size() <= 64 * 1024) break;
      } else if (parsed == HeadParse::kComplete && !head.chunked) {
        if (head.content_length < 0) break;  // the body lasts until the close
        const size_t total = head.header_length + static_cast<size_t>(head.content_length);
        if (data.size() < total) break;
        Complete(c, head.status, data.substr(head.header_length,
                                             static_cast<size_t>(head.content_length)));
        c->in_start += total;
        if (c->in_start == c->in_end) c->in_start = c->in_end = 0;
        if (head.close || !keep_alive_) {
          Retire(c, now, peer_closed && c->in_start == c->in_end);
          return false;
        }
        continue;
      }
      // Not HTTP, a chunked body, or a huge head.
      ++counts_.invalid;
      --c->count;
      Fail(c, now);
      return false;
    }
    if (c->count == 0 && c->in_end != c->in_start) {
      ++counts_.invalid;  // bytes nobody asked for
      Fail(c, now);
      return false;
    }
    if (peer_closed && drained) {
      // The server closed a connection it did not announce as closing
      // (opentracker answers HTTP/1.1 without keep-alive): no request goes
      // after its FIN.
      OnEof(c, now);
      return false;
    }
    if (c->count < depth_) {
      FillPipeline(c, now);
      return Flush(c, now);
    }
    return true;
  }

  // Counts the answer to the oldest request in flight on `c`.
  void Complete(Conn* c, int status, absl::string_view body) {
    const RequestType type = c->types[c->head];
    c->head = (c->head + 1) % kMaxPipeline;
    --c->count;
    if (c->ssl != nullptr && session_ == nullptr) {
      // One resumable session per worker, for connections without
      // keep-alive.
      SSL_SESSION* session = SSL_get1_session(c->ssl);
      if (session != nullptr && SSL_SESSION_is_resumable(session)) {
        session_ = session;
      } else if (session != nullptr) {
        SSL_SESSION_free(session);
      }
    }
    if (status == 200) {
      if (type == RequestType::kAnnounce) {
        if (http::Parse(body, &announce_response_).ok()) {
          ++counts_.announce;
          const http::AnnounceResponse& r = announce_response_;
          counts_.announce_peers += (r.peers_compact ? r.peers_compact->size() / 6 : 0) +
                                    (r.peers6 ? r.peers6->size() / 18 : 0) +
                                    (r.peers ? r.peers->size() : 0);
          return;
        }
      } else if (http::Parse(body, &scrape_response_).ok()) {
        ++counts_.scrape;
        return;
      }
    }
    if (http::Parse(body, &failure_response_).ok()) {
      ++counts_.failures;
    } else if (status != 200) {
      ++counts_.http_status_errors;
    } else {
      ++counts_.invalid;
    }
  }

  // --- requests --------------------------------------------------------------

  void FillPipeline(Conn* c, int64_t now) {
    while (c->count < depth_ && (keep_alive_ || c->requests_started == 0)) {
      const uint32_t slot = (c->head + c->count) % kMaxPipeline;
      c->types[slot] = BuildRequest(&c->out);
      c->sent_ms[slot] = now;
      ++c->count;
      ++c->requests_started;
      ++counts_.sent;
    }
  }

  RequestType BuildRequest(std::string* out) {
    out->append("GET ");
    RequestType type = sampler_.NextRequestType();
    if (type == RequestType::kScrape) {
      const size_t n = sampler_.NextScrapeCount();
      scrape_.info_hashes.resize(n);
      for (size_t i = 0; i < n; ++i) {
        scrape_.info_hashes[i] = workload_.info_hash(sampler_.NextTorrent());
      }
      // Sorted and distinct: opentracker lists the files of its scrape
      // response in request order, and bencode (BEP 3) requires sorted,
      // unique keys, which the codec checks.
      std::sort(scrape_.info_hashes.begin(), scrape_.info_hashes.end());
      scrape_.info_hashes.erase(
          std::unique(scrape_.info_hashes.begin(), scrape_.info_hashes.end()),
          scrape_.info_hashes.end());
      http::Serialize(scrape_, out);
    } else {
      type = RequestType::kAnnounce;
      const size_t peer = sampler_.NextPeer();
      announce_.info_hash = workload_.info_hash(sampler_.NextTorrent());
      announce_.peer_id = workload_.peer_id(peer);
      announce_.port = Workload::PeerPort(peer);
      announce_.left = sampler_.NextIsSeeder() ? 0 : kLeecherLeft;
      http::Serialize(announce_, out);
      // The codec leaves out keys at their defaults; trackers differ on
      // what a missing `left` means (opentracker: a leecher), and real
      // clients send compact=1.
      if (announce_.left == 0) {
        out->append("&left=0");
        if (sampler_.NextIsCompleted()) out->append("&event=completed");
      }
      out->append("&compact=1");
    }
    out->append(request_tail_);
    return type;
  }

  const WorkerSettings settings_;
  const HttpLoadTestConfig& config_;
  const Workload& workload_;
  WorkloadSampler sampler_;
  const size_t connections_;
  const bool keep_alive_;
  const uint32_t depth_;
  const int64_t timeout_ms_;
  const bool close_with_reset_;
  const size_t source_addresses_;
  size_t next_source_;
  std::string request_tail_;

  int epoll_fd_ = -1;
  std::vector<std::unique_ptr<Conn>> pool_;
  std::vector<uint32_t> free_;
  size_t active_ = 0;
  std::vector<int64_t> retry_at_;
  SSL_SESSION* session_ = nullptr;
  Counts counts_;

  http::AnnounceRequest announce_;
  http::ScrapeRequest scrape_;
  http::AnnounceResponse announce_response_;
  http::ScrapeResponse scrape_response_;
  http::FailureResponse failure_response_;
};

double PerSecond(uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0.0;
}

HttpLoadTestResult ToResult(const Counts& c, double seconds, double cpu_seconds) {
  HttpLoadTestResult r;
  r.seconds = seconds;
  r.announce = c.announce;
  r.scrape = c.scrape;
  r.failures = c.failures;
  r.connection_errors = c.connection_errors;
  r.http_status_errors = c.http_status_errors;
  r.invalid = c.invalid;
  r.timeouts = c.timeouts;
  r.sent = c.sent;
  r.connects = c.connects;
  r.announce_peers = c.announce_peers;
  r.cpu_seconds = cpu_seconds;
  return r;
}

struct SslCtxDeleter {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};

}  // namespace

absl::StatusOr<HttpLoadTestResult> RunHttpLoadTest(const HttpLoadTestConfig& config,
                                                   uint64_t seed, std::FILE* out) {
  absl::StatusOr<LoopbackAddress> server = ParseLoopbackAddress(config.server_address());
  if (!server.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("server_address: ", server.status().message()));
  }
  absl::StatusOr<Workload> workload = Workload::Create(ToWorkloadOptions(config, seed));
  if (!workload.ok()) return workload.status();
  // TLS writes go through write(2): a reset connection must not kill us.
  signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<SSL_CTX, SslCtxDeleter> tls;
  if (config.network().enable_tls()) {
    tls.reset(SSL_CTX_new(TLS_method()));
    if (tls == nullptr) return absl::InternalError("SSL_CTX_new failed");
    SSL_CTX_set_min_proto_version(tls.get(), TLS1_2_VERSION);
    // A load tester against a test certificate: no verification.
    SSL_CTX_set_verify(tls.get(), SSL_VERIFY_NONE, nullptr);
    SSL_CTX_set_mode(tls.get(),
                     SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_session_cache_mode(tls.get(), SSL_SESS_CACHE_CLIENT);
  }

  const int64_t warmup_ms = int64_t{config.warmup()} * 1000;
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
    settings.server = *server;
    settings.tls = tls.get();
    settings.worker_index = w;
    // Slack: the main thread ends the run on time; this bounds a worker
    // even if it does not.
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
    std::this_thread::sleep_until(next);
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
                   "%6.1f s%s  announce/s %.0f  scrape/s %.0f  failure/s %.0f  errors %llu  "
                   "timeouts %llu  connects/s %.0f\n",
                   std::chrono::duration<double>(now - start).count(),
                   measuring ? "" : " (warm-up)", PerSecond(d.announce, interval),
                   PerSecond(d.scrape, interval), PerSecond(d.failures, interval),
                   static_cast<unsigned long long>(d.errors()),
                   static_cast<unsigned long long>(d.timeouts), PerSecond(d.connects, interval));
      std::fflush(out);
    }
    previous = current;
    previous_time = now;
    if (now >= end) break;
  }
  // The window ends here: later answers are not counted.
  const Counts window = CountsMinus(total(), at_warmup_end);
  const auto measure_end = std::chrono::steady_clock::now();
  const double cpu_end = ProcessCpuSeconds();
  stop.store(true, std::memory_order_relaxed);
  for (std::thread& thread : threads) thread.join();
  return ToResult(window, std::chrono::duration<double>(measure_end - measure_start).count(),
                  cpu_end - cpu_at_warmup_end);
}

void PrintHttpLoadTestSummary(const HttpLoadTestConfig& config, uint64_t seed,
                              const HttpLoadTestResult& r, std::FILE* out) {
  const double s = r.seconds;
  const double avg_peers =
      r.announce > 0 ? static_cast<double>(r.announce_peers) / static_cast<double>(r.announce)
                     : 0.0;
  const double cpu_percent = s > 0 ? 100.0 * r.cpu_seconds / s : 0.0;
  const HttpLoadTestNetworkConfig& network = config.network();
  std::fprintf(out,
               "\nHTTP load test against %s%s: %u worker(s) x %u connection(s), keep-alive %s, "
               "%u in flight per connection, seed %llu\n",
               network.enable_tls() ? "https://" : "http://", config.server_address().c_str(),
               config.workers(), network.connections_per_worker(),
               network.keep_alive() ? "on" : "off",
               network.keep_alive() ? network.pipeline_depth() : 1u,
               static_cast<unsigned long long>(seed));
  std::fprintf(out, "measured %.2f s%s\n\n", s,
               config.warmup() > 0 ? absl::StrCat(" after ", config.warmup(), " s warm-up").c_str()
                                   : "");
  std::fprintf(out, "| %-26s | %12s | %12s |\n", "responses", "count", "per second");
  std::fprintf(out, "|%s|%s|%s|\n", std::string(28, '-').c_str(), std::string(14, '-').c_str(),
               std::string(14, '-').c_str());
  auto row = [&](const char* name, uint64_t count) {
    std::fprintf(out, "| %-26s | %12llu | %12.0f |\n", name,
                 static_cast<unsigned long long>(count), PerSecond(count, s));
  };
  row("announce", r.announce);
  row("scrape", r.scrape);
  row("failure (failure reason)", r.failures);
  row("error: connection", r.connection_errors);
  row("error: HTTP status", r.http_status_errors);
  row("error: invalid response", r.invalid);
  row("timeout", r.timeouts);
  row("total answered", r.announce + r.scrape + r.failures);
  std::fprintf(out, "\naverage peers per announce response: %.2f\n", avg_peers);
  std::fprintf(out, "requests sent: %llu, connections opened: %llu (%.0f/s), timeout %u ms\n",
               static_cast<unsigned long long>(r.sent),
               static_cast<unsigned long long>(r.connects), PerSecond(r.connects, s),
               network.request_timeout_ms());
  std::fprintf(out, "load tester CPU: %.0f%% of one core\n", cpu_percent);
  std::fprintf(out,
               "RESULT announce_per_s=%.0f scrape_per_s=%.0f failure_per_s=%.0f failures=%llu "
               "errors=%llu timeouts=%llu avg_peers=%.2f duration_s=%.2f announces=%llu "
               "sent=%llu connects_per_s=%.0f cpu_percent=%.0f\n",
               PerSecond(r.announce, s), PerSecond(r.scrape, s), PerSecond(r.failures, s),
               static_cast<unsigned long long>(r.failures),
               static_cast<unsigned long long>(r.errors()),
               static_cast<unsigned long long>(r.timeouts), avg_peers, s,
               static_cast<unsigned long long>(r.announce),
               static_cast<unsigned long long>(r.sent), PerSecond(r.connects, s), cpu_percent);
  std::fflush(out);
}

}  // namespace aquatic::loadtest
