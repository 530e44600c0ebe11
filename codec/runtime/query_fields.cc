#include "codec/runtime/query_fields.h"

#include <cstring>

#include "absl/strings/str_cat.h"

namespace aquatic::codec {

void SplitRequestTarget(absl::string_view target, absl::string_view* path,
                        absl::string_view* query) {
  const size_t question = target.find('?');
  if (question == absl::string_view::npos) {
    *path = target;
    *query = absl::string_view();
    return;
  }
  *path = target.substr(0, question);
  *query = target.substr(question + 1);
}

absl::Status WrongPathError(absl::string_view message, absl::string_view path,
                            absl::string_view expected) {
  return absl::NotFoundError(absl::StrCat(message, ": path '", path.substr(0, 64),
                                          "' is not ", expected));
}

absl::Status MissingFieldError(absl::string_view message, absl::string_view field) {
  return absl::InvalidArgumentError(absl::StrCat(message, ".", field, ": missing"));
}

absl::Status BadValueError(absl::string_view message, absl::string_view field,
                           absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(message, ".", field, ": ", problem));
}

absl::Status DecodeQueryBytes(absl::string_view message, absl::string_view field,
                              absl::string_view encoded, size_t width, size_t truncate_from,
                              uint8_t* out) {
  // Room for the longer accepted form, and one byte more to notice overlong
  // values without decoding all of them.
  char decoded[64 + 1];
  const size_t longest = truncate_from > width ? truncate_from : width;
  size_t length = 0;
  if (longest >= sizeof(decoded) ||
      !PercentDecode(encoded, decoded, longest + 1, &length)) {
    return BadValueError(message, field, "bad percent-encoding or too long");
  }
  if (length != width && (truncate_from == 0 || length != truncate_from)) {
    return BadValueError(message, field,
                         absl::StrCat(length, " bytes, expected ", width,
                                      truncate_from != 0 ? absl::StrCat(" or ", truncate_from)
                                                         : ""));
  }
  std::memcpy(out, decoded, width);
  return absl::OkStatus();
}

absl::Status DecodeQueryString(absl::string_view message, absl::string_view field,
                               absl::string_view encoded, size_t max_length, std::string* out) {
  if (!PercentDecodeToString(encoded, max_length, out)) {
    return BadValueError(message, field,
                         absl::StrCat("bad percent-encoding or longer than ", max_length));
  }
  return absl::OkStatus();
}

absl::Status DecodeQueryBool(absl::string_view message, absl::string_view field,
                             absl::string_view encoded, bool* out) {
  if (encoded == "1" || encoded == "true") {
    *out = true;
  } else if (encoded == "0" || encoded == "false") {
    *out = false;
  } else {
    return BadValueError(message, field, "expected 0 or 1");
  }
  return absl::OkStatus();
}

void QueryWriter::Key(absl::string_view key) {
  out_->push_back(first_ ? '?' : '&');
  first_ = false;
  out_->append(key.data(), key.size());
  out_->push_back('=');
}

void QueryWriter::Bytes(absl::string_view key, absl::Span<const uint8_t> value) {
  Key(key);
  PercentEncode(absl::string_view(reinterpret_cast<const char*>(value.data()), value.size()),
                out_);
}

void QueryWriter::String(absl::string_view key, absl::string_view value) {
  Key(key);
  PercentEncode(value, out_);
}

void QueryWriter::Integer(absl::string_view key, int64_t value) {
  Key(key);
  absl::StrAppend(out_, value);
}

void QueryWriter::Bool(absl::string_view key, bool value) {
  Key(key);
  out_->push_back(value ? '1' : '0');
}

}  // namespace aquatic::codec
