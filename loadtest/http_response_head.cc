#include "loadtest/http_response_head.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"

namespace aquatic::loadtest {
namespace {

bool ContainsIgnoreCase(absl::string_view haystack, absl::string_view needle) {
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (absl::EqualsIgnoreCase(haystack.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

}  // namespace

HeadParse ParseHttpResponseHead(absl::string_view data, HttpResponseHead* head) {
  const size_t end = data.find("\r\n\r\n");
  if (end == absl::string_view::npos) return HeadParse::kIncomplete;
  *head = HttpResponseHead();
  head->header_length = end + 4;
  absl::string_view rest = data.substr(0, end + 2);  // every line ends in CRLF

  // Status line: HTTP/1.x SP 3DIGIT [SP reason]
  size_t eol = rest.find("\r\n");
  const absl::string_view status_line = rest.substr(0, eol);
  rest.remove_prefix(eol + 2);
  if (status_line.size() < 12 || !absl::StartsWith(status_line, "HTTP/1.") ||
      status_line[8] != ' ') {
    return HeadParse::kInvalid;
  }
  const bool http10 = status_line[7] == '0';
  int status = 0;
  if (!absl::SimpleAtoi(status_line.substr(9, 3), &status) || status < 100 || status > 999 ||
      (status_line.size() > 12 && status_line[12] != ' ')) {
    return HeadParse::kInvalid;
  }
  head->status = status;
  bool keep_alive_header = false;
  bool close_header = false;
  while (!rest.empty()) {
    eol = rest.find("\r\n");
    const absl::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol + 2);
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos || colon == 0) return HeadParse::kInvalid;
    const absl::string_view name = line.substr(0, colon);
    const absl::string_view value = absl::StripAsciiWhitespace(line.substr(colon + 1));
    if (absl::EqualsIgnoreCase(name, "content-length")) {
      uint64_t length = 0;
      if (!absl::SimpleAtoi(value, &length) || length > (uint64_t{1} << 40)) {
        return HeadParse::kInvalid;
      }
      head->content_length = static_cast<int64_t>(length);
    } else if (absl::EqualsIgnoreCase(name, "connection")) {
      if (ContainsIgnoreCase(value, "close")) close_header = true;
      if (ContainsIgnoreCase(value, "keep-alive")) keep_alive_header = true;
    } else if (absl::EqualsIgnoreCase(name, "transfer-encoding")) {
      if (ContainsIgnoreCase(value, "chunked")) head->chunked = true;
    }
  }
  head->close = close_header || (http10 && !keep_alive_header);
  return HeadParse::kComplete;
}

}  // namespace aquatic::loadtest
