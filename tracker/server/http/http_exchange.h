// HTTP/1.x framing for the sessions of the HTTP front-ends (the tracker, the
// management API), without any I/O.
//
// RequestHeadParser reads one request head at a time out of a connection's
// bytes and keeps only what a tracker looks at. Beast's request_parser stores
// every header field in its own allocation; tracker clients send a handful of
// headers the tracker never reads, so this parser (Beast's basic_parser
// underneath, behind this Beast-free interface) keeps none of them.
//
// AppendResponse writes a whole response (status line, headers, body) into
// one buffer, so a session sends it with one syscall.
#ifndef AQUATIC_TRACKER_SERVER_HTTP_HTTP_EXCHANGE_H_
#define AQUATIC_TRACKER_SERVER_HTTP_HTTP_EXCHANGE_H_

#include <cstddef>
#include <memory>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace aquatic::http {

enum class Method : uint8_t { kGet, kHead, kPost, kPut, kDelete, kOther };

struct RequestHead {
  Method method = Method::kOther;
  bool is_get() const { return method == Method::kGet; }
  // The request target as sent: `/announce?info_hash=...`.
  std::string target;
  // 10 for HTTP/1.0, 11 for HTTP/1.1.
  int version = 11;
  // Whether the client wants the connection kept open, as HTTP/1.x decides
  // from the version and the Connection header.
  bool keep_alive = false;
  // The Accept-Encoding values, repeated headers joined by commas ("" when
  // none).
  std::string accept_encoding;
  // The last value of the reverse-proxy address header, when configured and
  // present.
  std::optional<std::string> forwarded_for;
  // The Authorization header (the management API's bearer token; "" when
  // none).
  std::string authorization;
};

class RequestHeadParser {
 public:
  enum class Status {
    kNeedMore,   // no complete head yet: append bytes and call again
    kComplete,   // head() holds the request
    kInvalid,    // malformed, over the header limit, or with a body: close
  };

  // `forwarded_header`: the reverse-proxy header to capture (empty: none).
  // `header_limit`: the most bytes a request head may take.
  RequestHeadParser(std::string forwarded_header, size_t header_limit);
  ~RequestHeadParser();
  RequestHeadParser(const RequestHeadParser&) = delete;
  RequestHeadParser& operator=(const RequestHeadParser&) = delete;

  // Parses from the start of `buffered`, all bytes received and not yet
  // consumed. On kComplete, `*consumed` is the length of this request (the
  // rest may be a pipelined next one); otherwise it is 0. After kComplete or
  // kInvalid, call Reset() before the next request.
  Status Parse(absl::string_view buffered, size_t* consumed);
  const RequestHead& head() const { return head_; }

  // Starts over for the connection's next request.
  void Reset();

 private:
  class BeastParser;
  // Holds the Beast parser, rebuilt in place per request.
  struct Slot;
  std::string forwarded_header_;
  size_t header_limit_;
  RequestHead head_;
  // Bytes of the current request Beast has consumed so far.
  size_t taken_ = 0;
  std::unique_ptr<Slot> slot_;
};

struct ResponseHead {
  int status = 200;
  // The request's version, echoed.
  int version = 11;
  bool keep_alive = true;
  // `Vary: Accept-Encoding`: the body depends on it (full scrape).
  bool vary_accept_encoding = false;
  bool gzip = false;
  absl::string_view content_type = "text/plain";
};

// Appends `HTTP/1.x <status>`, Content-Type, the optional
// Vary/Content-Encoding, Connection as HTTP/1.x needs it for `keep_alive`,
// Content-Length and the body to `out`.
void AppendResponse(const ResponseHead& head, absl::string_view body, std::string* out);

}  // namespace aquatic::http

#endif  // AQUATIC_TRACKER_SERVER_HTTP_HTTP_EXCHANGE_H_
