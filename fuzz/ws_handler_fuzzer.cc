// Fuzz target: the WebTorrent tracker's message path (codec + access list +
// swarm engine + offer/answer relay), as a socket worker runs it, with fake
// connections instead of sockets.
//
// Input: one flags byte, then one client text message. Flags bits 0-1: which
// of four connections sends it; bit 2: that connection closes (and a new one
// takes its slot) before sending; bit 3: new connections are IPv6; bits 4-5:
// the clock moves on; bits 6-7 both set: cleaning runs. State persists across
// inputs, as it does in a running tracker. The tracker is private: the first
// three connections opened their socket with the valid key (wss://host/KEY),
// the fourth without one; peer ids starting "-XX" are denied.
//
// Invariants: every reply and every relayed message is one JSON object the
// codec parses as a tracker message; swarm counters never go negative; the
// keyless connection gets only error replies and makes no other connection
// receive anything.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "codec/runtime/latin1.h"
#include "codec/ws/ws.codec.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/private_admission.h"
#include "tracker/ws/ws_handler.h"
#include "tracker/ws/ws_metrics.h"

namespace {

using namespace aquatic;      // NOLINT: fuzz target brevity
using namespace aquatic::ws;  // NOLINT
namespace wire = aquatic::codec::ws;

class RecordingSink : public swarm::WsPeerSink {
 public:
  void Deliver(std::string message) override { messages.push_back(std::move(message)); }
  std::vector<std::string> messages;
};

struct Connection {
  std::shared_ptr<RecordingSink> sink;
  WsConnectionState state;
};

using aquatic::fuzz::PrivateAdmission;

constexpr char kKeyPath[] = "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";  // "/" + kFuzzKey
constexpr size_t kKeylessConnection = 3;


struct State {
  swarm::WsTorrentEngine engine{4};
  AccessListHolder access_list{AccessListMode::kDeny, "",
                               *AccessList::Parse(AccessListMode::kDeny,
                                                  "6464646464646464646464646464646464646464\n",
                                                  "fuzz")};
  Counters<WsCounter> counters{1};
  std::unique_ptr<admission::Admission> admission = PrivateAdmission();
  WsRequestHandler handler{WsProtocolSettings{255, 3, 120}, &engine, &access_list,
                           counters.ForWorker(0), 42, admission.get()};
  std::array<Connection, 4> connections;
  uint32_t now = 1;

  void Open(Connection& connection, bool ipv6) {
    connection.sink = std::make_shared<RecordingSink>();
    connection.state = WsConnectionState();
    connection.state.sink = connection.sink;
    connection.state.ipv6 = ipv6;
    connection.state.SetKeyFromTarget(&connection == &connections[kKeylessConnection] ? "/announce"
                                                                                      : kKeyPath);
  }
};

bool IsTrackerMessage(const std::string& text) {
  wire::AnnounceResponse announce;
  wire::ScrapeResponse scrape;
  wire::ErrorResponse error;
  wire::OfferMessage offer;
  wire::AnswerMessage answer;
  return wire::Parse(text, &announce).ok() || wire::Parse(text, &scrape).ok() ||
         wire::Parse(text, &error).ok() || wire::Parse(text, &offer).ok() ||
         wire::Parse(text, &answer).ok();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<State> state = [] {
    auto s = std::make_unique<State>();
    for (Connection& connection : s->connections) s->Open(connection, false);
    return s;
  }();
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  state->now += (flags >> 4) & 3;
  // Torrents with a completed count stay after their peers leave: start
  // over now and then, so that memory stays bounded.
  if (state->engine.StoredTorrents() > 256) {
    for (Connection& any : state->connections) state->handler.HandleClose(any.state, state->now);
    state = std::make_unique<State>();
    for (Connection& any : state->connections) state->Open(any, false);
  }
  Connection& connection = state->connections[flags & 3];
  if (flags & 4) {
    state->handler.HandleClose(connection.state, state->now);
    state->Open(connection, (flags & 8) != 0);
  }
  if ((flags & 0xc0) == 0xc0) {
    state->engine.Clean(state->now > 5 ? state->now - 5 : 0, state->now > 3 ? state->now - 3 : 0);
  }

  std::vector<std::string> replies;
  const WsMessageOutcome outcome =
      state->handler.HandleMessage(text, connection.state, state->now, &replies);
  FUZZ_CHECK((outcome == WsMessageOutcome::kInvalidUtf8) == !aquatic::codec::IsValidUtf8(text));
  FUZZ_CHECK(outcome == WsMessageOutcome::kHandled || replies.empty());
  FUZZ_CHECK(replies.size() <= 1);
  for (const std::string& reply : replies) FUZZ_CHECK(IsTrackerMessage(reply));
  if ((flags & 3) == kKeylessConnection) {
    wire::ErrorResponse error;
    for (const std::string& reply : replies) FUZZ_CHECK(wire::Parse(reply, &error).ok());
    for (Connection& any : state->connections) FUZZ_CHECK(any.sink->messages.empty());
  }
  for (Connection& any : state->connections) {
    for (const std::string& message : any.sink->messages) FUZZ_CHECK(IsTrackerMessage(message));
    any.sink->messages.clear();
  }
  const SwarmStats stats = state->engine.Stats();
  FUZZ_CHECK(stats.peers_ipv4 >= 0 && stats.peers_ipv6 >= 0 && stats.torrents >= 0);
  FUZZ_CHECK(stats.seeders >= 0 && stats.seeders <= stats.peers_ipv4 + stats.peers_ipv6);
  return 0;
}
