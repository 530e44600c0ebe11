// Feeding the bytes of one HTTP connection to RequestHeadParser as a session
// does: appended to a buffer piece by piece, parsed after each piece, every
// complete request taken off the front. Shared by the HTTP fuzz targets.
#ifndef AQUATIC_FUZZ_HTTP_FEED_H_
#define AQUATIC_FUZZ_HTTP_FEED_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "tracker/server/http/http_exchange.h"

namespace aquatic::fuzz {

// Feeds `stream` in pieces ending at `cuts` (ascending, then the rest) to
// `parser`, and calls `on_request(const http::RequestHead&)` for each complete
// request, in order; `on_request` returns false when the session would close
// after it. Returns true if the stream went on into a head the parser
// refused. Checks that a complete request consumes at least one byte and at
// most what was buffered, and that the parser asks for more or refuses
// without consuming anything.
template <typename OnRequest>
bool FeedRequests(absl::string_view stream, const std::vector<size_t>& cuts,
                  http::RequestHeadParser& parser, OnRequest&& on_request) {
  std::string buffer;
  size_t fed = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(stream.size());
  for (size_t end : ends) {
    const absl::string_view piece = stream.substr(fed, end - fed);
    buffer.append(piece.data(), piece.size());
    fed = end;
    while (true) {
      size_t consumed = 0;
      const http::RequestHeadParser::Status status = parser.Parse(buffer, &consumed);
      if (status == http::RequestHeadParser::Status::kNeedMore) {
        FUZZ_CHECK(consumed == 0);
        break;
      }
      if (status == http::RequestHeadParser::Status::kInvalid) {
        FUZZ_CHECK(consumed == 0);
        return true;
      }
      FUZZ_CHECK(consumed > 0 && consumed <= buffer.size());
      if (!on_request(parser.head())) return false;
      buffer.erase(0, consumed);
      parser.Reset();
    }
  }
  return false;
}

}  // namespace aquatic::fuzz

#endif  // AQUATIC_FUZZ_HTTP_FEED_H_
