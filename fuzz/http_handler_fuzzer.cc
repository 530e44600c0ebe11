// Fuzz target: the HTTP tracker's request path (codec + access list + swarm
// engine) as a session calls it with a request target.
//
// Input: one flags byte (bit 0: IPv6 peer, bit 1: no usable reverse-proxy
// address, bit 2: a private tracker's handler, with one valid key kFuzzKey and a
// client filter denying "-XX"), then the request target. State persists
// across inputs.
//
// Invariants: announce and scrape paths (/announce, /announce/KEY,
// /KEY/announce, likewise scrape) always get 200 with a bencoded response or
// failure that parses; anything else is a 404. The private handler answers
// with peers or statistics only for a path holding the valid key.
#include <cstdint>
#include <memory>
#include <string>

#include "codec/http/http.codec.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/private_admission.h"
#include "tracker/admission/key_path.h"
#include "tracker/http/http_metrics.h"
#include "tracker/http/request_handler.h"

namespace {

using namespace aquatic;  // NOLINT: fuzz target brevity
namespace wire = aquatic::codec::http;

using aquatic::fuzz::kFuzzKey;
using aquatic::fuzz::PrivateAdmission;


struct State {
  http::HttpTorrentEngine engine{4};
  AccessListHolder access_list{AccessListMode::kDeny, "",
                               *AccessList::Parse(AccessListMode::kDeny,
                                                  "6464646464646464646464646464646464646464\n",
                                                  "fuzz")};
  Counters<http::HttpCounter> counters{1};
  http::HttpRequestHandler handler{
      http::HttpProtocolSettings{4, 50, 120, /*enable_full_scrape=*/true}, &engine, &access_list,
      counters.ForWorker(0), 7};
  std::unique_ptr<admission::Admission> admission = PrivateAdmission();
  http::HttpRequestHandler private_handler{
      http::HttpProtocolSettings{4, 50, 120, /*enable_full_scrape=*/true},
      &engine,
      &access_list,
      counters.ForWorker(0),
      8,
      admission.get()};
  uint32_t now = 1;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<State> state = std::make_unique<State>();
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  const std::string target(reinterpret_cast<const char*>(data + 1), size - 1);
  std::optional<SocketAddress> peer;
  if (!(flags & 2)) peer = *SocketAddress::Parse((flags & 1) ? "[::1]:0" : "127.0.0.1:0");
  state->now += flags >> 6;
  // Keep the engine small: full scrapes walk all of it, and torrents with a
  // completed count stay after their peers leave.
  if (state->engine.StoredTorrents() > 64) state = std::make_unique<State>();
  const bool private_tracker = flags & 4;
  const http::HttpAnswer answer =
      (private_tracker ? state->private_handler : state->handler).Handle(target, peer, state->now);

  const admission::KeyedPath path =
      admission::SplitKeyedPath(absl::string_view(target).substr(0, target.find('?')));
  if (path.route != "/announce" && path.route != "/scrape") {
    FUZZ_CHECK(answer.status == 404);
    return 0;
  }
  FUZZ_CHECK(answer.status == 200);
  wire::FailureResponse failure;
  wire::AnnounceResponse announce;
  wire::ScrapeResponse scrape;
  const bool failed = wire::Parse(answer.body, &failure).ok();
  FUZZ_CHECK(failed || (path.route == "/announce" && wire::Parse(answer.body, &announce).ok()) ||
             (path.route == "/scrape" && wire::Parse(answer.body, &scrape).ok()));
  if (private_tracker && !failed) FUZZ_CHECK(path.key == kFuzzKey);
  return 0;
}
