// Bencoding (BEP 3), the serialization used by HTTP tracker responses.
//
// BencodeWriter is the hot-path encoder: it writes straight into a caller
// buffer with no allocation, for the generated announce/scrape response
// encoders. ParseBencode/SerializeBencode work on a DOM (BencodeValue) and are
// for the load tester, tests and fuzzing, where convenience beats speed. The
// parser is strict: it accepts exactly the canonical encoding, so
// Serialize(Parse(x)) == x for every accepted x.

#ifndef AQUATIC_CODEC_RUNTIME_BENCODE_H_
#define AQUATIC_CODEC_RUNTIME_BENCODE_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace aquatic::codec {

// Streams bencoded values into a fixed caller-owned buffer.
//
// Keys are written in the order given. BEP 3 requires dictionary keys to be
// sorted as raw byte strings; the caller (normally generated code, which sorts
// its field names at generation time) is responsible for that.
//
// Every call is all-or-nothing: a token that does not fit is not written at
// all and the writer becomes permanently !ok(), refusing later calls, so the
// caller can check ok() once after encoding a whole message. Misuse also
// latches !ok(): End() with nothing open, Key() outside a dictionary or twice
// in a row, a value in key position, End() right after a Key(), or nesting
// deeper than kMaxDepth. A finished document has ok() && depth() == 0.
class BencodeWriter {
 public:
  // Nesting is tracked in a 64-bit mask; tracker messages nest 3 levels.
  static constexpr int kMaxDepth = 64;

  explicit BencodeWriter(absl::Span<char> out)
      : data_(out.data()), size_(out.size()) {}

  bool BeginDict() {
    if (!BeforeValue() || depth_ == kMaxDepth || !Append("d", 1)) {
      return Fail();
    }
    dict_mask_ |= uint64_t{1} << depth_;
    ++depth_;
    expect_key_ = true;
    return true;
  }

  bool BeginList() {
    if (!BeforeValue() || depth_ == kMaxDepth || !Append("l", 1)) {
      return Fail();
    }
    dict_mask_ &= ~(uint64_t{1} << depth_);
    ++depth_;
    return true;
  }

  bool End() {
    if (!ok_ || depth_ == 0 || (InDict() && !expect_key_) || !Append("e", 1)) {
      return Fail();
    }
    --depth_;
    // The closed container was a value in its parent, so a parent dict now
    // wants its next key.
    expect_key_ = true;
    return true;
  }

  bool Key(absl::string_view key) {
    if (!ok_ || !InDict() || !expect_key_ || !AppendString(key)) {
      return Fail();
    }
    expect_key_ = false;
    return true;
  }

  bool String(absl::string_view s) {
    if (!BeforeValue() || !AppendString(s)) return Fail();
    expect_key_ = true;
    return true;
  }

  bool Int(int64_t v) {
    if (!BeforeValue()) return Fail();
    // "i" + up to 20 characters ("-9223372036854775808") + "e".
    char buf[22];
    char* end = buf + sizeof(buf);
    char* p = end;
    *--p = 'e';
    // Work on the magnitude as unsigned so INT64_MIN does not overflow.
    uint64_t mag = v < 0 ? uint64_t{0} - static_cast<uint64_t>(v)
                         : static_cast<uint64_t>(v);
    do {
      *--p = static_cast<char>('0' + mag % 10);
      mag /= 10;
    } while (mag != 0);
    if (v < 0) *--p = '-';
    *--p = 'i';
    if (!Append(p, static_cast<size_t>(end - p))) return Fail();
    expect_key_ = true;
    return true;
  }

  // Bytes written so far; the output is out.first(written()).
  size_t written() const { return pos_; }
  bool ok() const { return ok_; }
  // Number of containers currently open.
  int depth() const { return depth_; }

 private:
  bool InDict() const { return depth_ > 0 && (dict_mask_ >> (depth_ - 1)) & 1; }

  // A value may not stand where a dictionary key is expected.
  bool BeforeValue() const { return ok_ && !(InDict() && expect_key_); }

  bool Fail() {
    ok_ = false;
    return false;
  }

  bool Append(const char* p, size_t n) {
    if (size_ - pos_ < n) return false;
    std::memcpy(data_ + pos_, p, n);
    pos_ += n;
    return true;
  }

  // Writes "<len>:<bytes>" atomically: either the whole token fits or nothing
  // is written.
  bool AppendString(absl::string_view s) {
    char len_buf[21];
    char* end = len_buf + sizeof(len_buf);
    char* p = end;
    *--p = ':';
    size_t len = s.size();
    do {
      *--p = static_cast<char>('0' + len % 10);
      len /= 10;
    } while (len != 0);
    const size_t prefix = static_cast<size_t>(end - p);
    if (size_ - pos_ < prefix || size_ - pos_ - prefix < s.size()) {
      return false;
    }
    std::memcpy(data_ + pos_, p, prefix);
    pos_ += prefix;
    if (!s.empty()) std::memcpy(data_ + pos_, s.data(), s.size());
    pos_ += s.size();
    return true;
  }

  char* data_;
  size_t size_;
  size_t pos_ = 0;
  int depth_ = 0;
  // Bit i set: the container at nesting level i is a dictionary.
  uint64_t dict_mask_ = 0;
  // Only meaningful while the innermost open container is a dictionary.
  bool expect_key_ = false;
  bool ok_ = true;
};

// A parsed bencoded value. Only the member matching `kind` is meaningful.
struct BencodeValue {
  enum Kind { kInt, kString, kList, kDict };

  Kind kind = kInt;
  int64_t integer = 0;
  std::string string;
  std::vector<BencodeValue> list;
  // In key order; ParseBencode guarantees strictly increasing raw-byte order.
  std::vector<std::pair<std::string, BencodeValue>> dict;

  static BencodeValue Int(int64_t v);
  static BencodeValue String(std::string s);
  static BencodeValue List(std::vector<BencodeValue> items = {});
  static BencodeValue Dict(
      std::vector<std::pair<std::string, BencodeValue>> entries = {});

  // Linear lookup in a dictionary; null if absent or not a dictionary.
  const BencodeValue* Find(absl::string_view key) const;

  friend bool operator==(const BencodeValue& a, const BencodeValue& b);
  friend bool operator!=(const BencodeValue& a, const BencodeValue& b) {
    return !(a == b);
  }
};

// Bounds that keep a hostile document from exhausting stack or memory.
struct BencodeLimits {
  // Maximum number of nested lists/dictionaries.
  int max_depth = 32;
  // Maximum number of values (of any kind, at any depth) in the document.
  size_t max_items = 100000;
};

// Parses exactly one bencoded value spanning all of `input`. Rejects anything
// but the canonical form: integer leading zeros, "-0", int64 overflow, string
// length prefixes with leading zeros, dictionary keys not strictly increasing,
// truncation and trailing bytes. Returns InvalidArgumentError describing the
// first problem and its byte offset.
absl::StatusOr<BencodeValue> ParseBencode(absl::string_view input,
                                          const BencodeLimits& limits = {});

// Encodes `value` canonically. Dictionary entries are written in their stored
// order; they must already be sorted for the output to be valid BEP 3.
std::string SerializeBencode(const BencodeValue& value);

}  // namespace aquatic::codec

#endif  // AQUATIC_CODEC_RUNTIME_BENCODE_H_
