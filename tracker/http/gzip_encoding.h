// gzip content coding for large HTTP responses (the full scrape), and the
// Accept-Encoding check that decides whether a client may receive it.
#ifndef AQUATIC_TRACKER_HTTP_GZIP_ENCODING_H_
#define AQUATIC_TRACKER_HTTP_GZIP_ENCODING_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace aquatic::http {

// True when an Accept-Encoding value (RFC 9110 section 12.5.3) admits gzip:
// `gzip`, `x-gzip` or `*` with a quality above zero, and no `gzip;q=0`.
bool AcceptsGzip(absl::string_view accept_encoding);

// `data` as a gzip member (RFC 1952), default compression level.
absl::StatusOr<std::string> GzipCompress(absl::string_view data);

}  // namespace aquatic::http

#endif  // AQUATIC_TRACKER_HTTP_GZIP_ENCODING_H_
