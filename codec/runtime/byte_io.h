// Bounds-checked big-endian (network byte order) readers and writers over
// caller-owned buffers. These are the primitives the generated binary codecs
// (UDP tracker protocol, BEP 15) are built on, so every call is inline and
// allocation-free, and no call ever touches memory outside the given span.

#ifndef AQUATIC_CODEC_RUNTIME_BYTE_IO_H_
#define AQUATIC_CODEC_RUNTIME_BYTE_IO_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "absl/types/span.h"

namespace aquatic::codec {

// Reads big-endian integers and raw bytes from a span it does not own.
//
// Every Read* / Skip call is all-or-nothing: if fewer bytes remain than the
// call needs, it returns false and neither the position nor the output is
// changed. That lets a decoder try an optional trailing field (e.g. BEP 41 URL
// data) and fall back without having to rewind.
class ByteReader {
 public:
  explicit ByteReader(absl::Span<const uint8_t> data)
      : data_(data.data()), size_(data.size()) {}

  bool ReadU8(uint8_t* out) {
    if (remaining() < 1) return false;
    *out = data_[pos_];
    pos_ += 1;
    return true;
  }

  bool ReadU16(uint16_t* out) {
    if (remaining() < 2) return false;
    const uint8_t* p = data_ + pos_;
    *out = static_cast<uint16_t>((uint16_t{p[0]} << 8) | uint16_t{p[1]});
    pos_ += 2;
    return true;
  }

  bool ReadU32(uint32_t* out) {
    if (remaining() < 4) return false;
    const uint8_t* p = data_ + pos_;
    *out = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
           (uint32_t{p[2]} << 8) | uint32_t{p[3]};
    pos_ += 4;
    return true;
  }

  bool ReadU64(uint64_t* out) {
    if (remaining() < 8) return false;
    const uint8_t* p = data_ + pos_;
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | uint64_t{p[i]};
    *out = v;
    pos_ += 8;
    return true;
  }

  // Signed values are two's complement on the wire. The unsigned-to-signed
  // conversion is well defined (modular) since C++20 and implementation-defined
  // but two's complement on every compiler we support before that.
  bool ReadI32(int32_t* out) {
    uint32_t v;
    if (!ReadU32(&v)) return false;
    *out = static_cast<int32_t>(v);
    return true;
  }

  bool ReadI64(int64_t* out) {
    uint64_t v;
    if (!ReadU64(&v)) return false;
    *out = static_cast<int64_t>(v);
    return true;
  }

  // Copies exactly `n` bytes into `out`. `out` may be null when `n` is 0.
  bool ReadBytes(uint8_t* out, size_t n) {
    if (remaining() < n) return false;
    // memcpy with a null pointer is UB even for n == 0.
    if (n != 0) std::memcpy(out, data_ + pos_, n);
    pos_ += n;
    return true;
  }

  bool Skip(size_t n) {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }

  size_t remaining() const { return size_ - pos_; }
  size_t position() const { return pos_; }

  // The unread tail, without consuming it.
  absl::Span<const uint8_t> Rest() const {
    return absl::Span<const uint8_t>(data_ + pos_, size_ - pos_);
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// Writes big-endian integers and raw bytes into a span it does not own.
//
// A write that does not fit writes nothing and makes the writer permanently
// !ok(); every later write is then refused too. The sticky flag means an
// encoder can issue a whole sequence of writes and check ok() once at the end,
// and a failed write can never leave a gap with later fields written after it.
class ByteWriter {
 public:
  explicit ByteWriter(absl::Span<uint8_t> out)
      : data_(out.data()), size_(out.size()) {}

  bool WriteU8(uint8_t v) {
    if (!Reserve(1)) return false;
    data_[pos_] = v;
    pos_ += 1;
    return true;
  }

  bool WriteU16(uint16_t v) {
    if (!Reserve(2)) return false;
    uint8_t* p = data_ + pos_;
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
    pos_ += 2;
    return true;
  }

  bool WriteU32(uint32_t v) {
    if (!Reserve(4)) return false;
    uint8_t* p = data_ + pos_;
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
    pos_ += 4;
    return true;
  }

  bool WriteU64(uint64_t v) {
    if (!Reserve(8)) return false;
    uint8_t* p = data_ + pos_;
    for (int i = 7; i >= 0; --i) {
      p[i] = static_cast<uint8_t>(v);
      v >>= 8;
    }
    pos_ += 8;
    return true;
  }

  bool WriteI32(int32_t v) { return WriteU32(static_cast<uint32_t>(v)); }
  bool WriteI64(int64_t v) { return WriteU64(static_cast<uint64_t>(v)); }

  // Copies `n` bytes from `in`. `in` may be null when `n` is 0.
  bool WriteBytes(const uint8_t* in, size_t n) {
    if (!Reserve(n)) return false;
    if (n != 0) std::memcpy(data_ + pos_, in, n);
    pos_ += n;
    return true;
  }

  // Bytes successfully written so far; the encoded message is
  // out.first(written()).
  size_t written() const { return pos_; }
  bool ok() const { return ok_; }

 private:
  // Returns whether `n` more bytes fit; on failure latches !ok().
  bool Reserve(size_t n) {
    if (ok_ && size_ - pos_ >= n) return true;
    ok_ = false;
    return false;
  }

  uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace aquatic::codec

#endif  // AQUATIC_CODEC_RUNTIME_BYTE_IO_H_
