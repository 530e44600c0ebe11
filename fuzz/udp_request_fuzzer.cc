// Fuzz target: UDP tracker requests (BEP 15), as a socket worker receives them.
// Invariant: a datagram that parses serializes back to the bytes it came from
// (of an announce's BEP 41 options only the URL data is kept;
// udp_announce_options_fuzzer checks the options in depth).
#include <cstdint>
#include <cstring>
#include <vector>

#include "codec/runtime/big_endian.h"
#include "codec/udp/udp.codec.h"
#include "codec/udp/udp_request.h"
#include "fuzz/fuzz_check.h"

namespace {

using namespace aquatic::codec::udp;  // NOLINT: fuzz target brevity

// `expected` is what the message must serialize to.
template <typename Message>
void CheckRoundTrip(const Message& message, const std::vector<uint8_t>& expected) {
  std::vector<uint8_t> wire(SerializedSize(message));
  absl::StatusOr<size_t> written = Serialize(message, absl::MakeSpan(wire));
  FUZZ_CHECK(written.ok() && *written == wire.size());
  FUZZ_CHECK(wire == expected);
  Message again;
  FUZZ_CHECK(Parse(wire, &again).ok() && again == message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Request request;
  RequestError error;
  const absl::Span<const uint8_t> datagram(data, size);
  if (!ParseRequest(datagram, &request, &error)) {
    FUZZ_CHECK(error.error.kind() != aquatic::codec::ParseError::Kind::kNone);
    FUZZ_CHECK(!error.error.ToStatus().ok());
    // A transaction id is only offered when the header is there.
    FUZZ_CHECK(!error.transaction_id.has_value() || size >= 16);
    return 0;
  }
  std::vector<uint8_t> expected(data, data + size);
  switch (request.kind) {
    case RequestKind::kConnect:
      CheckRoundTrip(request.connect, expected);
      break;
    case RequestKind::kAnnounce: {
      // Of the BEP 41 options only the URL data is kept, and written back in
      // URLData options of 255 bytes; unknown events (libtorrent's 4,
      // "paused") are read as "none": both are deliberately lossy.
      expected.resize(AnnounceRequest::kFixedSize);
      constexpr size_t kEventOffset = 80;
      if (aquatic::codec::LoadU32(expected.data() + kEventOffset) > 3) {
        aquatic::codec::StoreU32(expected.data() + kEventOffset, 0);
      }
      const absl::string_view url_data = request.announce.url_data.view();
      for (size_t at = 0; at < url_data.size(); at += 255) {
        const absl::string_view chunk = url_data.substr(at, 255);
        expected.push_back(0x02);
        expected.push_back(static_cast<uint8_t>(chunk.size()));
        expected.insert(expected.end(), chunk.begin(), chunk.end());
      }
      CheckRoundTrip(request.announce, expected);
      break;
    }
    case RequestKind::kScrape:
      CheckRoundTrip(request.scrape, expected);
      break;
  }
  return 0;
}
