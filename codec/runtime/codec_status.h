// The errors generated codecs return. Each builds a one-line absl::Status
// naming the message and field; they live out of line so the generated fast
// paths stay small.
#ifndef AQUATIC_CODEC_RUNTIME_CODEC_STATUS_H_
#define AQUATIC_CODEC_RUNTIME_CODEC_STATUS_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace aquatic::codec {

// Parse: fewer bytes than the message's fixed part.
absl::Status TooShortError(absl::string_view message, size_t size, size_t minimum);
// Parse: bytes after the last field where the message allows none.
absl::Status TrailingBytesError(absl::string_view message, size_t size, size_t expected);
// Parse: a constant field (protocol id, action) with another value.
absl::Status WrongConstantError(absl::string_view message, absl::string_view field,
                                uint64_t value, uint64_t expected);
// Parse: repeated elements that do not fill the rest exactly, or too many.
absl::Status BadRepeatedError(absl::string_view message, absl::string_view field,
                              size_t rest_bytes, size_t element_size, size_t max_count);
// Parse or Serialize: a variable-length field above its limit.
absl::Status TooLongError(absl::string_view message, absl::string_view field, size_t size,
                          size_t maximum);
// Serialize: the caller's buffer cannot hold the message.
absl::Status BufferTooSmallError(absl::string_view message, size_t needed, size_t available);

}  // namespace aquatic::codec

#endif  // AQUATIC_CODEC_RUNTIME_CODEC_STATUS_H_
