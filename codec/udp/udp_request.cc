#include "codec/udp/udp_request.h"

#include "codec/runtime/big_endian.h"

namespace aquatic::codec::udp {
namespace {

// Every request starts with 8 bytes (connection id or protocol id), the
// action and the transaction id.
constexpr size_t kHeaderSize = 16;
constexpr size_t kActionOffset = 8;
constexpr size_t kTransactionIdOffset = 12;

bool Fail(absl::Status status, std::optional<uint32_t> transaction_id, RequestError* error) {
  error->status = std::move(status);
  error->transaction_id = transaction_id;
  return false;
}

}  // namespace

bool ParseRequest(absl::Span<const uint8_t> datagram, Request* request, RequestError* error) {
  if (datagram.size() < kHeaderSize) {
    return Fail(absl::InvalidArgumentError("datagram shorter than a request header"),
                std::nullopt, error);
  }
  const uint32_t action = LoadU32(datagram.data() + kActionOffset);
  const uint32_t transaction_id = LoadU32(datagram.data() + kTransactionIdOffset);
  switch (action) {
    case static_cast<uint32_t>(Action::kConnect): {
      request->kind = RequestKind::kConnect;
      absl::Status status = Parse(datagram, &request->connect);
      // A bad protocol id or length: not a tracker client, nothing to answer.
      return status.ok() || Fail(std::move(status), std::nullopt, error);
    }
    case static_cast<uint32_t>(Action::kAnnounce): {
      request->kind = RequestKind::kAnnounce;
      absl::Status status = Parse(datagram, &request->announce);
      return status.ok() || Fail(std::move(status), transaction_id, error);
    }
    case static_cast<uint32_t>(Action::kScrape): {
      request->kind = RequestKind::kScrape;
      absl::Status status = Parse(datagram, &request->scrape);
      return status.ok() || Fail(std::move(status), transaction_id, error);
    }
    default:
      return Fail(absl::InvalidArgumentError("unknown action"), std::nullopt, error);
  }
}

}  // namespace aquatic::codec::udp
