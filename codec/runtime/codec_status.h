// The errors generated codecs return. Each builds a one-line absl::Status
// naming the message and field; they live out of line so the generated fast
// paths stay small.
//
// ParseError is the same information before it becomes a Status: a request
// path that drops bad input (the UDP socket workers) parses with TryParse,
// which records what failed without formatting or allocating anything, and
// asks for the Status only when it wants the text.
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

// Why a TryParse failed. Trivially copyable; the names are the generated
// code's string literals.
class ParseError {
 public:
  enum class Kind : uint8_t {
    kNone,
    kTooShort,
    kTrailingBytes,
    kWrongConstant,
    kUnknownValue,
    kBadRepeated,
    kTooLong,
  };

  Kind kind() const { return kind_; }
  // The Status the corresponding *Error function above would build.
  absl::Status ToStatus() const;

  // Record a failure and return false, for `return error->TooShort(...)`.
  bool TooShort(const char* message, size_t size, size_t minimum) {
    return Set(Kind::kTooShort, message, "", size, minimum, 0);
  }
  bool TrailingBytes(const char* message, size_t size, size_t expected) {
    return Set(Kind::kTrailingBytes, message, "", size, expected, 0);
  }
  bool WrongConstant(const char* message, const char* field, uint64_t value, uint64_t expected) {
    return Set(Kind::kWrongConstant, message, field, value, expected, 0);
  }
  // A field (an action, a type) that selects what follows, with no known
  // meaning.
  bool UnknownValue(const char* message, const char* field, uint64_t value) {
    return Set(Kind::kUnknownValue, message, field, value, 0, 0);
  }
  bool BadRepeated(const char* message, const char* field, size_t rest_bytes, size_t element_size,
                   size_t max_count) {
    return Set(Kind::kBadRepeated, message, field, rest_bytes, element_size, max_count);
  }
  bool TooLong(const char* message, const char* field, size_t size, size_t maximum) {
    return Set(Kind::kTooLong, message, field, size, maximum, 0);
  }

 private:
  bool Set(Kind kind, const char* message, const char* field, uint64_t a, uint64_t b,
           uint64_t c) {
    kind_ = kind;
    message_ = message;
    field_ = field;
    values_[0] = a;
    values_[1] = b;
    values_[2] = c;
    return false;
  }

  Kind kind_ = Kind::kNone;
  const char* message_ = "";
  const char* field_ = "";
  uint64_t values_[3] = {};
};

}  // namespace aquatic::codec

#endif  // AQUATIC_CODEC_RUNTIME_CODEC_STATUS_H_
