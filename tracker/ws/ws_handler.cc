#include "tracker/ws/ws_handler.h"

#include <algorithm>
#include <utility>

#include "codec/runtime/latin1.h"
#include "codec/ws/ws.codec.h"
#include "codec/ws/ws_request.h"
#include "tracker/admission/key_path.h"
#include "tracker/base/clock.h"

namespace aquatic::ws {
namespace {

namespace wire = ::aquatic::codec::ws;
using swarm::PeerId;
using swarm::PendingOffer;
using swarm::WsPeerSink;
using swarm::WsSwarm;
using swarm::WsTorrent;
using swarm::TorrentCounts;
using Update = swarm::TorrentUpdate<WsTorrent>;

// Pending offers one torrent may hold: enough for every peer to have a few
// announces' worth of offers in flight; beyond that offers are not forwarded.
size_t MaxPendingOffers(const WsTorrent& torrent) {
  return 1024 + 16 * (torrent.ipv4.size() + torrent.ipv6.size());
}

swarm::PeerEvent ToPeerEvent(const std::optional<wire::AnnounceEvent>& event) {
  if (!event.has_value()) return swarm::PeerEvent::kNone;
  switch (*event) {
    case wire::AnnounceEvent::kStarted: return swarm::PeerEvent::kStarted;
    case wire::AnnounceEvent::kStopped: return swarm::PeerEvent::kStopped;
    case wire::AnnounceEvent::kCompleted: return swarm::PeerEvent::kCompleted;
    default: return swarm::PeerEvent::kNone;
  }
}

}  // namespace

void WsConnectionState::SetKeyFromTarget(absl::string_view target) {
  key = ParseTrackerKey(admission::SplitKeyedPath(target).key);
}

WsRequestHandler::WsRequestHandler(const WsProtocolSettings& settings,
                                   swarm::WsTorrentEngine* engine,
                                   const AccessListHolder* access_list,
                                   WorkerCounters<WsCounter> counters, uint64_t random_seed,
                                   admission::Admission* admission)
    : settings_(settings),
      engine_(engine),
      access_list_(access_list),
      admission_(admission, admission::Transport::kWebTorrent),
      counters_(counters),
      random_(random_seed),
      request_(std::make_unique<wire::Request>()),
      error_(std::make_unique<wire::RequestError>()) {}

WsRequestHandler::~WsRequestHandler() = default;

WsMessageOutcome WsRequestHandler::HandleMessage(absl::string_view text,
                                                 WsConnectionState& connection, uint32_t now,
                                                 std::vector<std::string>* replies) {
  if (!wire::ParseRequest(text, request_.get(), error_.get())) {
    // Only a message that does not parse can be invalid UTF-8: the scanner
    // validates every string, JSON outside strings is ASCII, and a parse
    // succeeds only at the end of the text. So valid messages, nearly all of
    // them, are read once rather than twice.
    if (!codec::IsValidUtf8(text)) return WsMessageOutcome::kInvalidUtf8;
    Count(connection, WsCounter::kMessagesReceived);
    std::string out;
    if (wire::Serialize(error_->response, &out).ok()) {
      replies->push_back(std::move(out));
      Count(connection, WsCounter::kErrorResponses);
    }
    return WsMessageOutcome::kHandled;
  }
  Count(connection, WsCounter::kMessagesReceived);
  if (request_->kind == wire::RequestKind::kScrape) {
    HandleScrape(connection, replies);
  } else {
    HandleAnnounce(connection, now, replies);
  }
  return WsMessageOutcome::kHandled;
}

void WsRequestHandler::ErrorReply(const WsConnectionState& connection, absl::string_view reason,
                                  absl::string_view action, const InfoHash* info_hash,
                                  std::vector<std::string>* replies) {
  wire::ErrorResponse response;
  response.failure_reason = std::string(reason);
  response.action = std::string(action);
  if (info_hash != nullptr) response.info_hash = *info_hash;
  std::string out;
  if (wire::Serialize(response, &out).ok()) {
    replies->push_back(std::move(out));
    Count(connection, WsCounter::kErrorResponses);
  }
}

void WsRequestHandler::HandleAnnounce(WsConnectionState& connection, uint32_t now,
                                      std::vector<std::string>* replies) {
  const wire::AnnounceRequest& request = request_->announce;
  const InfoHash& info_hash = request.info_hash;
  TrackerKey key;
  if (admission_.active()) {
    const admission::Verdict verdict = admission_.CheckAnnounce(
        connection.key.has_value() ? connection.key->view() : absl::string_view(),
        request.peer_id, UnixSeconds(), &key);
    if (!verdict.admitted()) {
      Count(connection, request.answer.has_value() ? WsCounter::kAnswerRequests
                                                   : WsCounter::kAnnounceRequests);
      ErrorReply(connection, verdict.Message(), "announce", &info_hash, replies);
      return;
    }
  }
  if (!access_list_.Current().Allows(info_hash)) {
    Count(connection, WsCounter::kAnnounceRequests);
    ErrorReply(connection, "info hash not allowed", "announce", &info_hash, replies);
    return;
  }
  if (request.answer.has_value()) {
    Count(connection, WsCounter::kAnswerRequests);
    if (!request.to_peer_id.has_value() || !request.offer_id.has_value()) {
      ErrorReply(connection, "an answer needs to_peer_id and offer_id", "announce", &info_hash,
                 replies);
      return;
    }
    HandleAnswer(connection, now);
    return;
  }
  Count(connection, WsCounter::kAnnounceRequests);

  // A connection announces one peer id per torrent; a new one replaces the old.
  if (auto it = connection.torrents.find(info_hash);
      it != connection.torrents.end() && it->second != request.peer_id) {
    const PeerId old = it->second;
    connection.torrents.erase(it);
    RemovePeer(connection, info_hash, old, now);
  }

  if (admission_.keys_required()) {
    admission_.Account(admission::TransferReport{
        key, info_hash, request.peer_id, request.uploaded.value_or(0),
        request.downloaded.value_or(0), ToPeerEvent(request.event), now});
  }

  WsSwarm::Announce announce;
  announce.key = request.peer_id;
  announce.data.sink = connection.sink;
  announce.seeder = request.left.has_value() && *request.left == 0;
  announce.event = ToPeerEvent(request.event);
  announce.now = now;
  const size_t offer_count =
      announce.event == swarm::PeerEvent::kStopped || !request.offers.has_value()
          ? 0
          : std::min<size_t>(request.offers->size(), settings_.max_offers);
  const bool ipv6 = connection.ipv6;
  const uint64_t random = random_.Next();
  deliveries_.clear();
  const std::optional<TorrentCounts> counts = engine_->Update(
      info_hash,
      [&](Update& update) -> std::optional<TorrentCounts> {
        WsTorrent& torrent = update.torrent();
        WsSwarm& swarm = torrent.swarm(ipv6);
        const auto change = swarm.Apply(announce, update.room_for_peer());
        update.Record(ipv6, change);
        if (change.refused) return std::nullopt;
        torrent.last_announce = now;
        if (offer_count > 0) {
          // A window of consecutive peers from a random start: all different.
          swarm.SelectPeers(announce.key, announce.seeder, offer_count, random,
                            [&](const WsSwarm::Peer& peer) {
                              const size_t index = deliveries_.size();
                              if (torrent.offers.size() >= MaxPendingOffers(torrent)) return;
                              torrent.offers[{announce.key, (*request.offers)[index].offer_id}] =
                                  PendingOffer{peer.key, now};
                              deliveries_.emplace_back(peer.sink, index);
                            });
        }
        return TorrentCounts{swarm.seeders(), swarm.leechers(), torrent.completed};
      },
      []() -> std::optional<TorrentCounts> { return std::nullopt; });
  if (!counts.has_value()) {
    // The peer joined no swarm: nothing of it to remove at close.
    ErrorReply(connection, swarm::kTrackerFull, "announce", &info_hash, replies);
    return;
  }
  if (announce.event == swarm::PeerEvent::kStopped) {
    connection.torrents.erase(info_hash);
  } else {
    connection.torrents[info_hash] = request.peer_id;
  }

  wire::AnnounceResponse response;
  response.info_hash = info_hash;
  response.complete = counts->seeders;
  response.incomplete = counts->leechers;
  response.interval = settings_.peer_announce_interval;
  std::string out;
  if (wire::Serialize(response, &out).ok()) {
    replies->push_back(std::move(out));
    Count(connection, WsCounter::kAnnounceResponses);
  }

  wire::OfferMessage offer;
  offer.info_hash = info_hash;
  offer.peer_id = request.peer_id;
  for (auto& [sink, index] : deliveries_) {
    const wire::Offer& source = (*request.offers)[index];
    offer.offer = source.offer;
    offer.offer_id = source.offer_id;
    std::string message;
    if (sink != nullptr && wire::Serialize(offer, &message).ok()) {
      sink->Deliver(std::move(message));
      Count(connection, WsCounter::kOffersRelayed);
    }
  }
  deliveries_.clear();
}

void WsRequestHandler::HandleAnswer(WsConnectionState& connection, uint32_t now) {
  const wire::AnnounceRequest& request = request_->announce;
  const PeerId& offerer = *request.to_peer_id;
  const bool ipv6 = connection.ipv6;
  std::shared_ptr<WsPeerSink> target =
      engine_->Update(request.info_hash, [&](Update& update) {
        WsTorrent& torrent = update.torrent();
        std::shared_ptr<WsPeerSink> sink;
        auto it = torrent.offers.find(std::make_pair(offerer, *request.offer_id));
        if (it == torrent.offers.end() || it->second.receiver != request.peer_id) return sink;
        torrent.offers.erase(it);
        if (const WsSwarm::Peer* peer = torrent.swarm(ipv6).Find(offerer)) sink = peer->sink;
        return sink;
      },
      // A torrent the engine does not hold has no offer to answer.
      [] { return std::shared_ptr<WsPeerSink>(); });
  if (target == nullptr) {
    Count(connection, WsCounter::kAnswersDropped);
    return;
  }
  wire::AnswerMessage answer;
  answer.info_hash = request.info_hash;
  answer.peer_id = request.peer_id;
  answer.answer = *request.answer;
  answer.offer_id = *request.offer_id;
  std::string message;
  if (wire::Serialize(answer, &message).ok()) {
    target->Deliver(std::move(message));
    Count(connection, WsCounter::kAnswersRelayed);
  }
}

void WsRequestHandler::HandleScrape(WsConnectionState& connection,
                                    std::vector<std::string>* replies) {
  Count(connection, WsCounter::kScrapeRequests);
  const wire::ScrapeRequest& request = request_->scrape;
  if (admission_.keys_required()) {
    const admission::Verdict verdict = admission_.CheckScrape(
        connection.key.has_value() ? connection.key->view() : absl::string_view(),
        UnixSeconds());
    if (!verdict.admitted()) {
      ErrorReply(connection, verdict.Message(), "scrape", nullptr, replies);
      return;
    }
  }
  wire::ScrapeResponse response;
  if (request.info_hash.has_value()) {
    // Config validation keeps max_scrape_torrents within the codec's limit;
    // the cap stays for handlers built without it (tests, fuzzing).
    const size_t limit =
        std::min<size_t>(settings_.max_scrape_torrents, wire::ScrapeResponse::kMaxFiles);
    const AccessList& access_list = access_list_.Current();
    for (const InfoHash& info_hash : *request.info_hash) {
      if (response.files.size() >= limit) break;
      const bool seen = std::any_of(
          response.files.begin(), response.files.end(),
          [&info_hash](const wire::ScrapeStatistics& file) { return file.info_hash == info_hash; });
      if (seen) continue;
      wire::ScrapeStatistics file;
      file.info_hash = info_hash;
      if (access_list.Allows(info_hash)) {
        const TorrentCounts counts = engine_->Scrape(info_hash);
        file.complete = counts.seeders;
        file.incomplete = counts.leechers;
        file.downloaded = static_cast<int64_t>(counts.completed);
      }
      response.files.push_back(file);
    }
  }
  std::string out;
  if (wire::Serialize(response, &out).ok()) {
    replies->push_back(std::move(out));
    Count(connection, WsCounter::kScrapeResponses);
  }
}

void WsRequestHandler::RemovePeer(WsConnectionState& connection,
                                  const InfoHash& info_hash, const PeerId& peer_id,
                                  uint32_t now) {
  const bool ipv6 = connection.ipv6;
  const WsPeerSink* own = connection.sink.get();
  engine_->Update(info_hash, [&](Update& update) {
    WsSwarm& swarm = update.torrent().swarm(ipv6);
    const WsSwarm::Peer* peer = swarm.Find(peer_id);
    // Another connection may have taken this peer id over since.
    if (peer == nullptr || peer->sink.get() != own) return;
    WsSwarm::Announce stopped;
    stopped.key = peer_id;
    stopped.event = swarm::PeerEvent::kStopped;
    stopped.now = now;
    update.Record(ipv6, swarm.Apply(stopped));
  }, [] {});
}

void WsRequestHandler::HandleClose(WsConnectionState& connection, uint32_t now) {
  for (const auto& [info_hash, peer_id] : connection.torrents) {
    RemovePeer(connection, info_hash, peer_id, now);
  }
  connection.torrents.clear();
}

}  // namespace aquatic::ws
