// Fuzz target: one HTTP tracker connection from the client's bytes to the
// tracker's: pipelined requests, split across reads anywhere, framed by
// RequestHeadParser, answered by the HTTP request handler over one swarm
// engine, each answer framed by AppendResponse, as a session does.
//
// Input: one byte choosing where to split, one flags byte (bit 0: the client
// is IPv6), then the bytes the client sends.
//
// Invariants: what the tracker sends back does not depend on how the
// client's bytes arrive (whole, in two reads, or one byte at a time): the
// same answers, byte for byte, to the same requests (the engine and its
// random choices start afresh each time); each answer is framed by its
// Content-Length; announce and scrape paths answer 200 with a bencoded
// announce, scrape or failure that parses, anything else 404.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "codec/http/http.codec.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/http_feed.h"
#include "tracker/admission/key_path.h"
#include "tracker/http/request_handler.h"
#include "tracker/server/http/http_exchange.h"

namespace {

using namespace aquatic;  // NOLINT: fuzz target brevity
namespace wire = aquatic::codec::http;

constexpr size_t kHeaderLimit = 1024;

struct Tracker {
  http::HttpTorrentEngine engine{4};
  AccessListHolder access_list{AccessListMode::kOff, "",
                               *AccessList::Parse(AccessListMode::kOff, "", "fuzz")};
  Counters<http::HttpCounter> counters{1};
  http::HttpRequestHandler handler{
      http::HttpProtocolSettings{4, 50, 120, /*enable_full_scrape=*/true}, &engine, &access_list,
      counters.ForWorker(0), 7};
};

void CheckAnswer(absl::string_view target, const http::HttpAnswer& answer) {
  const admission::KeyedPath path =
      admission::SplitKeyedPath(target.substr(0, target.find('?')));
  if (path.route != "/announce" && path.route != "/scrape") {
    FUZZ_CHECK(answer.status == 404);
    return;
  }
  FUZZ_CHECK(answer.status == 200);
  wire::FailureResponse failure;
  wire::AnnounceResponse announce;
  wire::ScrapeResponse scrape;
  FUZZ_CHECK(wire::Parse(answer.body, &failure).ok() ||
             (path.route == "/announce" && wire::Parse(answer.body, &announce).ok()) ||
             (path.route == "/scrape" && wire::Parse(answer.body, &scrape).ok()));
}

// What the tracker sends on the connection when the client's bytes arrive
// in pieces ending at `cuts`.
std::string Session(absl::string_view stream, const std::vector<size_t>& cuts, bool ipv6) {
  auto tracker = std::make_unique<Tracker>();
  const std::optional<SocketAddress> peer =
      *SocketAddress::Parse(ipv6 ? "[::1]:6881" : "127.0.0.1:6881");
  http::RequestHeadParser parser("", kHeaderLimit);
  std::string sent;
  uint32_t now = 1;
  // Whether the stream ends in a refused head may depend on the split (see
  // http_exchange_fuzzer); the answers before it may not.
  fuzz::FeedRequests(stream, cuts, parser, [&](const http::RequestHead& head) {
    const http::HttpAnswer answer = tracker->handler.Handle(head.target, peer, now++);
    CheckAnswer(head.target, answer);
    http::ResponseHead response;
    response.status = answer.status;
    response.version = head.version;
    response.keep_alive = head.keep_alive;
    const size_t before = sent.size();
    http::AppendResponse(response, answer.body, &sent);
    // A client reads the answer by its Content-Length: the header says the
    // body's size, and the body follows the head.
    const absl::string_view appended = absl::string_view(sent).substr(before);
    const size_t end = appended.find("\r\n\r\n");
    FUZZ_CHECK(end != absl::string_view::npos);
    constexpr absl::string_view kLength = "\r\nContent-Length: ";
    const size_t length_at = appended.substr(0, end).find(kLength);
    FUZZ_CHECK(length_at != absl::string_view::npos);
    size_t length = 0;
    const absl::string_view digits = appended.substr(length_at + kLength.size());
    FUZZ_CHECK(absl::SimpleAtoi(digits.substr(0, digits.find("\r\n")), &length));
    FUZZ_CHECK(length == answer.body.size());
    FUZZ_CHECK(appended.substr(end + 4) == answer.body);
    // After a request that closes the connection, nothing more is read.
    return head.keep_alive;
  });
  return sent;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const bool ipv6 = data[1] & 1;
  const absl::string_view stream(reinterpret_cast<const char*>(data + 2),
                                 std::min<size_t>(size - 2, 4096));
  const size_t cut = data[0] * stream.size() / 256;

  const std::string whole = Session(stream, {}, ipv6);
  FUZZ_CHECK(Session(stream, {cut}, ipv6) == whole);
  if (stream.size() <= 512) {
    std::vector<size_t> every_byte;
    for (size_t i = 1; i < stream.size(); ++i) every_byte.push_back(i);
    FUZZ_CHECK(Session(stream, every_byte, ipv6) == whole);
  }
  return 0;
}
