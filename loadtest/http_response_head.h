// The head of an HTTP/1.x response as the HTTP load tester needs it: status,
// where the body starts and how long it is, and whether the server closes
// the connection after it. Not a general HTTP parser: no chunked bodies (a
// tracker answers with Content-Length or by closing), no folded headers.
#ifndef AQUATIC_LOADTEST_HTTP_RESPONSE_HEAD_H_
#define AQUATIC_LOADTEST_HTTP_RESPONSE_HEAD_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace aquatic::loadtest {

struct HttpResponseHead {
  int status = 0;
  // Bytes of the status line and headers, the blank line included.
  size_t header_length = 0;
  // -1: no Content-Length, the body lasts until the server closes.
  int64_t content_length = -1;
  // The server closes after this response ("Connection: close", or
  // HTTP/1.0 without "Connection: keep-alive").
  bool close = false;
  bool chunked = false;
};

enum class HeadParse { kIncomplete, kComplete, kInvalid };

// Parses the head at the start of `data` (which may hold more: the body,
// pipelined responses). kIncomplete: no blank line yet.
HeadParse ParseHttpResponseHead(absl::string_view data, HttpResponseHead* head);

}  // namespace aquatic::loadtest

#endif  // AQUATIC_LOADTEST_HTTP_RESPONSE_HEAD_H_
