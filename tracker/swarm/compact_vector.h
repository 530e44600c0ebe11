// CompactVector<T>: a vector with 32-bit size and capacity, 16 bytes instead
// of std::vector's 24. The swarm engine keeps one per torrent and address
// family, and with a million torrents those 8 bytes (and the slack a doubling
// growth leaves) are a large part of memory per peer.
//
// Only what the swarms need: indexed access, insert/erase at a position,
// erase_if, reserve and shrink. Grows by a quarter.
#ifndef AQUATIC_TRACKER_SWARM_COMPACT_VECTOR_H_
#define AQUATIC_TRACKER_SWARM_COMPACT_VECTOR_H_

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace aquatic::swarm {

template <typename T>
class CompactVector {
 public:
  CompactVector() = default;
  CompactVector(const CompactVector&) = delete;
  CompactVector& operator=(const CompactVector&) = delete;
  CompactVector(CompactVector&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)) {}
  CompactVector& operator=(CompactVector&& other) noexcept {
    if (this != &other) {
      Destroy();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
      capacity_ = std::exchange(other.capacity_, 0);
    }
    return *this;
  }
  ~CompactVector() { Destroy(); }

  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }

  // Inserts before `position`; returns the inserted element.
  T* insert(T* position, T value) {
    const size_t index = static_cast<size_t>(position - data_);
    if (size_ == capacity_) Reallocate(size_ + size_ / 4 + 2);
    T* slot = data_ + index;
    if (index == size_) {
      new (slot) T(std::move(value));
    } else {
      new (data_ + size_) T(std::move(data_[size_ - 1]));
      for (T* p = data_ + size_ - 1; p > slot; --p) *p = std::move(*(p - 1));
      *slot = std::move(value);
    }
    ++size_;
    return slot;
  }

  void erase(T* position) {
    for (T* p = position; p + 1 < end(); ++p) *p = std::move(*(p + 1));
    --size_;
    data_[size_].~T();
  }

  // Removes the elements `remove(element)` is true for; returns how many.
  template <typename Predicate>
  size_t erase_if(Predicate&& remove) {
    T* out = data_;
    for (T* in = data_; in != end(); ++in) {
      if (remove(*in)) continue;
      if (out != in) *out = std::move(*in);
      ++out;
    }
    const size_t removed = static_cast<size_t>(end() - out);
    for (T* p = out; p != end(); ++p) p->~T();
    size_ -= static_cast<uint32_t>(removed);
    return removed;
  }

  void shrink_to_fit() {
    if (capacity_ != size_) Reallocate(size_);
  }

 private:
  void Reallocate(size_t capacity) {
    T* fresh = capacity == 0 ? nullptr
                             : static_cast<T*>(::operator new(capacity * sizeof(T),
                                                               std::align_val_t(alignof(T))));
    if constexpr (std::is_trivially_copyable_v<T>) {
      if (size_ > 0) std::memcpy(static_cast<void*>(fresh), data_, size_ * sizeof(T));
    } else {
      for (uint32_t i = 0; i < size_; ++i) {
        new (fresh + i) T(std::move(data_[i]));
        data_[i].~T();
      }
    }
    if (data_ != nullptr) ::operator delete(data_, std::align_val_t(alignof(T)));
    data_ = fresh;
    capacity_ = static_cast<uint32_t>(capacity);
  }

  void Destroy() {
    for (uint32_t i = 0; i < size_; ++i) data_[i].~T();
    if (data_ != nullptr) ::operator delete(data_, std::align_val_t(alignof(T)));
    data_ = nullptr;
    size_ = capacity_ = 0;
  }

  T* data_ = nullptr;
  uint32_t size_ = 0;
  uint32_t capacity_ = 0;
};

}  // namespace aquatic::swarm

#endif  // AQUATIC_TRACKER_SWARM_COMPACT_VECTOR_H_
