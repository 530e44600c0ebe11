// FastRandom: a small, fast, non-cryptographic generator (xoshiro256**) for
// per-thread choices such as where a peer selection starts. Seed it from
// std::random_device; never use it for secrets (connection ids use SipHash
// with a key from the OS).
#ifndef AQUATIC_TRACKER_BASE_FAST_RANDOM_H_
#define AQUATIC_TRACKER_BASE_FAST_RANDOM_H_

#include <cstdint>
#include <random>

namespace aquatic {

// 64 bits from std::random_device, to seed a FastRandom.
inline uint64_t RandomSeed() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) | device();
}

class FastRandom {
 public:
  explicit FastRandom(uint64_t seed) {
    // SplitMix64 spreads any seed over the 256-bit state.
    for (uint64_t& word : state_) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      word = z ^ (z >> 31);
    }
  }

  uint64_t Next() {
    const uint64_t result = Rotate(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotate(state_[3], 45);
    return result;
  }

 private:
  static uint64_t Rotate(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  uint64_t state_[4];
};

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_FAST_RANDOM_H_
