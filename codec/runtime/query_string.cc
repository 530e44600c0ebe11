#include "codec/runtime/query_string.h"

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace aquatic::codec {
namespace {

// Value of a hex digit, or -1.
inline int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

inline bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

}  // namespace

bool PercentDecode(absl::string_view in, char* out, size_t capacity,
                   size_t* out_len) {
  size_t o = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    if (o == capacity) return false;
    const char c = in[i];
    if (c == '%') {
      if (in.size() - i < 3) return false;
      const int hi = HexValue(in[i + 1]);
      const int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out[o++] = static_cast<char>((hi << 4) | lo);
      i += 2;
    } else if (c == '+') {
      out[o++] = ' ';
    } else {
      out[o++] = c;
    }
  }
  *out_len = o;
  return true;
}

bool PercentDecodeToString(absl::string_view in, size_t max_len,
                           std::string* out) {
  // Decoding never grows the input, so this bounds the allocation by the
  // request size even when max_len is generous.
  out->resize(in.size() < max_len ? in.size() : max_len);
  size_t len = 0;
  if (!PercentDecode(in, out->empty() ? nullptr : &(*out)[0], out->size(),
                     &len)) {
    return false;
  }
  out->resize(len);
  return true;
}

void PercentEncode(absl::string_view bytes, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  size_t extra = 0;
  for (char c : bytes)
    extra += IsUnreserved(static_cast<unsigned char>(c)) ? 1 : 3;
  out->reserve(out->size() + extra);
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    if (IsUnreserved(b)) {
      out->push_back(c);
    } else {
      out->push_back('%');
      out->push_back(kHex[b >> 4]);
      out->push_back(kHex[b & 0xF]);
    }
  }
}

}  // namespace aquatic::codec
