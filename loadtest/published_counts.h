// PublishedCounts<Counts>: how a load worker hands its counters to the main
// thread. The worker counts in a plain struct of uint64_t fields (no atomics
// on its hot loop) and publishes a copy with relaxed stores once per loop; the
// main thread sums what the workers published for progress and the summary.
#ifndef AQUATIC_LOADTEST_PUBLISHED_COUNTS_H_
#define AQUATIC_LOADTEST_PUBLISHED_COUNTS_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace aquatic::loadtest {

// `Counts` must consist of uint64_t fields only (member functions are fine).
template <typename Counts>
class alignas(64) PublishedCounts {
  static_assert(std::is_trivially_copyable_v<Counts> && sizeof(Counts) % sizeof(uint64_t) == 0,
                "Counts must be a struct of uint64_t fields");
  static constexpr size_t kFields = sizeof(Counts) / sizeof(uint64_t);

 public:
  // The worker, once per loop and when it ends.
  void Publish(const Counts& counts) {
    const std::array<uint64_t, kFields> fields = Fields(counts);
    for (size_t i = 0; i < kFields; ++i) values_[i].store(fields[i], std::memory_order_relaxed);
  }

  // The main thread: adds the last published values to `sum`.
  void AddTo(Counts* sum) const {
    std::array<uint64_t, kFields> fields = Fields(*sum);
    for (size_t i = 0; i < kFields; ++i) fields[i] += values_[i].load(std::memory_order_relaxed);
    // Counts is trivially copyable; its default member initializers only
    // make it non-trivial to construct (hence the void* for -Wclass-memaccess).
    std::memcpy(static_cast<void*>(sum), fields.data(), sizeof(Counts));
  }

  // Set by the worker when it has published its final counts.
  std::atomic<bool> done{false};

 private:
  static std::array<uint64_t, kFields> Fields(const Counts& counts) {
    std::array<uint64_t, kFields> fields;
    std::memcpy(fields.data(), &counts, sizeof(Counts));
    return fields;
  }

  std::array<std::atomic<uint64_t>, kFields> values_{};
};

// Field by field `a - b`: the counts of a window between two totals.
template <typename Counts>
Counts CountsMinus(const Counts& a, const Counts& b) {
  constexpr size_t kFields = sizeof(Counts) / sizeof(uint64_t);
  uint64_t fa[kFields];
  uint64_t fb[kFields];
  std::memcpy(fa, &a, sizeof(Counts));
  std::memcpy(fb, &b, sizeof(Counts));
  for (size_t i = 0; i < kFields; ++i) fa[i] -= fb[i];
  Counts difference;
  std::memcpy(static_cast<void*>(&difference), fa, sizeof(Counts));
  return difference;
}

}  // namespace aquatic::loadtest

#endif  // AQUATIC_LOADTEST_PUBLISHED_COUNTS_H_
