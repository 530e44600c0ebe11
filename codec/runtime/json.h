// Minimal strict JSON (RFC 8259) pull scanner and streaming writer, for the
// WebTorrent tracker protocol (JSON messages over WebSocket).
//
// The scanner never builds a DOM: generated decoders pull tokens and pick out
// the fields they know, skipping the rest. It validates structure, string
// escapes and UTF-8 as it goes and enforces a nesting limit, so hostile input
// costs O(size) time and O(max_depth) memory beyond one decoded string.

#ifndef AQUATIC_CODEC_RUNTIME_JSON_H_
#define AQUATIC_CODEC_RUNTIME_JSON_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace aquatic::codec {

// Pull scanner over one JSON document held in memory.
//
//   JsonScanner s(text);
//   if (s.Next() != JsonScanner::Token::kBeginObject) ...
//   while (true) {
//     Token t = s.Next();               // kString with is_key(), or kEndObject
//     if (t == Token::kEndObject) break;
//     if (s.string_value() == "action") { ...s.Next()... }
//     else if (!s.SkipValue()) ...
//   }
//   if (s.Next() != Token::kEnd) ...    // rejects trailing garbage
//
// The first error makes every later call return kError (or false); error()
// describes it, with the byte offset. Views returned by string_value() and
// number_text() stay valid only until the next call that advances the scanner.
class JsonScanner {
 public:
  enum class Token {
    kBeginObject,
    kEndObject,
    kBeginArray,
    kEndArray,
    kString,
    kNumber,
    kTrue,
    kFalse,
    kNull,
    // The top-level value is complete and only whitespace followed it.
    kEnd,
    kError,
  };

  // `max_depth` is the maximum number of nested objects/arrays.
  explicit JsonScanner(absl::string_view text, int max_depth = 16);

  JsonScanner(const JsonScanner&) = delete;
  JsonScanner& operator=(const JsonScanner&) = delete;

  Token Next();

  // For a kString token: the decoded UTF-8 contents (escapes resolved).
  absl::string_view string_value() const { return string_value_; }
  // Whether the last kString token was an object key rather than a value.
  bool is_key() const { return is_key_; }
  // For a kNumber token: the number exactly as written.
  absl::string_view number_text() const { return number_text_; }
  // If the last token is a number written as an integer (no fraction or
  // exponent) that fits in int64, stores it and returns true.
  bool NumberAsInt64(int64_t* out) const;

  // Empty unless the scanner has failed.
  absl::string_view error() const { return error_; }

  // Consumes the next value (scalar, or a whole object/array). Returns false,
  // and puts the scanner in the error state, if the next token is not the
  // start of a value (e.g. an object key or a closing bracket) or the value is
  // malformed.
  bool SkipValue();

  // Like SkipValue(), and on success sets `*raw` to the exact source text of
  // the value, from its first to its last character (no surrounding
  // whitespace). Used to forward nested objects (e.g. SDP offers) verbatim.
  bool CaptureRawValue(absl::string_view* raw);

  // Number of objects/arrays currently open.
  int depth() const { return static_cast<int>(stack_.size()); }

 private:
  enum class State : uint8_t {
    kTopValue,     // Expecting the document's value.
    kObjectFirst,  // After '{': a key or '}'.
    kAfterKey,     // After a key: ':' then a value.
    kArrayFirst,   // After '[': a value or ']'.
    kAfterValue,   // Inside a container after a value: ',' or a closer.
    kDone,         // Top-level value complete; only whitespace may follow.
    kFailed,
  };

  Token Fail(absl::string_view message);
  void SkipWhitespace();
  bool InObject() const { return !stack_.empty() && stack_.back() == '{'; }
  Token ScanValue();
  Token ScanKey();
  Token Open(char bracket, Token token, State state);
  Token Close(Token token);
  Token Scalar(Token token);
  Token ScanString();
  bool ScanUnicodeEscape();
  Token ScanNumber();
  Token ScanLiteral(absl::string_view word, Token token);
  bool SkipValueFrom(size_t* start);
  bool SkipValueFromImpl(size_t* start);

  const absl::string_view text_;
  const size_t max_depth_;
  size_t pos_ = 0;
  State state_ = State::kTopValue;
  // '{' or '[' per open container.
  std::string stack_;
  Token last_ = Token::kError;
  // Offset of the first character of the last token.
  size_t token_start_ = 0;
  bool is_key_ = false;
  absl::string_view string_value_;
  absl::string_view number_text_;
  // Holds string_value_ when the string had escapes and so differs from the
  // source text.
  std::string unescaped_;
  // False while skipping a value: strings are validated but their escapes are
  // not decoded into unescaped_ (a forwarded SDP has dozens of \r\n).
  bool decode_strings_ = true;
  std::string error_;
};

// Appends compact JSON to a string. Commas and colons are inserted
// automatically; the caller is trusted to produce a well-formed sequence of
// calls (Key() only directly inside an object, one value after each key).
class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  void Key(absl::string_view key);
  // `utf8` must be valid UTF-8. '"', '\\' and control characters are escaped.
  void String(absl::string_view utf8);
  // Writes each byte as the code point of the same value (U+0000..U+00FF) --
  // the WebTorrent convention for info_hash and peer_id.
  void Latin1String(absl::Span<const uint8_t> bytes);
  void Int(int64_t v);
  void Bool(bool v);
  void Null();
  // Writes `json_text` as a value without checking it, e.g. a document part
  // captured with JsonScanner::CaptureRawValue.
  void Raw(absl::string_view json_text);

 private:
  void BeforeValue();

  std::string* out_;
  // A value has been written in the current container, so the next one needs
  // a comma. No stack is needed: closing a container always completes a value
  // in its parent.
  bool need_comma_ = false;
  // A key was just written; the next value follows its colon directly.
  bool after_key_ = false;
};

}  // namespace aquatic::codec

#endif  // AQUATIC_CODEC_RUNTIME_JSON_H_
