// Field decoders and a writer for generated HTTP query-string codecs
// (WIRE_HTTP_QUERY). Each decoder checks one value against its schema limits
// and returns a one-line error naming the message and field.
#ifndef AQUATIC_CODEC_RUNTIME_QUERY_FIELDS_H_
#define AQUATIC_CODEC_RUNTIME_QUERY_FIELDS_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "codec/runtime/query_string.h"

namespace aquatic::codec {

// Splits a request target "/announce?a=1" into "/announce" and "a=1"; the
// query is empty when there is no '?'.
void SplitRequestTarget(absl::string_view target, absl::string_view* path,
                        absl::string_view* query);

absl::Status WrongPathError(absl::string_view message, absl::string_view path,
                            absl::string_view expected);
absl::Status MissingFieldError(absl::string_view message, absl::string_view field);
absl::Status BadValueError(absl::string_view message, absl::string_view field,
                           absl::string_view problem);

// Percent-decodes exactly `width` bytes into `out`, or `truncate_from` bytes
// (when non-zero) of which the first `width` are kept.
absl::Status DecodeQueryBytes(absl::string_view message, absl::string_view field,
                              absl::string_view encoded, size_t width, size_t truncate_from,
                              uint8_t* out);

// Percent-decoded text of at most `max_length` bytes.
absl::Status DecodeQueryString(absl::string_view message, absl::string_view field,
                               absl::string_view encoded, size_t max_length, std::string* out);

// "1" or "0" (also "true"/"false").
absl::Status DecodeQueryBool(absl::string_view message, absl::string_view field,
                             absl::string_view encoded, bool* out);

// A decimal integer no larger than `max_value` (0: the type's maximum).
template <typename T>
absl::Status DecodeQueryInteger(absl::string_view message, absl::string_view field,
                                absl::string_view encoded, uint64_t max_value, T* out) {
  T value;
  if (!ParseDecimal(encoded, &value)) {
    return BadValueError(message, field, "not a decimal integer in range");
  }
  if (max_value != 0 && value > static_cast<T>(0) &&
      static_cast<uint64_t>(value) > max_value) {
    return BadValueError(message, field, "too large");
  }
  *out = value;
  return absl::OkStatus();
}

// Writes a request target: path, then `key=value` pairs joined by '&', each
// value percent-encoded. For load testers and tests.
class QueryWriter {
 public:
  QueryWriter(absl::string_view path, std::string* out) : out_(out) {
    out_->append(path.data(), path.size());
  }

  void Bytes(absl::string_view key, absl::Span<const uint8_t> value);
  void String(absl::string_view key, absl::string_view value);
  void Integer(absl::string_view key, int64_t value);
  void Bool(absl::string_view key, bool value);

 private:
  void Key(absl::string_view key);

  std::string* out_;
  bool first_ = true;
};

}  // namespace aquatic::codec

#endif  // AQUATIC_CODEC_RUNTIME_QUERY_FIELDS_H_
