#include "tracker/base/huge_pages.h"

#include <sys/mman.h>

#include <cstdint>

namespace aquatic {
namespace {

size_t RoundUpToHugePage(size_t bytes) {
  return (bytes + kHugePageSize - 1) / kHugePageSize * kHugePageSize;
}

}  // namespace

void* MapHugePageBacked(size_t bytes) {
  const size_t length = RoundUpToHugePage(bytes);
  // Map one huge page more than needed, then give back what lies before the
  // first boundary and after the block.
  const size_t mapped = length + kHugePageSize;
  void* raw = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  const uintptr_t start = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (start + kHugePageSize - 1) / kHugePageSize * kHugePageSize;
  if (aligned > start) munmap(raw, aligned - start);
  const uintptr_t end = start + mapped;
  if (end > aligned + length) {
    munmap(reinterpret_cast<void*>(aligned + length), end - aligned - length);
  }
  void* block = reinterpret_cast<void*>(aligned);
  // Advice only: without THP the block works with ordinary pages.
  madvise(block, length, MADV_HUGEPAGE);
  return block;
}

void UnmapHugePageBacked(void* block, size_t bytes) {
  munmap(block, RoundUpToHugePage(bytes));
}

}  // namespace aquatic
