// Fuzz target: whole UDP tracker sessions against one engine, checked
// against a model after every step.
//
// Input: a sequence of 2-byte steps, each a request one of eight clients
// sends (four IPv4 sources, 127.0.0.1-4, and four on ::1), built with the
// codec and handed to the UDP request handler as a socket worker would:
//   byte 0: bits 0-1 what (0 announce, 1 scrape, 2 connect, 3 time passes and
//           the engine is cleaned); bits 2-4 the client; bits 5-6 the
//           announce's event (none, completed, started, stopped); bit 7 the
//           announce says left = 0 (a seeder)
//   byte 1: announce: bits 0-1 the torrent (of four), bits 2-3 the peer's
//           port (of four per client), bits 4-7 numwant (0: the default);
//           scrape: bits 0-3 which torrents (none: all four); time: the
//           seconds that pass
// Every input starts from an empty engine, so a crash reproduces from its
// input alone.
//
// The model is a plain map of each torrent's peers per address family.
// Invariants after every step: an announce or scrape of a client that has
// not connected is dropped and changes nothing; a connect is answered with
// its transaction id; an announce answer carries the announcing family's
// seeder and leecher counts, exactly as many peers as the swarm can give
// (numwant and the tracker's maximum permitting), each a distinct peer of
// that swarm and family, never the announcer itself, and only leechers to a
// seeder; a scrape answers every torrent asked with both families' counts
// and the downloads completed (one per peer, as the engine counts them).
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "codec/udp/udp.codec.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/swarm_model.h"
#include "tracker/udp/request_handler.h"
#include "tracker/udp/udp_metrics.h"

namespace {

using namespace aquatic;  // NOLINT: fuzz target brevity
namespace wire = aquatic::codec::udp;

constexpr size_t kClients = 8;
constexpr size_t kTorrents = 4;
constexpr uint64_t kUnixNow = 1'000'000;
// Peers not heard from for this long go at a clean.
constexpr uint32_t kPeerAge = 100;
constexpr uint32_t kMaxResponsePeers = 5;

// A peer as the engine knows it: its address (IPv4 in the first 4 bytes) and
// port.
using PeerKey = std::pair<std::array<uint8_t, 16>, uint16_t>;

using ModelTorrent = fuzz::ModelTorrent<PeerKey>;

struct Session {
  swarm::IpTorrentEngine<swarm::NoPeerData> engine{4};
  ConnectionIds connection_ids{120, 1, 2};
  AccessListHolder access_list{AccessListMode::kOff, "",
                               *AccessList::Parse(AccessListMode::kOff, "", "fuzz")};
  Counters<udp::UdpCounter> counters{1};
  udp::UdpRequestHandler<swarm::NoPeerData> handler{
      udp::UdpProtocolSettings{70, kMaxResponsePeers, 900}, &engine, &connection_ids,
      &access_list, counters.ForWorker(0), 42};

  std::array<ModelTorrent, kTorrents> torrents;
  // The connection id each client holds (0: it has not connected).
  std::array<uint64_t, kClients> ids{};
  uint32_t now = 1;
  uint32_t transaction = 0;
};

const SocketAddress& Client(size_t client) {
  static const std::array<SocketAddress, kClients> kSources = {
      *SocketAddress::Parse("127.0.0.1:6881"), *SocketAddress::Parse("127.0.0.2:6881"),
      *SocketAddress::Parse("127.0.0.3:6881"), *SocketAddress::Parse("127.0.0.4:6881"),
      *SocketAddress::Parse("[::1]:6881"),     *SocketAddress::Parse("[::1]:6882"),
      *SocketAddress::Parse("[::1]:6883"),     *SocketAddress::Parse("[::1]:6884")};
  return kSources[client];
}

InfoHash Torrent(size_t index) {
  InfoHash hash{};
  hash.fill(static_cast<uint8_t>(0x10 + index));
  return hash;
}

template <typename Message>
std::vector<uint8_t> Datagram(const Message& message) {
  std::vector<uint8_t> datagram(wire::AnnounceRequest::kMaxSize);
  const absl::StatusOr<size_t> size = wire::Serialize(message, absl::MakeSpan(datagram));
  FUZZ_CHECK(size.ok());
  datagram.resize(*size);
  return datagram;
}

std::vector<uint8_t> Handle(Session& session, size_t client, absl::Span<const uint8_t> datagram) {
  std::vector<uint8_t> reply(udp::kMaxResponseSize);
  udp::UdpRequestHandler<swarm::NoPeerData>& handler = session.handler;
  handler.Prefetch(datagram);
  const size_t size =
      handler.Handle(datagram, Client(client), session.now, kUnixNow, absl::MakeSpan(reply));
  handler.EndBatch();
  FUZZ_CHECK(size <= reply.size());
  reply.resize(size);
  return reply;
}

void Connect(Session& session, size_t client) {
  wire::ConnectRequest request;
  request.transaction_id = ++session.transaction;
  const std::vector<uint8_t> reply = Handle(session, client, Datagram(request));
  wire::ConnectResponse response;
  FUZZ_CHECK(wire::Parse(reply, &response).ok());
  FUZZ_CHECK(response.transaction_id == request.transaction_id);
  session.ids[client] = response.connection_id;
}

// An announce's event on the wire (bits 5-6 of a step's first byte) and
// what the engine makes of it.
struct Event {
  wire::AnnounceEvent wire;
  swarm::PeerEvent engine;
};
constexpr Event kEvents[] = {{wire::AnnounceEvent::kNone, swarm::PeerEvent::kNone},
                             {wire::AnnounceEvent::kCompleted, swarm::PeerEvent::kCompleted},
                             {wire::AnnounceEvent::kStarted, swarm::PeerEvent::kStarted},
                             {wire::AnnounceEvent::kStopped, swarm::PeerEvent::kStopped}};

template <typename Response>
void CheckAnnounceAnswer(const Session& session, const std::vector<uint8_t>& reply,
                         uint32_t transaction_id, size_t torrent_index, size_t family,
                         const PeerKey& self, bool seeder, bool stopped, size_t max_peers) {
  Response response;
  FUZZ_CHECK(wire::Parse(reply, &response).ok());
  FUZZ_CHECK(response.transaction_id == transaction_id);
  const ModelTorrent& torrent = session.torrents[torrent_index];
  FUZZ_CHECK(response.seeders == torrent.Seeders(family));
  FUZZ_CHECK(response.leechers == torrent.Leechers(family));
  const auto& swarm = torrent.swarms[family];
  // A seeder is offered leechers only; nobody is offered itself.
  const size_t offered = seeder ? torrent.Leechers(family) : swarm.size() - (stopped ? 0 : 1);
  FUZZ_CHECK(response.peers.size() == (stopped ? 0 : std::min(max_peers, offered)));
  std::set<PeerKey> seen;
  for (const auto& wire_peer : response.peers) {
    PeerKey key{};
    std::copy(wire_peer.ip.begin(), wire_peer.ip.end(), key.first.begin());
    key.second = wire_peer.port;
    FUZZ_CHECK(key != self);
    FUZZ_CHECK(seen.insert(key).second);
    const auto found = swarm.find(key);
    FUZZ_CHECK(found != swarm.end());
    FUZZ_CHECK(!seeder || !found->second.seeder);
  }
}

void Announce(Session& session, size_t client, uint8_t what, uint8_t detail) {
  const size_t family = client < kClients / 2 ? 0 : 1;
  const size_t torrent = detail & 3;
  const bool seeder = what & 0x80;
  const Event& chosen = kEvents[(what >> 5) & 3];
  const wire::AnnounceEvent event = chosen.wire;
  const uint32_t numwant = detail >> 4;

  wire::AnnounceRequest request;
  request.connection_id = session.ids[client];
  request.transaction_id = ++session.transaction;
  request.info_hash = Torrent(torrent);
  request.peer_id.fill(static_cast<uint8_t>('A' + client));
  request.left = seeder ? 0 : 1000;
  request.event = event;
  request.num_want = numwant == 0 ? -1 : static_cast<int32_t>(numwant);
  request.port = static_cast<uint16_t>(7000 + ((detail >> 2) & 3));
  const std::vector<uint8_t> reply = Handle(session, client, Datagram(request));
  if (session.ids[client] == 0) {
    // No connection id: dropped, and the engine checked below is unchanged.
    FUZZ_CHECK(reply.empty());
    return;
  }
  PeerKey self{};
  const absl::Span<const uint8_t> ip = Client(client).ip_bytes();
  std::copy(ip.begin(), ip.end(), self.first.begin());
  self.second = request.port;
  session.torrents[torrent].Apply(family, self, seeder, chosen.engine, session.now);
  const size_t max_peers = numwant == 0 ? kMaxResponsePeers : std::min(numwant, kMaxResponsePeers);
  const bool stopped = event == wire::AnnounceEvent::kStopped;
  if (family == 0) {
    CheckAnnounceAnswer<wire::AnnounceResponseV4>(session, reply, request.transaction_id, torrent,
                                                  family, self, seeder, stopped, max_peers);
  } else {
    CheckAnnounceAnswer<wire::AnnounceResponseV6>(session, reply, request.transaction_id, torrent,
                                                  family, self, seeder, stopped, max_peers);
  }
}

void Scrape(Session& session, size_t client, uint8_t detail) {
  wire::ScrapeRequest request;
  request.connection_id = session.ids[client];
  request.transaction_id = ++session.transaction;
  std::vector<size_t> asked;
  for (size_t torrent = 0; torrent < kTorrents; ++torrent) {
    if ((detail & 0xf) == 0 || (detail >> torrent) & 1) {
      asked.push_back(torrent);
      request.info_hashes.push_back(wire::ScrapeInfoHash{Torrent(torrent)});
    }
  }
  const std::vector<uint8_t> reply = Handle(session, client, Datagram(request));
  if (session.ids[client] == 0) {
    FUZZ_CHECK(reply.empty());
    return;
  }
  wire::ScrapeResponse response;
  FUZZ_CHECK(wire::Parse(reply, &response).ok());
  FUZZ_CHECK(response.transaction_id == request.transaction_id);
  FUZZ_CHECK(response.torrents.size() == asked.size());
  for (size_t i = 0; i < asked.size(); ++i) {
    const ModelTorrent& torrent = session.torrents[asked[i]];
    FUZZ_CHECK(response.torrents[i].seeders == torrent.Seeders(0) + torrent.Seeders(1));
    FUZZ_CHECK(response.torrents[i].leechers == torrent.Leechers(0) + torrent.Leechers(1));
    FUZZ_CHECK(response.torrents[i].completed == torrent.completed);
  }
}

// Time passes; the engine drops peers silent for kPeerAge, then torrents
// with no peer left whose last announce is as old (their completed count
// with them).
void Clean(Session& session, uint8_t seconds) {
  session.now += seconds;
  const uint32_t cutoff = session.now > kPeerAge ? session.now - kPeerAge : 0;
  session.engine.RemoveStale(cutoff);
  for (ModelTorrent& torrent : session.torrents) torrent.RemoveStale(cutoff);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto session = std::make_unique<Session>();
  // Bounded work per input: at most 512 steps.
  size = std::min<size_t>(size, 1024);
  for (size_t at = 0; at + 1 < size; at += 2) {
    const uint8_t what = data[at];
    const uint8_t detail = data[at + 1];
    const size_t client = (what >> 2) & 7;
    switch (what & 3) {
      case 0: Announce(*session, client, what, detail); break;
      case 1: Scrape(*session, client, detail); break;
      case 2: Connect(*session, client); break;
      case 3: Clean(*session, detail); break;
    }
  }
  // The engine's totals agree with the model's.
  const SwarmStats stats = session->engine.Stats();
  int64_t peers[2] = {0, 0};
  for (const ModelTorrent& torrent : session->torrents) {
    peers[0] += static_cast<int64_t>(torrent.swarms[0].size());
    peers[1] += static_cast<int64_t>(torrent.swarms[1].size());
  }
  FUZZ_CHECK(stats.peers_ipv4 == peers[0]);
  FUZZ_CHECK(stats.peers_ipv6 == peers[1]);
  return 0;
}
