// Per-key transfer accounting of a private tracker, the ratio bookkeeping
// XBT and Ocelot do: how many bytes each key's peers uploaded and downloaded
// on each torrent, and how many downloads they completed.
//
// Clients report running totals since they started the torrent (BEP 3). Each
// peer's last report stays in its swarm entry (swarm::TransferTotals, kept by
// the engine's PrivatePeerData and WsPeerData), and the next report becomes a
// delta against it:
//   - a known peer: the growth of each counter; a counter that went down
//     means the client restarted and counts from zero again, so all of it is
//     new;
//   - a peer the swarm does not hold, or holds for another key or peer id
//     (another client behind the same address and port), announcing
//     `started`: its totals (normally zero);
//   - such a peer without `started` (the tracker restarted, or forgot the
//     peer after max_peer_age): a new baseline, delta zero. Counting its
//     totals would count again what was counted before; what it sent since
//     its last report is lost instead, which never inflates a ratio;
//   - `stopped`: the delta (the swarm then forgets the peer);
//   - `completed`: one completion more.
// Negative counters (UDP carries signed integers) count as zero.
#ifndef AQUATIC_TRACKER_ADMISSION_TRANSFER_LEDGER_H_
#define AQUATIC_TRACKER_ADMISSION_TRANSFER_LEDGER_H_

#include <cstdint>

#include "absl/types/span.h"
#include "tracker/base/tracker_key.h"
#include "tracker/swarm/peer_data.h"
#include "tracker/swarm/swarm.h"

namespace aquatic::admission {

struct TransferDelta {
  uint64_t uploaded = 0;
  uint64_t downloaded = 0;
  uint64_t completed = 0;
  bool empty() const { return uploaded == 0 && downloaded == 0 && completed == 0; }
};

// The totals a report leaves in its peer's swarm entry.
swarm::TransferTotals TotalsOf(const TrackerKey& key, absl::Span<const uint8_t> peer_id,
                               int64_t uploaded, int64_t downloaded);

// The delta of a report whose totals are `current`, against the totals the
// swarm held for the peer (`previous`, null when it held none).
TransferDelta DeltaOf(const swarm::TransferTotals* previous, const swarm::TransferTotals& current,
                      swarm::PeerEvent event);

// One announce's delta, worked out inside the engine's update: pass it as
// the engine's `previous` hook (Swarm::Apply), then read delta(). With peer
// data that keeps no totals it sees nothing and the delta stays empty.
class TransferRecorder {
 public:
  TransferRecorder(const swarm::TransferTotals& current, swarm::PeerEvent event)
      : current_(current), event_(event) {}

  template <typename Data>
  void operator()(const Data* previous) {
    if constexpr (swarm::kKeepsTransfer<Data>) {
      delta_ = DeltaOf(previous != nullptr ? &previous->transfer : nullptr, current_, event_);
    }
  }

  const TransferDelta& delta() const { return delta_; }

 private:
  swarm::TransferTotals current_;
  swarm::PeerEvent event_;
  TransferDelta delta_;
};

}  // namespace aquatic::admission

#endif  // AQUATIC_TRACKER_ADMISSION_TRANSFER_LEDGER_H_
