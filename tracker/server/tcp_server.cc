#include "tracker/server/tcp_server.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include <boost/asio/steady_timer.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tracker/base/log.h"

namespace aquatic {

ClientAddressKey ClientAddressKey::Of(const SocketAddress& address) {
  const absl::Span<const uint8_t> ip = address.ip_bytes();
  ClientAddressKey key;
  if (address.is_ipv6()) {
    // The /64; low stays 0, which no IPv4 key has.
    for (size_t i = 0; i < 8; ++i) key.high = key.high << 8 | ip[i];
  } else {
    // A bit above the 32 address bits: never 0, unlike any IPv6 key's low.
    key.low = 1;
    for (uint8_t byte : ip) key.low = key.low << 8 | byte;
  }
  return key;
}

ConnectionSlot::ConnectionSlot(WorkerConnections* connections, const ClientAddressKey* address)
    : connections_(connections) {
  connections_->open.store(connections_->open.load(std::memory_order_relaxed) + 1,
                           std::memory_order_relaxed);
  if (address != nullptr) {
    address_ = *address;
    by_address_ = true;
    ++connections_->by_address[address_];
  }
}

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& other) noexcept {
  if (this != &other) {
    Release();
    connections_ = other.connections_;
    address_ = other.address_;
    by_address_ = other.by_address_;
    other.connections_ = nullptr;
  }
  return *this;
}

void ConnectionSlot::Release() {
  if (connections_ == nullptr) return;
  connections_->open.store(connections_->open.load(std::memory_order_relaxed) - 1,
                           std::memory_order_relaxed);
  if (by_address_) {
    auto it = connections_->by_address.find(address_);
    if (it != connections_->by_address.end() && --it->second == 0) {
      connections_->by_address.erase(it);
    }
  }
  connections_ = nullptr;
}

namespace {

uint32_t OpenFrom(const WorkerConnections& connections, const ClientAddressKey& address) {
  auto it = connections.by_address.find(address);
  return it == connections.by_address.end() ? 0 : it->second;
}

}  // namespace

// One acceptor of one worker, with its pause timer.
struct TcpServer::Listener {
  explicit Listener(boost::asio::io_context& io) : executor(io.get_executor()) {}
  size_t worker = 0;
  // The worker's: accepted sockets are typed on it (see TcpSocket).
  boost::asio::io_context::executor_type executor;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor;
  std::string address;
  bool ipv6 = false;
  // Filled by accept(2) itself, which saves a getpeername(2) per connection.
  boost::asio::ip::tcp::endpoint peer;
  std::unique_ptr<boost::asio::steady_timer> pause;
  std::chrono::milliseconds backoff{0};
  WorkerCounters<TcpCounter> counters;
};

TcpServer::TcpServer(IoWorkers& io, std::string name, Options options, OnAccept on_accept)
    : worker_count_(io.size()),
      name_(std::move(name)),
      options_(options),
      on_accept_(std::move(on_accept)),
      counters_(io.size()),
      connections_(new WorkerConnections[io.size()]) {}

TcpServer::~TcpServer() { Stop(); }

absl::StatusOr<std::unique_ptr<TcpServer>> TcpServer::Listen(
    IoWorkers& io, std::string name, const config::ListenAddresses& listen, Options options,
    OnAccept on_accept) {
  std::unique_ptr<TcpServer> server(
      new TcpServer(io, std::move(name), options, std::move(on_accept)));
  for (const auto& [enabled, text, port] :
       {std::tuple{listen.use_ipv4(), listen.address_ipv4(), &server->ipv4_port_},
        std::tuple{listen.use_ipv6(), listen.address_ipv6(), &server->ipv6_port_}}) {
    if (!enabled) continue;
    const size_t first = server->listeners_.size();
    absl::StatusOr<uint16_t> bound = OpenReusePortAcceptors(
        text, io, [&](size_t worker, std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor) {
          auto listener = std::make_unique<Listener>(io.context(worker));
          listener->worker = worker;
          listener->acceptor = std::move(acceptor);
          listener->pause = std::make_unique<boost::asio::steady_timer>(io.context(worker));
          listener->counters = server->counters_.ForWorker(worker);
          server->listeners_.push_back(std::move(listener));
        });
    if (!bound.ok()) return bound.status();
    *port = *bound;
    // The text parsed already (OpenReusePortAcceptors bound it).
    const SocketAddress address = SocketAddress::Parse(text)->WithPort(*bound);
    server->bound_.push_back(address);
    for (size_t i = first; i < server->listeners_.size(); ++i) {
      server->listeners_[i]->address = address.ToString();
      server->listeners_[i]->ipv6 = address.is_ipv6();
    }
  }
  return server;
}

void TcpServer::Start() {
  for (auto& listener : listeners_) Accept(*listener);
}

void TcpServer::Stop() {
  // The acceptors and timers are Asio objects of the io contexts, which the
  // runtime destroys before the front-ends: release them now, so that a
  // later Stop (the destructor's) touches nothing. Their pending handlers are
  // destroyed with the io contexts, unrun.
  for (auto& listener : listeners_) {
    boost::system::error_code ignored;
    if (listener->pause) listener->pause->cancel();
    if (listener->acceptor) listener->acceptor->close(ignored);
    listener->pause.reset();
    listener->acceptor.reset();
  }
}

void TcpServer::Accept(Listener& listener) {
  // Sockets for the worker's own executor type (see TcpSocket).
  listener.acceptor->async_accept(
      listener.executor, listener.peer,
      [this, &listener](const boost::system::error_code& error, TcpSocket socket) {
        if (error == boost::asio::error::operation_aborted) return;
        if (error) return OnError(listener, error);
        if (listener.backoff.count() > 0) {
          AQUATIC_LOG(kWarn, name_, ": accepting connections on ", listener.address, " again");
          listener.backoff = std::chrono::milliseconds(0);
        }
        const SocketAddress peer =
            SocketAddress::FromSockaddr(listener.peer.data(), listener.peer.size());
        const size_t ip_index = IpIndex(peer.is_ipv6());
        WorkerConnections& connections = connections_[listener.worker];
        const bool per_address = options_.max_connections_per_address != 0;
        const ClientAddressKey address =
            per_address ? ClientAddressKey::Of(peer) : ClientAddressKey{};
        // The refused socket closes as it goes out of scope.
        if (connections.open.load(std::memory_order_relaxed) >= options_.max_connections) {
          listener.counters.Add(TcpCounter::kRefused, ip_index);
        } else if (per_address && OpenFrom(connections, address) >=
                                      options_.max_connections_per_address) {
          listener.counters.Add(TcpCounter::kRefusedPerAddress, ip_index);
        } else {
          listener.counters.Add(TcpCounter::kAccepted, ip_index);
          on_accept_(listener.worker, std::move(socket), peer,
                     ConnectionSlot(&connections, per_address ? &address : nullptr));
        }
        Accept(listener);
      });
}

void TcpServer::OnError(Listener& listener, const boost::system::error_code& error) {
  listener.counters.Add(TcpCounter::kAcceptErrors, IpIndex(listener.ipv6));
  if (listener.backoff.count() == 0) {
    // Once per episode: a full descriptor table fails every accept until a
    // connection closes.
    AQUATIC_LOG(kWarn, name_, ": accept on ", listener.address, " failed: ", error.message(),
                "; pausing new connections until it succeeds");
    listener.backoff = options_.min_backoff;
  } else {
    listener.backoff = std::min(listener.backoff * 2, options_.max_backoff);
  }
  listener.pause->expires_after(listener.backoff);
  listener.pause->async_wait([this, &listener](const boost::system::error_code& wait_error) {
    if (!wait_error) Accept(listener);
  });
}

std::string TcpServer::DescribeAddresses() const {
  std::vector<std::string> addresses;
  for (const SocketAddress& address : bound_) addresses.push_back(address.ToString());
  return absl::StrJoin(addresses, ", ");
}

int64_t TcpServer::open_connections() const {
  int64_t total = 0;
  for (size_t i = 0; i < worker_count_; ++i) {
    total += connections_[i].open.load(std::memory_order_relaxed);
  }
  return total;
}

}  // namespace aquatic
