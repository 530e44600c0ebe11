// For tests over real sockets: one HTTP/1.1 request to 127.0.0.1, answered
// and closed, with bounded waits (a server that never answers fails the
// exchange instead of hanging the test).
#ifndef AQUATIC_TRACKER_SERVER_TESTING_HTTP_CLIENT_H_
#define AQUATIC_TRACKER_SERVER_TESTING_HTTP_CLIENT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace aquatic::http_client {

struct HttpReply {
  int status = 0;
  // The head as received, status line included (for header checks).
  std::string head;
  std::string body;
};

// Sends `METHOD TARGET HTTP/1.1` with `extra_headers` (each ending in
// "\r\n") and Connection: close, and reads the reply until the server closes
// or `timeout_ms` passes without a byte.
absl::StatusOr<HttpReply> HttpRequest(uint16_t port, absl::string_view method,
                                      absl::string_view target,
                                      absl::string_view extra_headers = "",
                                      int timeout_ms = 5000);

// As HttpRequest over TLS (any certificate accepted: the server's is a test
// one).
absl::StatusOr<HttpReply> HttpsRequest(uint16_t port, absl::string_view method,
                                       absl::string_view target,
                                       absl::string_view extra_headers = "",
                                       int timeout_ms = 5000);

// As HttpRequest with GET, the body only ("" on any failure).
std::string HttpGet(uint16_t port, absl::string_view target);

}  // namespace aquatic::http_client

#endif  // AQUATIC_TRACKER_SERVER_TESTING_HTTP_CLIENT_H_
