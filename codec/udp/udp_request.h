// Classifies and parses one datagram a client sent to a UDP tracker (BEP 15).
//
// The generated codec (udp.codec.h) parses each message on its own; this adds
// the protocol rule that picks the message by its action and says, for a bad
// datagram, whether BEP 15 lets the tracker answer it with an error response
// (a transaction id can be read) or whether it must be dropped.
#ifndef AQUATIC_CODEC_UDP_UDP_REQUEST_H_
#define AQUATIC_CODEC_UDP_UDP_REQUEST_H_

#include <algorithm>
#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "codec/udp/udp.codec.h"

namespace aquatic::codec::udp {

// The longest request a client needs to send: a full scrape, or an announce
// with the most URL data (BEP 41) in options of 255 bytes, whichever is
// longer. A receive buffer must hold at least this much. (An announce padded
// with NOP options can be longer; it parses as far as it was received.)
inline constexpr size_t kMaxRequestSize =
    std::max({ConnectRequest::kMaxSize, AnnounceRequest::kMaxSize, ScrapeRequest::kMaxSize});

enum class RequestKind { kConnect, kAnnounce, kScrape };

struct Request {
  RequestKind kind = RequestKind::kConnect;
  // Only the member named by `kind` is filled.
  ConnectRequest connect;
  AnnounceRequest announce;
  ScrapeRequest scrape;
};

struct RequestError {
  // What was wrong; error.ToStatus() for the text. Recording it allocates
  // nothing: the socket workers drop most bad datagrams unread.
  ParseError error;
  // Set when the datagram names an announce or scrape and carries a
  // transaction id: the tracker may answer with an ErrorResponse (after it
  // checked the connection id). Unset: drop the datagram silently.
  std::optional<uint32_t> transaction_id;
};

// Parses `datagram` into `request`; false with `error` filled otherwise.
bool ParseRequest(absl::Span<const uint8_t> datagram, Request* request, RequestError* error);

}  // namespace aquatic::codec::udp

#endif  // AQUATIC_CODEC_UDP_UDP_REQUEST_H_
