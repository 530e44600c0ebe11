// Fuzz target: the UDP tracker's request path (codec + connection ids +
// access list + swarm engine), as a socket worker runs it.
//
// Input: one flags byte, then the datagram. Flag bit 0: the source is IPv6;
// bit 1: replace bytes 0..7 with a valid connection id, so the fuzzer gets
// past the id check into the engine; bit 2: a private tracker's handler (one
// valid key, kFuzzKey, and a client filter denying "-XX") instead of an open
// one. State persists across inputs, as it does in a running tracker.
//
// Invariants: a reply fits the response buffer, parses as a response, and
// carries the request's transaction id; the private handler answers an
// announce with peers only when its BEP 41 URL data holds the valid key and
// its peer id is not denied, and never answers a scrape with statistics.
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "codec/runtime/big_endian.h"
#include "codec/udp/udp.codec.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/private_admission.h"
#include "tracker/admission/key_path.h"
#include "tracker/udp/request_handler.h"
#include "tracker/udp/udp_metrics.h"

namespace {

using namespace aquatic;  // NOLINT: fuzz target brevity
namespace wire = aquatic::codec::udp;

using aquatic::fuzz::kFuzzKey;
using aquatic::fuzz::PrivateAdmission;


struct State {
  swarm::IpTorrentEngine<swarm::NoPeerData> engine{4};
  ConnectionIds connection_ids{120, 1, 2};
  AccessListHolder access_list{AccessListMode::kDeny, "",
                               *AccessList::Parse(AccessListMode::kDeny,
                                                  "dddddddddddddddddddddddddddddddddddddddd\n",
                                                  "fuzz")};
  Counters<udp::UdpCounter> counters{1};
  udp::UdpRequestHandler<swarm::NoPeerData> handler{
      udp::UdpProtocolSettings{}, &engine, &connection_ids, &access_list, counters.ForWorker(0),
      42};
  std::unique_ptr<admission::Admission> admission = PrivateAdmission();
  udp::UdpRequestHandler<swarm::NoPeerData> private_handler{
      udp::UdpProtocolSettings{}, &engine,          &connection_ids, &access_list,
      counters.ForWorker(0),      43,               admission.get()};
  uint32_t now = 1;
};

SocketAddress Source(bool ipv6) {
  return *SocketAddress::Parse(ipv6 ? "[::1]:6881" : "127.0.0.1:6881");
}

template <typename Response>
bool ParsesAs(absl::Span<const uint8_t> reply, uint32_t transaction_id) {
  Response response;
  return wire::Parse(reply, &response).ok() && response.transaction_id == transaction_id;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<State> state = std::make_unique<State>();
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  std::vector<uint8_t> datagram(data + 1, data + size);
  const SocketAddress source = Source(flags & 1);
  constexpr uint64_t kUnixNow = 1'000'000;
  if ((flags & 2) && datagram.size() >= 8) {
    const uint64_t id = state->connection_ids.Issue(source.ip_bytes(), kUnixNow);
    codec::StoreU64(datagram.data(), id);
  }
  // Time moves on slowly, and cleaning runs now and then.
  state->now += flags >> 6;
  if ((flags & 0x3c) == 0x3c) state->engine.RemoveStale(state->now > 5 ? state->now - 5 : 0);
  // Torrents with a completed count stay after their peers leave: start
  // over now and then, so that memory stays bounded.
  if (state->engine.StoredTorrents() > 256) state = std::make_unique<State>();

  const bool private_tracker = flags & 4;
  auto& handler = private_tracker ? state->private_handler : state->handler;
  std::vector<uint8_t> reply(udp::kMaxResponseSize);
  // As a socket worker drives it: the hint, the datagram, the batch's end.
  handler.Prefetch(datagram);
  const size_t reply_size =
      handler.Handle(datagram, source, state->now, kUnixNow, absl::MakeSpan(reply));
  handler.EndBatch();
  FUZZ_CHECK(reply_size <= udp::kMaxResponseSize);
  if (reply_size == 0) return 0;
  reply.resize(reply_size);
  FUZZ_CHECK(datagram.size() >= 16);
  const uint32_t transaction_id = codec::LoadU32(datagram.data() + 12);
  FUZZ_CHECK(ParsesAs<wire::ConnectResponse>(reply, transaction_id) ||
             ParsesAs<wire::ErrorResponse>(reply, transaction_id) ||
             ParsesAs<wire::ScrapeResponse>(reply, transaction_id) ||
             ((flags & 1) ? ParsesAs<wire::AnnounceResponseV6>(reply, transaction_id)
                          : ParsesAs<wire::AnnounceResponseV4>(reply, transaction_id)));
  if (private_tracker) {
    FUZZ_CHECK(!ParsesAs<wire::ScrapeResponse>(reply, transaction_id));
    const bool peers = (flags & 1) ? ParsesAs<wire::AnnounceResponseV6>(reply, transaction_id)
                                   : ParsesAs<wire::AnnounceResponseV4>(reply, transaction_id);
    if (peers) {
      wire::AnnounceRequest request;
      FUZZ_CHECK(wire::Parse(datagram, &request).ok());
      FUZZ_CHECK(admission::SplitKeyedPath(request.url_data.view()).key == kFuzzKey);
      const absl::string_view denied = aquatic::fuzz::kDeniedClient;
      FUZZ_CHECK(std::memcmp(request.peer_id.data(), denied.data(), denied.size()) != 0);
    }
  }
  return 0;
}
