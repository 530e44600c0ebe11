// Classifies and parses one text message a WebTorrent client sent to a
// WebSocket tracker.
//
// The generated codec (ws.codec.h) parses each message on its own; this adds
// the protocol rule that picks the message by its top-level "action", and,
// for a message that cannot be served, builds the error reply the tracker
// sends: {"failure reason":...,"action":...,"info_hash":...}, with the action
// and info hash when they could be read (clients match replies to torrents by
// the info hash).
#ifndef AQUATIC_CODEC_WS_WS_REQUEST_H_
#define AQUATIC_CODEC_WS_WS_REQUEST_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "codec/ws/ws.codec.h"

namespace aquatic::codec::ws {

enum class RequestKind { kAnnounce, kScrape };

struct Request {
  RequestKind kind = RequestKind::kAnnounce;
  // Only the member named by `kind` is filled.
  AnnounceRequest announce;
  ScrapeRequest scrape;
};

struct RequestError {
  absl::Status status;
  // The reply: failure_reason is the status message; action ("announce" or
  // "scrape") and info_hash are set when the message carried them readably.
  ErrorResponse response;
};

// Parses `text` (one whole WebSocket text message) into `request`; false
// with `error` filled otherwise.
bool ParseRequest(absl::string_view text, Request* request, RequestError* error);

}  // namespace aquatic::codec::ws

#endif  // AQUATIC_CODEC_WS_WS_REQUEST_H_
