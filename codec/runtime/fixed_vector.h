// FixedVector<T, N>: a vector of at most N elements stored inline.
//
// Generated codec structs use it for repeated wire fields (peers, scrape info
// hashes) so that parsing and serializing never touch the heap. push_back on
// a full vector is refused, not undefined.
#ifndef AQUATIC_CODEC_RUNTIME_FIXED_VECTOR_H_
#define AQUATIC_CODEC_RUNTIME_FIXED_VECTOR_H_

#include <array>
#include <cstddef>

namespace aquatic::codec {

template <typename T, size_t N>
class FixedVector {
 public:
  static constexpr size_t kCapacity = N;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool full() const { return size_ == N; }
  static constexpr size_t capacity() { return N; }

  // False (and no change) when full.
  bool push_back(const T& value) {
    if (size_ == N) return false;
    items_[size_++] = value;
    return true;
  }
  // Grows to `count` value-initialized elements; false when count > N.
  bool resize(size_t count) {
    if (count > N) return false;
    for (size_t i = size_; i < count; ++i) items_[i] = T();
    size_ = count;
    return true;
  }
  void clear() { size_ = 0; }

  T& operator[](size_t i) { return items_[i]; }
  const T& operator[](size_t i) const { return items_[i]; }
  T* begin() { return items_.data(); }
  T* end() { return items_.data() + size_; }
  const T* begin() const { return items_.data(); }
  const T* end() const { return items_.data() + size_; }
  T* data() { return items_.data(); }
  const T* data() const { return items_.data(); }

  friend bool operator==(const FixedVector& a, const FixedVector& b) {
    if (a.size_ != b.size_) return false;
    for (size_t i = 0; i < a.size_; ++i) {
      if (!(a.items_[i] == b.items_[i])) return false;
    }
    return true;
  }
  friend bool operator!=(const FixedVector& a, const FixedVector& b) { return !(a == b); }

 private:
  std::array<T, N> items_{};
  size_t size_ = 0;
};

}  // namespace aquatic::codec

#endif  // AQUATIC_CODEC_RUNTIME_FIXED_VECTOR_H_
