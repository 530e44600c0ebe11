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

// `data` as a gzip member (RFC 1952), fastest compression level. Inputs over
// 2 GiB are refused (ResourceExhausted).
absl::StatusOr<std::string> GzipCompress(absl::string_view data);

// The contents of one gzip member; an error when it is not exactly one
// complete member or would inflate to more than `max_size` bytes. (The
// tracker never receives gzip; the tests check what it sends with this.)
absl::StatusOr<std::string> GzipDecompress(absl::string_view gzipped, size_t max_size);

}  // namespace aquatic::http

#endif  // AQUATIC_TRACKER_HTTP_GZIP_ENCODING_H_
