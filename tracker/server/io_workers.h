// IoWorkers: the socket worker threads of the TCP trackers (HTTP, WebTorrent),
// each running its own io_context with its own SO_REUSEPORT acceptors, so
// connections stay on the thread that accepted them and workers share no
// Asio state.
#ifndef AQUATIC_TRACKER_SERVER_IO_WORKERS_H_
#define AQUATIC_TRACKER_SERVER_IO_WORKERS_H_

#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tracker/base/socket_address.h"

namespace aquatic {

// A listening TCP acceptor on `address` with SO_REUSEPORT (and IPV6_V6ONLY for
// IPv6), ready for async_accept on `io`.
absl::StatusOr<std::unique_ptr<boost::asio::ip::tcp::acceptor>> OpenReusePortAcceptor(
    boost::asio::io_context& io, const SocketAddress& address);

class IoWorkers;

// One listening SO_REUSEPORT acceptor per worker of `io` on `address_text`
// ("ip:port"), all on one port (tracker/base/per_worker_sockets.h);
// `keep(worker, acceptor)` takes each. Returns that port, or the first error.
absl::StatusOr<uint16_t> OpenReusePortAcceptors(
    absl::string_view address_text, IoWorkers& io,
    absl::FunctionRef<void(size_t worker, std::unique_ptr<boost::asio::ip::tcp::acceptor>)>
        keep);

class IoWorkers {
 public:
  explicit IoWorkers(size_t count);
  ~IoWorkers();

  size_t size() const { return contexts_.size(); }
  boost::asio::io_context& context(size_t worker) { return *contexts_[worker]; }

  // Runs every io_context on its own thread.
  void Start();
  // Stops the io_contexts and joins the threads. Idempotent.
  void Stop();

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<std::thread> threads_;
};

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_SERVER_IO_WORKERS_H_
