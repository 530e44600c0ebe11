// Type-length-value option sequences, as BEP 41 appends them to a UDP
// announce. Each option starts with a type byte. Two types stand alone: the
// end type (what follows it is ignored, garbage included) and the nop type
// (one byte of padding). Every other type is followed by one length byte and
// that many data bytes.
//
// Generated codecs read a `tlv` field (codec/schema/options.proto) with
// TlvOptionReader and write it with StoreTlvData; which types carry the
// field, and what the field does with them, is the generated code's choice.
#ifndef AQUATIC_CODEC_RUNTIME_TLV_OPTIONS_H_
#define AQUATIC_CODEC_RUNTIME_TLV_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace aquatic::codec {

// Most data bytes one option carries: its length is one byte.
inline constexpr size_t kMaxTlvDataSize = 255;

// One option with a length byte.
struct TlvOption {
  uint8_t type = 0;
  // Points into the buffer being read.
  absl::string_view data;
};

// Reads the options of a buffer it does not own, one at a time, never
// reading outside it.
class TlvOptionReader {
 public:
  TlvOptionReader(absl::Span<const uint8_t> options, uint8_t end_type, uint8_t nop_type)
      : data_(options.data()),
        size_(options.size()),
        end_type_(end_type),
        nop_type_(nop_type) {}

  // The next option that has a length, nops skipped. False when the
  // options are over: no bytes left, the end type, or a truncated option (a
  // type byte without its length byte, or fewer data bytes than its length
  // says), which is dropped; the options before it were returned. Every
  // later call returns false too.
  bool Next(TlvOption* option) {
    while (pos_ < size_) {
      const uint8_t type = data_[pos_];
      if (type == end_type_) return Finish(false);
      ++pos_;
      if (type == nop_type_) continue;
      if (pos_ == size_) return Finish(true);
      const size_t length = data_[pos_++];
      if (size_ - pos_ < length) return Finish(true);
      option->type = type;
      option->data = absl::string_view(reinterpret_cast<const char*>(data_ + pos_), length);
      pos_ += length;
      return true;
    }
    return false;
  }

  // After Next returned false: whether the options ended on a truncated
  // option rather than at the end type or the end of the buffer.
  bool truncated() const { return truncated_; }

 private:
  bool Finish(bool truncated) {
    truncated_ = truncated;
    pos_ = size_;
    return false;
  }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  uint8_t end_type_;
  uint8_t nop_type_;
  bool truncated_ = false;
};

// Bytes StoreTlvData writes for `size` data bytes: a type and a length byte
// before every chunk of at most kMaxTlvDataSize bytes, nothing for no data.
constexpr size_t TlvDataSize(size_t size) {
  return size + 2 * ((size + kMaxTlvDataSize - 1) / kMaxTlvDataSize);
}

// Writes `data` at `out` as options of `type` carrying at most
// kMaxTlvDataSize bytes each, in order, and nothing for empty data. `out`
// holds TlvDataSize(data.size()) bytes (already bounds-checked). Returns the
// end of what was written.
inline uint8_t* StoreTlvData(uint8_t* out, uint8_t type, absl::string_view data) {
  while (!data.empty()) {
    const size_t chunk = data.size() < kMaxTlvDataSize ? data.size() : kMaxTlvDataSize;
    out[0] = type;
    out[1] = static_cast<uint8_t>(chunk);
    std::memcpy(out + 2, data.data(), chunk);
    out += 2 + chunk;
    data.remove_prefix(chunk);
  }
  return out;
}

}  // namespace aquatic::codec

#endif  // AQUATIC_CODEC_RUNTIME_TLV_OPTIONS_H_
