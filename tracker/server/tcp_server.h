// TcpServer: one front-end's TCP listeners on the process's io workers (HTTP,
// WebTorrent). Each worker gets its own SO_REUSEPORT acceptor per address
// family, all on one port, so a connection stays on the thread that accepted
// it. What every TCP front-end needs around its sessions lives here once:
//
//  - accept loops that never spin: after any accept error (descriptors
//    exhausted, buffers, ...) a listener waits before it tries again, 10 ms
//    doubling to 1 s while the errors go on, and logs once when it starts
//    failing and once when it accepts again;
//  - a per-worker cap on open connections (max_connections): a connection
//    over the cap is closed at once and counted, never queued;
//  - a per-worker cap on open connections from one address (IPv4, or an
//    IPv6 /64, which one host usually holds whole), so that one address
//    cannot take all of max_connections; counted apart;
//  - counters of accepted and refused connections and of accept errors.
//
// A session holds the ConnectionSlot it is given for as long as it is open.
#ifndef AQUATIC_TRACKER_SERVER_TCP_SERVER_H_
#define AQUATIC_TRACKER_SERVER_TCP_SERVER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "tracker/base/config/common.pb.h"
#include "tracker/base/metrics.h"
#include "tracker/base/socket_address.h"
#include "tracker/server/io_workers.h"

namespace aquatic {

// A socket typed on its worker's io_context executor: Asio's type-erased
// any_io_executor costs a virtual dispatch and copies per operation.
using TcpSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp,
                                                   boost::asio::io_context::executor_type>;

#define AQUATIC_TCP_COUNTERS(X)                                                             \
  X(kAccepted, "aquatic_connections_total", "result=\"accepted\"",                          \
    "TCP connections, by outcome and IP version.")                                         \
  /* Closed at once: the worker already had max_connections open. */                       \
  X(kRefused, "aquatic_connections_total", "result=\"refused\"",                            \
    "TCP connections, by outcome and IP version.")                                         \
  /* Closed at once: its address already had max_connections_per_ip open. */                \
  X(kRefusedPerAddress, "aquatic_connections_total", "result=\"refused_per_ip\"",            \
    "TCP connections, by outcome and IP version.")                                         \
  X(kAcceptErrors, "aquatic_accept_errors_total", "",                                       \
    "accept(2) failures (descriptors exhausted, ...), each followed by a pause.")

AQUATIC_DEFINE_COUNTERS(TcpCounter, AQUATIC_TCP_COUNTERS)

// A client address as the per-address cap counts it: IPv4 whole, IPv6 by
// its /64.
struct ClientAddressKey {
  uint64_t high = 0;
  uint64_t low = 0;
  static ClientAddressKey Of(const SocketAddress& address);
  bool operator==(const ClientAddressKey& other) const {
    return high == other.high && low == other.low;
  }
  template <typename H>
  friend H AbslHashValue(H state, const ClientAddressKey& key) {
    return H::combine(std::move(state), key.high, key.low);
  }
};

// The open connections of one worker.
struct alignas(64) WorkerConnections {
  // All of them; read by other threads for metrics.
  std::atomic<int64_t> open{0};
  // By address, when the per-address cap is on; the worker's thread only.
  // Holds only addresses with connections open, so it is bounded by
  // max_connections.
  absl::flat_hash_map<ClientAddressKey, uint32_t> by_address;
};

// One open connection of a worker, counted (in all, and by its address when
// the per-address cap is on) until the slot is destroyed. Move-only;
// destroy it on the worker's thread (or after the workers stopped).
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  // Counts a connection from `address` (not by address when null).
  ConnectionSlot(WorkerConnections* connections, const ClientAddressKey* address);
  ConnectionSlot(ConnectionSlot&& other) noexcept
      : connections_(other.connections_), address_(other.address_),
        by_address_(other.by_address_) {
    other.connections_ = nullptr;
  }
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept;
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot() { Release(); }

 private:
  void Release();
  WorkerConnections* connections_ = nullptr;
  ClientAddressKey address_;
  bool by_address_ = false;
};

class TcpServer {
 public:
  struct Options {
    // Most open connections per worker.
    uint32_t max_connections = 4096;
    // Most open connections per worker from one address (ClientAddressKey);
    // 0: no cap.
    uint32_t max_connections_per_address = 0;
    // The first pause after an accept error; doubles up to max_backoff.
    std::chrono::milliseconds min_backoff{10};
    std::chrono::milliseconds max_backoff{1000};
  };

  // Called on `worker`'s thread for each accepted connection under the cap.
  using OnAccept = std::function<void(size_t worker, TcpSocket socket,
                                      const SocketAddress& peer, ConnectionSlot slot)>;

  // Binds the acceptors of every enabled address of `listen` (before the
  // process drops its privileges). `name` labels log lines ("http").
  static absl::StatusOr<std::unique_ptr<TcpServer>> Listen(IoWorkers& io, std::string name,
                                                           const config::ListenAddresses& listen,
                                                           Options options, OnAccept on_accept);
  ~TcpServer();

  // Starts every accept loop (before the io workers run, or on their threads).
  void Start();
  // Closes and releases the acceptors and their pause timers; the io workers
  // must be stopped, and the io contexts may then go before this server.
  // Idempotent.
  void Stop();

  // Bound ports, 0 for a family that is off.
  uint16_t ipv4_port() const { return ipv4_port_; }
  uint16_t ipv6_port() const { return ipv6_port_; }
  // "127.0.0.1:3000, [::1]:3000".
  std::string DescribeAddresses() const;

  // Open connections over all workers (any thread).
  int64_t open_connections() const;
  const Counters<TcpCounter>& counters() const { return counters_; }

 private:
  struct Listener;
  TcpServer(IoWorkers& io, std::string name, Options options, OnAccept on_accept);
  void Accept(Listener& listener);
  void OnError(Listener& listener, const boost::system::error_code& error);

  // Not the IoWorkers: the server outlives its io contexts (Stop).
  const size_t worker_count_;
  const std::string name_;
  const Options options_;
  const OnAccept on_accept_;
  Counters<TcpCounter> counters_;
  // One per worker, each on its own cache line.
  std::unique_ptr<WorkerConnections[]> connections_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::vector<SocketAddress> bound_;
  uint16_t ipv4_port_ = 0;
  uint16_t ipv6_port_ = 0;
};

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_SERVER_TCP_SERVER_H_
