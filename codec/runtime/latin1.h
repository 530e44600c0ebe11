// Conversions between raw bytes carried as "Latin-1 strings" and UTF-8.
//
// WebTorrent clients put binary 20-byte values (info_hash, peer_id) in JSON
// strings by mapping each byte to the code point of the same value
// (U+0000..U+00FF). On the wire that is UTF-8, so byte 0xFF arrives as
// "\u00ff" or as the two bytes C3 BF; both must decode back to 0xFF. These
// helpers do that mapping strictly, plus a general UTF-8 validity check.

#ifndef AQUATIC_CODEC_RUNTIME_LATIN1_H_
#define AQUATIC_CODEC_RUNTIME_LATIN1_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace aquatic::codec {

// Decodes `utf8` into one byte per code point. Returns false if the input is
// not valid UTF-8 (including overlong forms such as C0 80), if any code point
// is above U+00FF, or if the result would exceed `capacity` bytes. On success
// `*out_len` is the number of bytes written; on failure the contents of
// `out[0..capacity)` and `*out_len` are unspecified. `out` may be null when
// `capacity` is 0.
bool Utf8ToLatin1(absl::string_view utf8, uint8_t* out, size_t capacity,
                  size_t* out_len);

// Appends each byte of `bytes` to `*out` as the UTF-8 encoding of the code
// point with the same value (1 byte for < 0x80, 2 bytes otherwise).
void AppendLatin1AsUtf8(absl::Span<const uint8_t> bytes, std::string* out);

// Whether `text` is well-formed UTF-8 per RFC 3629 / Unicode table 3-7: no
// overlong forms, no surrogate code points (U+D800..U+DFFF), nothing above
// U+10FFFF, no truncated sequences.
bool IsValidUtf8(absl::string_view text);

}  // namespace aquatic::codec

#endif  // AQUATIC_CODEC_RUNTIME_LATIN1_H_
