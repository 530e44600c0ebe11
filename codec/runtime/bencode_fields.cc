#include "codec/runtime/bencode_fields.h"

#include <cstring>

#include "absl/strings/str_cat.h"

namespace aquatic::codec {

absl::Status BencodeTypeError(absl::string_view message, absl::string_view field,
                              absl::string_view expected) {
  return absl::InvalidArgumentError(absl::StrCat(message, ".", field, ": expected ", expected));
}

absl::Status BencodeMissingError(absl::string_view message, absl::string_view field) {
  return absl::InvalidArgumentError(absl::StrCat(message, ".", field, ": missing"));
}

absl::Status BencodeConflictError(absl::string_view message, absl::string_view field) {
  return absl::InvalidArgumentError(
      absl::StrCat(message, ".", field, ": two fields with this key are both set"));
}

absl::Status ReadBencodeInt(const BencodeValue& value, absl::string_view message,
                            absl::string_view field, int64_t* out) {
  if (value.kind != BencodeValue::kInt) return BencodeTypeError(message, field, "an integer");
  *out = value.integer;
  return absl::OkStatus();
}

absl::Status ReadBencodeString(const BencodeValue& value, absl::string_view message,
                               absl::string_view field, std::string* out) {
  if (value.kind != BencodeValue::kString) return BencodeTypeError(message, field, "a string");
  *out = value.string;
  return absl::OkStatus();
}

absl::Status ReadBencodeBytes(const BencodeValue& value, absl::string_view message,
                              absl::string_view field, size_t width, uint8_t* out) {
  if (value.kind != BencodeValue::kString || value.string.size() != width) {
    return BencodeTypeError(message, field, absl::StrCat("a string of ", width, " bytes"));
  }
  std::memcpy(out, value.string.data(), width);
  return absl::OkStatus();
}

absl::Status ReadBencodeKeyBytes(absl::string_view key, absl::string_view message,
                                 absl::string_view field, size_t width, uint8_t* out) {
  if (key.size() != width) {
    return BencodeTypeError(message, field, absl::StrCat("keys of ", width, " bytes"));
  }
  std::memcpy(out, key.data(), width);
  return absl::OkStatus();
}

absl::Status ExpectBencodeList(const BencodeValue& value, absl::string_view message,
                               absl::string_view field) {
  return value.kind == BencodeValue::kList ? absl::OkStatus()
                                           : BencodeTypeError(message, field, "a list");
}

absl::Status ExpectBencodeDict(const BencodeValue& value, absl::string_view message,
                               absl::string_view field) {
  return value.kind == BencodeValue::kDict ? absl::OkStatus()
                                           : BencodeTypeError(message, field, "a dictionary");
}

}  // namespace aquatic::codec
