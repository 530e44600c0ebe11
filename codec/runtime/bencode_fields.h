// Field readers for generated bencode codecs (WIRE_BENCODE): each takes one
// value of a parsed dictionary, checks its type and limits, and returns a
// one-line error naming the message and field.
#ifndef AQUATIC_CODEC_RUNTIME_BENCODE_FIELDS_H_
#define AQUATIC_CODEC_RUNTIME_BENCODE_FIELDS_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "codec/runtime/bencode.h"

namespace aquatic::codec {

absl::Status BencodeTypeError(absl::string_view message, absl::string_view field,
                              absl::string_view expected);
absl::Status BencodeMissingError(absl::string_view message, absl::string_view field);
absl::Status BencodeConflictError(absl::string_view message, absl::string_view field);

absl::Status ReadBencodeInt(const BencodeValue& value, absl::string_view message,
                            absl::string_view field, int64_t* out);
absl::Status ReadBencodeString(const BencodeValue& value, absl::string_view message,
                               absl::string_view field, std::string* out);
// A string of exactly `width` bytes.
absl::Status ReadBencodeBytes(const BencodeValue& value, absl::string_view message,
                              absl::string_view field, size_t width, uint8_t* out);
// A dictionary key of exactly `width` bytes (scrape `files` info hashes).
absl::Status ReadBencodeKeyBytes(absl::string_view key, absl::string_view message,
                                 absl::string_view field, size_t width, uint8_t* out);
// `value` must be a list (or dict, for ExpectBencodeDict).
absl::Status ExpectBencodeList(const BencodeValue& value, absl::string_view message,
                               absl::string_view field);
absl::Status ExpectBencodeDict(const BencodeValue& value, absl::string_view message,
                               absl::string_view field);

}  // namespace aquatic::codec

#endif  // AQUATIC_CODEC_RUNTIME_BENCODE_FIELDS_H_
