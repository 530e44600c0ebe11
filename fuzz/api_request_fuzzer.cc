// Fuzz target: the management API's request handling, from the bytes of one
// connection to each answer: RequestHeadParser, RouteRequest, the token
// check and ApiHandler over a tracker runtime with some torrents (no
// sockets, no storage).
//
// Invariants: every answer has a status the API uses; its JSON body is one
// well-formed JSON value; a request without the token is answered 200 only
// by /health; the configured token never appears in an answer.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "codec/runtime/json.h"
#include "fuzz/fuzz_check.h"
#include "tracker/api/api_handler.h"
#include "tracker/api/api_request.h"
#include "tracker/base/config/tracker.pb.h"
#include "tracker/server/http/http_exchange.h"
#include "tracker/server/runtime.h"

namespace {

using aquatic::Runtime;
using aquatic::api::ApiAnswer;
using aquatic::api::ApiHandler;
using aquatic::codec::JsonScanner;
using aquatic::http::RequestHeadParser;

constexpr char kToken[] = "fuzz-token-0123456789";

struct World {
  std::unique_ptr<Runtime> runtime;
  std::unique_ptr<ApiHandler> handler;
};

World& TheWorld() {
  static World* world = [] {
    auto* made = new World;
    aquatic::config::TrackerConfig config;
    config.set_socket_workers(1);
    config.mutable_storage()->set_backend(aquatic::config::STORAGE_BACKEND_NONE);
    config.mutable_api()->set_enabled(true);
    config.mutable_api()->add_access_tokens(kToken);
    made->runtime = *Runtime::Create(config, /*store_peer_ids=*/false);
    auto& engine = made->runtime->swarms().ip<aquatic::swarm::NoPeerData>();
    for (uint8_t i = 0; i < 4; ++i) {
      aquatic::InfoHash hash{};
      hash.fill(static_cast<uint8_t>(0x11 * i));
      engine.Restore(hash, i + 1);
    }
    made->handler = std::make_unique<ApiHandler>(made->runtime.get(), config.api());
    return made;
  }();
  return *world;
}

bool IsOneJsonValue(absl::string_view text) {
  JsonScanner scanner(text);
  for (int i = 0; i < 100000; ++i) {
    const JsonScanner::Token token = scanner.Next();
    if (token == JsonScanner::Token::kEnd) return true;
    if (token == JsonScanner::Token::kError) return false;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& world = TheWorld();
  const absl::string_view stream(reinterpret_cast<const char*>(data), size);
  RequestHeadParser parser("", 8192);
  size_t offset = 0;
  for (int requests = 0; requests < 16 && offset < stream.size(); ++requests) {
    size_t consumed = 0;
    if (parser.Parse(stream.substr(offset), &consumed) != RequestHeadParser::Status::kComplete) {
      break;
    }
    FUZZ_CHECK(consumed > 0);
    offset += consumed;
    const aquatic::http::RequestHead& head = parser.head();
    const ApiAnswer answer = world.handler->Handle(head);
    FUZZ_CHECK(answer.status == 200 || answer.status == 400 || answer.status == 401 ||
               answer.status == 404 || answer.status == 405 || answer.status == 409 ||
               answer.status == 500);
    if (answer.content_type == "application/json") FUZZ_CHECK(IsOneJsonValue(answer.body));
    FUZZ_CHECK(!absl::StrContains(answer.body, kToken));
    const bool has_token = absl::StrContains(head.authorization, kToken) ||
                           absl::StrContains(head.target, "token=");
    if (answer.status == 200 && !has_token) {
      const aquatic::api::Route route = aquatic::api::RouteRequest(head.method, head.target);
      FUZZ_CHECK(route.error_status == 0 &&
                 route.request.endpoint == aquatic::api::Endpoint::kHealth);
    }
    parser.Reset();
  }
  return 0;
}
