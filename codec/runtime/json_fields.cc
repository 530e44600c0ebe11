#include "codec/runtime/json_fields.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "codec/runtime/json.h"
#include "codec/runtime/latin1.h"

namespace aquatic::codec {
namespace {

absl::string_view TokenName(JsonToken token) {
  switch (token) {
    case JsonToken::kBeginObject:
      return "an object";
    case JsonToken::kBeginArray:
      return "an array";
    case JsonToken::kString:
      return "a string";
    case JsonToken::kNumber:
      return "a number";
    case JsonToken::kTrue:
    case JsonToken::kFalse:
      return "a boolean";
    case JsonToken::kNull:
      return "null";
    case JsonToken::kEndObject:
    case JsonToken::kEndArray:
    case JsonToken::kEnd:
    case JsonToken::kError:
      break;
  }
  return "no value";
}

}  // namespace

absl::Status PrefixJsonError(absl::string_view path, const absl::Status& inner) {
  if (inner.ok()) return inner;
  const absl::string_view message = inner.message();
  const bool member = !message.empty() && (message[0] == '.' || message[0] == '[');
  return absl::Status(inner.code(), absl::StrCat(path, member ? "" : ": ", message));
}

absl::Status JsonSyntaxError(const JsonScanner& json) {
  return absl::InvalidArgumentError(absl::StrCat("invalid JSON: ", json.error()));
}

absl::Status JsonTypeError(const JsonScanner& json, JsonToken token, absl::string_view expected) {
  if (token == JsonToken::kError) return JsonSyntaxError(json);
  return absl::InvalidArgumentError(
      absl::StrCat("expected ", expected, ", found ", TokenName(token)));
}

absl::Status MissingJsonFieldError(absl::string_view field) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": missing"));
}

bool NextJsonKey(JsonScanner& json, absl::string_view* key) {
  // Inside an object the scanner only returns a key, '}' or an error.
  if (json.Next() != JsonToken::kString) return false;
  *key = json.string_value();
  return true;
}

absl::Status SkipJsonValue(JsonScanner& json) {
  return json.SkipValue() ? absl::OkStatus() : JsonSyntaxError(json);
}

absl::Status ExpectJsonEnd(JsonScanner& json) {
  return json.Next() == JsonToken::kEnd ? absl::OkStatus() : JsonSyntaxError(json);
}

absl::Status Latin1FromJson(const JsonScanner& json, JsonToken token, absl::Span<uint8_t> out) {
  if (token != JsonToken::kString) return JsonTypeError(json, token, "a string");
  size_t length = 0;
  if (!Utf8ToLatin1(json.string_value(), out.data(), out.size(), &length) ||
      length != out.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected ", out.size(), " Latin-1 characters"));
  }
  return absl::OkStatus();
}

absl::Status Int64FromJson(const JsonScanner& json, JsonToken token, int64_t* out) {
  if (token != JsonToken::kNumber) return JsonTypeError(json, token, "an integer");
  if (!json.NumberAsInt64(out)) {
    // Cut the echoed number: error texts go back to clients.
    constexpr size_t kShown = 24;
    const absl::string_view number = json.number_text();
    return absl::InvalidArgumentError(
        absl::StrCat("expected a 64-bit integer, found ", number.substr(0, kShown),
                     number.size() > kShown ? "..." : ""));
  }
  return absl::OkStatus();
}

absl::Status StringFromJson(const JsonScanner& json, JsonToken token, size_t max_length,
                            std::string* out) {
  if (token != JsonToken::kString) return JsonTypeError(json, token, "a string");
  const absl::string_view value = json.string_value();
  if (value.size() > max_length) {
    return absl::InvalidArgumentError(
        absl::StrCat(value.size(), " bytes, at most ", max_length));
  }
  out->assign(value.data(), value.size());
  return absl::OkStatus();
}

namespace json_internal {

absl::Status TooManyElementsError(size_t max_count) {
  return absl::InvalidArgumentError(absl::StrCat("more than ", max_count, " elements"));
}

absl::Status ElementError(size_t index, const absl::Status& inner) {
  return PrefixJsonError(absl::StrCat("[", index, "]"), inner);
}

absl::Status MapKeyError(size_t index, size_t width) {
  return absl::InvalidArgumentError(
      absl::StrCat("[", index, "]: key: expected ", width, " Latin-1 characters"));
}

absl::Status TooManyToWriteError(absl::string_view field, size_t count, size_t max_count) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": ", count, " elements, at most ", max_count));
}

}  // namespace json_internal

absl::Status ReadJsonConstant(JsonScanner& json, absl::string_view field,
                              absl::string_view expected) {
  const JsonToken token = json.Next();
  if (token != JsonToken::kString) {
    return PrefixJsonError(field, JsonTypeError(json, token, "a string"));
  }
  if (json.string_value() != expected) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": expected \"", expected, "\""));
  }
  return absl::OkStatus();
}

namespace {

// Captures the next value, at most max_length bytes of JSON text.
absl::Status CaptureRaw(JsonScanner& json, absl::string_view field, size_t max_length,
                        absl::string_view* raw) {
  if (!json.CaptureRawValue(raw)) return PrefixJsonError(field, JsonSyntaxError(json));
  if (raw->size() > max_length) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", raw->size(), " bytes, at most ", max_length));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ReadJsonRaw(JsonScanner& json, absl::string_view field, size_t max_length,
                         std::string* out) {
  absl::string_view raw;
  absl::Status status = CaptureRaw(json, field, max_length, &raw);
  if (status.ok()) out->assign(raw.data(), raw.size());
  return status;
}

absl::Status ReadJsonRaw(JsonScanner& json, absl::string_view field, size_t max_length,
                         std::optional<std::string>* out) {
  absl::string_view raw;
  absl::Status status = CaptureRaw(json, field, max_length, &raw);
  if (!status.ok()) return status;
  if (raw == "null") {
    out->reset();
  } else {
    out->emplace(raw.data(), raw.size());
  }
  return absl::OkStatus();
}

absl::Status WriteJsonString(JsonWriter& json, absl::string_view field, size_t max_length,
                             absl::string_view value) {
  if (value.size() > max_length) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", value.size(), " bytes, at most ", max_length));
  }
  if (!IsValidUtf8(value)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": not valid UTF-8"));
  }
  json.String(value);
  return absl::OkStatus();
}

absl::Status WriteJsonRaw(JsonWriter& json, absl::string_view field, size_t max_length,
                          absl::string_view value) {
  if (value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": empty, expected JSON text"));
  }
  if (value.size() > max_length) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", value.size(), " bytes, at most ", max_length));
  }
  json.Raw(value);
  return absl::OkStatus();
}

}  // namespace aquatic::codec
