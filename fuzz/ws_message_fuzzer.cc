// Fuzz target: WebTorrent tracker messages (JSON text over WebSocket), as a
// WebSocket worker receives them from clients and as clients receive the
// tracker's. Invariants: a message that parses serializes, parses back to the
// same struct, and serializes to the same text again; a refused client
// message yields an error reply that serializes; a message that parses is
// valid UTF-8 (the WebSocket session relies on it: ws_handler.cc).
#include <cstdint>
#include <string>

#include "codec/runtime/latin1.h"
#include "codec/ws/ws.codec.h"
#include "codec/ws/ws_request.h"
#include "fuzz/fuzz_check.h"

namespace {

using namespace aquatic::codec::ws;  // NOLINT: fuzz target brevity

template <typename Message>
void CheckRoundTrip(const Message& message) {
  std::string json;
  FUZZ_CHECK(Serialize(message, &json).ok());
  Message again;
  FUZZ_CHECK(Parse(json, &again).ok());
  FUZZ_CHECK(again == message);
  std::string json_again;
  FUZZ_CHECK(Serialize(again, &json_again).ok());
  FUZZ_CHECK(json_again == json);
}

template <typename Message>
void CheckIfParses(absl::string_view text) {
  Message message;
  if (Parse(text, &message).ok()) {
    FUZZ_CHECK(aquatic::codec::IsValidUtf8(text));
    CheckRoundTrip(message);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);

  // Client -> tracker.
  Request request;
  RequestError error;
  if (ParseRequest(text, &request, &error)) {
    FUZZ_CHECK(aquatic::codec::IsValidUtf8(text));
    if (request.kind == RequestKind::kAnnounce) {
      CheckRoundTrip(request.announce);
    } else {
      CheckRoundTrip(request.scrape);
    }
  } else {
    FUZZ_CHECK(!error.status.ok());
    CheckRoundTrip(error.response);
  }

  // Tracker -> client.
  CheckIfParses<AnnounceResponse>(text);
  CheckIfParses<OfferMessage>(text);
  CheckIfParses<AnswerMessage>(text);
  CheckIfParses<ScrapeResponse>(text);
  CheckIfParses<ErrorResponse>(text);
  return 0;
}
