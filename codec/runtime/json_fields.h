// Field readers and writers for generated WIRE_JSON codecs (the WebTorrent
// tracker messages). tools/codecgen's json_emitter turns each schema field
// into one call here, so a generated Parse is a readable list of
// `if (key == "info_hash") status = ReadJsonLatin1(...)` lines and a generated
// Serialize a list of JsonWriter calls.
//
// Errors name where they happened with a path relative to the object being
// read: ".info_hash: expected 20 Latin-1 characters". Callers prepend their
// own part with PrefixJsonError, so a nested error reads
// "AnnounceRequest.offers[2].offer_id: expected 20 Latin-1 characters".
//
// Readers taking a std::optional read JSON null as "absent" (serde, and so
// aquatic, does the same; WebTorrent sends "left":null before it knows the
// torrent's size). Repeated and map readers replace the whole vector: with
// duplicate keys the last one wins.
#ifndef AQUATIC_CODEC_RUNTIME_JSON_FIELDS_H_
#define AQUATIC_CODEC_RUNTIME_JSON_FIELDS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "codec/runtime/json.h"
#include "codec/runtime/latin1.h"

namespace aquatic::codec {

using JsonToken = JsonScanner::Token;

// ---------------------------------------------------------------------------
// Errors (all absl::InvalidArgumentError with a one-line message).

// `inner` with `path` in front: "<path><inner>" when inner starts with '.' or
// '[' (a member or element path), "<path>: <inner>" otherwise. OK stays OK.
absl::Status PrefixJsonError(absl::string_view path, const absl::Status& inner);
// "invalid JSON: <scanner error>", for a scanner in its error state.
absl::Status JsonSyntaxError(const JsonScanner& json);
// A value of the wrong type: "expected <expected>, found a number" (or the
// syntax error when `token` is kError).
absl::Status JsonTypeError(const JsonScanner& json, JsonToken token, absl::string_view expected);
// "<field>: missing".
absl::Status MissingJsonFieldError(absl::string_view field);

// ---------------------------------------------------------------------------
// Object structure.

// The next member of the object being read: true with `*key` set (valid until
// the scanner moves), false at the closing '}' or on a syntax error (then
// json.error() is non-empty).
bool NextJsonKey(JsonScanner& json, absl::string_view* key);
// Skips the value of a member the schema does not know.
absl::Status SkipJsonValue(JsonScanner& json);
// After the top-level value: only whitespace may follow.
absl::Status ExpectJsonEnd(JsonScanner& json);

// ---------------------------------------------------------------------------
// Values whose first token has been read (array elements, and the building
// blocks of the field readers below).

// A string of exactly out.size() code points, each at most U+00FF.
absl::Status Latin1FromJson(const JsonScanner& json, JsonToken token, absl::Span<uint8_t> out);
// An integer without fraction or exponent that fits in int64.
absl::Status Int64FromJson(const JsonScanner& json, JsonToken token, int64_t* out);
// A string of at most max_length bytes of UTF-8.
absl::Status StringFromJson(const JsonScanner& json, JsonToken token, size_t max_length,
                            std::string* out);

// Element readers for ReadJsonArray / ReadJsonOneOrMany.
template <size_t N>
absl::Status ReadJsonLatin1Element(JsonScanner& json, JsonToken token,
                                   std::array<uint8_t, N>* out) {
  return Latin1FromJson(json, token, absl::MakeSpan(*out));
}
inline absl::Status ReadJsonInt64Element(JsonScanner& json, JsonToken token, int64_t* out) {
  return Int64FromJson(json, token, out);
}

namespace json_internal {

// Reads the next value with read(token, out) and prefixes errors with `field`.
template <typename T, typename ReadFromToken>
absl::Status ReadField(JsonScanner& json, absl::string_view field, T* out,
                       ReadFromToken read) {
  return PrefixJsonError(field, read(json.Next(), out));
}
template <typename T, typename ReadFromToken>
absl::Status ReadField(JsonScanner& json, absl::string_view field, std::optional<T>* out,
                       ReadFromToken read) {
  const JsonToken token = json.Next();
  if (token == JsonToken::kNull) {
    out->reset();
    return absl::OkStatus();
  }
  return PrefixJsonError(field, read(token, &out->emplace()));
}

absl::Status TooManyElementsError(size_t max_count);
absl::Status ElementError(size_t index, const absl::Status& inner);
absl::Status MapKeyError(size_t index, size_t width);

// A JSON array of at most max_count elements; with `one_or_many`, a value
// that is not an array is read as the only element.
template <typename T, typename ReadElement>
absl::Status ArrayFromJson(JsonScanner& json, JsonToken token, size_t max_count,
                           bool one_or_many, ReadElement read_element, std::vector<T>* out) {
  out->clear();
  if (token != JsonToken::kBeginArray) {
    if (!one_or_many) return JsonTypeError(json, token, "an array");
    if (max_count == 0) return TooManyElementsError(max_count);
    return read_element(json, token, &out->emplace_back());
  }
  while (true) {
    const JsonToken element = json.Next();
    if (element == JsonToken::kEndArray) return absl::OkStatus();
    if (out->size() == max_count) return TooManyElementsError(max_count);
    absl::Status status = read_element(json, element, &out->emplace_back());
    if (!status.ok()) return ElementError(out->size() - 1, status);
  }
}

// An object keyed by Latin-1 strings of width N, each value an element
// object without its key member, which is filled from the key.
template <typename T, size_t N, typename ReadElement>
absl::Status MapFromJson(JsonScanner& json, JsonToken token, size_t max_count,
                         std::array<uint8_t, N> T::*key_member, ReadElement read_element,
                         std::vector<T>* out) {
  out->clear();
  if (token != JsonToken::kBeginObject) return JsonTypeError(json, token, "an object");
  absl::string_view key_text;
  while (NextJsonKey(json, &key_text)) {
    if (out->size() == max_count) return TooManyElementsError(max_count);
    std::array<uint8_t, N> key;
    if (!Latin1FromJson(json, JsonToken::kString, absl::MakeSpan(key)).ok()) {
      return MapKeyError(out->size(), N);
    }
    T& element = out->emplace_back();
    absl::Status status = read_element(json, json.Next(), &element);
    if (!status.ok()) return ElementError(out->size() - 1, status);
    element.*key_member = key;
  }
  return json.error().empty() ? absl::OkStatus() : JsonSyntaxError(json);
}

}  // namespace json_internal

// ---------------------------------------------------------------------------
// Field readers: the scanner has just returned the member's key; each reads
// its value into `out` and prefixes errors with `field` (e.g. ".info_hash").

// A string equal to `expected` (a message's "action").
absl::Status ReadJsonConstant(JsonScanner& json, absl::string_view field,
                              absl::string_view expected);

// JSON_KIND_LATIN1: exactly N Latin-1 characters.
template <typename Latin1>  // std::array<uint8_t, N> or std::optional of it
absl::Status ReadJsonLatin1(JsonScanner& json, absl::string_view field, Latin1* out) {
  return json_internal::ReadField(json, field, out, [&json](JsonToken token, auto* value) {
    return Latin1FromJson(json, token, absl::MakeSpan(*value));
  });
}

// JSON_KIND_INTEGER.
template <typename Int64>  // int64_t or std::optional<int64_t>
absl::Status ReadJsonInt64(JsonScanner& json, absl::string_view field, Int64* out) {
  return json_internal::ReadField(json, field, out, [&json](JsonToken token, int64_t* value) {
    return Int64FromJson(json, token, value);
  });
}

// JSON_KIND_STRING.
template <typename String>  // std::string or std::optional<std::string>
absl::Status ReadJsonString(JsonScanner& json, absl::string_view field, size_t max_length,
                            String* out) {
  return json_internal::ReadField(
      json, field, out, [&json, max_length](JsonToken token, std::string* value) {
        return StringFromJson(json, token, max_length, value);
      });
}

// JSON_KIND_RAW: any value, kept as its exact text (at most max_length bytes).
absl::Status ReadJsonRaw(JsonScanner& json, absl::string_view field, size_t max_length,
                         std::string* out);
absl::Status ReadJsonRaw(JsonScanner& json, absl::string_view field, size_t max_length,
                         std::optional<std::string>* out);

// JSON_KIND_ENUM: a string mapped by the generated `<Enum>FromJson`.
template <typename Enum, typename Out>  // Out: Enum or std::optional<Enum>
absl::Status ReadJsonEnum(JsonScanner& json, absl::string_view field,
                          Enum (*from_json)(absl::string_view), Out* out) {
  return json_internal::ReadField(json, field, out, [&json, from_json](JsonToken token,
                                                                       Enum* value) {
    if (token != JsonToken::kString) return JsonTypeError(json, token, "a string");
    *value = from_json(json.string_value());
    return absl::OkStatus();
  });
}

// JSON_KIND_OBJECT: read_object is a generated `Read<Message>`.
template <typename T, typename Out>  // Out: T or std::optional<T>
absl::Status ReadJsonObject(JsonScanner& json, absl::string_view field,
                            absl::Status (*read_object)(JsonScanner&, JsonToken, T*), Out* out) {
  return json_internal::ReadField(json, field, out, [&json, read_object](JsonToken token,
                                                                         T* value) {
    return read_object(json, token, value);
  });
}

// Repeated fields: an array of at most max_count elements.
template <typename T, typename Out>  // Out: std::vector<T> or std::optional of it
absl::Status ReadJsonArray(JsonScanner& json, absl::string_view field, size_t max_count,
                           absl::Status (*read_element)(JsonScanner&, JsonToken, T*), Out* out) {
  return json_internal::ReadField(
      json, field, out, [&json, max_count, read_element](JsonToken token, std::vector<T>* values) {
        return json_internal::ArrayFromJson(json, token, max_count, /*one_or_many=*/false,
                                            read_element, values);
      });
}

// Repeated fields with (json).one_or_many: an array, or one lone element.
template <typename T, typename Out>
absl::Status ReadJsonOneOrMany(JsonScanner& json, absl::string_view field, size_t max_count,
                               absl::Status (*read_element)(JsonScanner&, JsonToken, T*),
                               Out* out) {
  return json_internal::ReadField(
      json, field, out, [&json, max_count, read_element](JsonToken token, std::vector<T>* values) {
        return json_internal::ArrayFromJson(json, token, max_count, /*one_or_many=*/true,
                                            read_element, values);
      });
}

// Repeated fields with (json).map_key_field: {"<key>": {...element...}, ...}.
template <typename T, size_t N, typename Out>
absl::Status ReadJsonMap(JsonScanner& json, absl::string_view field, size_t max_count,
                         std::array<uint8_t, N> T::*key_member,
                         absl::Status (*read_element)(JsonScanner&, JsonToken, T*), Out* out) {
  return json_internal::ReadField(
      json, field, out,
      [&json, max_count, key_member, read_element](JsonToken token, std::vector<T>* values) {
        return json_internal::MapFromJson(json, token, max_count, key_member, read_element,
                                          values);
      });
}

// ---------------------------------------------------------------------------
// Writers of the fields that can fail: limits are checked on Serialize too,
// so what the tracker sends always parses back.

// JSON_KIND_STRING: valid UTF-8 of at most max_length bytes.
absl::Status WriteJsonString(JsonWriter& json, absl::string_view field, size_t max_length,
                             absl::string_view value);
// JSON_KIND_RAW: non-empty, at most max_length bytes, written verbatim (it
// must be JSON text, as Parse captured it).
absl::Status WriteJsonRaw(JsonWriter& json, absl::string_view field, size_t max_length,
                          absl::string_view value);

// Element writers for WriteJsonArray / WriteJsonOneOrMany.
template <size_t N>
absl::Status WriteJsonLatin1Element(const std::array<uint8_t, N>& value, JsonWriter& json) {
  json.Latin1String(value);
  return absl::OkStatus();
}
inline absl::Status WriteJsonInt64Element(const int64_t& value, JsonWriter& json) {
  json.Int(value);
  return absl::OkStatus();
}

namespace json_internal {

absl::Status TooManyToWriteError(absl::string_view field, size_t count, size_t max_count);

template <typename T>
absl::Status WriteElements(JsonWriter& json, absl::string_view field,
                           const std::vector<T>& values,
                           absl::Status (*write_element)(const T&, JsonWriter&)) {
  json.BeginArray();
  for (size_t i = 0; i < values.size(); ++i) {
    absl::Status status = write_element(values[i], json);
    if (!status.ok()) return PrefixJsonError(field, ElementError(i, status));
  }
  json.EndArray();
  return absl::OkStatus();
}

}  // namespace json_internal

// Repeated fields: an array of at most max_count elements.
template <typename T>
absl::Status WriteJsonArray(JsonWriter& json, absl::string_view field, size_t max_count,
                            const std::vector<T>& values,
                            absl::Status (*write_element)(const T&, JsonWriter&)) {
  if (values.size() > max_count) {
    return json_internal::TooManyToWriteError(field, values.size(), max_count);
  }
  return json_internal::WriteElements(json, field, values, write_element);
}

// (json).one_or_many: a single element is written as a lone value.
template <typename T>
absl::Status WriteJsonOneOrMany(JsonWriter& json, absl::string_view field, size_t max_count,
                                const std::vector<T>& values,
                                absl::Status (*write_element)(const T&, JsonWriter&)) {
  if (values.size() > max_count) {
    return json_internal::TooManyToWriteError(field, values.size(), max_count);
  }
  if (values.size() == 1) return PrefixJsonError(field, write_element(values[0], json));
  return json_internal::WriteElements(json, field, values, write_element);
}

// (json).map_key_field: an object keyed by each element's key member, whose
// values are the elements written without it.
template <typename T, size_t N>
absl::Status WriteJsonMap(JsonWriter& json, absl::string_view field, size_t max_count,
                          const std::vector<T>& values, std::array<uint8_t, N> T::*key_member,
                          absl::Status (*write_element)(const T&, JsonWriter&)) {
  if (values.size() > max_count) {
    return json_internal::TooManyToWriteError(field, values.size(), max_count);
  }
  json.BeginObject();
  std::string key;
  for (size_t i = 0; i < values.size(); ++i) {
    key.clear();
    AppendLatin1AsUtf8(values[i].*key_member, &key);
    json.Key(key);
    absl::Status status = write_element(values[i], json);
    if (!status.ok()) return PrefixJsonError(field, json_internal::ElementError(i, status));
  }
  json.EndObject();
  return absl::OkStatus();
}

}  // namespace aquatic::codec

#endif  // AQUATIC_CODEC_RUNTIME_JSON_FIELDS_H_
