#include "codec/runtime/latin1.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace aquatic::codec {
namespace {

inline bool IsContinuation(uint8_t b) { return (b & 0xC0) == 0x80; }

}  // namespace

bool Utf8ToLatin1(absl::string_view utf8, uint8_t* out, size_t capacity,
                  size_t* out_len) {
  const auto* p = reinterpret_cast<const uint8_t*>(utf8.data());
  const size_t n = utf8.size();
  size_t i = 0;
  size_t o = 0;
  while (i < n) {
    if (o == capacity) return false;
    const uint8_t b = p[i];
    if (b < 0x80) {
      out[o++] = b;
      i += 1;
      continue;
    }
    // U+0080..U+00FF are exactly the two-byte sequences with lead byte C2 or
    // C3. C0/C1 would be overlong encodings of ASCII, C4+ and all longer
    // sequences encode code points above U+00FF; either way the input is not
    // representable, so there is no need to tell invalid from out-of-range.
    if ((b != 0xC2 && b != 0xC3) || i + 1 >= n || !IsContinuation(p[i + 1])) {
      return false;
    }
    out[o++] = static_cast<uint8_t>(((b & 0x1F) << 6) | (p[i + 1] & 0x3F));
    i += 2;
  }
  *out_len = o;
  return true;
}

void AppendLatin1AsUtf8(absl::Span<const uint8_t> bytes, std::string* out) {
  size_t extra = 0;
  for (uint8_t b : bytes) extra += b < 0x80 ? 1 : 2;
  out->reserve(out->size() + extra);
  for (uint8_t b : bytes) {
    if (b < 0x80) {
      out->push_back(static_cast<char>(b));
    } else {
      out->push_back(static_cast<char>(0xC0 | (b >> 6)));
      out->push_back(static_cast<char>(0x80 | (b & 0x3F)));
    }
  }
}

bool IsValidUtf8(absl::string_view text) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // ASCII eight bytes at a time, resumed after every multi-byte sequence
    // (WebTorrent messages are mostly ASCII SDP, with a few Latin-1
    // characters in the hashes near the start).
    while (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ULL) != 0) break;
      i += 8;
    }
    if (i == n) break;
    const uint8_t b = p[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    // Ranges from Unicode 15 table 3-7 (well-formed UTF-8 byte sequences).
    // The tight bounds on the second byte are what exclude overlong forms
    // (E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and > U+10FFFF (F4 90+).
    size_t len;
    uint8_t lo = 0x80;
    uint8_t hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    } else {
      // 80..BF (stray continuation), C0/C1 (always overlong), F5..FF.
      return false;
    }
    if (n - i < len) return false;
    if (p[i + 1] < lo || p[i + 1] > hi) return false;
    for (size_t k = 2; k < len; ++k) {
      if (!IsContinuation(p[i + k])) return false;
    }
    i += len;
  }
  return true;
}

}  // namespace aquatic::codec
