// Fuzz target: whole WebTorrent tracker sessions of several connections
// against one engine, checked against a model after every step.
//
// Input: a sequence of 3-byte steps, each something one of four connections
// does, built with the codec and handed to the WebTorrent request handler as
// a socket worker would (RecordingSink stands in for a socket):
//   byte 0: bits 0-1 the connection; bits 2-4 what it does:
//     0 announce, 1 announce with offers, 2 announce stopped, 3 answer an
//     offer it received, 4 scrape every torrent, 5 close (a new connection
//     takes the slot), 6 time passes and the engine is cleaned
//   byte 1: announce: bits 0-1 the torrent (of four), bits 2-3 the event
//     (none, started, completed, none), bit 4 left = 0 (a seeder), bit 5
//     announce with another connection's peer id (the one byte 2 names);
//     close: bit 0 the new connection is IPv6; time: the seconds that pass
//   byte 2: bits 0-1 the other connection; bits 4-7 how many offers, or
//     which received offer to answer; answer: bit 0 answer as the peer id
//     the offer went to (else as the connection's current one)
// Every input starts from an empty engine, so a crash reproduces from its
// input alone.
//
// The model holds each torrent's peers per address family, and for each
// peer the connection whose announce it was last (a peer id is a WebTorrent
// peer's identity: a connection announcing another's takes it over, as in
// bittorrent-tracker). Invariants after every step: an announce answer
// carries its family's seeder and leecher counts; every offer reaches a
// connection holding another peer of that torrent and family, each offer at
// most once, never the offerer's own, as many as were sent and the swarm
// has peers for; an answer to an offer the engine still holds for the
// answering peer reaches exactly the connection now holding the offerer,
// any other answer nobody; a closed connection's peers leave every
// swarm and its socket receives nothing more; scrapes count both families
// and the downloads completed.
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "codec/ws/ws.codec.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/swarm_model.h"
#include "tracker/ws/ws_handler.h"
#include "tracker/ws/ws_metrics.h"

namespace {

using namespace aquatic;      // NOLINT: fuzz target brevity
using namespace aquatic::ws;  // NOLINT
namespace wire = aquatic::codec::ws;

constexpr size_t kConnections = 4;
constexpr size_t kTorrents = 4;
constexpr uint32_t kMaxOffers = 3;
constexpr uint32_t kPeerAge = 100;
constexpr uint32_t kOfferAge = 30;

using PeerId = std::array<uint8_t, 20>;
using OfferId = std::array<uint8_t, 20>;

class RecordingSink : public swarm::WsPeerSink {
 public:
  void Deliver(std::string message) override { messages.push_back(std::move(message)); }
  std::vector<std::string> messages;
};

struct ModelPeer : fuzz::ModelPeerState {
  // The connection slot whose announce it was last, and that connection's
  // generation (a slot reopened is another connection).
  size_t owner = 0;
  uint32_t owner_generation = 0;
};

using ModelTorrent = fuzz::ModelTorrent<PeerId, ModelPeer>;

// An offer a connection received: what it needs to answer it.
struct ReceivedOffer {
  size_t torrent;
  PeerId offerer;
  OfferId offer_id;
  // The peer id the offer was meant for (the receiver's, when it went out).
  PeerId receiver;
};

struct Connection {
  std::shared_ptr<RecordingSink> sink;
  WsConnectionState state;
  uint32_t generation = 0;
  bool ipv6 = false;
  std::vector<ReceivedOffer> offers;
};

struct Session {
  swarm::WsTorrentEngine engine{4};
  AccessListHolder access_list{AccessListMode::kOff, "",
                               *AccessList::Parse(AccessListMode::kOff, "", "fuzz")};
  Counters<WsCounter> counters{1};
  WsRequestHandler handler{WsProtocolSettings{255, kMaxOffers, 120}, &engine, &access_list,
                           counters.ForWorker(0), 42};
  std::array<Connection, kConnections> connections;
  // Sockets of closed connections: nothing may reach them any more.
  std::vector<std::shared_ptr<RecordingSink>> closed;
  std::array<ModelTorrent, kTorrents> torrents;
  // Offers the engine relayed and holds for an answer, as it holds them:
  // (torrent, offerer, offer id) -> the peer id it went to, and when.
  struct Pending {
    PeerId receiver;
    uint32_t created;
  };
  std::map<std::tuple<size_t, PeerId, OfferId>, Pending> pending;

  // The engine forgets a torrent, its pending offers with it, once it has
  // neither peers nor a completed count (see ShardedTorrentMap::Settle).
  void ForgetEmptyTorrents() {
    for (auto it = pending.begin(); it != pending.end();) {
      const ModelTorrent& torrent = torrents[std::get<0>(it->first)];
      it = !torrent.HasPeers() && torrent.completed == 0 ? pending.erase(it) : std::next(it);
    }
  }
  uint32_t now = 1;
  uint32_t next_offer = 0;

  void Open(size_t slot, bool ipv6) {
    Connection& connection = connections[slot];
    connection.sink = std::make_shared<RecordingSink>();
    connection.state = WsConnectionState();
    connection.state.sink = connection.sink;
    connection.state.ipv6 = ipv6;
    connection.ipv6 = ipv6;
    connection.offers.clear();
    ++connection.generation;
  }
};

InfoHash Torrent(size_t index) {
  InfoHash hash{};
  hash.fill(static_cast<uint8_t>('A' + index));
  return hash;
}

// A connection's own peer id (each connection a peer id of its own).
PeerId OwnPeerId(const Session& session, size_t slot) {
  PeerId id{};
  id.fill(static_cast<uint8_t>('a' + slot));
  id[19] = static_cast<uint8_t>('0' + session.connections[slot].generation % 64);
  return id;
}

size_t FamilyOf(const Connection& connection) { return connection.ipv6 ? 1 : 0; }

bool Owns(const ModelPeer& peer, size_t slot, const Connection& connection) {
  return peer.owner == slot && peer.owner_generation == connection.generation;
}

// The handler's replies to the sender, and what every open connection
// received meanwhile (taken out of their sinks).
struct Outcome {
  std::vector<std::string> replies;
  std::array<std::vector<std::string>, kConnections> received;
};

Outcome Send(Session& session, size_t slot, const std::string& text) {
  Outcome outcome;
  Connection& connection = session.connections[slot];
  FUZZ_CHECK(session.handler.HandleMessage(text, connection.state, session.now,
                                           &outcome.replies) == WsMessageOutcome::kHandled);
  for (size_t i = 0; i < kConnections; ++i) {
    outcome.received[i] = std::move(session.connections[i].sink->messages);
    session.connections[i].sink->messages.clear();
  }
  for (const auto& sink : session.closed) FUZZ_CHECK(sink->messages.empty());
  return outcome;
}

// The model's side of an announce the handler took: the connection's earlier
// peer id in the torrent goes if it still holds it, then the announce.
void ApplyToModel(Session& session, size_t slot, size_t torrent_index, const PeerId& peer_id,
                  bool seeder, swarm::PeerEvent event, std::map<size_t, PeerId>& announced) {
  Connection& connection = session.connections[slot];
  ModelTorrent& torrent = session.torrents[torrent_index];
  std::map<PeerId, ModelPeer>& swarm = torrent.swarms[FamilyOf(connection)];
  if (auto it = announced.find(torrent_index); it != announced.end() && it->second != peer_id) {
    auto old = swarm.find(it->second);
    if (old != swarm.end() && Owns(old->second, slot, connection)) swarm.erase(old);
    announced.erase(it);
    // That may have emptied the torrent, which the engine then forgot.
    session.ForgetEmptyTorrents();
  }
  ModelPeer* peer =
      torrent.Apply(FamilyOf(connection), peer_id, seeder, event, session.now);
  if (peer == nullptr) {
    announced.erase(torrent_index);
    return;
  }
  peer->owner = slot;
  peer->owner_generation = connection.generation;
  announced[torrent_index] = peer_id;
}

// What each connection announced in each torrent, as the handler keeps it
// per connection (WsConnectionState::torrents), mirrored per slot.
struct Model {
  std::array<std::map<size_t, PeerId>, kConnections> announced;
};

void Announce(Session& session, Model& model, size_t slot, uint8_t op, uint8_t detail,
              uint8_t extra) {
  Connection& connection = session.connections[slot];
  const size_t family = FamilyOf(connection);
  const size_t torrent_index = detail & 3;
  const bool seeder = detail & 0x10;
  const PeerId peer_id = (detail & 0x20) ? OwnPeerId(session, extra & 3) : OwnPeerId(session, slot);
  static constexpr wire::AnnounceEvent kEvents[] = {
      wire::AnnounceEvent::kUpdate, wire::AnnounceEvent::kStarted,
      wire::AnnounceEvent::kCompleted, wire::AnnounceEvent::kUpdate};
  const wire::AnnounceEvent event = op == 2 ? wire::AnnounceEvent::kStopped : kEvents[(detail >> 2) & 3];
  const swarm::PeerEvent peer_event = event == wire::AnnounceEvent::kStopped ? swarm::PeerEvent::kStopped
                                      : event == wire::AnnounceEvent::kCompleted
                                          ? swarm::PeerEvent::kCompleted
                                      : event == wire::AnnounceEvent::kStarted ? swarm::PeerEvent::kStarted
                                                                               : swarm::PeerEvent::kNone;

  wire::AnnounceRequest request;
  request.info_hash = Torrent(torrent_index);
  request.peer_id = peer_id;
  request.left = seeder ? 0 : 1000;
  request.event = event;
  std::set<OfferId> sent;
  if (op == 1) {
    request.offers.emplace();
    for (size_t i = 0; i < static_cast<size_t>(extra >> 4); ++i) {
      wire::Offer offer;
      offer.offer = "{\"type\":\"offer\",\"sdp\":\"x\"}";
      offer.offer_id.fill(0);
      const uint32_t number = ++session.next_offer;
      std::copy_n(reinterpret_cast<const uint8_t*>(&number), sizeof(number),
                  offer.offer_id.begin());
      sent.insert(offer.offer_id);
      request.offers->push_back(offer);
    }
  }
  std::string text;
  FUZZ_CHECK(wire::Serialize(request, &text).ok());
  const Outcome outcome = Send(session, slot, text);

  ApplyToModel(session, slot, torrent_index, peer_id, seeder, peer_event, model.announced[slot]);
  const ModelTorrent& torrent = session.torrents[torrent_index];
  FUZZ_CHECK(outcome.replies.size() == 1);
  wire::AnnounceResponse response;
  FUZZ_CHECK(wire::Parse(outcome.replies[0], &response).ok());
  FUZZ_CHECK(response.info_hash == request.info_hash);
  FUZZ_CHECK(response.complete == torrent.Seeders(family));
  FUZZ_CHECK(response.incomplete == torrent.Leechers(family));

  // Offers: each to another peer of this torrent and family, at most once.
  std::set<OfferId> delivered;
  size_t offers = 0;
  for (size_t receiver = 0; receiver < kConnections; ++receiver) {
    const Connection& to = session.connections[receiver];
    for (const std::string& message : outcome.received[receiver]) {
      wire::OfferMessage offer;
      FUZZ_CHECK(wire::Parse(message, &offer).ok());
      FUZZ_CHECK(offer.info_hash == request.info_hash);
      FUZZ_CHECK(offer.peer_id == peer_id);
      FUZZ_CHECK(sent.count(offer.offer_id) == 1);
      FUZZ_CHECK(delivered.insert(offer.offer_id).second);
      ++offers;
      // The receiver holds a peer of this swarm (so of this family), not the
      // offerer's.
      const std::map<PeerId, ModelPeer>& swarm = torrent.swarms[family];
      const auto held = std::find_if(swarm.begin(), swarm.end(), [&](const auto& peer) {
        return peer.first != peer_id && Owns(peer.second, receiver, to);
      });
      FUZZ_CHECK(held != swarm.end());
      FUZZ_CHECK(!seeder || !held->second.seeder);
      session.pending[{torrent_index, peer_id, offer.offer_id}] = {held->first, session.now};
      session.connections[receiver].offers.push_back(
          ReceivedOffer{torrent_index, peer_id, offer.offer_id, held->first});
    }
  }
  // As many as were sent (up to max_offers) and the swarm has other peers
  // for (leechers only, for a seeder): the pending-offer cap is out of reach
  // in one input.
  if (event != wire::AnnounceEvent::kStopped) {
    const size_t others = seeder ? static_cast<size_t>(torrent.Leechers(family))
                                 : torrent.swarms[family].size() - 1;
    FUZZ_CHECK(offers == std::min({sent.size(), static_cast<size_t>(kMaxOffers), others}));
  } else {
    FUZZ_CHECK(offers == 0);
  }
  session.ForgetEmptyTorrents();
}

void Answer(Session& session, Model& model, size_t slot, uint8_t extra) {
  Connection& connection = session.connections[slot];
  if (connection.offers.empty()) return;
  const ReceivedOffer received = connection.offers[(extra >> 4) % connection.offers.size()];
  wire::AnnounceRequest request;
  request.info_hash = Torrent(received.torrent);
  // Answering as the peer the offer went to (a client's way), or as the
  // connection's peer in the torrent now (another, after a new announce).
  const auto mine = model.announced[slot].find(received.torrent);
  request.peer_id = (extra & 1) || mine == model.announced[slot].end() ? received.receiver
                                                                       : mine->second;
  request.answer = "{\"type\":\"answer\",\"sdp\":\"y\"}";
  request.to_peer_id = received.offerer;
  request.offer_id = received.offer_id;
  std::string text;
  FUZZ_CHECK(wire::Serialize(request, &text).ok());
  const Outcome outcome = Send(session, slot, text);
  FUZZ_CHECK(outcome.replies.empty());

  // The answer goes out when the engine holds the offer for the answering
  // peer (it then forgets it, delivered or not) and the offerer is still in
  // the swarm; to the connection holding the offerer, and to no other.
  std::optional<size_t> addressee;
  const auto pending =
      session.pending.find({received.torrent, received.offerer, received.offer_id});
  if (pending != session.pending.end() && pending->second.receiver == request.peer_id) {
    session.pending.erase(pending);
    const std::map<PeerId, ModelPeer>& swarm =
        session.torrents[received.torrent].swarms[FamilyOf(connection)];
    if (const auto offerer = swarm.find(received.offerer); offerer != swarm.end()) {
      addressee = offerer->second.owner;
    }
  }
  for (size_t to = 0; to < kConnections; ++to) {
    FUZZ_CHECK(outcome.received[to].size() == (addressee == to ? 1u : 0u));
    for (const std::string& message : outcome.received[to]) {
      wire::AnswerMessage answer;
      FUZZ_CHECK(wire::Parse(message, &answer).ok());
      FUZZ_CHECK(answer.info_hash == request.info_hash);
      FUZZ_CHECK(answer.peer_id == request.peer_id);
      FUZZ_CHECK(answer.offer_id == received.offer_id);
    }
  }
}

void Scrape(Session& session, size_t slot) {
  wire::ScrapeRequest request;
  request.info_hash.emplace();
  for (size_t torrent = 0; torrent < kTorrents; ++torrent) request.info_hash->push_back(Torrent(torrent));
  std::string text;
  FUZZ_CHECK(wire::Serialize(request, &text).ok());
  const Outcome outcome = Send(session, slot, text);
  FUZZ_CHECK(outcome.replies.size() == 1);
  wire::ScrapeResponse response;
  FUZZ_CHECK(wire::Parse(outcome.replies[0], &response).ok());
  for (size_t index = 0; index < kTorrents; ++index) {
    const ModelTorrent& torrent = session.torrents[index];
    const auto file = std::find_if(response.files.begin(), response.files.end(),
                                   [&](const auto& f) { return f.info_hash == Torrent(index); });
    FUZZ_CHECK(file != response.files.end());
    FUZZ_CHECK(file->complete == torrent.Seeders(0) + torrent.Seeders(1));
    FUZZ_CHECK(file->incomplete == torrent.Leechers(0) + torrent.Leechers(1));
    FUZZ_CHECK(file->downloaded == torrent.completed);
  }
}

void Close(Session& session, Model& model, size_t slot, bool ipv6) {
  Connection& connection = session.connections[slot];
  session.handler.HandleClose(connection.state, session.now);
  for (ModelTorrent& torrent : session.torrents) {
    auto& swarm = torrent.swarms[FamilyOf(connection)];
    for (auto it = swarm.begin(); it != swarm.end();) {
      it = Owns(it->second, slot, connection) ? swarm.erase(it) : std::next(it);
    }
  }
  model.announced[slot].clear();
  session.ForgetEmptyTorrents();
  session.closed.push_back(connection.sink);
  session.Open(slot, ipv6);
}

void Clean(Session& session, uint8_t seconds) {
  session.now += seconds;
  const uint32_t peer_cutoff = session.now > kPeerAge ? session.now - kPeerAge : 0;
  const uint32_t offer_cutoff = session.now > kOfferAge ? session.now - kOfferAge : 0;
  session.engine.Clean(peer_cutoff, offer_cutoff);
  for (ModelTorrent& torrent : session.torrents) torrent.RemoveStale(peer_cutoff);
  for (auto it = session.pending.begin(); it != session.pending.end();) {
    const bool expired = it->second.created < offer_cutoff ||
                         !session.torrents[std::get<0>(it->first)].HasPeers();
    it = expired ? session.pending.erase(it) : std::next(it);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto session = std::make_unique<Session>();
  Model model;
  for (size_t slot = 0; slot < kConnections; ++slot) session->Open(slot, slot >= 2);
  // Bounded work per input: at most 300 steps.
  size = std::min<size_t>(size, 900);
  for (size_t at = 0; at + 2 < size; at += 3) {
    const uint8_t what = data[at];
    const uint8_t detail = data[at + 1];
    const uint8_t extra = data[at + 2];
    const size_t slot = what & 3;
    switch ((what >> 2) & 7) {
      case 0: Announce(*session, model, slot, 0, detail, extra); break;
      case 1: Announce(*session, model, slot, 1, detail, extra); break;
      case 2: Announce(*session, model, slot, 2, detail, extra); break;
      case 3: Answer(*session, model, slot, extra); break;
      case 4: Scrape(*session, slot); break;
      case 5: Close(*session, model, slot, detail & 1); break;
      case 6: Clean(*session, detail); break;
      default: break;
    }
  }
  // Closing every connection leaves every swarm empty.
  for (size_t slot = 0; slot < kConnections; ++slot) {
    session->handler.HandleClose(session->connections[slot].state, session->now);
  }
  const SwarmStats stats = session->engine.Stats();
  FUZZ_CHECK(stats.peers_ipv4 == 0 && stats.peers_ipv6 == 0 && stats.seeders == 0);
  return 0;
}
