#include "tracker/ws/ws_test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <type_traits>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "absl/strings/str_cat.h"

namespace aquatic::ws {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

template <typename NextLayer>
class Client final : public WsTestClient {
 public:
  static constexpr bool kTls = !std::is_same_v<NextLayer, beast::tcp_stream>;

  explicit Client(const Options& options)
      : options_(options),
        tls_context_(net::ssl::context::tls_client),
        ws_(MakeStream()) {}

  bool Open(uint16_t port) {
    tcp::endpoint endpoint(net::ip::make_address(options_.ipv6 ? "::1" : "127.0.0.1"), port);
    beast::error_code ec;
    tcp::socket& socket = beast::get_lowest_layer(ws_).socket();
    socket.open(endpoint.protocol(), ec);
    if (ec) return Fail("open", ec);
    if (options_.receive_buffer > 0) {
      socket.set_option(net::socket_base::receive_buffer_size(options_.receive_buffer), ec);
    }
    socket.set_option(tcp::no_delay(true), ec);
    socket.connect(endpoint, ec);
    if (ec) return Fail("connect", ec);
    if constexpr (kTls) {
      bool done = false;
      ws_.next_layer().async_handshake(net::ssl::stream_base::client,
                                       [&](beast::error_code e) {
                                         ec = e;
                                         done = true;
                                       });
      if (!RunUntil(done, options_.timeout)) return Fail("tls handshake", beast::error_code());
      if (ec) return Fail("tls handshake", ec);
    }
    bool done = false;
    ws_.async_handshake(options_.ipv6 ? "[::1]" : "127.0.0.1", options_.target,
                        [&](beast::error_code e) {
                          ec = e;
                          done = true;
                        });
    if (!RunUntil(done, options_.timeout)) return Fail("ws handshake timeout", beast::error_code());
    if (ec) return Fail("ws handshake", ec);
    // Beast splits outgoing messages into frames of its write buffer (4 KiB)
    // unless told to send each as one frame.
    ws_.auto_fragment(options_.frame_bytes != 0);
    if (options_.frame_bytes != 0) ws_.write_buffer_bytes(options_.frame_bytes);
    return true;
  }

  bool SendText(absl::string_view text) override { return Write(text, true); }
  bool SendBinary(absl::string_view data) override { return Write(data, false); }

  std::optional<std::string> Read(std::chrono::milliseconds timeout) override {
    if (closed_) return std::nullopt;
    if (!read_pending_) {
      read_pending_ = true;
      read_done_ = false;
      ws_.async_read(buffer_, [this](beast::error_code ec, size_t) {
        read_pending_ = false;
        read_done_ = true;
        read_error_ = ec;
      });
    }
    if (!RunUntil(read_done_, timeout)) return std::nullopt;
    read_done_ = false;
    if (read_error_) {
      closed_ = true;
      error_ = read_error_.message();
      return std::nullopt;
    }
    std::string message = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    return message;
  }

  bool closed() const override { return closed_; }
  int close_code() const override { return static_cast<int>(ws_.reason().code); }
  std::string error() const override { return error_; }

  void Close() override {
    if (closed_) return;
    bool done = false;
    ws_.async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; });
    RunUntil(done, std::chrono::milliseconds(1000));
    closed_ = true;
  }

  ~Client() override {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    io_.restart();
    io_.poll();
  }

 private:
  websocket::stream<NextLayer> MakeStream() {
    if constexpr (kTls) {
      tls_context_.set_verify_mode(net::ssl::verify_none);
      return websocket::stream<NextLayer>(io_, tls_context_);
    } else {
      return websocket::stream<NextLayer>(io_);
    }
  }

  bool Write(absl::string_view data, bool text) {
    if (closed_) return false;
    ws_.text(text);
    bool done = false;
    beast::error_code ec;
    ws_.async_write(net::buffer(data.data(), data.size()), [&](beast::error_code e, size_t) {
      ec = e;
      done = true;
    });
    if (!RunUntil(done, options_.timeout)) {
      error_ = "write timed out";
      return false;
    }
    if (ec) error_ = ec.message();
    return !ec;
  }

  // Runs handlers until `flag` is set or `timeout` passes.
  bool RunUntil(const bool& flag, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    io_.restart();
    while (!flag && Clock::now() < deadline) {
      if (io_.run_one_until(deadline) == 0 && io_.stopped()) io_.restart();
    }
    return flag;
  }

  bool Fail(const char* what, beast::error_code ec) {
    error_ = absl::StrCat(what, ": ", ec.message());
    return false;
  }

  Options options_;
  net::io_context io_;
  net::ssl::context tls_context_;
  websocket::stream<NextLayer> ws_;
  beast::flat_buffer buffer_;
  bool read_pending_ = false;
  bool read_done_ = false;
  beast::error_code read_error_;
  bool closed_ = false;
  std::string error_;
};

}  // namespace

std::unique_ptr<WsTestClient> WsTestClient::Connect(uint16_t port, const Options& options,
                                                    std::string* error) {
  std::unique_ptr<WsTestClient> client;
  bool ok = false;
  if (options.tls) {
    auto tls = std::make_unique<Client<beast::ssl_stream<beast::tcp_stream>>>(options);
    ok = tls->Open(port);
    client = std::move(tls);
  } else {
    auto plain = std::make_unique<Client<beast::tcp_stream>>(options);
    ok = plain->Open(port);
    client = std::move(plain);
  }
  if (!ok) {
    if (error != nullptr) *error = client->error();
    return nullptr;
  }
  return client;
}

std::optional<std::string> HttpGet(uint16_t port, bool ipv6, absl::string_view target,
                                   std::chrono::milliseconds timeout) {
  const int fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  int connected;
  if (ipv6) {
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(port);
    address.sin6_addr = in6addr_loopback;
    connected = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  } else {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  }
  std::optional<std::string> response;
  if (connected == 0) {
    const std::string request =
        absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      std::string received;
      const auto deadline = Clock::now() + timeout;
      while (Clock::now() < deadline) {
        pollfd readable{fd, POLLIN, 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - Clock::now());
        if (poll(&readable, 1, static_cast<int>(left.count())) != 1) break;
        char buffer[4096];
        const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
        if (n <= 0) {
          response = received;
          break;
        }
        received.append(buffer, static_cast<size_t>(n));
      }
    }
  }
  close(fd);
  return response;
}

}  // namespace aquatic::ws
