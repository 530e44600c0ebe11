#include "tracker/base/prometheus_endpoint.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace aquatic {
namespace {

constexpr int kPollMilliseconds = 200;
constexpr size_t kMaxRequestBytes = 4096;

void WriteAll(int fd, const std::string& data) {
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = send(fd, data.data() + written, data.size() - written, MSG_NOSIGNAL);
    if (n <= 0) return;
    written += static_cast<size_t>(n);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<PrometheusEndpoint>> PrometheusEndpoint::Start(
    const SocketAddress& address, std::function<std::string()> render) {
  const int fd = socket(address.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (bind(fd, address.sockaddr_ptr(), address.sockaddr_length()) != 0 || listen(fd, 16) != 0) {
    const std::string error = std::strerror(errno);
    close(fd);
    return absl::UnavailableError(
        absl::StrCat("prometheus endpoint ", address.ToString(), ": ", error));
  }
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
  const uint16_t port =
      SocketAddress::FromSockaddr(reinterpret_cast<sockaddr*>(&bound), length).port();
  return std::unique_ptr<PrometheusEndpoint>(new PrometheusEndpoint(fd, port, std::move(render)));
}

PrometheusEndpoint::PrometheusEndpoint(int listen_fd, uint16_t port,
                                       std::function<std::string()> render)
    : listen_fd_(listen_fd), port_(port), render_(std::move(render)) {
  thread_ = std::thread([this] { Serve(); });
}

PrometheusEndpoint::~PrometheusEndpoint() {
  stop_ = true;
  thread_.join();
  close(listen_fd_);
}

void PrometheusEndpoint::Serve() {
  while (!stop_) {
    pollfd listening{listen_fd_, POLLIN, 0};
    if (poll(&listening, 1, kPollMilliseconds) <= 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    HandleConnection(fd);
    close(fd);
  }
}

void PrometheusEndpoint::HandleConnection(int fd) {
  std::string request;
  char buffer[1024];
  // Read until the end of the header block, bounded in size and time.
  while (request.size() < kMaxRequestBytes && !absl::StrContains(request, "\r\n\r\n") &&
         !absl::StrContains(request, "\n\n")) {
    pollfd readable{fd, POLLIN, 0};
    if (poll(&readable, 1, 2000) <= 0) return;
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) return;
    request.append(buffer, static_cast<size_t>(n));
  }
  const bool metrics = absl::StartsWith(request, "GET /metrics ") ||
                       absl::StartsWith(request, "GET /metrics?") ||
                       absl::StartsWith(request, "GET / ");
  const std::string body = metrics ? render_() : "not found\n";
  WriteAll(fd, absl::StrCat("HTTP/1.0 ", metrics ? "200 OK" : "404 Not Found",
                            "\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: ",
                            body.size(), "\r\nConnection: close\r\n\r\n", body));
}

}  // namespace aquatic
