#include "tracker/admission/transfer_ledger.h"

#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

namespace aquatic::admission {
namespace {

uint64_t NonNegative(int64_t value) { return value < 0 ? 0 : static_cast<uint64_t>(value); }

// What a counter added since `last`: all of `now` when it went down.
uint64_t Growth(uint64_t last, uint64_t now) { return now >= last ? now - last : now; }

}  // namespace

swarm::TransferTotals TotalsOf(const TrackerKey& key, absl::Span<const uint8_t> peer_id,
                               int64_t uploaded, int64_t downloaded) {
  const absl::string_view id(reinterpret_cast<const char*>(peer_id.data()), peer_id.size());
  return swarm::TransferTotals{absl::HashOf(key, id), NonNegative(uploaded),
                               NonNegative(downloaded)};
}

TransferDelta DeltaOf(const swarm::TransferTotals* previous, const swarm::TransferTotals& current,
                      swarm::PeerEvent event) {
  TransferDelta delta;
  if (previous != nullptr && previous->owner == current.owner) {
    delta.uploaded = Growth(previous->uploaded, current.uploaded);
    delta.downloaded = Growth(previous->downloaded, current.downloaded);
  } else if (event == swarm::PeerEvent::kStarted) {
    delta.uploaded = current.uploaded;
    delta.downloaded = current.downloaded;
  }
  if (event == swarm::PeerEvent::kCompleted) delta.completed = 1;
  return delta;
}

}  // namespace aquatic::admission
