// The keys of load-test peers for a private tracker (aquatic's [private]
// mode = "keys"): every peer of the workload gets a key of its own, 32 ASCII
// letters and digits derived from the peer's index alone, so the same index
// always has the same key (whatever the seed) and a tracker can be given the
// keys of N peers before a run (PeerKeys::WriteKeyFile, `-w`).
//
// The load tester sends a peer's key as BEP 41 URL data "/announce/KEY" in
// each of its announces. PeerKeys precomputes that text for every peer, so
// the hot path copies 42 bytes and formats nothing.
#ifndef AQUATIC_LOADTEST_PEER_KEYS_H_
#define AQUATIC_LOADTEST_PEER_KEYS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace aquatic::loadtest {

inline constexpr size_t kPeerKeyLength = 32;
using PeerKey = std::array<char, kPeerKeyLength>;

// The key of peer `peer`: base-62 digits ([0-9A-Za-z]) of SplitMix64
// outputs seeded by the index. The first output is a bijection of the index
// and all of it is written (11 digits), so different peers always get
// different keys.
PeerKey DerivePeerKey(uint64_t peer);

// The URL data of every peer's announces, "/announce/KEY", for peers
// 0 .. number_of_peers - 1, in one block.
class PeerKeys {
 public:
  static constexpr absl::string_view kPathPrefix = "/announce/";
  static constexpr size_t kUrlDataLength = 10 + kPeerKeyLength;
  static_assert(kPathPrefix.size() == 10);

  explicit PeerKeys(size_t number_of_peers);

  size_t size() const { return size_; }
  // "/announce/KEY" of `peer` (< size()).
  absl::string_view url_data(size_t peer) const {
    return absl::string_view(&text_[peer * kUrlDataLength], kUrlDataLength);
  }
  // The 32-character key of `peer` (< size()).
  absl::string_view key(size_t peer) const { return url_data(peer).substr(kPathPrefix.size()); }

  // Every key, one a line, peer 0 first: what a tracker must know.
  absl::Status WriteKeyFile(const std::string& path) const;

 private:
  size_t size_;
  std::string text_;
};

}  // namespace aquatic::loadtest

#endif  // AQUATIC_LOADTEST_PEER_KEYS_H_
