// The two threading designs of ARCHITECTURE.md section 5, measured on the
// real swarm engine with a UDP-like announce workload:
//
//   (A) LockPerShard: shards shared by the socket workers, one mutex each
//       (what the trackers do; aquatic 0.9 UDP). A socket worker calls
//       IpTorrentEngine::AnnounceAndSelect itself.
//   (B) QueueHandOff: shards owned by swarm-worker threads (aquatic HTTP/WS).
//       A socket worker puts each request into a bounded queue of the swarm
//       worker owning the info hash and later takes the response back out of
//       a response queue.
//
// What is modelled: the per-request work of a UDP announce after parsing and
// before sendmmsg (engine update, selection of up to 30 peers, BEP 15
// serialization into a send buffer) and, for B, everything the hand-off adds:
// routing by info hash, copying requests and responses through bounded
// single-producer/single-consumer rings in recvmmsg-sized batches, a second
// copy of the peers, cache lines moving between cores, and the sleeps and
// wake-ups (futex calls and context switches) of threads that run out of work.
// What is not: sockets. recvmmsg/sendmmsg, parsing and connection ids cost
// the same in both designs and happen on the socket worker either way, so
// they are left out; under a real load they add the same kernel time to both,
// which shrinks the relative gap measured here but not its sign.
//
// Ownership in B is simulated exactly as it would be implemented: each swarm
// worker has an IpTorrentEngine of its own with one shard, holding only the
// info hashes routed to it. The engine still takes that shard's mutex, now
// never contended: BM_UncontendedMutex measures what that leaves in B.
//
// The machine this was written for has 2 cores, so B with T socket threads
// and S swarm threads runs T + S threads on them; waiting is therefore
// blocking (after a short spin), never pure spinning. It is also a VM whose
// two virtual CPUs the host moves around: how much a cache line crossing
// cores costs changes by 5x from one second to the next, so compare rows
// with similar rtt_ns (see CoreToCoreRoundTripNs), and run when the machine
// is otherwise idle.
//
//   bazel build --config=opt //tracker/swarm:threading_benchmark
//   bazel-bin/tracker/swarm/threading_benchmark --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "benchmark/benchmark.h"
#include "loadtest/workload.h"
#include "codec/runtime/big_endian.h"
#include "tracker/base/fast_random.h"
#include "tracker/base/info_hash.h"
#include "tracker/swarm/ip_torrents.h"
#include "tracker/swarm/peer_address.h"
#include "tracker/swarm/swarm.h"

namespace aquatic::loadtest {

using swarm::IpTorrentEngine;
using swarm::PeerAddressV4;
using swarm::PeerEvent;
using swarm::TorrentCounts;

namespace {

struct NoPeerData {};
using Engine = IpTorrentEngine<NoPeerData>;
using Announce = Engine::Announce<PeerAddressV4>;
using Peer = Engine::Peer<PeerAddressV4>;

// The workload: the load tester's model with its defaults (loadtest/workload.h:
// 10,000 torrents of exponential popularity with mean rank 1,000, 100,000
// peers, 75% seeders). Unlike the load tester, every peer belongs to one
// torrent drawn from that popularity and announces always there: a benchmark
// must reach a steady state, and peers spread over all torrents would grow
// the swarms without end (the tracker's cleaning bounds them in a real run).
// Some churn, so that announces insert and erase peers as well as update
// them: a peer that stopped is inserted again by its next announce.
constexpr double kStoppedProbability = 0.01;
constexpr double kCompletedProbability = 0.01;
constexpr size_t kMaxPeers = 30;

// As the UDP tracker sizes the shared engine.
constexpr size_t kShardsPerWorker = 64;
// Requests a socket worker takes in at once (one recvmmsg).
constexpr size_t kRecvBatch = 32;
// Requests a socket thread handles per benchmark iteration: 10 ms or so, so
// that starting a round is noise.
constexpr size_t kRoundAnnounces = 1 << 15;
static_assert(kRoundAnnounces % kRecvBatch == 0, "rounds are whole batches");
// Pre-drawn requests per socket thread, cycled, so that drawing them stays
// out of the measurement. Both designs get the same streams.
constexpr size_t kStreamLength = 1 << 16;

// One announce as a socket worker holds it after parsing: what the engine
// needs and the transaction id to echo.
struct Request {
  InfoHash info_hash;
  PeerAddressV4 key;
  uint32_t transaction_id;
  bool seeder;
  PeerEvent event;
};

class Workload {
 public:
  Workload() : model_(*loadtest::Workload::Create(loadtest::WorkloadOptions())) {
    loadtest::WorkloadSampler sampler(model_, 0);
    peers_.resize(model_.number_of_peers());
    for (size_t i = 0; i < peers_.size(); ++i) {
      PeerState& peer = peers_[i];
      peer.torrent = sampler.NextTorrent();
      // 10.0.0.0/8 plus the index: distinct keys.
      const uint32_t ip = 0x0a000000u + static_cast<uint32_t>(i);
      peer.key.ip = {static_cast<uint8_t>(ip >> 24), static_cast<uint8_t>(ip >> 16),
                     static_cast<uint8_t>(ip >> 8), static_cast<uint8_t>(ip)};
      peer.key.port = loadtest::Workload::PeerPort(i);
      peer.seeder = sampler.NextIsSeeder();
    }
  }

  // The announces of one socket thread: uniform peers, so a torrent is asked
  // for in proportion to its swarm.
  std::vector<Request> Stream(uint64_t seed) const {
    loadtest::Rng random(seed);
    std::vector<Request> stream(kStreamLength);
    for (Request& request : stream) {
      const PeerState& peer = peers_[random.Below(peers_.size())];
      const double event = random.NextDouble();
      request.info_hash = model_.info_hash(peer.torrent);
      request.key = peer.key;
      request.transaction_id = static_cast<uint32_t>(random.Next());
      request.seeder = peer.seeder;
      request.event = event < kStoppedProbability ? PeerEvent::kStopped
                      : event < kStoppedProbability + kCompletedProbability
                          ? PeerEvent::kCompleted
                          : PeerEvent::kNone;
    }
    return stream;
  }

  // Calls `visit(const Request&)` with a started announce of every peer: the
  // swarms at their steady-state size before the measurement.
  template <typename Visit>
  void ForEachStartedPeer(Visit&& visit) const {
    for (const PeerState& peer : peers_) {
      visit(Request{model_.info_hash(peer.torrent), peer.key, 0, peer.seeder, PeerEvent::kStarted});
    }
  }

 private:
  struct PeerState {
    size_t torrent;
    PeerAddressV4 key;
    bool seeder;
  };

  loadtest::Workload model_;
  std::vector<PeerState> peers_;
};

const Workload& SharedWorkload() {
  static const Workload* const workload = new Workload();
  return *workload;
}

// BEP 15's IPv4 announce response: a 20-byte header, then 6 bytes per peer.
constexpr size_t kHeaderBytes = 20;
constexpr size_t kPeerBytes = 6;
constexpr size_t kMaxResponseBytes = kHeaderBytes + kMaxPeers * kPeerBytes;

void PutHeader(uint32_t transaction_id, const TorrentCounts& counts, uint8_t* out) {
  codec::StoreU32(out, 1);  // action: announce
  codec::StoreU32(out + 4, transaction_id);
  codec::StoreU32(out + 8, 900);  // interval
  codec::StoreU32(out + 12, counts.leechers);
  codec::StoreU32(out + 16, counts.seeders);
}

void PutPeer(const Peer& peer, uint8_t* out) {
  std::memcpy(out, peer.key.ip.data(), 4);
  codec::StoreU16(out + 4, peer.key.port);
}

Announce ToAnnounce(const Request& request) {
  Announce announce;
  announce.key = request.key;
  announce.seeder = request.seeder;
  announce.event = request.event;
  announce.now = 1;
  return announce;
}

// A socket worker's sendmmsg buffer: one response slot per datagram of a
// batch. Handing the buffer to the compiler once per batch stands in for the
// system call, so no serialization is optimized away.
class SendBuffer {
 public:
  uint8_t* Slot(size_t index) { return bytes_.data() + index * kMaxResponseBytes; }
  void Send() { benchmark::DoNotOptimize(bytes_.data()); }

 private:
  std::array<uint8_t, kRecvBatch * kMaxResponseBytes> bytes_{};
};

// The request stream and per-thread state of one socket worker. Its own cache
// lines: the threads share nothing but the engine or the queues.
struct alignas(64) SocketState {
  explicit SocketState(uint64_t seed)
      : stream(SharedWorkload().Stream(seed)), random(seed ^ 0x5eed) {}

  const Request& NextRequest() {
    const Request& request = stream[next];
    next = next + 1 == stream.size() ? 0 : next + 1;
    return request;
  }

  std::vector<Request> stream;
  size_t next = 0;
  FastRandom random;
  SendBuffer out;
};

// CPU time of another thread of this process so far.
double ThreadCpuSeconds(std::thread& thread) {
  clockid_t clock;
  timespec time;
  if (pthread_getcpuclockid(thread.native_handle(), &clock) != 0 ||
      clock_gettime(clock, &time) != 0) {
    return 0;
  }
  return static_cast<double>(time.tv_sec) + 1e-9 * static_cast<double>(time.tv_nsec);
}

// ---------------------------------------------------------------------------
// (A) Lock per shard.

class LockPerShard {
 public:
  explicit LockPerShard(size_t socket_threads) : engine_(socket_threads * kShardsPerWorker) {
    SharedWorkload().ForEachStartedPeer([this](const Request& request) {
      engine_.AnnounceAndSelect<PeerAddressV4>(request.info_hash, ToAnnounce(request), 0, 0,
                                               [](const Peer&) {});
    });
    for (size_t t = 0; t < socket_threads; ++t) {
      sockets_.push_back(std::make_unique<SocketState>(t + 1));
    }
  }

  // Socket thread `t`: kRoundAnnounces announces, each answered in place.
  void RunRound(size_t t) {
    SocketState& socket = *sockets_[t];
    for (size_t done = 0; done < kRoundAnnounces; done += kRecvBatch) {
      for (size_t i = 0; i < kRecvBatch; ++i) {
        const Request& request = socket.NextRequest();
        uint8_t* out = socket.out.Slot(i);
        uint8_t* peer_out = out + kHeaderBytes;
        const TorrentCounts counts = engine_.AnnounceAndSelect<PeerAddressV4>(
            request.info_hash, ToAnnounce(request), kMaxPeers, socket.random.Next(),
            [&peer_out](const Peer& peer) {
              PutPeer(peer, peer_out);
              peer_out += kPeerBytes;
            }).value_or(TorrentCounts{});
        PutHeader(request.transaction_id, counts, out);
      }
      socket.out.Send();
    }
  }

  // There are none: the socket threads do all the work.
  double SwarmCpuSeconds() { return 0; }

 private:
  Engine engine_;
  std::vector<std::unique_ptr<SocketState>> sockets_;
};

// ---------------------------------------------------------------------------
// (B) Queue hand-off.

// A bounded single-producer/single-consumer ring. Batched on both sides: the
// producer fills several slots and publishes them with one store, the
// consumer reads several and frees them with one, so the shared indices (and
// their cache lines) move once per batch rather than once per request. Each
// side keeps a copy of the other's index and reloads it only when the copy
// says there is too little room or nothing to read. Entries are written and
// read in place: no copy beyond the one into the slot.
template <typename T>
class SpscRing {
 public:
  // `capacity` is a power of two.
  explicit SpscRing(size_t capacity) : slots_(capacity), mask_(capacity - 1) {}

  // Producer side: the free slots, at least `wanted` if there are as many.
  size_t Writable(size_t wanted) {
    const size_t tail = producer_.tail.load(std::memory_order_relaxed);
    if (slots_.size() - (tail - producer_.head_copy) < wanted) {
      producer_.head_copy = consumer_.head.load(std::memory_order_acquire);
    }
    return slots_.size() - (tail - producer_.head_copy);
  }
  // The `i`-th free slot: i < Writable(), or known free by other means.
  T& WriteSlot(size_t i) {
    return slots_[(producer_.tail.load(std::memory_order_relaxed) + i) & mask_];
  }
  // Sequentially consistent, like the consumer's reload of the tail: the
  // Waker's protocol needs it (one exchange per batch on x86).
  void Publish(size_t count) {
    producer_.tail.store(producer_.tail.load(std::memory_order_relaxed) + count,
                         std::memory_order_seq_cst);
  }

  // Consumer side: the published entries (reloaded only when none are left).
  size_t Readable() {
    const size_t head = consumer_.head.load(std::memory_order_relaxed);
    if (consumer_.tail_copy == head) {
      consumer_.tail_copy = producer_.tail.load(std::memory_order_seq_cst);
    }
    return consumer_.tail_copy - head;
  }
  T& ReadSlot(size_t i) {
    return slots_[(consumer_.head.load(std::memory_order_relaxed) + i) & mask_];
  }
  void Consume(size_t count) {
    consumer_.head.store(consumer_.head.load(std::memory_order_relaxed) + count,
                         std::memory_order_release);
  }

 private:
  // One cache line per side: each side writes only its own, and reads the
  // other's only when its copy says it must.
  struct alignas(64) ProducerSide {
    std::atomic<size_t> tail{0};
    size_t head_copy = 0;
  };
  struct alignas(64) ConsumerSide {
    std::atomic<size_t> head{0};
    size_t tail_copy = 0;
  };

  ProducerSide producer_;
  ConsumerSide consumer_;
  std::vector<T> slots_;
  const size_t mask_;
};

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Where a thread that ran out of work sleeps until a producer has published
// something for it, without lost wake-ups: the sleeper announces itself, then
// checks its queues again; a producer publishes, then checks for a sleeper.
// All four accesses are sequentially consistent, so at least one of the two
// sees the other. (Not fences: ThreadSanitizer does not model them, and
// `--config=tsan` builds this file too.) Producers pay one load while the
// consumer is awake.
//
// Before sleeping, the consumer spins briefly and then yields, as crossbeam's
// channels (aquatic's queues) do: a batch often follows within a microsecond,
// and a futex sleep plus wake-up costs several.
class Waker {
 public:
  // Producer side, after Publish().
  void Wake() {
    if (!sleeping_.load(std::memory_order_seq_cst)) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      sleeping_.store(false, std::memory_order_relaxed);
    }
    condition_.notify_one();
  }

  // Consumer side: returns once `ready()` is true (or after a wake-up).
  template <typename Ready>
  void Wait(Ready&& ready) {
    for (int i = 0; i < kSpins; ++i) {
      if (ready()) return;
      CpuRelax();
    }
    for (int i = 0; i < kYields; ++i) {
      if (ready()) return;
      std::this_thread::yield();
    }
    std::unique_lock<std::mutex> lock(mutex_);
    sleeping_.store(true, std::memory_order_seq_cst);
    if (ready()) {
      sleeping_.store(false, std::memory_order_relaxed);
      return;
    }
    condition_.wait(lock, [this] { return !sleeping_.load(std::memory_order_relaxed); });
  }

 private:
  static constexpr int kSpins = 64;
  static constexpr int kYields = 4;

  std::mutex mutex_;
  std::condition_variable condition_;
  std::atomic<bool> sleeping_{false};
};

// What a swarm worker sends back: the counts and the peers already in their
// wire form, for the socket worker to put behind the header.
struct Response {
  uint32_t transaction_id;
  TorrentCounts counts;
  uint8_t peer_count;
  uint8_t peers[kMaxPeers * kPeerBytes];
};

class QueueHandOff {
 public:
  // Requests a socket thread has in flight at most: a few recvmmsg batches.
  // Every ring holds as many, so no push ever finds its ring full: a real
  // socket worker would drop requests then (aquatic does), which a benchmark
  // at saturation must not.
  static constexpr size_t kWindow = 8 * kRecvBatch;

  QueueHandOff(size_t socket_threads, size_t swarm_threads)
      : socket_count_(socket_threads), swarm_count_(swarm_threads) {
    for (size_t s = 0; s < swarm_threads; ++s) {
      swarms_.push_back(std::make_unique<SwarmWorker>(s, socket_threads));
    }
    SharedWorkload().ForEachStartedPeer([this](const Request& request) {
      swarms_[OwnerOf(request.info_hash)]->engine.AnnounceAndSelect<PeerAddressV4>(
          request.info_hash, ToAnnounce(request), 0, 0, [](const Peer&) {});
    });
    for (size_t t = 0; t < socket_threads; ++t) {
      sockets_.push_back(std::make_unique<SocketWorker>(t + 1, swarm_threads));
    }
    for (size_t s = 0; s < swarm_threads; ++s) {
      swarms_[s]->thread = std::thread([this, s] { SwarmLoop(s); });
    }
  }

  ~QueueHandOff() {
    stop_.store(true, std::memory_order_seq_cst);
    for (auto& swarm : swarms_) {
      swarm->waker.Wake();
      swarm->thread.join();
    }
  }

  // Socket thread `t`: kRoundAnnounces announces through the swarm workers.
  void RunRound(size_t t) {
    SocketWorker& socket = *sockets_[t];
    size_t to_send = kRoundAnnounces;
    // Requests sent whose responses are not back yet. Bounds what any ring of
    // this socket thread holds: a request leaves its ring before its response
    // enters the other.
    size_t in_flight = 0;
    while (to_send > 0 || in_flight > 0) {
      bool progressed = false;
      // One recvmmsg batch, routed request by request, published per queue.
      if (to_send > 0 && in_flight + kRecvBatch <= kWindow) {
        std::fill(socket.staged.begin(), socket.staged.end(), 0);
        for (size_t i = 0; i < kRecvBatch; ++i) {
          const Request& request = socket.state.NextRequest();
          const size_t s = OwnerOf(request.info_hash);
          swarms_[s]->requests[t]->WriteSlot(socket.staged[s]++) = request;
        }
        for (size_t s = 0; s < swarm_count_; ++s) {
          if (socket.staged[s] == 0) continue;
          swarms_[s]->requests[t]->Publish(socket.staged[s]);
          swarms_[s]->waker.Wake();
        }
        to_send -= kRecvBatch;
        in_flight += kRecvBatch;
        progressed = true;
      }
      // Responses into the send buffer, sent a batch at a time.
      for (size_t s = 0; s < swarm_count_; ++s) {
        SpscRing<Response>& responses = *socket.responses[s];
        const size_t count = std::min(responses.Readable(), kRecvBatch);
        if (count == 0) continue;
        for (size_t i = 0; i < count; ++i) {
          const Response& response = responses.ReadSlot(i);
          uint8_t* out = socket.state.out.Slot(i);
          PutHeader(response.transaction_id, response.counts, out);
          std::memcpy(out + kHeaderBytes, response.peers, response.peer_count * kPeerBytes);
        }
        responses.Consume(count);
        socket.state.out.Send();
        in_flight -= count;
        progressed = true;
      }
      if (!progressed) {
        socket.waker.Wait([&socket] {
          for (const auto& responses : socket.responses) {
            if (responses->Readable() > 0) return true;
          }
          return false;
        });
      }
    }
  }

  double SwarmCpuSeconds() {
    double seconds = 0;
    for (auto& swarm : swarms_) seconds += ThreadCpuSeconds(swarm->thread);
    return seconds;
  }

 private:
  struct SwarmWorker {
    SwarmWorker(size_t index, size_t socket_threads) : engine(1), random(0xb0b + index) {
      for (size_t t = 0; t < socket_threads; ++t) {
        requests.push_back(std::make_unique<SpscRing<Request>>(kWindow));
      }
    }

    // The owned share of the torrents: one shard, its mutex never contended.
    Engine engine;
    FastRandom random;
    // One ring per socket thread, so that each has one producer.
    std::vector<std::unique_ptr<SpscRing<Request>>> requests;
    Waker waker;
    std::thread thread;
  };

  struct SocketWorker {
    SocketWorker(uint64_t seed, size_t swarm_threads) : state(seed), staged(swarm_threads) {
      for (size_t s = 0; s < swarm_threads; ++s) {
        responses.push_back(std::make_unique<SpscRing<Response>>(kWindow));
      }
    }

    SocketState state;
    // One ring per swarm worker, so that each has one producer.
    std::vector<std::unique_ptr<SpscRing<Response>>> responses;
    Waker waker;
    // Requests of the current batch written per swarm worker, not published.
    std::vector<size_t> staged;
  };

  // The swarm worker owning an info hash: the same split of its last four
  // bytes as ShardedTorrentMap's shards.
  size_t OwnerOf(const InfoHash& info_hash) const {
    return codec::LoadU32(info_hash.data() + 16) % swarm_count_;
  }

  void SwarmLoop(size_t s) {
    SwarmWorker& swarm = *swarms_[s];
    while (!stop_.load(std::memory_order_relaxed)) {
      bool progressed = false;
      for (size_t t = 0; t < socket_count_; ++t) {
        SpscRing<Request>& requests = *swarm.requests[t];
        SpscRing<Response>& responses = *sockets_[t]->responses[s];
        const size_t readable = std::min(requests.Readable(), kRecvBatch);
        const size_t count = std::min(readable, responses.Writable(readable));
        if (count == 0) continue;
        for (size_t i = 0; i < count; ++i) {
          const Request& request = requests.ReadSlot(i);
          Response& response = responses.WriteSlot(i);
          uint8_t* peer_out = response.peers;
          response.transaction_id = request.transaction_id;
          response.counts = swarm.engine.AnnounceAndSelect<PeerAddressV4>(
              request.info_hash, ToAnnounce(request), kMaxPeers, swarm.random.Next(),
              [&peer_out](const Peer& peer) {
                PutPeer(peer, peer_out);
                peer_out += kPeerBytes;
              }).value_or(TorrentCounts{});
          response.peer_count = static_cast<uint8_t>((peer_out - response.peers) / kPeerBytes);
        }
        requests.Consume(count);
        responses.Publish(count);
        sockets_[t]->waker.Wake();
        progressed = true;
      }
      if (!progressed) {
        swarm.waker.Wait([&swarm, this] {
          if (stop_.load(std::memory_order_seq_cst)) return true;
          for (const auto& requests : swarm.requests) {
            if (requests->Readable() > 0) return true;
          }
          return false;
        });
      }
    }
  }

  const size_t socket_count_;
  const size_t swarm_count_;
  std::vector<std::unique_ptr<SwarmWorker>> swarms_;
  std::vector<std::unique_ptr<SocketWorker>> sockets_;
  std::atomic<bool> stop_{false};
};

// ---------------------------------------------------------------------------
// Harness.

// Runs `round(t)` on `threads` threads of its own, all at once, each Run().
// The benchmark's thread only starts rounds and sleeps meanwhile, so the
// socket threads of both designs are alike and the process CPU time is theirs.
class RoundRunner {
 public:
  RoundRunner(size_t threads, std::function<void(size_t)> round) : round_(std::move(round)) {
    for (size_t t = 0; t < threads; ++t) threads_.emplace_back([this, t] { Loop(t); });
  }

  ~RoundRunner() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    condition_.notify_all();
    for (std::thread& thread : threads_) thread.join();
  }

  double CpuSeconds() {
    double seconds = 0;
    for (std::thread& thread : threads_) seconds += ThreadCpuSeconds(thread);
    return seconds;
  }

  void Run() {
    std::unique_lock<std::mutex> lock(mutex_);
    ++generation_;
    running_ = threads_.size();
    condition_.notify_all();
    condition_.wait(lock, [this] { return running_ == 0; });
  }

 private:
  void Loop(size_t t) {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        condition_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
      }
      round_(t);
      std::lock_guard<std::mutex> lock(mutex_);
      if (--running_ == 0) condition_.notify_all();
    }
  }

  std::function<void(size_t)> round_;
  std::mutex mutex_;
  std::condition_variable condition_;
  uint64_t generation_ = 0;
  size_t running_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

// What the kernel says the process used so far, all threads together.
struct ProcessUsage {
  double cpu_seconds;
  // Voluntary context switches: a thread went to sleep, on a futex (a queue
  // with nothing to read, a shard mutex found locked) or elsewhere.
  double sleeps;
  // Involuntary ones: a thread was preempted with work left.
  double preemptions;

  static ProcessUsage Now() {
    rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& time) {
      return static_cast<double>(time.tv_sec) + 1e-6 * static_cast<double>(time.tv_usec);
    };
    return ProcessUsage{seconds(usage.ru_utime) + seconds(usage.ru_stime),
                        static_cast<double>(usage.ru_nvcsw),
                        static_cast<double>(usage.ru_nivcsw)};
  }
};

// The round trip of a cache line between the first two CPUs this process may
// run on. On this VM it is not a constant: the host moves the virtual CPUs,
// and it was seen to switch between about 70 and 420 ns from one second to
// the next. Both multi-threaded designs pay for cache lines crossing cores,
// the hand-off most, so every row reports it, measured right after the row's
// own timing. 0 with fewer than two CPUs.
double CoreToCoreRoundTripNs() {
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0 || CPU_COUNT(&allowed) < 2) return 0;
  int cpus[2];
  for (int cpu = 0, found = 0; found < 2; ++cpu) {
    if (CPU_ISSET(cpu, &allowed)) cpus[found++] = cpu;
  }
  // Pinned: a new thread may otherwise start beside its parent and stay there
  // for longer than the measurement.
  auto pin = [](int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
  };
  // Bounded by time, not count: with other load on the machine a round trip
  // may wait for a time slice.
  constexpr auto kDuration = std::chrono::milliseconds(5);
  constexpr int kStop = -1;
  struct alignas(64) Line {
    std::atomic<int> value{0};
  } line;
  // Spins with pauses, yielding now and then for the case above.
  auto await = [&line](auto&& done) {
    for (int spins = 1;; ++spins) {
      const int value = line.value.load(std::memory_order_acquire);
      if (done(value)) return value;
      if (spins % 1024 == 0) {
        std::this_thread::yield();
      } else {
        CpuRelax();
      }
    }
  };
  std::thread echo([&line, &await, &pin, cpu = cpus[1]] {
    pin(cpu);
    for (;;) {
      const int value = await([](int v) { return v == kStop || v % 2 == 1; });
      if (value == kStop) return;
      line.value.store(value + 1, std::memory_order_release);
    }
  });
  double round_trip_ns = 0;
  std::thread drive([&] {
    pin(cpus[0]);
    int round_trips = 0;
    const auto start = std::chrono::steady_clock::now();
    auto now = start;
    // The clock is read every 64 round trips, to keep it out of the timing.
    for (; now - start < kDuration; now = std::chrono::steady_clock::now()) {
      for (int i = 0; i < 64; ++i, ++round_trips) {
        const int sent = 2 * round_trips + 1;
        line.value.store(sent, std::memory_order_release);
        await([sent](int v) { return v == sent + 1; });
      }
    }
    line.value.store(kStop, std::memory_order_release);
    round_trip_ns = std::chrono::duration<double, std::nano>(now - start).count() / round_trips;
  });
  drive.join();
  echo.join();
  return round_trip_ns;
}

// Time is real time (UseRealTime): the work runs on threads the benchmark
// library does not know, while its own thread sleeps, so the default (the
// benchmark thread's CPU time) would be near zero and every rate meaningless.
// MeasureProcessCPUTime makes the CPU column the whole process's CPU time per
// iteration (one round: socket threads x kRoundAnnounces announces). The
// counters:
//   items_per_second     announces per wall-clock second, all threads together
//   cpu_ns/announce      CPU time of all threads per announce: the cost
//   socket_ns/announce   the part of it on socket threads (in B including
//                        their spinning while waiting for responses)
//   swarm_ns/announce    the part on swarm threads (none in A)
//   cores_busy           CPU seconds per wall-clock second (2 at most here)
//   sleeps/announce      voluntary context switches per announce (the
//                        harness adds T + 1 per round, 6e-5 per announce)
//   preemptions/announce involuntary context switches per announce
//   rtt_ns               CoreToCoreRoundTripNs() just after the timing
template <typename Design>
void RunRounds(benchmark::State& state, Design& design, size_t socket_threads) {
  RoundRunner runner(socket_threads, [&design](size_t t) { design.RunRound(t); });
  const ProcessUsage start = ProcessUsage::Now();
  const double socket_start = runner.CpuSeconds();
  const double swarm_start = design.SwarmCpuSeconds();
  const auto wall_start = std::chrono::steady_clock::now();
  for (auto _ : state) runner.Run();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const double swarm_cpu = design.SwarmCpuSeconds() - swarm_start;
  const double socket_cpu = runner.CpuSeconds() - socket_start;
  const ProcessUsage end = ProcessUsage::Now();
  const double announces =
      static_cast<double>(state.iterations() * socket_threads * kRoundAnnounces);
  state.SetItemsProcessed(static_cast<int64_t>(announces));
  state.counters["cpu_ns/announce"] = (end.cpu_seconds - start.cpu_seconds) * 1e9 / announces;
  state.counters["socket_ns/announce"] = socket_cpu * 1e9 / announces;
  state.counters["swarm_ns/announce"] = swarm_cpu * 1e9 / announces;
  state.counters["cores_busy"] = (end.cpu_seconds - start.cpu_seconds) / wall;
  state.counters["sleeps/announce"] = (end.sleeps - start.sleeps) / announces;
  state.counters["preemptions/announce"] = (end.preemptions - start.preemptions) / announces;
  state.counters["rtt_ns"] = CoreToCoreRoundTripNs();
}

// Args: socket threads.
void BM_LockPerShard(benchmark::State& state) {
  const size_t socket_threads = static_cast<size_t>(state.range(0));
  LockPerShard design(socket_threads);
  RunRounds(state, design, socket_threads);
}
BENCHMARK(BM_LockPerShard)
    ->ArgName("socket")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->MinTime(1.0)
    ->Unit(benchmark::kMillisecond);

// Args: socket threads, swarm threads.
void BM_QueueHandOff(benchmark::State& state) {
  const size_t socket_threads = static_cast<size_t>(state.range(0));
  QueueHandOff design(socket_threads, static_cast<size_t>(state.range(1)));
  RunRounds(state, design, socket_threads);
}
BENCHMARK(BM_QueueHandOff)
    ->ArgNames({"socket", "swarm"})
    ->Args({1, 1})
    ->Args({2, 2})
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->MinTime(1.0)
    ->Unit(benchmark::kMillisecond);

// What each announce still pays for the engine's shard mutex in B, where the
// mutex is never contended.
void BM_UncontendedMutex(benchmark::State& state) {
  std::mutex mutex;
  for (auto _ : state) {
    std::lock_guard<std::mutex> lock(mutex);
    benchmark::DoNotOptimize(&mutex);
  }
}
BENCHMARK(BM_UncontendedMutex);

}  // namespace
}  // namespace aquatic::loadtest

BENCHMARK_MAIN();
