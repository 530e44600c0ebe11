// Parsing helpers for the query part of an HTTP request target, as in
// "GET /announce?info_hash=%124Vx...&port=6881 HTTP/1.1".
//
// Tracker queries carry binary values (info_hash, peer_id) percent-encoded, so
// decoding works on raw bytes, never on text. Everything here works on
// string_views into the request buffer; only the *ToString helpers allocate.

#ifndef AQUATIC_CODEC_RUNTIME_QUERY_STRING_H_
#define AQUATIC_CODEC_RUNTIME_QUERY_STRING_H_

#include <cstddef>
#include <limits>
#include <string>
#include <type_traits>

#include "absl/strings/string_view.h"

namespace aquatic::codec {

// Iterates over the key=value pairs of a query string (the text after '?').
//
// Pairs are separated by '&'; empty segments ("a=1&&b=2", a trailing '&') are
// skipped. A segment without '=' is a key with an empty value. Only the first
// '=' splits, so "a=b=c" is key "a", value "b=c". Keys and values are returned
// still percent-encoded, as views into the original query.
class QueryReader {
 public:
  explicit QueryReader(absl::string_view query) : rest_(query) {}

  // Returns false once there are no more pairs.
  bool Next(absl::string_view* key, absl::string_view* value) {
    while (!rest_.empty()) {
      const size_t amp = rest_.find('&');
      absl::string_view segment = rest_.substr(0, amp);
      rest_ = amp == absl::string_view::npos ? absl::string_view()
                                             : rest_.substr(amp + 1);
      if (segment.empty()) continue;
      const size_t eq = segment.find('=');
      if (eq == absl::string_view::npos) {
        *key = segment;
        *value = absl::string_view();
      } else {
        *key = segment.substr(0, eq);
        *value = segment.substr(eq + 1);
      }
      return true;
    }
    return false;
  }

 private:
  absl::string_view rest_;
};

// Decodes %XX escapes (either hex case) and '+' (as a space, per HTML form
// encoding) into `out`. Returns false if an escape is malformed ('%' not
// followed by two hex digits) or the result would exceed `capacity`; `out` is
// never written past `capacity`. On success `*out_len` is the decoded length.
// `out` may be null when `capacity` is 0.
bool PercentDecode(absl::string_view in, char* out, size_t capacity,
                   size_t* out_len);

// Like PercentDecode, but replaces `*out` with the result, which must be at
// most `max_len` bytes. `*out` is unspecified on failure.
bool PercentDecodeToString(absl::string_view in, size_t max_len,
                           std::string* out);

// Appends `bytes` to `*out` with every byte outside the RFC 3986 unreserved
// set (A-Z a-z 0-9 - . _ ~) written as %XX with uppercase hex.
void PercentEncode(absl::string_view bytes, std::string* out);

// Parses a plain decimal integer: ASCII digits only, with a leading '-'
// allowed for signed T. No '+', whitespace, or empty input. Leading zeros are
// accepted ("007" is 7) since clients do send them. Returns false on
// malformed input or if the value does not fit in T; `*out` is only written
// on success.
template <typename T>
bool ParseDecimal(absl::string_view text, T* out) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>,
                "ParseDecimal needs an integer type");
  using U = std::make_unsigned_t<T>;
  bool negative = false;
  if constexpr (std::is_signed_v<T>) {
    if (!text.empty() && text[0] == '-') {
      negative = true;
      text.remove_prefix(1);
    }
  }
  if (text.empty()) return false;
  // Accumulate the magnitude unsigned; a negative value may reach |min()|,
  // which is one more than max().
  const U limit =
      negative
          ? static_cast<U>(static_cast<U>(std::numeric_limits<T>::max()) + 1)
          : static_cast<U>(std::numeric_limits<T>::max());
  U mag = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const U d = static_cast<U>(c - '0');
    if (mag > static_cast<U>((limit - d) / 10)) return false;
    mag = static_cast<U>(mag * 10 + d);
  }
  if (negative) {
    // Two's complement negation of the magnitude; well defined on U, and the
    // conversion back is exact because mag <= |min()|.
    *out = static_cast<T>(static_cast<U>(U{0} - mag));
  } else {
    *out = static_cast<T>(mag);
  }
  return true;
}

}  // namespace aquatic::codec

#endif  // AQUATIC_CODEC_RUNTIME_QUERY_STRING_H_
