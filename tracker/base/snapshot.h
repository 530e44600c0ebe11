// Snapshot<T>: an immutable value many workers read while one writer at a
// time replaces it (the access list, the private keys, the client filter).
//
// A worker keeps a CachedSnapshot: one relaxed load of the generation per
// request, and a copy of the shared_ptr (an atomic load that takes a lock
// inside the standard library) only after a change. So a replacement is seen
// by every worker at its next request, and no request takes a lock.
#ifndef AQUATIC_TRACKER_BASE_SNAPSHOT_H_
#define AQUATIC_TRACKER_BASE_SNAPSHOT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <utility>

namespace aquatic {

template <typename T>
class Snapshot {
 public:
  explicit Snapshot(std::shared_ptr<const T> value) : value_(std::move(value)) {}

  std::shared_ptr<const T> Get() const { return std::atomic_load(&value_); }
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // Callers serialize their writes (each holder has its own write lock).
  void Publish(std::shared_ptr<const T> value) {
    std::atomic_store(&value_, std::move(value));
    generation_.fetch_add(1, std::memory_order_release);
  }

 private:
  std::shared_ptr<const T> value_;
  std::atomic<uint64_t> generation_{0};
};

// A worker's view of a Snapshot. Not thread-safe; one per worker.
template <typename T>
class CachedSnapshot {
 public:
  explicit CachedSnapshot(const Snapshot<T>* snapshot)
      : snapshot_(snapshot), generation_(snapshot->generation()), value_(snapshot->Get()) {}

  const T& Current() {
    const uint64_t generation = snapshot_->generation();
    if (generation != generation_) {
      value_ = snapshot_->Get();
      generation_ = generation;
    }
    return *value_;
  }

 private:
  const Snapshot<T>* snapshot_;
  uint64_t generation_;
  std::shared_ptr<const T> value_;
};

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_SNAPSHOT_H_
