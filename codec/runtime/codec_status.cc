#include "codec/runtime/codec_status.h"

#include "absl/strings/str_cat.h"

namespace aquatic::codec {

absl::Status TooShortError(absl::string_view message, size_t size, size_t minimum) {
  return absl::InvalidArgumentError(
      absl::StrCat(message, ": ", size, " bytes, needs at least ", minimum));
}

absl::Status TrailingBytesError(absl::string_view message, size_t size, size_t expected) {
  return absl::InvalidArgumentError(
      absl::StrCat(message, ": ", size, " bytes, expected exactly ", expected));
}

absl::Status WrongConstantError(absl::string_view message, absl::string_view field,
                                uint64_t value, uint64_t expected) {
  return absl::InvalidArgumentError(
      absl::StrCat(message, ".", field, ": 0x", absl::Hex(value), ", expected 0x",
                   absl::Hex(expected)));
}

absl::Status BadRepeatedError(absl::string_view message, absl::string_view field,
                              size_t rest_bytes, size_t element_size, size_t max_count) {
  return absl::InvalidArgumentError(
      absl::StrCat(message, ".", field, ": ", rest_bytes, " bytes are not at most ", max_count,
                   " elements of ", element_size, " bytes"));
}

absl::Status TooLongError(absl::string_view message, absl::string_view field, size_t size,
                          size_t maximum) {
  return absl::InvalidArgumentError(
      absl::StrCat(message, ".", field, ": ", size, " bytes, at most ", maximum));
}

absl::Status BufferTooSmallError(absl::string_view message, size_t needed, size_t available) {
  return absl::ResourceExhaustedError(
      absl::StrCat(message, ": needs ", needed, " bytes, buffer has ", available));
}

absl::Status ParseError::ToStatus() const {
  switch (kind_) {
    case Kind::kNone:
      return absl::OkStatus();
    case Kind::kTooShort:
      return TooShortError(message_, values_[0], values_[1]);
    case Kind::kTrailingBytes:
      return TrailingBytesError(message_, values_[0], values_[1]);
    case Kind::kWrongConstant:
      return WrongConstantError(message_, field_, values_[0], values_[1]);
    case Kind::kUnknownValue:
      return absl::InvalidArgumentError(
          absl::StrCat(message_, ".", field_, ": 0x", absl::Hex(values_[0]), " is not a known value"));
    case Kind::kBadRepeated:
      return BadRepeatedError(message_, field_, values_[0], values_[1], values_[2]);
    case Kind::kTooLong:
      return TooLongError(message_, field_, values_[0], values_[1]);
  }
  return absl::InternalError("unknown parse error");
}

}  // namespace aquatic::codec
