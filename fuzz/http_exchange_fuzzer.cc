// Fuzz target: RequestHeadParser and AppendResponse, the HTTP framing of the
// HTTP tracker's sessions. Input: one byte choosing where to split, then the
// bytes a client sends on one connection (pipelined requests, garbage).
//
// Invariants: the requests found do not depend on how the bytes arrive
// (whole, in two reads, or one byte at a time, as a session appends them to
// its buffer). Only the verdict on an unfinished head may: Beast rejects a bad
// request line at once when it comes in one piece, and waits for the end of
// the head when it comes in pieces; a session closes the connection either
// way, by the error or by the idle timeout. A complete request consumes at least
// one byte and at most what was buffered; each one's response frames its
// body with a correct Content-Length.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/http_feed.h"
#include "tracker/server/http/http_exchange.h"

namespace {

using aquatic::http::RequestHead;
using aquatic::http::RequestHeadParser;

constexpr size_t kHeaderLimit = 1024;

// What a session would see: each complete request's fields, then how it
// ended ("need more" or "invalid").
struct Outcome {
  std::vector<std::string> requests;
  bool invalid = false;
};

std::string Describe(const RequestHead& head) {
  return absl::StrCat(static_cast<int>(head.method), "|", head.authorization, "|", head.target,
                      "|", head.version, "|", head.keep_alive, "|", head.accept_encoding, "|",
                      head.forwarded_for ? *head.forwarded_for : "<none>");
}

// Feeds `stream` in pieces ending at `cuts` (then the rest), parsing after
// each as a session does.
Outcome Feed(absl::string_view stream, const std::vector<size_t>& cuts) {
  RequestHeadParser parser("X-Forwarded-For", kHeaderLimit);
  Outcome outcome;
  outcome.invalid = aquatic::fuzz::FeedRequests(stream, cuts, parser, [&](const RequestHead& head) {
    FUZZ_CHECK(head.target.size() <= kHeaderLimit);
    outcome.requests.push_back(Describe(head));
    return true;
  });
  return outcome;
}

void CheckResponse(const RequestHead& head, absl::string_view body) {
  aquatic::http::ResponseHead response;
  response.version = head.version;
  response.keep_alive = head.keep_alive;
  std::string out;
  aquatic::http::AppendResponse(response, body, &out);
  const size_t end = out.find("\r\n\r\n");
  FUZZ_CHECK(end != std::string::npos);
  FUZZ_CHECK(out.size() - end - 4 == body.size());
  FUZZ_CHECK(out.find(absl::StrCat("\r\nContent-Length: ", body.size(), "\r\n")) < end);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const absl::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
  const size_t cut = data[0] * stream.size() / 256;

  const Outcome whole = Feed(stream, {});
  FUZZ_CHECK(Feed(stream, {cut}).requests == whole.requests);
  if (stream.size() <= 512) {
    std::vector<size_t> every_byte;
    for (size_t i = 1; i < stream.size(); ++i) every_byte.push_back(i);
    FUZZ_CHECK(Feed(stream, every_byte).requests == whole.requests);
  }

  RequestHeadParser parser("", kHeaderLimit);
  size_t consumed = 0;
  if (parser.Parse(stream, &consumed) == RequestHeadParser::Status::kComplete) {
    CheckResponse(parser.head(), parser.head().target);
  }
  return 0;
}
