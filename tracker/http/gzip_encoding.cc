#include "tracker/http/gzip_encoding.h"

#include <zlib.h>

#include <limits>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace aquatic::http {
namespace {

// windowBits 15 plus 16: zlib writes a gzip header and trailer, not zlib's.
constexpr int kGzipWindowBits = 15 + 16;
constexpr int kMemoryLevel = 8;
// Level 1: a full scrape is compressed on the I/O thread for every client
// that asks, so speed matters more than the last few percent of size.
constexpr int kCompressionLevel = Z_BEST_SPEED;
// zlib counts buffer sizes in uInt.
constexpr size_t kMaxOneCallBytes = std::numeric_limits<uInt>::max() / 2;

// The q value of one Accept-Encoding element's parameters; 1 when absent,
// nullopt when malformed (the element is then ignored).
std::optional<double> Quality(absl::string_view parameters) {
  double quality = 1.0;
  for (absl::string_view parameter : absl::StrSplit(parameters, ';', absl::SkipWhitespace())) {
    parameter = absl::StripAsciiWhitespace(parameter);
    if (!absl::ConsumePrefix(&parameter, "q=") && !absl::ConsumePrefix(&parameter, "Q=")) {
      continue;
    }
    if (!absl::SimpleAtod(parameter, &quality) || quality < 0 || quality > 1) {
      return std::nullopt;
    }
  }
  return quality;
}

}  // namespace

bool AcceptsGzip(absl::string_view accept_encoding) {
  std::optional<double> gzip_quality;
  std::optional<double> any_quality;
  for (absl::string_view element : absl::StrSplit(accept_encoding, ',', absl::SkipWhitespace())) {
    std::pair<absl::string_view, absl::string_view> parts =
        absl::StrSplit(element, absl::MaxSplits(';', 1));
    const std::string coding = absl::AsciiStrToLower(absl::StripAsciiWhitespace(parts.first));
    std::optional<double> quality = Quality(parts.second);
    if (!quality.has_value()) continue;
    if (coding == "gzip" || coding == "x-gzip") {
      gzip_quality = quality;
    } else if (coding == "*") {
      any_quality = quality;
    }
  }
  // An explicit gzip entry wins over the wildcard.
  if (gzip_quality.has_value()) return *gzip_quality > 0;
  return any_quality.has_value() && *any_quality > 0;
}

absl::StatusOr<std::string> GzipCompress(absl::string_view data) {
  // One deflate call takes at most 4 GiB (uInt); the caller sends the plain
  // body instead.
  if (data.size() > kMaxOneCallBytes) return absl::ResourceExhaustedError("gzip: input too large");
  z_stream stream{};
  if (deflateInit2(&stream, kCompressionLevel, Z_DEFLATED, kGzipWindowBits, kMemoryLevel,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return absl::InternalError("gzip: deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&stream, static_cast<uLong>(data.size())));
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  // deflateBound is enough for one Z_FINISH call.
  const int result = deflate(&stream, Z_FINISH);
  const size_t written = out.size() - stream.avail_out;
  deflateEnd(&stream);
  if (result != Z_STREAM_END) {
    return absl::InternalError(absl::StrCat("gzip: deflate returned ", result));
  }
  out.resize(written);
  return out;
}

absl::StatusOr<std::string> GzipDecompress(absl::string_view gzipped, size_t max_size) {
  if (gzipped.size() > kMaxOneCallBytes || max_size > kMaxOneCallBytes) {
    return absl::ResourceExhaustedError("gunzip: too large");
  }
  z_stream stream{};
  if (inflateInit2(&stream, kGzipWindowBits) != Z_OK) {
    return absl::InternalError("gunzip: inflateInit2 failed");
  }
  std::string out(max_size, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gzipped.data()));
  stream.avail_in = static_cast<uInt>(gzipped.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = inflate(&stream, Z_FINISH);
  const size_t written = out.size() - stream.avail_out;
  const bool trailing = stream.avail_in != 0;
  inflateEnd(&stream);
  if (result != Z_STREAM_END) {
    return absl::InvalidArgumentError(absl::StrCat(
        "gunzip: ", result == Z_BUF_ERROR && written == max_size ? "larger than the limit"
                                                                 : "not one complete gzip member"));
  }
  if (trailing) return absl::InvalidArgumentError("gunzip: bytes after the gzip member");
  out.resize(written);
  return out;
}

}  // namespace aquatic::http
