#include "tracker/server/testing/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace aquatic::http_client {

namespace {

// A connected TCP socket to 127.0.0.1:`port`, or an error.
absl::StatusOr<int> Connect(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    const int error = errno;
    close(fd);
    return absl::UnavailableError(absl::StrCat("connect to port ", port, ": ",
                                               std::strerror(error)));
  }
  return fd;
}

std::string RequestText(absl::string_view method, absl::string_view target,
                        absl::string_view extra_headers) {
  return absl::StrCat(method, " ", target, " HTTP/1.1\r\nHost: t\r\n", extra_headers,
                      "Connection: close\r\n\r\n");
}

// Waits at most `timeout_ms` for `fd` to be readable.
bool Readable(int fd, int timeout_ms) {
  pollfd readable{fd, POLLIN, 0};
  return poll(&readable, 1, timeout_ms) == 1;
}

absl::StatusOr<HttpReply> ParseReply(const std::string& response) {
  const size_t head_end = response.find("\r\n\r\n");
  if (head_end == std::string::npos || response.size() < 12) {
    return absl::DataLossError(absl::StrCat("no complete reply: \"", response, "\""));
  }
  HttpReply reply;
  reply.head = response.substr(0, head_end);
  reply.body = response.substr(head_end + 4);
  if (!absl::SimpleAtoi(absl::string_view(response).substr(9, 3), &reply.status)) {
    return absl::DataLossError(absl::StrCat("bad status line: ", reply.head));
  }
  return reply;
}

}  // namespace

absl::StatusOr<HttpReply> HttpRequest(uint16_t port, absl::string_view method,
                                      absl::string_view target, absl::string_view extra_headers,
                                      int timeout_ms) {
  absl::StatusOr<int> fd = Connect(port);
  if (!fd.ok()) return fd.status();
  const std::string request = RequestText(method, target, extra_headers);
  if (send(*fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    close(*fd);
    return absl::UnavailableError("send failed");
  }
  std::string response;
  char buffer[4096];
  while (Readable(*fd, timeout_ms)) {
    const ssize_t n = recv(*fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    response.append(buffer, static_cast<size_t>(n));
  }
  close(*fd);
  return ParseReply(response);
}

absl::StatusOr<HttpReply> HttpsRequest(uint16_t port, absl::string_view method,
                                       absl::string_view target,
                                       absl::string_view extra_headers, int timeout_ms) {
  absl::StatusOr<int> fd = Connect(port);
  if (!fd.ok()) return fd.status();
  bssl::UniquePtr<SSL_CTX> context(SSL_CTX_new(TLS_method()));
  bssl::UniquePtr<SSL> ssl(SSL_new(context.get()));
  SSL_set_fd(ssl.get(), *fd);
  // Blocking, bounded by the socket's receive timeout.
  timeval timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(*fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  if (SSL_connect(ssl.get()) != 1) {
    close(*fd);
    return absl::UnavailableError("TLS handshake failed");
  }
  const std::string request = RequestText(method, target, extra_headers);
  SSL_write(ssl.get(), request.data(), static_cast<int>(request.size()));
  std::string response;
  char buffer[4096];
  int n;
  while ((n = SSL_read(ssl.get(), buffer, sizeof(buffer))) > 0) {
    response.append(buffer, static_cast<size_t>(n));
  }
  close(*fd);
  return ParseReply(response);
}

std::string HttpGet(uint16_t port, absl::string_view target) {
  absl::StatusOr<HttpReply> reply = HttpRequest(port, "GET", target);
  return reply.ok() ? reply->body : "";
}

}  // namespace aquatic::http_client
