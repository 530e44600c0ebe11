// FixedString<N>: at most N chars (text or bytes) stored inline.
//
// Generated codec structs use it for a variable-length field that is not one
// contiguous run of the datagram (BEP 41 URL data, split over several
// options), so it cannot point into the wire as a string_view does, and must
// not touch the heap either. view() gives the contents as a string_view.
//
// Only the first size() chars are ever read, copied or compared: the storage
// is left uninitialized, so a default-constructed struct (or a copy of one
// holding a short value) does not pay for writing all N chars.
#ifndef AQUATIC_CODEC_RUNTIME_FIXED_STRING_H_
#define AQUATIC_CODEC_RUNTIME_FIXED_STRING_H_

#include <cstddef>
#include <cstring>

#include "absl/strings/string_view.h"

namespace aquatic::codec {

template <size_t N>
class FixedString {
 public:
  static constexpr size_t kCapacity = N;

  // User-provided, so that `FixedString<N> s{}` does not zero the storage.
  FixedString() {}
  FixedString(const FixedString& other) { CopyFrom(other); }
  FixedString& operator=(const FixedString& other) {
    if (this != &other) CopyFrom(other);
    return *this;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  static constexpr size_t capacity() { return N; }
  const char* data() const { return chars_; }
  char* data() { return chars_; }
  absl::string_view view() const { return absl::string_view(chars_, size_); }

  void clear() { size_ = 0; }
  // Replaces the contents with `text`; false (and no change) when it is
  // longer than N.
  bool assign(absl::string_view text) {
    if (text.size() > N) return false;
    size_ = 0;
    return append(text);
  }
  // Appends `text`; false (and no change) when the result would be longer
  // than N.
  bool append(absl::string_view text) {
    if (text.size() > N - size_) return false;
    // memcpy with a null pointer is UB even for a size of 0.
    if (!text.empty()) std::memcpy(chars_ + size_, text.data(), text.size());
    size_ += text.size();
    return true;
  }

  friend bool operator==(const FixedString& a, const FixedString& b) {
    return a.view() == b.view();
  }
  friend bool operator!=(const FixedString& a, const FixedString& b) { return !(a == b); }

 private:
  void CopyFrom(const FixedString& other) {
    if (other.size_ != 0) std::memcpy(chars_, other.chars_, other.size_);
    size_ = other.size_;
  }

  char chars_[N];
  size_t size_ = 0;
};

}  // namespace aquatic::codec

#endif  // AQUATIC_CODEC_RUNTIME_FIXED_STRING_H_
