// WsTestClient: a WebSocket client for the tracker's integration tests
// (Beast), ws:// or wss:// (certificate not verified), over IPv4 or IPv6
// loopback. Every call is bounded by a timeout, so a test never hangs.
#ifndef AQUATIC_TRACKER_WS_WS_TEST_CLIENT_H_
#define AQUATIC_TRACKER_WS_WS_TEST_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace aquatic::ws {

class WsTestClient {
 public:
  struct Options {
    bool ipv6 = false;
    bool tls = false;
    // SO_RCVBUF of the client socket (0: the system default), set before
    // connecting; a small one makes a slow reader quickly.
    int receive_buffer = 0;
    std::string target = "/announce";
    // Outgoing messages are split into frames of this many payload bytes;
    // 0 sends each message as a single frame.
    size_t frame_bytes = 4096;
    std::chrono::milliseconds timeout{3000};
  };

  // Connects and completes the handshakes; nullptr (and `error`) on failure.
  static std::unique_ptr<WsTestClient> Connect(uint16_t port, const Options& options,
                                               std::string* error = nullptr);
  static std::unique_ptr<WsTestClient> Connect(uint16_t port) { return Connect(port, Options()); }
  virtual ~WsTestClient() = default;

  virtual bool SendText(absl::string_view text) = 0;
  virtual bool SendBinary(absl::string_view data) = 0;
  // The next text message, or nullopt on timeout or once the connection is
  // closed (then closed() is true). A read that timed out stays pending: the
  // next call continues it.
  virtual std::optional<std::string> Read(
      std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) = 0;
  virtual bool closed() const = 0;
  // The close frame's code (1003, 1007, 1009, ...) if the server sent one.
  virtual int close_code() const = 0;
  virtual std::string error() const = 0;
  // Sends a close frame and waits for the server's (bounded).
  virtual void Close() = 0;
};

// A plain HTTP/1.1 request on a fresh connection; the whole response (status
// line, headers, body) or nullopt within `timeout`.
std::optional<std::string> HttpGet(uint16_t port, bool ipv6, absl::string_view target,
                                   std::chrono::milliseconds timeout =
                                       std::chrono::milliseconds(3000));

}  // namespace aquatic::ws

#endif  // AQUATIC_TRACKER_WS_WS_TEST_CLIENT_H_
