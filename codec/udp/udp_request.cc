#include "codec/udp/udp_request.h"

#include "codec/runtime/big_endian.h"

namespace aquatic::codec::udp {
namespace {

// Every request starts with 8 bytes (connection id or protocol id), the
// action and the transaction id.
constexpr size_t kHeaderSize = 16;
constexpr size_t kActionOffset = 8;
constexpr size_t kTransactionIdOffset = 12;

// Every request starts with the same header: a request to parse as one
// message kind reads it as that kind's header.
constexpr char kRequest[] = "Request";

}  // namespace

bool ParseRequest(absl::Span<const uint8_t> datagram, Request* request, RequestError* error) {
  error->transaction_id.reset();
  if (datagram.size() < kHeaderSize) {
    return error->error.TooShort(kRequest, datagram.size(), kHeaderSize);
  }
  const uint32_t action = LoadU32(datagram.data() + kActionOffset);
  const uint32_t transaction_id = LoadU32(datagram.data() + kTransactionIdOffset);
  switch (action) {
    case static_cast<uint32_t>(Action::kConnect):
      request->kind = RequestKind::kConnect;
      // A bad protocol id or length: not a tracker client, nothing to answer.
      return TryParse(datagram, &request->connect, &error->error);
    case static_cast<uint32_t>(Action::kAnnounce):
      request->kind = RequestKind::kAnnounce;
      if (TryParse(datagram, &request->announce, &error->error)) return true;
      error->transaction_id = transaction_id;
      return false;
    case static_cast<uint32_t>(Action::kScrape):
      request->kind = RequestKind::kScrape;
      if (TryParse(datagram, &request->scrape, &error->error)) return true;
      error->transaction_id = transaction_id;
      return false;
    default:
      return error->error.UnknownValue(kRequest, "action", action);
  }
}

}  // namespace aquatic::codec::udp
