#include "loadtest/peer_keys.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace aquatic::loadtest {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
static_assert(sizeof(kAlphabet) - 1 == 62);
// Base-62 digits that hold any 64-bit value: 62^11 > 2^64.
constexpr size_t kDigitsPerWord = 11;
// Keeps the keys apart from the workload's other SplitMix64 streams.
constexpr uint64_t kPeerKeySalt = 0x5be1c0a7d3f29e64ULL;

// One SplitMix64 step: a bijection of *state, which advances by the golden
// gamma.
uint64_t SplitMix64(uint64_t* state) {
  *state += 0x9e3779b97f4a7c15ULL;
  uint64_t z = *state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

PeerKey DerivePeerKey(uint64_t peer) {
  PeerKey key;
  uint64_t state = peer ^ kPeerKeySalt;
  size_t i = 0;
  while (i < kPeerKeyLength) {
    uint64_t word = SplitMix64(&state);
    for (size_t digit = 0; digit < kDigitsPerWord && i < kPeerKeyLength; ++digit) {
      key[i++] = kAlphabet[word % 62];
      word /= 62;
    }
  }
  return key;
}

PeerKeys::PeerKeys(size_t number_of_peers)
    : size_(number_of_peers), text_(number_of_peers * kUrlDataLength, '\0') {
  for (size_t peer = 0; peer < number_of_peers; ++peer) {
    char* out = &text_[peer * kUrlDataLength];
    std::memcpy(out, kPathPrefix.data(), kPathPrefix.size());
    const PeerKey key = DerivePeerKey(peer);
    std::memcpy(out + kPathPrefix.size(), key.data(), key.size());
  }
}

absl::Status PeerKeys::WriteKeyFile(const std::string& path) const {
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) {
    return absl::UnavailableError(absl::StrCat(path, ": cannot write: ", std::strerror(errno)));
  }
  bool written = true;
  for (size_t peer = 0; peer < size_ && written; ++peer) {
    const absl::string_view line = key(peer);
    written = std::fwrite(line.data(), 1, line.size(), file) == line.size() &&
              std::fputc('\n', file) != EOF;
  }
  const bool closed = std::fclose(file) == 0;
  if (!written || !closed) return absl::DataLossError(absl::StrCat(path, ": write error"));
  return absl::OkStatus();
}

}  // namespace aquatic::loadtest
