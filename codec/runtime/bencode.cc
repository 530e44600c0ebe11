#include "codec/runtime/bencode.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace aquatic::codec {

BencodeValue BencodeValue::Int(int64_t v) {
  BencodeValue out;
  out.kind = kInt;
  out.integer = v;
  return out;
}

BencodeValue BencodeValue::String(std::string s) {
  BencodeValue out;
  out.kind = kString;
  out.string = std::move(s);
  return out;
}

BencodeValue BencodeValue::List(std::vector<BencodeValue> items) {
  BencodeValue out;
  out.kind = kList;
  out.list = std::move(items);
  return out;
}

BencodeValue BencodeValue::Dict(
    std::vector<std::pair<std::string, BencodeValue>> entries) {
  BencodeValue out;
  out.kind = kDict;
  out.dict = std::move(entries);
  return out;
}

const BencodeValue* BencodeValue::Find(absl::string_view key) const {
  if (kind != kDict) return nullptr;
  for (const auto& [k, v] : dict) {
    if (k == key) return &v;
  }
  return nullptr;
}

bool operator==(const BencodeValue& a, const BencodeValue& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case BencodeValue::kInt:
      return a.integer == b.integer;
    case BencodeValue::kString:
      return a.string == b.string;
    case BencodeValue::kList:
      return a.list == b.list;
    case BencodeValue::kDict:
      return a.dict == b.dict;
  }
  return false;
}

namespace {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

class Parser {
 public:
  Parser(absl::string_view input, const BencodeLimits& limits)
      : in_(input), limits_(limits) {}

  absl::StatusOr<BencodeValue> ParseDocument() {
    BencodeValue value;
    absl::Status status = ParseValue(0, &value);
    if (!status.ok()) return status;
    if (pos_ != in_.size()) return Error("trailing data after value");
    return value;
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("bencode: ", what, " at offset ", pos_));
  }

  // `depth` is the number of containers enclosing the value being parsed.
  absl::Status ParseValue(int depth, BencodeValue* out) {
    if (++items_ > limits_.max_items) return Error("too many items");
    if (pos_ >= in_.size()) return Error("unexpected end of input");
    const char c = in_[pos_];
    if (c == 'i') {
      out->kind = BencodeValue::kInt;
      return ParseInt(&out->integer);
    }
    if (IsDigit(c)) {
      absl::string_view s;
      absl::Status status = ParseString(&s);
      if (!status.ok()) return status;
      out->kind = BencodeValue::kString;
      out->string.assign(s.data(), s.size());
      return absl::OkStatus();
    }
    if (c == 'l' || c == 'd') {
      if (depth >= limits_.max_depth) return Error("nesting too deep");
      ++pos_;
      return c == 'l' ? ParseListBody(depth + 1, out)
                      : ParseDictBody(depth + 1, out);
    }
    return Error("unexpected character");
  }

  // "i" [-] digits "e", canonical only.
  absl::Status ParseInt(int64_t* out) {
    ++pos_;  // 'i'
    bool negative = false;
    if (pos_ < in_.size() && in_[pos_] == '-') {
      negative = true;
      ++pos_;
    }
    if (pos_ >= in_.size() || !IsDigit(in_[pos_])) {
      return Error("integer without digits");
    }
    if (in_[pos_] == '0') {
      if (negative) return Error("negative zero");
      if (pos_ + 1 < in_.size() && IsDigit(in_[pos_ + 1])) {
        return Error("integer with leading zero");
      }
    }
    // Accumulate the magnitude; a negative value may reach 2^63.
    const uint64_t limit =
        negative ? uint64_t{1} << 63
                 : static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    uint64_t mag = 0;
    while (pos_ < in_.size() && IsDigit(in_[pos_])) {
      const uint64_t d = static_cast<uint64_t>(in_[pos_] - '0');
      if (mag > (limit - d) / 10) return Error("integer overflows int64");
      mag = mag * 10 + d;
      ++pos_;
    }
    if (pos_ >= in_.size() || in_[pos_] != 'e') {
      return Error("unterminated integer");
    }
    ++pos_;
    *out = negative ? static_cast<int64_t>(uint64_t{0} - mag)
                    : static_cast<int64_t>(mag);
    return absl::OkStatus();
  }

  // <length> ":" <bytes>. Returns a view into the input, so no allocation is
  // ever sized by the untrusted length before it is checked against the input.
  absl::Status ParseString(absl::string_view* out) {
    if (in_[pos_] == '0' && pos_ + 1 < in_.size() && IsDigit(in_[pos_ + 1])) {
      return Error("string length with leading zero");
    }
    // Any length above the whole input size is certainly truncated; bounding
    // by it also keeps the accumulation from overflowing.
    const size_t limit = in_.size();
    size_t len = 0;
    while (pos_ < in_.size() && IsDigit(in_[pos_])) {
      const size_t d = static_cast<size_t>(in_[pos_] - '0');
      if (d > limit || len > (limit - d) / 10) {
        return Error("string length exceeds input");
      }
      len = len * 10 + d;
      ++pos_;
    }
    if (pos_ >= in_.size() || in_[pos_] != ':') {
      return Error("string length not followed by ':'");
    }
    ++pos_;
    if (len > in_.size() - pos_) return Error("string length exceeds input");
    *out = in_.substr(pos_, len);
    pos_ += len;
    return absl::OkStatus();
  }

  absl::Status ParseListBody(int depth, BencodeValue* out) {
    out->kind = BencodeValue::kList;
    while (true) {
      if (pos_ >= in_.size()) return Error("unterminated list");
      if (in_[pos_] == 'e') {
        ++pos_;
        return absl::OkStatus();
      }
      out->list.emplace_back();
      absl::Status status = ParseValue(depth, &out->list.back());
      if (!status.ok()) return status;
    }
  }

  absl::Status ParseDictBody(int depth, BencodeValue* out) {
    out->kind = BencodeValue::kDict;
    absl::string_view prev_key;
    bool first = true;
    while (true) {
      if (pos_ >= in_.size()) return Error("unterminated dictionary");
      if (in_[pos_] == 'e') {
        ++pos_;
        return absl::OkStatus();
      }
      if (!IsDigit(in_[pos_])) return Error("dictionary key is not a string");
      const size_t key_pos = pos_;
      absl::string_view key;
      absl::Status status = ParseString(&key);
      if (!status.ok()) return status;
      // string_view comparison is memcmp-based, i.e. unsigned raw bytes, which
      // is the order BEP 3 specifies.
      if (!first && key.compare(prev_key) <= 0) {
        pos_ = key_pos;
        return Error(key == prev_key ? "duplicate dictionary key"
                                     : "dictionary keys not sorted");
      }
      first = false;
      prev_key = key;
      out->dict.emplace_back(std::string(key), BencodeValue());
      status = ParseValue(depth, &out->dict.back().second);
      if (!status.ok()) return status;
    }
  }

  const absl::string_view in_;
  const BencodeLimits& limits_;
  size_t pos_ = 0;
  size_t items_ = 0;
};

void SerializeTo(const BencodeValue& value, std::string* out) {
  switch (value.kind) {
    case BencodeValue::kInt:
      absl::StrAppend(out, "i", value.integer, "e");
      return;
    case BencodeValue::kString:
      absl::StrAppend(out, value.string.size(), ":", value.string);
      return;
    case BencodeValue::kList:
      out->push_back('l');
      for (const BencodeValue& item : value.list) SerializeTo(item, out);
      out->push_back('e');
      return;
    case BencodeValue::kDict:
      out->push_back('d');
      for (const auto& [key, item] : value.dict) {
        absl::StrAppend(out, key.size(), ":", key);
        SerializeTo(item, out);
      }
      out->push_back('e');
      return;
  }
}

}  // namespace

absl::StatusOr<BencodeValue> ParseBencode(absl::string_view input,
                                          const BencodeLimits& limits) {
  return Parser(input, limits).ParseDocument();
}

std::string SerializeBencode(const BencodeValue& value) {
  std::string out;
  SerializeTo(value, &out);
  return out;
}

}  // namespace aquatic::codec
