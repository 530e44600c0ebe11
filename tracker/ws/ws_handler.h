// WsRequestHandler: serves the WebTorrent protocol for one socket worker.
// Each client text message goes through the generated codec (ws_request) and
// the swarm engine; replies to the sender are returned, offers and answers
// for other peers go to their connections through WsPeerSink::Deliver. No
// sockets: the session code, the tests and the fuzz target drive it with
// their own connection handles.
//
// Rules (as npm bittorrent-tracker's server speaks them):
//  - announce: the peer joins/updates the swarm of its address family and gets
//    {action, info_hash, complete, incomplete, interval}; each of its offers
//    (at most max_offers) goes to a different random peer of the swarm as
//    {action, info_hash, peer_id (the sender's), offer, offer_id}.
//  - announce with answer/to_peer_id/offer_id: relayed to to_peer_id as
//    {action, info_hash, peer_id (the answerer's), answer, offer_id} when that
//    offer was forwarded to the answerer and not answered yet; no reply.
//  - scrape: {action:"scrape", files:{hash:{complete, incomplete,
//    downloaded}}}; no info_hash gives an empty `files` (no full scrape).
//  - event=completed counts once per peer, event=stopped removes the peer, a
//    closed connection removes the peers it announced (HandleClose).
//  - a bad message gets {"failure reason", action?, info_hash?}.
#ifndef AQUATIC_TRACKER_WS_WS_HANDLER_H_
#define AQUATIC_TRACKER_WS_WS_HANDLER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "tracker/admission/admission.h"
#include "tracker/base/access_list.h"
#include "tracker/base/fast_random.h"
#include "tracker/base/metrics.h"
#include "tracker/swarm/ws_torrents.h"
#include "tracker/ws/ws_metrics.h"

namespace aquatic::codec::ws {
struct Request;
struct RequestError;
}  // namespace aquatic::codec::ws

namespace aquatic::ws {

struct WsProtocolSettings {
  uint32_t max_scrape_torrents = 255;
  uint32_t max_offers = 10;
  uint32_t peer_announce_interval = 120;
};

// What the handler keeps per connection; owned by the connection and only
// touched on its socket worker thread.
struct WsConnectionState {
  std::shared_ptr<swarm::WsPeerSink> sink;
  bool ipv6 = false;
  // The torrents this connection announced in, with the peer id it used, so
  // closing it removes exactly its peers.
  absl::flat_hash_map<InfoHash, swarm::PeerId> torrents;
  // A private tracker's key, from the upgrade request's path (wss://host/KEY;
  // SetKeyFromTarget). Nullopt without one: keys are checked on every
  // announce and scrape, so a key revoked while the socket is open stops
  // working at once.
  std::optional<TrackerKey> key;

  void SetKeyFromTarget(absl::string_view target);
};

enum class WsMessageOutcome { kHandled, kInvalidUtf8 };

class WsRequestHandler {
 public:
  WsRequestHandler(const WsProtocolSettings& settings, swarm::WsTorrentEngine* engine,
                   const AccessListHolder* access_list, WorkerCounters<WsCounter> counters,
                   uint64_t random_seed, admission::Admission* admission = nullptr);
  ~WsRequestHandler();
  WsRequestHandler(const WsRequestHandler&) = delete;
  WsRequestHandler& operator=(const WsRequestHandler&) = delete;

  // Handles one whole text message from `connection`; appends the replies to
  // the sender (serialized JSON) to `replies`. `now` is SecondsSinceStart().
  // Returns kInvalidUtf8, with no reply and nothing changed, when `text` is
  // not UTF-8: RFC 6455 then has the connection failed (close code 1007).
  WsMessageOutcome HandleMessage(absl::string_view text, WsConnectionState& connection,
                                 uint32_t now, std::vector<std::string>* replies);

  // The connection is gone: removes its peers (those still routed to it).
  void HandleClose(WsConnectionState& connection, uint32_t now);

 private:
  void HandleAnnounce(WsConnectionState& connection, uint32_t now,
                      std::vector<std::string>* replies);
  void HandleAnswer(WsConnectionState& connection, uint32_t now);
  void HandleScrape(WsConnectionState& connection, std::vector<std::string>* replies);
  void RemovePeer(WsConnectionState& connection, const InfoHash& info_hash,
                  const swarm::PeerId& peer_id, uint32_t now);
  void ErrorReply(const WsConnectionState& connection, absl::string_view reason,
                  absl::string_view action, const InfoHash* info_hash,
                  std::vector<std::string>* replies);
  void Count(const WsConnectionState& connection, WsCounter counter) {
    counters_.Add(counter, IpIndex(connection.ipv6));
  }

  WsProtocolSettings settings_;
  swarm::WsTorrentEngine* engine_;
  CachedAccessList access_list_;
  admission::AdmissionCheck admission_;
  WorkerCounters<WsCounter> counters_;
  FastRandom random_;
  // Reused between messages.
  std::unique_ptr<codec::ws::Request> request_;
  std::unique_ptr<codec::ws::RequestError> error_;
  // Offers to forward after the shard lock is released: (sink, offer index).
  std::vector<std::pair<std::shared_ptr<swarm::WsPeerSink>, size_t>> deliveries_;
};

}  // namespace aquatic::ws

#endif  // AQUATIC_TRACKER_WS_WS_HANDLER_H_
