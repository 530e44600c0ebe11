// UdpRequestHandler without sockets: the datagrams a socket worker drops or
// answers cost no heap allocation (counted by replacing the global operator
// new in this test binary), and peers keep their peer ids when the engine
// stores them (a process that also serves HTTP).
#include "tracker/udp/request_handler.h"

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#include "codec/runtime/big_endian.h"
#include "codec/udp/udp.codec.h"
#include "gtest/gtest.h"

namespace {

std::atomic<size_t> allocations{0};

}  // namespace

void* operator new(size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* memory = std::malloc(size == 0 ? 1 : size)) return memory;
  throw std::bad_alloc();
}
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, size_t) noexcept { std::free(memory); }

namespace aquatic::udp {
namespace {

namespace wire = ::aquatic::codec::udp;

template <typename PeerData>
class Harness {
 public:
  Harness()
      : access_list_(AccessListMode::kOff, "", *AccessList::Parse(AccessListMode::kOff, "", "t")),
        handler_(UdpProtocolSettings{}, &engine_, &connection_ids_, &access_list_,
                 counters_.ForWorker(0), 7),
        source_(*SocketAddress::Parse("127.0.0.1:6881")) {}

  size_t Handle(const std::vector<uint8_t>& datagram) {
    return handler_.Handle(datagram, source_, /*now=*/10, kUnixNow, absl::MakeSpan(answer_));
  }

  template <typename Message>
  std::vector<uint8_t> Bytes(const Message& message) {
    std::vector<uint8_t> bytes(wire::SerializedSize(message));
    EXPECT_TRUE(wire::Serialize(message, absl::MakeSpan(bytes)).ok());
    return bytes;
  }

  uint64_t Connect() {
    wire::ConnectRequest connect;
    connect.transaction_id = 1;
    const size_t size = Handle(Bytes(connect));
    wire::ConnectResponse response;
    EXPECT_TRUE(wire::Parse(absl::MakeConstSpan(answer_.data(), size), &response).ok());
    return response.connection_id;
  }

  wire::AnnounceRequest Announce(uint64_t connection_id, uint16_t port, char peer_id) {
    wire::AnnounceRequest announce;
    announce.connection_id = connection_id;
    announce.transaction_id = 2;
    announce.info_hash.fill(0x42);
    announce.peer_id.fill(static_cast<uint8_t>(peer_id));
    announce.left = 1;
    announce.num_want = -1;
    announce.port = port;
    return announce;
  }

  const Counters<UdpCounter>& counters() const { return counters_; }
  swarm::IpTorrentEngine<PeerData>& engine() { return engine_; }
  absl::Span<const uint8_t> answer(size_t size) const {
    return absl::MakeConstSpan(answer_.data(), size);
  }

 private:
  static constexpr uint64_t kUnixNow = 1'000'000;
  swarm::IpTorrentEngine<PeerData> engine_{4};
  ConnectionIds connection_ids_{120, 1, 2};
  AccessListHolder access_list_;
  Counters<UdpCounter> counters_{1};
  UdpRequestHandler<PeerData> handler_;
  SocketAddress source_;
  std::vector<uint8_t> answer_ = std::vector<uint8_t>(kMaxResponseSize);
};

// Everything a flood of bad datagrams exercises, and the requests a busy
// tracker answers most, with the swarm already holding the peer.
TEST(UdpRequestHandlerTest, DroppedAndAnsweredDatagramsAllocateNothing) {
  Harness<swarm::NoPeerData> harness;
  const uint64_t connection_id = harness.Connect();
  const std::vector<uint8_t> first = harness.Bytes(harness.Announce(connection_id, 6881, 'a'));
  ASSERT_GT(harness.Handle(first), 0u);  // the peer and its torrent exist now

  std::vector<std::vector<uint8_t>> datagrams;
  for (size_t length = 0; length < 16; ++length) {
    datagrams.push_back(std::vector<uint8_t>(length, 0xab));  // shorter than a header
  }
  std::vector<uint8_t> unknown_action(16, 0);
  codec::StoreU32(unknown_action.data() + 8, 7);
  datagrams.push_back(unknown_action);
  std::vector<uint8_t> bad_protocol_id = harness.Bytes(wire::ConnectRequest{});
  codec::StoreU64(bad_protocol_id.data(), 0x1234);
  datagrams.push_back(bad_protocol_id);
  datagrams.push_back(harness.Bytes(harness.Announce(/*connection_id=*/99, 6881, 'a')));
  std::vector<uint8_t> truncated = first;
  truncated.resize(40);
  datagrams.push_back(truncated);  // a connected client: an error reply
  std::vector<uint8_t> truncated_unconnected = truncated;
  codec::StoreU64(truncated_unconnected.data(), 99);
  datagrams.push_back(truncated_unconnected);  // dropped
  datagrams.push_back(std::vector<uint8_t>(2049, 0));  // longer than any request
  datagrams.push_back(harness.Bytes(wire::ConnectRequest{}));
  datagrams.push_back(first);  // the same peer again

  const size_t before = allocations.load();
  size_t answered = 0;
  for (int round = 0; round < 100; ++round) {
    for (const std::vector<uint8_t>& datagram : datagrams) {
      answered += harness.Handle(datagram) > 0 ? 1 : 0;
    }
  }
  EXPECT_EQ(allocations.load() - before, 0u);
  EXPECT_EQ(answered, 300u);  // the error reply, the connect, the announce
  EXPECT_EQ(harness.counters().Total(UdpCounter::kDropped), 100u * (datagrams.size() - 3));
  EXPECT_EQ(harness.counters().Total(UdpCounter::kErrorResponses), 100u);
}

// Where the process also serves HTTP, UDP peers keep their peer id for its
// non-compact responses.
TEST(UdpRequestHandlerTest, PeerIdsAreKeptWhenTheEngineStoresThem) {
  Harness<swarm::PeerIdData> harness;
  const uint64_t connection_id = harness.Connect();
  ASSERT_GT(harness.Handle(harness.Bytes(harness.Announce(connection_id, 6881, 'a'))), 0u);
  ASSERT_GT(harness.Handle(harness.Bytes(harness.Announce(connection_id, 6882, 'b'))), 0u);
  std::vector<std::array<uint8_t, 20>> peer_ids;
  swarm::IpTorrentEngine<swarm::PeerIdData>::Announce<swarm::PeerAddressV4> probe;
  probe.key.ip = {127, 0, 0, 2};
  probe.key.port = 1;
  harness.engine().template AnnounceAndSelect<swarm::PeerAddressV4>(
      [] {
        InfoHash hash;
        hash.fill(0x42);
        return hash;
      }(),
      probe, 10, 0,
      [&peer_ids](const auto& peer) { peer_ids.push_back(peer.peer_id); });
  ASSERT_EQ(peer_ids.size(), 2u);
  std::array<uint8_t, 20> a;
  std::array<uint8_t, 20> b;
  a.fill('a');
  b.fill('b');
  EXPECT_TRUE((peer_ids[0] == a && peer_ids[1] == b) || (peer_ids[0] == b && peer_ids[1] == a));
}

}  // namespace
}  // namespace aquatic::udp
