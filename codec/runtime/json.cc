#include "codec/runtime/json.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "absl/base/config.h"
#include "absl/numeric/bits.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "codec/runtime/latin1.h"

namespace aquatic::codec {
namespace {

using Token = JsonScanner::Token;

static_assert(ABSL_IS_LITTLE_ENDIAN, "PlainAsciiPrefix reads bytes as little-endian words");

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The number of leading bytes of [p, p + n) that a string can hold verbatim
// and that are ASCII: not '"', '\\', a control character or a byte >= 0x80.
// Eight bytes at a time (SWAR): SDP strings are long runs of such bytes.
size_t PlainAsciiPrefix(const char* p, size_t n) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, sizeof(word));
    const uint64_t quote = word ^ (kOnes * '"');
    const uint64_t backslash = word ^ (kOnes * '\\');
    // Each term sets a byte's high bit if the byte is a quote, a backslash,
    // below 0x20, or non-ASCII. A subtraction's borrow can also mark bytes
    // above a marked one, never below it, so the lowest mark is exact.
    const uint64_t special = (((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) |
                              ((word - kOnes * 0x20) & ~word) | word) &
                             kHigh;
    if (special != 0) {
      // The first byte in memory is the lowest on a little-endian machine.
      return i + static_cast<size_t>(absl::countr_zero(special)) / 8;
    }
  }
  for (; i < n; ++i) {
    const auto c = static_cast<uint8_t>(p[i]);
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
  }
  return i;
}

// The character a one-letter escape (\n and the like) stands for, or -1.
inline int SimpleEscape(char c) {
  switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '/': return '/';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return -1;
  }
}

inline int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Whether an ASCII byte must be escaped inside a JSON string.
inline bool NeedsEscape(uint8_t b) { return b < 0x20 || b == '"' || b == '\\'; }

// Writes the escape of `b` (NeedsEscape(b)) at `out`, at most 6 bytes;
// returns the end.
char* WriteEscaped(uint8_t b, char* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  *out++ = '\\';
  if (b == '"' || b == '\\') {
    *out++ = static_cast<char>(b);
    return out;
  }
  // Control characters: one uniform form keeps this simple and is valid JSON.
  *out++ = 'u';
  *out++ = '0';
  *out++ = '0';
  *out++ = kHex[b >> 4];
  *out++ = kHex[b & 0xF];
  return out;
}

void AppendEscaped(uint8_t b, std::string* out) {
  char escaped[6];
  out->append(escaped, static_cast<size_t>(WriteEscaped(b, escaped) - escaped));
}

}  // namespace

// ---------------------------------------------------------------------------
// JsonScanner

JsonScanner::JsonScanner(absl::string_view text, int max_depth)
    : text_(text),
      max_depth_(max_depth < 0 ? 0 : static_cast<size_t>(max_depth)) {}

Token JsonScanner::Fail(absl::string_view message) {
  if (state_ != State::kFailed) {
    error_ = absl::StrCat("offset ", pos_, ": ", message);
    state_ = State::kFailed;
  }
  last_ = Token::kError;
  is_key_ = false;
  string_value_ = absl::string_view();
  number_text_ = absl::string_view();
  return Token::kError;
}

void JsonScanner::SkipWhitespace() {
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
    ++pos_;
  }
}

Token JsonScanner::Next() {
  if (state_ == State::kFailed) return Token::kError;
  is_key_ = false;
  SkipWhitespace();
  token_start_ = pos_;
  const bool at_end = pos_ == text_.size();
  switch (state_) {
    case State::kTopValue:
      return ScanValue();
    case State::kDone:
      if (!at_end) return Fail("unexpected data after top-level value");
      last_ = Token::kEnd;
      return Token::kEnd;
    case State::kObjectFirst:
      if (!at_end && text_[pos_] == '}') return Close(Token::kEndObject);
      return ScanKey();
    case State::kAfterKey:
      if (at_end || text_[pos_] != ':') return Fail("expected ':'");
      ++pos_;
      SkipWhitespace();
      token_start_ = pos_;
      return ScanValue();
    case State::kArrayFirst:
      if (!at_end && text_[pos_] == ']') return Close(Token::kEndArray);
      return ScanValue();
    case State::kAfterValue: {
      if (at_end) return Fail("unexpected end of input");
      const char c = text_[pos_];
      const bool object = InObject();
      if (c == (object ? '}' : ']')) {
        return Close(object ? Token::kEndObject : Token::kEndArray);
      }
      if (c != ',')
        return Fail(object ? "expected ',' or '}'" : "expected ',' or ']'");
      ++pos_;
      SkipWhitespace();
      token_start_ = pos_;
      return object ? ScanKey() : ScanValue();
    }
    case State::kFailed:
      break;
  }
  return Token::kError;
}

Token JsonScanner::ScanValue() {
  if (pos_ == text_.size()) return Fail("unexpected end of input");
  switch (text_[pos_]) {
    case '{':
      return Open('{', Token::kBeginObject, State::kObjectFirst);
    case '[':
      return Open('[', Token::kBeginArray, State::kArrayFirst);
    case '"': {
      const Token t = ScanString();
      return t == Token::kError ? t : Scalar(t);
    }
    case 't':
      return ScanLiteral("true", Token::kTrue);
    case 'f':
      return ScanLiteral("false", Token::kFalse);
    case 'n':
      return ScanLiteral("null", Token::kNull);
    default:
      if (text_[pos_] == '-' || IsDigit(text_[pos_])) return ScanNumber();
      return Fail("expected a value");
  }
}

Token JsonScanner::ScanKey() {
  if (pos_ == text_.size() || text_[pos_] != '"') {
    return Fail("expected a string key");
  }
  const Token t = ScanString();
  if (t == Token::kError) return t;
  is_key_ = true;
  state_ = State::kAfterKey;
  last_ = t;
  return t;
}

Token JsonScanner::Open(char bracket, Token token, State state) {
  if (stack_.size() >= max_depth_) return Fail("nesting too deep");
  stack_.push_back(bracket);
  ++pos_;
  state_ = state;
  last_ = token;
  return token;
}

Token JsonScanner::Close(Token token) {
  ++pos_;
  stack_.pop_back();
  return Scalar(token);
}

// Records the completion of a value (a scalar or a closed container).
Token JsonScanner::Scalar(Token token) {
  state_ = stack_.empty() ? State::kDone : State::kAfterValue;
  last_ = token;
  return token;
}

Token JsonScanner::ScanString() {
  ++pos_;  // Opening quote.
  bool unescaped = false;
  while (true) {
    // Copy-free scan up to the next quote, backslash or control character.
    const size_t run_start = pos_;
    bool ascii = true;
    while (true) {
      pos_ += PlainAsciiPrefix(text_.data() + pos_, text_.size() - pos_);
      if (pos_ == text_.size()) break;
      const auto c = static_cast<uint8_t>(text_[pos_]);
      if (c == '"' || c == '\\' || c < 0x20) break;
      ascii = false;  // A byte >= 0x80: part of a multi-byte sequence.
      ++pos_;
    }
    const absl::string_view run = text_.substr(run_start, pos_ - run_start);
    // The delimiters are ASCII, which never occurs inside a multi-byte
    // sequence, so validating run by run is the same as validating the whole.
    if (!ascii && !IsValidUtf8(run)) {
      pos_ = run_start;
      return Fail("invalid UTF-8 in string");
    }
    if (pos_ == text_.size()) return Fail("unterminated string");
    const char c = text_[pos_];
    if (c == '"') {
      ++pos_;
      if (unescaped) {
        unescaped_.append(run.data(), run.size());
        string_value_ = unescaped_;
      } else {
        // Also while skipping (see decode_strings_): then only the last run.
        string_value_ = run;
      }
      return Token::kString;
    }
    if (c != '\\') return Fail("unescaped control character in string");
    if (decode_strings_) {
      if (!unescaped) {
        unescaped_.clear();
        unescaped = true;
      }
      unescaped_.append(run.data(), run.size());
    }
    ++pos_;
    if (pos_ == text_.size()) return Fail("unterminated string");
    if (text_[pos_] == 'u') {
      if (!ScanUnicodeEscape()) return Token::kError;
      continue;  // ScanUnicodeEscape advanced pos_ itself.
    }
    const int decoded = SimpleEscape(text_[pos_]);
    if (decoded < 0) return Fail("invalid escape sequence");
    if (decode_strings_) unescaped_.push_back(static_cast<char>(decoded));
    ++pos_;
  }
}

// With pos_ at the 'u' of "\uXXXX": decodes it (and its low surrogate, if it
// is a high surrogate) into unescaped_ and leaves pos_ after it.
bool JsonScanner::ScanUnicodeEscape() {
  auto read_hex4 = [this](size_t at, uint32_t* out) {
    if (text_.size() - at < 4) return false;
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) {
      const int h = HexValue(text_[at + i]);
      if (h < 0) return false;
      v = (v << 4) | static_cast<uint32_t>(h);
    }
    *out = v;
    return true;
  };
  uint32_t cp;
  if (!read_hex4(pos_ + 1, &cp)) {
    Fail("invalid \\u escape");
    return false;
  }
  pos_ += 5;
  if (cp >= 0xDC00 && cp <= 0xDFFF) {
    Fail("lone low surrogate in \\u escape");
    return false;
  }
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    uint32_t low;
    if (text_.size() - pos_ < 2 || text_[pos_] != '\\' ||
        text_[pos_ + 1] != 'u' || !read_hex4(pos_ + 2, &low) || low < 0xDC00 ||
        low > 0xDFFF) {
      Fail("high surrogate not followed by a low surrogate");
      return false;
    }
    pos_ += 6;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
  }
  if (decode_strings_) AppendUtf8(cp, &unescaped_);
  return true;
}

// -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
Token JsonScanner::ScanNumber() {
  const size_t start = pos_;
  auto digits = [this] {
    const size_t from = pos_;
    while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
    return pos_ > from;
  };
  if (text_[pos_] == '-') ++pos_;
  if (pos_ < text_.size() && text_[pos_] == '0') {
    ++pos_;  // A leading 0 stands alone; "01" fails at the next token.
  } else if (!digits()) {
    return Fail("invalid number");
  }
  if (pos_ < text_.size() && text_[pos_] == '.') {
    ++pos_;
    if (!digits()) return Fail("invalid number fraction");
  }
  if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) {
      ++pos_;
    }
    if (!digits()) return Fail("invalid number exponent");
  }
  number_text_ = text_.substr(start, pos_ - start);
  return Scalar(Token::kNumber);
}

Token JsonScanner::ScanLiteral(absl::string_view word, Token token) {
  if (text_.substr(pos_, word.size()) != word) return Fail("invalid literal");
  pos_ += word.size();
  return Scalar(token);
}

bool JsonScanner::NumberAsInt64(int64_t* out) const {
  if (last_ != Token::kNumber) return false;
  absl::string_view t = number_text_;
  const bool negative = t[0] == '-';
  if (negative) t.remove_prefix(1);
  const uint64_t limit =
      negative ? uint64_t{1} << 63
               : static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  uint64_t mag = 0;
  for (char c : t) {
    if (!IsDigit(c)) return false;  // Fraction or exponent.
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (mag > (limit - d) / 10) return false;
    mag = mag * 10 + d;
  }
  *out = negative ? static_cast<int64_t>(uint64_t{0} - mag)
                  : static_cast<int64_t>(mag);
  return true;
}

bool JsonScanner::SkipValueFrom(size_t* start) {
  // Strings are validated as always but not decoded: the callers of
  // SkipValue() and CaptureRawValue() never read their values.
  decode_strings_ = false;
  const bool skipped = SkipValueFromImpl(start);
  decode_strings_ = true;
  return skipped;
}

bool JsonScanner::SkipValueFromImpl(size_t* start) {
  const size_t base_depth = stack_.size();
  const Token first = Next();
  *start = token_start_;
  switch (first) {
    case Token::kString:
      if (is_key_) {
        Fail("expected a value, found an object key");
        return false;
      }
      return true;
    case Token::kNumber:
    case Token::kTrue:
    case Token::kFalse:
    case Token::kNull:
      return true;
    case Token::kBeginObject:
    case Token::kBeginArray:
      break;
    case Token::kError:
      return false;
    default:
      Fail("expected a value");
      return false;
  }
  // The scanner validates structure, so the container ends exactly when the
  // depth returns to where it started.
  while (true) {
    const Token t = Next();
    if (t == Token::kError) return false;
    if ((t == Token::kEndObject || t == Token::kEndArray) &&
        stack_.size() == base_depth) {
      return true;
    }
  }
}

bool JsonScanner::SkipValue() {
  size_t start;
  return SkipValueFrom(&start);
}

bool JsonScanner::CaptureRawValue(absl::string_view* raw) {
  size_t start;
  if (!SkipValueFrom(&start)) return false;
  // Tokens are consumed up to their last character, so pos_ is the end.
  *raw = text_.substr(start, pos_ - start);
  return true;
}

// ---------------------------------------------------------------------------
// JsonWriter

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
  } else if (need_comma_) {
    out_->push_back(',');
  }
  need_comma_ = true;
}

void JsonWriter::BeginObject() {
  BeforeValue();
  out_->push_back('{');
  need_comma_ = false;
}

void JsonWriter::EndObject() {
  out_->push_back('}');
  need_comma_ = true;
  after_key_ = false;
}

void JsonWriter::BeginArray() {
  BeforeValue();
  out_->push_back('[');
  need_comma_ = false;
}

void JsonWriter::EndArray() {
  out_->push_back(']');
  need_comma_ = true;
  after_key_ = false;
}

void JsonWriter::Key(absl::string_view key) {
  String(key);
  out_->push_back(':');
  after_key_ = true;
}

void JsonWriter::String(absl::string_view utf8) {
  BeforeValue();
  out_->push_back('"');
  size_t run_start = 0;
  for (size_t i = 0; i < utf8.size(); ++i) {
    const auto b = static_cast<uint8_t>(utf8[i]);
    if (!NeedsEscape(b)) continue;
    out_->append(utf8.data() + run_start, i - run_start);
    AppendEscaped(b, out_);
    run_start = i + 1;
  }
  out_->append(utf8.data() + run_start, utf8.size() - run_start);
  out_->push_back('"');
}

void JsonWriter::Latin1String(absl::Span<const uint8_t> bytes) {
  BeforeValue();
  // At most 6 bytes per byte (a control character as \\u00XX) and quotes:
  // write into room made once, then cut to what was written.
  const size_t base = out_->size();
  out_->resize(base + bytes.size() * 6 + 2);
  char* const begin = out_->data() + base;
  char* p = begin;
  *p++ = '"';
  for (const uint8_t b : bytes) {
    if (b >= 0x80) {
      *p++ = static_cast<char>(0xC0 | (b >> 6));
      *p++ = static_cast<char>(0x80 | (b & 0x3F));
    } else if (!NeedsEscape(b)) {
      *p++ = static_cast<char>(b);
    } else {
      p = WriteEscaped(b, p);
    }
  }
  *p++ = '"';
  out_->resize(base + static_cast<size_t>(p - begin));
}

void JsonWriter::Int(int64_t v) {
  BeforeValue();
  absl::StrAppend(out_, v);
}

void JsonWriter::Bool(bool v) {
  BeforeValue();
  out_->append(v ? "true" : "false");
}

void JsonWriter::Null() {
  BeforeValue();
  out_->append("null");
}

void JsonWriter::Raw(absl::string_view json_text) {
  BeforeValue();
  out_->append(json_text.data(), json_text.size());
}

}  // namespace aquatic::codec
