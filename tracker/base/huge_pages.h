// HugePageAllocator<T>: an allocator for the tables that grow past the cache
// (a busy private tracker's transfer ledger, its keys): blocks of 2 MiB and
// more are mapped on their own, 2 MiB-aligned, and marked for transparent
// huge pages. A random lookup in a table of hundreds of MiB otherwise misses
// the TLB as well as the cache, and the page walk costs as much as the miss.
// Smaller blocks come from the ordinary heap. Where the kernel gives no huge
// pages (THP "never", or none free) the mapping keeps its 4 KiB pages.
#ifndef AQUATIC_TRACKER_BASE_HUGE_PAGES_H_
#define AQUATIC_TRACKER_BASE_HUGE_PAGES_H_

#include <cstddef>
#include <limits>
#include <memory>
#include <new>

namespace aquatic {

inline constexpr size_t kHugePageSize = size_t{2} << 20;

// `bytes` (at least kHugePageSize) mapped at a kHugePageSize boundary and
// advised MADV_HUGEPAGE; null when the mapping fails.
void* MapHugePageBacked(size_t bytes);
// Unmaps a block of `bytes` from MapHugePageBacked.
void UnmapHugePageBacked(void* block, size_t bytes);

template <typename T>
class HugePageAllocator {
 public:
  using value_type = T;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: rebinding

  T* allocate(size_t n) {
    if (n > std::numeric_limits<size_t>::max() / sizeof(T)) throw std::bad_array_new_length();
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePageSize) return std::allocator<T>().allocate(n);
    void* block = MapHugePageBacked(bytes);
    if (block == nullptr) throw std::bad_alloc();
    return static_cast<T*>(block);
  }
  void deallocate(T* block, size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePageSize) {
      std::allocator<T>().deallocate(block, n);
    } else {
      UnmapHugePageBacked(block, bytes);
    }
  }

  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
  template <typename U>
  bool operator!=(const HugePageAllocator<U>&) const {
    return false;
  }
};

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_HUGE_PAGES_H_
