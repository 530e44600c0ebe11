#include "tracker/server/io_workers.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio/executor_work_guard.hpp>

#include "absl/strings/str_cat.h"
#include "tracker/base/per_worker_sockets.h"

namespace aquatic {

absl::StatusOr<std::unique_ptr<boost::asio::ip::tcp::acceptor>> OpenReusePortAcceptor(
    boost::asio::io_context& io, const SocketAddress& address) {
  using boost::asio::ip::tcp;
  auto acceptor = std::make_unique<tcp::acceptor>(io);
  boost::system::error_code error;
  const tcp protocol = address.is_ipv6() ? tcp::v6() : tcp::v4();
  acceptor->open(protocol, error);
  if (error) return absl::InternalError(absl::StrCat("socket: ", error.message()));
  const int one = 1;
  setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
  setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (address.is_ipv6()) {
    setsockopt(acceptor->native_handle(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  }
  if (::bind(acceptor->native_handle(), address.sockaddr_ptr(), address.sockaddr_length()) != 0) {
    return absl::UnavailableError(
        absl::StrCat("bind ", address.ToString(), ": ", std::strerror(errno)));
  }
  acceptor->listen(boost::asio::socket_base::max_listen_connections, error);
  if (error) {
    return absl::UnavailableError(absl::StrCat("listen ", address.ToString(), ": ", error.message()));
  }
  return acceptor;
}

absl::StatusOr<uint16_t> OpenReusePortAcceptors(
    absl::string_view address_text, IoWorkers& io,
    absl::FunctionRef<void(size_t worker, std::unique_ptr<boost::asio::ip::tcp::acceptor>)>
        keep) {
  return OpenPerWorker(
      address_text, Transport::kTcp, io.size(),
      [&](size_t worker, const SocketAddress& address) -> absl::StatusOr<uint16_t> {
        absl::StatusOr<std::unique_ptr<boost::asio::ip::tcp::acceptor>> acceptor =
            OpenReusePortAcceptor(io.context(worker), address);
        if (!acceptor.ok()) return acceptor.status();
        boost::system::error_code error;
        const uint16_t port = (*acceptor)->local_endpoint(error).port();
        if (error) return absl::InternalError(absl::StrCat("getsockname: ", error.message()));
        keep(worker, *std::move(acceptor));
        return port;
      });
}

IoWorkers::IoWorkers(size_t count) {
  for (size_t i = 0; i < (count == 0 ? 1 : count); ++i) {
    // One thread runs each context (the hint lets Asio queue that thread's
    // own posts without locking). Other threads still post to it (the
    // WebTorrent relay): the hint must not be BOOST_ASIO_CONCURRENCY_HINT_UNSAFE.
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
  }
}

IoWorkers::~IoWorkers() { Stop(); }

void IoWorkers::Start() {
  for (auto& context : contexts_) {
    threads_.emplace_back([io = context.get()] {
      auto guard = boost::asio::make_work_guard(*io);
      io->run();
    });
  }
}

void IoWorkers::Stop() {
  for (auto& context : contexts_) context->stop();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

}  // namespace aquatic
